/**
 * Pulse fan-out: many alliances whose first pulse is due at the same instant, sent through the real
 * path (`tick` → `runDue` → `pulse.open` → outbox drain → Bolt's WebClient) to the fake Slack, which
 * enforces a workspace-wide rate limit across all methods (fixed one-second windows, 429 with
 * Retry-After beyond it).
 *
 * - Setup is not timed: users and channels in the fake; the workspace, alliances (valid settings,
 *   members, an agreement version everyone consented to, active) written through the store's
 *   repositories; the first pulse scheduled by the pulse service's own `ensureScheduled`, so the
 *   `pulse.open` jobs are exactly those the app would have.
 * - One `tick(at)` is timed, from its start until it resolves (the outbox drain has sent everything
 *   due). Rows it leaves for later (a send that failed for a passing reason waits 30 s) are
 *   reported and then sent by catch-up ticks a minute apart, as the minute cron would, so "lost"
 *   means lost for good, not merely late.
 * - The floor is what the rate limit allows at best, defined as deliveries ÷ limit;
 *   at first contact each delivery is still one call (chat.postMessage to the person's user id,
 *   answered with the DM's id); the floor by API calls made is printed too. Both ratios are printed; the
 *   target is about the first.
 * - Lost: a member without an invitation DM (the check-in button) for the pulse; duplicates: a
 *   member with more than one. Each member belongs to exactly one alliance, so a member's invitation
 *   DMs are those of their alliance's pulse.
 */

import { performance } from 'node:perf_hooks';
import { fixedClock } from '../../src/clock.js';
import { composeCore } from '../../src/core.js';
import type { DeliveryState } from '../../src/domain/delivery.js';
import { DELIVERY_KINDS } from '../../src/domain/delivery.js';
import { JOB_KINDS } from '../../src/domain/job.js';
import { createLogger } from '../../src/logger.js';
import { createAnswerSealer } from '../../src/services/answer-sealer.js';
import { FakeSlack } from '../../src/simulator/fake-slack.js';
import { createSlackClient, singleWorkspaceClients, webClientOptions } from '../../src/slack/clients.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { hasAction } from '../support/flows.js';
import { migratedStore, tempDir } from '../support/temp-db.js';
import { seedAgreedAlliance, weeklySettings } from './seed.js';
import { formatSpread, type Spread, spreadOf } from './spread.js';

export const RATIO_TARGET = 1.15;

export interface FanoutOptions {
  /** Default 200. */
  alliances?: number;
  /** Distinct members per alliance. Default 10. */
  members?: number;
  /** The fake's workspace-wide limit, calls per second across all methods. Default 100. */
  limitPerSecond?: number;
  /**
   * True: nobody has had a DM from Alliance yet, so every delivery is addressed to the person's user id
   * (still one call: Slack answers with the DM's id, which is remembered).
   * False (default): members already got their design invitations, as in the real flow, so their
   * DM channels are known and each delivery is one call.
   */
  firstContact?: boolean;
}

