/**
 * Ack latency of a signed `/alliance help`: the real Alliance app against a bare Bolt app whose
 * `/alliance` listener only acks, in the same run, against the same fake Slack, with the same
 * signing secret, the same request bodies and the same keep-alive client.
 *
 * The client (signed-client.ts) runs in a child process by default, so the apps' event loop only
 * does the apps' work. Rounds alternate between the two apps (A B B A A B …) and samples are
 * pooled per app, so drift and machine noise land on both. Each request is timed from the moment it
 * is written to the moment its response has been read to the end; percentiles are nearest-rank.
 * A run in which any request failed (transport error, non-200, or an answer that is not the help
 * message / not an empty ack) is reported as invalid: timing error responses measures nothing.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { App, LogLevel } from '@slack/bolt';
import type { LogLevelName } from '../../src/config.js';
import { bootAlliance, type Harness } from '../support/boot.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { forkSignedClient } from './ack-latency-client-process.js';
import { createSignedClient, type ResponseCheck, type RoundResult, type SignedClient } from './signed-client.js';

export const P99_RATIO_TARGET = 1.25;

export interface AckLatencyOptions {
  /** Measured requests per app. Default 2,000. */
  requests?: number;
  /** Requests in flight at once. Default 50. */
  concurrency?: number;
  /** Unmeasured warm-up requests per app, sent (interleaved) before measuring. Default 500. */
  warmup?: number;
  /** Measured rounds per app; the apps alternate round by round. Default 8. */
  rounds?: number;
  /** Where the load generator runs: a child process (default) or this process's event loop. */
  client?: 'process' | 'inline';
  /** Alliance's log level during the run (lines go to memory, not the terminal). Default 'error'. */
  allianceLogLevel?: LogLevelName;
}

export interface LatencyStats {
  /** Measured requests sent. */
  requests: number;
  non200: number;
  /** 200 answers with the wrong body (Alliance: not the help message; bare: not an empty ack). */
  badBody: number;
  transportErrors: number;
  /** non200 + badBody + transportErrors. */
  failures: number;
  firstProblem: string | undefined;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

export interface AckLatencyResult {
  requests: number;
  concurrency: number;
  warmup: number;
  rounds: number;
  client: 'process' | 'inline';
  allianceLogLevel: LogLevelName;
  alliance: LatencyStats;
  bare: LatencyStats;
  /** alliance p99 ÷ bare p99. */
  p99Ratio: number;
  p95Ratio: number;
  p50Ratio: number;
  /** Failures during warm-up (not in the stats above, but a sign something is off). */
  warmupFailures: number;
  /** Lines Alliance's logger emitted while measuring (at `allianceLogLevel`). */
  allianceLogLines: number;
  target: { p99RatioAtMost: number; met: boolean; valid: boolean };
  durationMs: number;
}

const USER = { id: 'UBENCH01', name: 'bench.user' };
const CHANNEL = { id: 'CBENCH01', name: 'bench-team' };
const PATH = '/slack/events';

/** What Alliance's `/alliance help` answer must contain (Bolt sends the ack body as JSON). */
const HELP_CHECK: ResponseCheck = { kind: 'contains', texts: ['"response_type":"ephemeral"', '`/alliance help`', '`/alliance start [name]`'] };
/** The bare app acks with no body. */
const EMPTY_CHECK: ResponseCheck = { kind: 'empty' };

interface Target {
  name: 'alliance' | 'bare';
  port: number;
  check: ResponseCheck;
  settle: () => Promise<void>;
  latencies: number[];
  non200: number;
  badBody: number;
  transportErrors: number;
  firstProblem: string | undefined;
}

/** A slash-command body with every field Slack sends, and a fresh trigger_id and response_url. */
function helpCommandBody(fake: FakeSlack): string {
  return new URLSearchParams({
    token: 'fake-verification-token',
    team_id: fake.teamId,
    team_domain: fake.teamDomain,
    channel_id: CHANNEL.id,
    channel_name: CHANNEL.name,
    user_id: USER.id,
    user_name: USER.name,
    command: '/alliance',
    text: 'help',
    api_app_id: fake.appId,
    is_enterprise_install: 'false',
    response_url: fake.responseUrl({ channel: CHANNEL.id, userId: USER.id }),
    trigger_id: fake.mintTriggerId(USER.id),
  }).toString();
}

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

function stats(target: Target): LatencyStats {
  const sorted = [...target.latencies].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    requests: sorted.length,
    non200: target.non200,
    badBody: target.badBody,
    transportErrors: target.transportErrors,
    failures: target.non200 + target.badBody + target.transportErrors,
    firstProblem: target.firstProblem,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    minMs: sorted[0] ?? Number.NaN,
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

/**
 * A full garbage collection, run between rounds: both apps share this process's heap, so without it
 * one app's garbage would be collected during the other's round and bill it for the pause.
 */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc !== 'function') throw new Error('ack-latency: could not get a gc() function');
  return () => {
    gc();
  };
}

