import { Counter } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { createPrometheusMetrics } from '../src/prometheus.js';
import { parsePrometheusText, sampleValue } from './support/prometheus-text.js';

const scrape = async (registry: ReturnType<typeof createPrometheusMetrics>['registry']) =>
  parsePrometheusText(await registry.metrics());

describe('request figures handed to prom-client in batches', () => {
  it('serves exactly one count and one ack time per request, across a batch handed over mid-stream and a scrape', async () => {
    // prom-client's counters count through this method (their `inc` is bound to it when built).
    const prototype = Counter.prototype as unknown as { incWithoutExemplar: (...args: unknown[]) => unknown };
    const handed = vi.spyOn(prototype, 'incWithoutExemplar');
    const { metrics, registry } = createPrometheusMetrics();
    handed.mockClear();
    // 300 commands: more than one batch (256), so one hand-over happens before the scrape.
    for (let i = 0; i < 300; i++) {
      metrics.acked('command', i < 100 ? 0.0005 : 0.2);
      metrics.request('command', i % 3 === 0 ? 'refused' : 'ok');
      if (i === 270) {
        expect(handed).not.toHaveBeenCalled();
        await new Promise((resolve) => setImmediate(resolve));
        // The first batch went to prom-client without waiting for a scrape.
        expect(handed).toHaveBeenCalled();
      }
    }
    metrics.acked('view', 0.004);
    metrics.request('view', 'failed');

    const first = await scrape(registry);
    expect(sampleValue(first, 'alliance_requests_total', { kind: 'command', outcome: 'refused' })).toBe(100);
    expect(sampleValue(first, 'alliance_requests_total', { kind: 'command', outcome: 'ok' })).toBe(200);
    expect(sampleValue(first, 'alliance_requests_total', { kind: 'view', outcome: 'failed' })).toBe(1);
    expect(sampleValue(first, 'alliance_ack_seconds_count', { kind: 'command' })).toBe(300);
    expect(sampleValue(first, 'alliance_ack_seconds_bucket', { kind: 'command', le: '0.001' })).toBe(100);
    expect(sampleValue(first, 'alliance_ack_seconds_bucket', { kind: 'command', le: '0.25' })).toBe(300);
    expect(sampleValue(first, 'alliance_ack_seconds_sum', { kind: 'command' })).toBeCloseTo(100 * 0.0005 + 200 * 0.2);
    expect(sampleValue(first, 'alliance_ack_seconds_count', { kind: 'view' })).toBe(1);

    // A second scrape adds nothing twice, and what came in between is counted once.
    metrics.acked('command', 0.01);
    metrics.request('command', 'ok');
    const second = await scrape(registry);
    expect(sampleValue(second, 'alliance_requests_total', { kind: 'command', outcome: 'ok' })).toBe(201);
    expect(sampleValue(second, 'alliance_requests_total', { kind: 'command', outcome: 'refused' })).toBe(100);
    expect(sampleValue(second, 'alliance_ack_seconds_count', { kind: 'command' })).toBe(301);
    expect(sampleValue(second, 'alliance_ack_seconds_count', { kind: 'view' })).toBe(1);
    expect(sampleValue(second, 'alliance_ack_seconds_count', { kind: 'action' })).toBe(0);
  });
});