export interface FanoutResult {
  firstContact: boolean;
  alliances: number;
  membersPerAlliance: number;
  limitPerSecond: number;
  /** Invitations expected: alliances × members. */
  deliveries: number;
  setupMs: number;
  /** The timed tick, start to resolve. */
  tickMs: number;
  /** Wall time from the tick's start to its first API call (opening 200 pulses in SQLite). */
  firstCallAfterMs: number;
  /** Wall time from the tick's start to the last answered (non-429) API call. */
  lastCallAfterMs: number;
  pulseOpenJobs: { done: number; other: number };
  /** Delivery rows by state right after the timed tick. */
  statesAfterTick: Partial<Record<DeliveryState, number>>;
  /** Every row was `sent` when the timed tick resolved. */
  completeInTick: boolean;
  /** Extra ticks (a minute apart, as the cron) it took until nothing was left to send. */
  catchUpTicks: number;
  statesAtEnd: Partial<Record<DeliveryState, number>>;
  /** Answered calls (non-429) during the timed tick, by method. */
  callsByMethod: Record<string, number>;
  answeredCalls: number;
  /** answeredCalls ÷ deliveries: with the limit counting every call, the best ratio by deliveries this allows. */
  callsPerDelivery: number;
  /** 429s the fake sent during the timed tick. */
  rateLimited: number;
  /** One-second rate-limit windows that saw answered calls during the timed tick, and the fewest possible. */
  windowsUsed: number;
  windowsMinimum: number;
  /** Gaps of STALL_MS or more between consecutive answered calls (waiting out 429s): how many, how long in all. */
  stalls: { count: number; totalMs: number };
  /** deliveries ÷ limit: the floor the target is measured against. */
  floorDeliveriesMs: number;
  /** answered calls ÷ limit: the floor for the calls this app makes. */
  floorCallsMs: number;
  /** tickMs ÷ floorDeliveriesMs: the figure the target is about. */
  ratio: number;
  /** tickMs ÷ floorCallsMs. */
  callsRatio: number;
  /** Members without an invitation DM at the end (after catch-up). */
  lost: number;
  /** Members with more than one invitation DM for the pulse. */
  duplicates: number;
  /** Warnings and errors the app logged during the timed tick, and the first of them. */
  warnings: number;
  firstWarning: string | undefined;
  target: { ratioAtMost: number; met: boolean };
  durationMs: number;
}

// Monday 2026-01-05 08:00Z the alliances are set up; their weekly pulse is Thursdays 10:00 in
// Berlin, so the first one is due at 2026-01-08T09:00Z.
const SETUP_AT = new Date('2026-01-05T08:00:00Z');
const PULSE_AT = new Date('2026-01-08T09:00:00Z');
const MAX_CATCH_UP_TICKS = 10;
// Unthrottled, the fake answers a call every millisecond or so; a gap this long is waiting, not work.
const STALL_MS = 100;

const userId = (alliance: number, member: number) =>
  `UB${String(alliance).padStart(4, '0')}M${String(member).padStart(3, '0')}`;