/** Splits `total` into `parts` sizes that differ by at most one. */
function split(total: number, parts: number): number[] {
  const n = Math.max(1, Math.min(parts, total));
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}

export async function benchAckLatency(options: AckLatencyOptions = {}): Promise<AckLatencyResult> {
  const requests = options.requests ?? 2000;
  const concurrency = options.concurrency ?? 50;
  const warmup = options.warmup ?? 500;
  const rounds = options.rounds ?? 8;
  const clientKind = options.client ?? 'process';
  const allianceLogLevel = options.allianceLogLevel ?? 'error';
  if (!Number.isInteger(requests) || requests < 1) throw new Error(`requests must be a positive integer, got ${requests}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`warmup must be a non-negative integer, got ${warmup}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be a positive integer, got ${rounds}`);
  const began = performance.now();

  let harness: Harness | undefined;
  let bare: App | undefined;
  let client: SignedClient | undefined;
  try {
    harness = await bootAlliance({
      logLevel: allianceLogLevel,
      arrange: (fake) => {
        fake.addUser({ id: USER.id, name: USER.name });
        fake.addChannel({ id: CHANNEL.id, name: CHANNEL.name, members: [USER.id], botIsMember: true });
      },
    });
    const h = harness;
    const fake = h.fake;

    // The baseline: what Bolt costs on its own, same fake Slack, same secret, same token. Alliance
    // turns Bolt's conversation store off (it would otherwise look up, and fail to find, state for
    // every request); the baseline does too, so that per-request cost does not pad the baseline.
    bare = new App({
      token: fake.botToken,
      signingSecret: h.signingSecret,
      clientOptions: { slackApiUrl: fake.apiUrl },
      logLevel: LogLevel.ERROR,
      convoStore: false,
    });
    bare.command('/alliance', async ({ ack }) => {
      await ack();
    });
    const bareServer = await bare.start(0);
    const barePort = (bareServer.address() as AddressInfo).port;

    client = clientKind === 'process' ? await forkSignedClient(h.signingSecret) : createSignedClient(h.signingSecret);
    const c = client;

    const alliance: Target = {
      name: 'alliance', port: h.app.port, check: HELP_CHECK, settle: () => h.app.idle(),
      latencies: [], non200: 0, badBody: 0, transportErrors: 0, firstProblem: undefined,
    };
    const baseline: Target = {
      name: 'bare', port: barePort, check: EMPTY_CHECK, settle: async () => {},
      latencies: [], non200: 0, badBody: 0, transportErrors: 0, firstProblem: undefined,
    };

    const collectGarbage = garbageCollector();
    // Bodies are built (trigger ids and response urls minted) and the heap is emptied before anything
    // is timed.
    const round = async (target: Target, size: number): Promise<RoundResult> => {
      const bodies = Array.from({ length: size }, () => helpCommandBody(fake));
      collectGarbage();
      const result = await c.runRound({ port: target.port, path: PATH, bodies, concurrency, check: target.check });
      await target.settle();
      return result;
    };
    const failuresOf = (r: RoundResult) => r.non200 + r.badBody + r.transportErrors;

    // One request each first: if either app does not answer correctly there is nothing to measure.
    for (const target of [alliance, baseline]) {
      const probe = await round(target, 1);
      if (failuresOf(probe) > 0) {
        throw new Error(`ack-latency: the ${target.name} app did not answer a signed /alliance help correctly: ${probe.firstProblem ?? 'unknown problem'}`);
      }
    }

    let warmupFailures = 0;
    for (const [i, size] of split(warmup, 2).entries()) {
      if (size === 0) continue;
      for (const target of i % 2 === 0 ? [alliance, baseline] : [baseline, alliance]) {
        warmupFailures += failuresOf(await round(target, size));
      }
    }

    const logLinesBefore = h.logs.length;
    for (const [i, size] of split(requests, rounds).entries()) {
      // A B, B A, A B, …: neither app always goes first.
      for (const target of i % 2 === 0 ? [alliance, baseline] : [baseline, alliance]) {
        const result = await round(target, size);
        for (const ms of result.latenciesMs) target.latencies.push(ms);
        target.non200 += result.non200;
        target.badBody += result.badBody;
        target.transportErrors += result.transportErrors;
        target.firstProblem ??= result.firstProblem;
      }
    }
    const allianceLogLines = h.logs.length - logLinesBefore;

    const a = stats(alliance);
    const b = stats(baseline);
    const p99Ratio = a.p99Ms / b.p99Ms;
    const valid = a.failures === 0 && b.failures === 0;
    return {
      requests,
      concurrency,
      warmup,
      rounds: split(requests, rounds).length,
      client: clientKind,
      allianceLogLevel,
      alliance: a,
      bare: b,
      p99Ratio,
      p95Ratio: a.p95Ms / b.p95Ms,
      p50Ratio: a.p50Ms / b.p50Ms,
      warmupFailures,
      allianceLogLines,
      target: { p99RatioAtMost: P99_RATIO_TARGET, met: valid && p99Ratio <= P99_RATIO_TARGET, valid },
      durationMs: performance.now() - began,
    };
  } finally {
    await client?.close();
    await bare?.stop();
    await harness?.close();
  }
}

const ms = (v: number) => `${v.toFixed(2)} ms`.padStart(10);

/** The human-readable report for one result. */
export function formatAckLatency(r: AckLatencyResult): string {
  const row = (label: string, s: LatencyStats) =>
    `  ${label.padEnd(10)}${ms(s.p50Ms)}${ms(s.p95Ms)}${ms(s.p99Ms)}${ms(s.meanMs)}${ms(s.maxMs)}` +
    `${String(s.requests).padStart(9)}${String(s.non200).padStart(9)}${String(s.badBody).padStart(10)}${String(s.transportErrors).padStart(8)}`;
  const lines = [
    `signed \`/alliance help\`, concurrency ${r.concurrency}, ${r.requests} measured requests per app in ${r.rounds} alternating rounds` +
      ` (+${r.warmup} warm-up each); client in ${r.client === 'process' ? 'a child process' : 'this process'}; Alliance log level ${r.allianceLogLevel}`,
    `  ${''.padEnd(10)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'mean'.padStart(10)}${'max'.padStart(10)}` +
      `${'requests'.padStart(9)}${'non-200'.padStart(9)}${'bad body'.padStart(10)}${'errors'.padStart(8)}`,
    row('alliance', r.alliance),
    row('bare bolt', r.bare),
    `  ratio (alliance ÷ bare): p50 ${r.p50Ratio.toFixed(2)}, p95 ${r.p95Ratio.toFixed(2)}, p99 ${r.p99Ratio.toFixed(2)}`,
  ];
  for (const [label, s] of [['alliance', r.alliance], ['bare bolt', r.bare]] as const) {
    if (s.firstProblem !== undefined) lines.push(`  ${label}: first failure: ${s.firstProblem}`);
  }
  if (r.warmupFailures > 0) lines.push(`  warning: ${r.warmupFailures} request(s) failed during warm-up`);
  if (r.allianceLogLines > 0) lines.push(`  note: Alliance logged ${r.allianceLogLines} line(s) while measuring`);
  const verdict = !r.target.valid
    ? 'TARGET MISSED (run invalid: some requests failed, see above)'
    : r.target.met
      ? 'target met'
      : 'TARGET MISSED';
  lines.push(`  target: p99 ratio ≤ ${r.target.p99RatioAtMost.toFixed(2)} → ${r.p99Ratio.toFixed(2)}: ${verdict}`);
  lines.push(`  took ${(r.durationMs / 1000).toFixed(1)} s (boot, warm-up, measurement)`);
  return lines.join('\n');
}
