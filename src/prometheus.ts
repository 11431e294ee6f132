import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { JOB_KINDS } from './domain/job.js';
import {
  DELIVERY_OUTCOMES,
  JOB_OUTCOMES,
  type Metrics,
  REQUEST_KINDS,
  REQUEST_OUTCOMES,
  type RequestKind,
  type RequestOutcome,
} from './metrics.js';

export interface PrometheusMetrics {
  metrics: Metrics;
  /** What GET /metrics serves. One per running app: nothing is registered globally. */
  registry: Registry;
}

const KNOWN_JOB_KINDS: readonly string[] = Object.values(JOB_KINDS);

/**
 * Alliance's metrics in a registry of their own, with the Node.js process metrics (memory, CPU,
 * event loop lag, garbage collection) beside them. Every series a label can take is there from
 * the start, at zero, so a dashboard shows "none yet" rather than "no data".
 */
export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  // Every request adds to these two; see RequestTally for why they are handed over in batches.
  const tally = new RequestTally();
  const requests = new Counter({
    name: 'alliance_requests_total',
    help: 'Requests from Slack handled, by kind (command, action, view, event) and outcome (ok, refused, failed).',
    labelNames: ['kind', 'outcome'] as const,
    registers,
    collect: () => tally.handOver(),
  });
  const ack = new Histogram({
    name: 'alliance_ack_seconds',
    help: "Seconds from a request reaching Alliance's listener to its acknowledgement (Slack allows 3).",
    labelNames: ['kind'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
    registers,
    collect: () => tally.handOver(),
  });
  tally.connect(requests, ack);
  const deliveries = new Counter({
    name: 'alliance_deliveries_total',
    help: 'Direct messages the outbox tried to send, by outcome (sent, retried, unreachable, failed, cancelled).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: 'alliance_slack_rate_limited_total',
    help: 'Slack Web API answers 429 waited out (the call was retried after Retry-After).',
    registers,
  });
  const jobs = new Counter({
    name: 'alliance_jobs_total',
    help: 'Scheduled jobs run, by kind and outcome (done, retry, failed).',
    labelNames: ['kind', 'outcome'] as const,
    registers,
  });
  const jobLag = new Histogram({
    name: 'alliance_job_lag_seconds',
    help: 'Seconds between a job falling due and starting to run.',
    labelNames: ['kind'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 900, 3600, 21600],
    registers,
  });
  const pulsesOpened = new Counter({
    name: 'alliance_pulses_opened_total',
    help: 'Pulses opened (invitations queued).',
    registers,
  });
  const pulsesClosed = new Counter({
    name: 'alliance_pulses_closed_total',
    help: 'Pulses closed (figures frozen).',
    registers,
  });

  for (const kind of REQUEST_KINDS) {
    ack.zero({ kind });
    for (const outcome of REQUEST_OUTCOMES) requests.inc({ kind, outcome }, 0);
  }
  for (const outcome of DELIVERY_OUTCOMES) deliveries.inc({ outcome }, 0);
  for (const kind of KNOWN_JOB_KINDS) {
    jobLag.zero({ kind });
    for (const outcome of JOB_OUTCOMES) jobs.inc({ kind, outcome }, 0);
  }

  // A job kind is a constant of ours, but the value comes from a database row: keep labels bounded.
  const jobKind = (kind: string) => (KNOWN_JOB_KINDS.includes(kind) ? kind : 'other');
  const metrics: Metrics = {
    request: (kind, outcome) => tally.request(kind, outcome),
    acked: (kind, seconds) => tally.acked(kind, seconds),
    delivery: (outcome) => deliveries.inc({ outcome }),
    rateLimited: () => rateLimited.inc(),
    job(kind, outcome, lagSeconds) {
      jobs.inc({ kind: jobKind(kind), outcome });
      jobLag.observe({ kind: jobKind(kind) }, Math.max(0, lagSeconds));
    },
    pulseOpened: () => pulsesOpened.inc(),
    pulseClosed: () => pulsesClosed.inc(),
  };
  return { metrics, registry };
}

/** Acks held before they are handed to prom-client. */
const ACKS_HELD = 256;

/**
 * Counts requests and holds ack times in plain arrays, and hands them to prom-client in batches: at
 * every scrape (before the figures are read) and soon after ACKS_HELD acks are waiting. prom-client
 * validates and hashes the labels on every call; on the request path that cost 3–4% of the CPU
 * of Alliance's cheapest answer under load (measured by the ack-latency benchmark), in a batch
 * much less. What a scrape serves is exactly what one call per request would have given.
 */
class RequestTally {
  private readonly counts = new Map<RequestKind, Map<RequestOutcome, number>>(
    REQUEST_KINDS.map((kind) => [kind, new Map(REQUEST_OUTCOMES.map((outcome) => [outcome, 0]))]),
  );
  private readonly held = new Map<RequestKind, number[]>(REQUEST_KINDS.map((kind) => [kind, []]));
  private heldCount = 0;
  private handOverQueued = false;
  private target: { requests: Counter<'kind' | 'outcome'>; ack: Histogram<'kind'> } | undefined;

  connect(requests: Counter<'kind' | 'outcome'>, ack: Histogram<'kind'>): void {
    this.target = { requests, ack };
  }

  request(kind: RequestKind, outcome: RequestOutcome): void {
    const byOutcome = this.counts.get(kind);
    byOutcome?.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
  }

  acked(kind: RequestKind, seconds: number): void {
    this.held.get(kind)?.push(seconds);
    this.heldCount += 1;
    // After this turn of the event loop, so that the ack being sent does not wait for the batch.
    if (this.heldCount >= ACKS_HELD && !this.handOverQueued) {
      this.handOverQueued = true;
      setImmediate(() => {
        this.handOverQueued = false;
        this.handOver();
      });
    }
  }

  handOver(): void {
    const target = this.target;
    if (!target) return;
    for (const [kind, byOutcome] of this.counts) {
      for (const [outcome, count] of byOutcome) {
        if (count === 0) continue;
        target.requests.inc({ kind, outcome }, count);
        byOutcome.set(outcome, 0);
      }
    }
    for (const [kind, times] of this.held) {
      if (times.length === 0) continue;
      const observe = target.ack.labels({ kind }).observe;
      for (const seconds of times) observe(seconds);
      times.length = 0;
    }
    this.heldCount = 0;
  }
}