export async function benchFanout(options: FanoutOptions = {}): Promise<FanoutResult> {
  const began = performance.now();
  const allianceCount = options.alliances ?? 200;
  const memberCount = options.members ?? 10;
  const limit = options.limitPerSecond ?? 100;
  const deliveries = allianceCount * memberCount;

  const fake = await FakeSlack.start({ workspaceRateLimitPerSecond: limit });
  const dir = tempDir('alliance-bench-fanout-');
  const { db, store } = migratedStore(dir.file('alliance.db'), SETUP_AT);
  try {
    // ---- setup (not timed) -------------------------------------------------------------------
    const setupStarted = performance.now();
    const logs: { line: string; isError: boolean }[] = [];
    const logger = createLogger('info', 'alliance', (line, isError) => logs.push({ line, isError }));
    const client = createSlackClient(
      fake.botToken,
      webClientOptions({ slackApiUrl: fake.apiUrl, logger: logger.child('slack') }),
    );
    const clock = fixedClock(SETUP_AT);
    const core = composeCore({
      store,
      clock,
      logger,
      clients: singleWorkspaceClients(fake.teamId, client),
      sealer: createAnswerSealer('fanout-bench-sealing-secret'),
    });

    const settings = weeklySettings(SETUP_AT);
    const allianceIds: string[] = [];
    store.workspaces.register({
      teamId: fake.teamId,
      teamName: fake.teamName,
      botUserId: fake.botUserId,
      now: SETUP_AT,
    });
    store.transaction(() => {
      for (let a = 0; a < allianceCount; a += 1) {
        const id = `al_bench_${String(a).padStart(4, '0')}`;
        const channelId = `CB${String(a).padStart(6, '0')}`;
        const members = Array.from({ length: memberCount }, (_, m) => userId(a, m));
        for (const member of members) fake.addUser({ id: member, name: member.toLowerCase(), tz: 'Europe/Berlin' });
        fake.addChannel({ id: channelId, name: `team-${a}`, members, botIsMember: true });
        // Designed, compiled and agreed to by everyone, as the design and consent services leave it.
        seedAgreedAlliance(store, {
          id,
          teamId: fake.teamId,
          channelId,
          name: `Team ${a}`,
          members,
          settings,
          at: SETUP_AT,
        });
        // The design invitations opened each member's DM and Alliance remembered it.
        if (!options.firstContact)
          for (const member of members)
            store.dmChannels.remember(fake.teamId, member, fake.dmChannelId(member), SETUP_AT);
        const alliance = store.alliances.get(id);
        if (!alliance) throw new Error(`alliance ${id} was not stored`);
        core.services.pulseSchedule.ensureScheduled(alliance.id, SETUP_AT);
        allianceIds.push(id);
      }
    });
    for (const id of allianceIds) {
      const due = store.jobs.nextPending(id, JOB_KINDS.pulseOpen)?.runAt.getTime();
      if (due !== PULSE_AT.getTime())
        throw new Error(
          `alliance ${id}: first pulse due at ${due === undefined ? 'never' : new Date(due).toISOString()}, expected ${PULSE_AT.toISOString()}`,
        );
    }
    const setupMs = performance.now() - setupStarted;

    // ---- the timed tick ----------------------------------------------------------------------
    fake.clearCalls();
    const rateLimitedBefore = fake.rateLimitedCount;
    const logsBefore = logs.length;
    clock.set(PULSE_AT);
    const wallStart = Date.now();
    const started = performance.now();
    const report = await core.tick(PULSE_AT);
    const tickMs = performance.now() - started;
    const rateLimited = fake.rateLimitedCount - rateLimitedBefore;
    const tickLogs = logs.slice(logsBefore).filter((l) => l.isError);
    const tickCalls = fake.calls();

    const pulseIds = allianceIds.map((id) => {
      const pulse = store.pulses.openPulse(id);
      if (!pulse) throw new Error(`alliance ${id}: no pulse opened`);
      return pulse.id;
    });
    const countStates = () => {
      const states: Partial<Record<DeliveryState, number>> = {};
      for (const pulseId of pulseIds) {
        for (const row of store.deliveries.forSubject(DELIVERY_KINDS.pulseInvite, pulseId))
          states[row.state] = (states[row.state] ?? 0) + 1;
      }
      return states;
    };
    const statesAfterTick = countStates();
    const completeInTick = statesAfterTick.sent === deliveries;

    // ---- catch-up (not timed): what later minute ticks would still send -------------------------
    let catchUpTicks = 0;
    for (
      let states = statesAfterTick;
      (states.pending ?? 0) + (states.sending ?? 0) > 0 && catchUpTicks < MAX_CATCH_UP_TICKS;
      states = countStates()
    ) {
      catchUpTicks += 1;
      const at = new Date(PULSE_AT.getTime() + catchUpTicks * 60_000);
      clock.set(at);
      await core.tick(at);
    }
    const statesAtEnd = countStates();

    // ---- figures -----------------------------------------------------------------------------
    const answered = tickCalls.filter((c) => c.status !== 429);
    const callsByMethod: Record<string, number> = {};
    for (const call of answered) callsByMethod[call.method] = (callsByMethod[call.method] ?? 0) + 1;
    const windows = new Set(answered.map((c) => Math.floor(c.at / 1000)));
    const firstAt = answered[0]?.at;
    const lastAt = answered.at(-1)?.at;
    const stalls = { count: 0, totalMs: 0 };
    for (let i = 1; i < answered.length; i += 1) {
      const gap = (answered[i]?.at ?? 0) - (answered[i - 1]?.at ?? 0);
      if (gap >= STALL_MS) {
        stalls.count += 1;
        stalls.totalMs += gap;
      }
    }

    let lost = 0;
    let duplicates = 0;
    for (let a = 0; a < allianceCount; a += 1) {
      for (let m = 0; m < memberCount; m += 1) {
        const invitations = fake.messages(userId(a, m)).filter((msg) => hasAction(msg, ACTIONS.checkIn)).length;
        if (invitations === 0) lost += 1;
        if (invitations > 1) duplicates += 1;
      }
    }

    const floorDeliveriesMs = (deliveries / limit) * 1000;
    const floorCallsMs = (answered.length / limit) * 1000;
    const ratio = tickMs / floorDeliveriesMs;
    return {
      firstContact: options.firstContact ?? false,
      alliances: allianceCount,
      membersPerAlliance: memberCount,
      limitPerSecond: limit,
      deliveries,
      setupMs,
      tickMs,
      firstCallAfterMs: firstAt === undefined ? Number.NaN : firstAt - wallStart,
      lastCallAfterMs: lastAt === undefined ? Number.NaN : lastAt - wallStart,
      pulseOpenJobs: {
        done: report.ran.filter((r) => r.kind === JOB_KINDS.pulseOpen && r.outcome === 'done').length,
        other: report.ran.filter((r) => r.kind !== JOB_KINDS.pulseOpen || r.outcome !== 'done').length,
      },
      statesAfterTick,
      completeInTick,
      catchUpTicks,
      statesAtEnd,
      callsByMethod,
      answeredCalls: answered.length,
      callsPerDelivery: answered.length / deliveries,
      rateLimited,
      windowsUsed: windows.size,
      windowsMinimum: Math.ceil(answered.length / limit),
      stalls,
      floorDeliveriesMs,
      floorCallsMs,
      ratio,
      callsRatio: tickMs / floorCallsMs,
      lost,
      duplicates,
      warnings: tickLogs.length,
      firstWarning: tickLogs[0]?.line,
      target: {
        ratioAtMost: RATIO_TARGET,
        met: completeInTick && lost === 0 && duplicates === 0 && ratio <= RATIO_TARGET,
      },
      durationMs: performance.now() - began,
    };
  } finally {
    await fake.close();
    db.close();
    dir.cleanup();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const states = (s: Partial<Record<DeliveryState, number>>) =>
  Object.entries(s)
    .map(([state, n]) => `${state} ${n}`)
    .join(', ') || 'none';

function verdict(r: FanoutResult): string {
  if (r.target.met) return 'target met';
  const invalid = [
    ...(r.completeInTick ? [] : ['not everything was sent in the tick']),
    ...(r.lost > 0 ? ['invitations lost'] : []),
    ...(r.duplicates > 0 ? ['duplicate invitations'] : []),
  ];
  return invalid.length > 0 ? `TARGET MISSED (${invalid.join(', ')})` : 'TARGET MISSED';
}

export function formatFanout(r: FanoutResult): string {
  const lines = [
    `${r.alliances} alliances × ${r.membersPerAlliance} members, a pulse due at the same instant, ${r.firstContact ? "first contact (no DM known yet: one chat.postMessage to each person's user id)" : 'DM channels known from the design invitations (one chat.postMessage each)'}; fake Slack limited to ` +
      `${r.limitPerSecond} calls/s workspace-wide (all methods, 429 + Retry-After beyond)`,
    `  setup ${seconds(r.setupMs)} (not timed); pulse.open jobs run: ${r.pulseOpenJobs.done}${r.pulseOpenJobs.other > 0 ? ` (+${r.pulseOpenJobs.other} other/failed)` : ''}`,
    `  total time (one tick): ${seconds(r.tickMs)}; first API call after ${seconds(r.firstCallAfterMs)}, last after ${seconds(r.lastCallAfterMs)}`,
    `  deliveries ${r.deliveries}; API calls answered ${r.answeredCalls} (${Object.entries(r.callsByMethod)
      .map(([m, n]) => `${m} ${n}`)
      .join(', ')}); 429s received ${r.rateLimited}`,
    `  rate-limit windows used ${r.windowsUsed} (fewest possible for these calls: ${r.windowsMinimum}; ${(r.answeredCalls / Math.max(1, r.windowsUsed)).toFixed(1)} answered calls per window)`,
    `  stalls (≥ ${STALL_MS} ms without an answered call): ${r.stalls.count}, ${seconds(r.stalls.totalMs)} in all`,
    `  floor: deliveries ÷ limit = ${seconds(r.floorDeliveriesMs)}; API calls ÷ limit = ${seconds(r.floorCallsMs)}`,
    `  ratio total ÷ floor: ${r.ratio.toFixed(2)} by deliveries (target ≤ ${r.target.ratioAtMost.toFixed(2)}: ${verdict(r)}); ${r.callsRatio.toFixed(2)} by API calls`,
    `  delivery rows after the tick: ${states(r.statesAfterTick)}`,
  ];
  if (r.answeredCalls > r.limitPerSecond) {
    // Once the limit binds, every call costs 1/limit seconds whatever its method.
    lines.push(
      `  API calls per delivery: ${r.callsPerDelivery.toFixed(2)}, so however they are paced the ratio by deliveries cannot get much below ${r.callsPerDelivery.toFixed(2)}`,
    );
  }
  if (!r.completeInTick) {
    lines.push(
      `  NOT ALL SENT IN THE TICK: ${r.catchUpTicks} catch-up tick(s) a minute apart were needed; rows at the end: ${states(r.statesAtEnd)}`,
    );
  }
  lines.push(r.lost === 0 ? '  lost: 0' : `  LOST: ${r.lost} member(s) never got the invitation  <<<<<<<<<<`);
  lines.push(
    r.duplicates === 0
      ? '  duplicates: 0'
      : `  DUPLICATES: ${r.duplicates} member(s) got the invitation more than once  <<<<<<<<<<`,
  );
  if (r.warnings > 0)
    lines.push(
      `  note: the app logged ${r.warnings} warning(s)/error(s) during the tick; first: ${r.firstWarning ?? ''}`,
    );
  lines.push(`  took ${seconds(r.durationMs)} (setup, tick, checks)`);
  return lines.join('\n');
}

export interface FanoutSeries {
  firstContact: boolean;
  results: FanoutResult[];
  ratio: Spread;
  /** The median run's ratio is within the target, and no run lost or duplicated a message or left one unsent. */
  met: boolean;
}

/**
 * The same fan-out `runs` times, each from a fresh database and a fresh fake Slack: a pacer that
 * only sometimes learns the limit well would show here as a spread, so the target is about the
 * median run, and every run must deliver everything exactly once within its tick.
 */
export async function benchFanoutSeries(options: FanoutOptions & { runs?: number } = {}): Promise<FanoutSeries> {
  const runs = options.runs ?? 5;
  const results: FanoutResult[] = [];
  for (let i = 0; i < runs; i += 1) results.push(await benchFanout(options));
  const ratio = spreadOf(results.map((r) => r.ratio));
  const valid = results.every((r) => r.completeInTick && r.lost === 0 && r.duplicates === 0);
  return {
    firstContact: options.firstContact ?? false,
    results,
    ratio,
    met: valid && ratio.median <= RATIO_TARGET,
  };
}

export function formatFanoutSeries(s: FanoutSeries): string {
  const sorted = [...s.results].sort((a, b) => a.ratio - b.ratio);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const lines = [
    `${s.results.length} runs, ${s.firstContact ? 'first contact' : 'DM channels known'}; each run: total ÷ floor, 429s, stalls, lost, duplicated`,
    ...s.results.map(
      (r, i) =>
        `  run ${i + 1}: ${r.ratio.toFixed(2)} (${seconds(r.tickMs)} against ${seconds(r.floorDeliveriesMs)}), ${r.rateLimited} × 429, ` +
        `${r.stalls.count} stall(s) ${seconds(r.stalls.totalMs)}, lost ${r.lost}, duplicated ${r.duplicates}${r.completeInTick ? '' : ', NOT ALL SENT IN THE TICK'}`,
    ),
    `  ratio ${formatSpread(s.ratio)}; ` +
      `target: median ≤ ${RATIO_TARGET.toFixed(2)}, 0 lost, 0 duplicated in every run: ${s.met ? 'target met' : 'TARGET MISSED'}`,
  ];
  if (median) lines.push('  the median run in detail:', formatFanout(median).replace(/^/gm, '  '));
  return lines.join('\n');
}
