import type { TrendChartInput } from './digest-chart.js';
import { MAX_CHART_PULSES } from './digest-chart.js';
import { OVERALL, type PulseRecord } from './pulse.js';
import type { CelebrationTarget } from './signal-settings.js';
import {
  type Audience,
  type Decision,
  type Disclosure,
  decide,
  figureValue,
  mayReadContent,
  type ShownFigure,
  shownFigure,
} from './visibility.js';

/**
 * The weekly digest's figures, computed from closed pulses only. A closed pulse's results are
 * frozen, so two digests about the same pulse show the same figures: no late answer can make one
 * figure move by a single person's rating.
 */

export interface AspectFigure {
  id: string;
  label: string;
  /** The latest pulse's average as it may be shown (exact, a half-point band), or null when hidden or unanswered. */
  mean: ShownFigure;
  /** Change since the previous pulse whose figure was shown exactly; null otherwise. */
  delta: number | null;
  /** The last 8 pulses as a text sparkline, oldest first. */
  sparkline: string;
  /** The last 12 pulses' averages as they may be shown (null when hidden), oldest first: the chart's data. */
  series: (number | null)[];
}

export interface DigestFigures {
  latest: { pulseId: number; scheduledAt: Date; answered: number; invited: number } | null;
  /** A pulse has closed, but this audience may not see even its participation (it was for the members). */
  heldForMembers: boolean;
  /** True when the latest pulse had enough answers to show its figures. */
  shown: boolean;
  /** The latest pulse's rules: its threshold, and whether it was anonymous. */
  threshold: number;
  anonymous: boolean;
  aspects: AspectFigure[];
  celebration: { met: boolean; streak: number; streakKey: string | null; target: CelebrationTarget };
  /** Comments of the latest pulse, or null when too few people wrote one to show them. */
  comments: { working: string[] | null; atRisk: string[] | null };
  /** How many open reservations some still call a concern; null when that would describe too few people. */
  stillConcerns: number | null;
  /** Commitments marked at risk or needing help; null when that would describe too few people. */
  commitmentsAtRisk: number | null;
  pulseLabels: string[];
}

export const SPARK_PULSES = 8;
export const MAX_COMMENTS = 8;
export const COMMENT_CHARS = 280;
const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
const GAP = '·';

/** One bar per value on the 1–5 scale; a gap for hidden or missing values. */
export function sparkline(values: readonly (number | null)[]): string {
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return GAP;
      const clamped = Math.min(5, Math.max(1, v));
      return BARS[Math.round(((clamped - 1) / 4) * (BARS.length - 1))]!;
    })
    .join('');
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Deterministic shuffle (mulberry32) so anonymous comments carry no order, yet a test can pin it. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function capComments(texts: readonly string[]): string[] {
  return texts
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .slice(0, MAX_COMMENTS)
    .map((t) => (t.length > COMMENT_CHARS ? `${t.slice(0, COMMENT_CHARS - 1).trimEnd()}…` : t));
}

/**
 * How many of the latest pulses in a row meet the celebration target, and where that run began. A
 * pulse whose figures (or, for full participation, whose participation) this audience may not see
 * breaks the run: a celebration must not tell what the figures would not.
 */
export function celebrationStreak(
  pulses: readonly PulseRecord[],
  aspectIds: readonly string[],
  target: CelebrationTarget,
  decideFor: DecideFor = (p, item) => decide({ rules: p.rules, visibility: 'channel', audience: 'member', item }),
): { streak: number; startPulseId: number | null } {
  if (target.kind === 'off') return { streak: 0, startPulseId: null };
  let streak = 0;
  let start: number | null = null;
  for (let i = pulses.length - 1; i >= 0; i--) {
    const { results, pulseId, rules } = pulses[i]!;
    const meets =
      target.kind === 'full_participation'
        ? decideFor(pulses[i]!, { kind: 'participation' }) === 'show' &&
          results.invited > 0 &&
          results.answered === results.invited
        : decideFor(pulses[i]!, { kind: 'figure', answered: results.answered }) !== 'hide' &&
          mayReadContent(rules, results.answered) &&
          [...aspectIds, OVERALL].every((id) => (results.aspects[id]?.mean ?? 0) >= target.threshold);
    if (!meets) break;
    streak++;
    start = pulseId;
  }
  return { streak, startPulseId: start };
}

/**
 * The digest's figures for one audience. Every figure, count and comment passes the visibility
 * decision with the rules in force for its own pulse.
 */
export function computeDigestFigures(input: {
  /** Closed pulses, oldest first, with their rules. */
  pulses: readonly PulseRecord[];
  aspects: readonly { id: string; label: string }[];
  visibility: 'channel' | 'members';
  audience: Audience;
  celebration: CelebrationTarget;
  openReservationIds: readonly number[];
  /** Labels for the chart's x axis, one per pulse (formatted by the caller in the alliance's zone). */
  label: (scheduledAt: Date) => string;
}): DigestFigures {
  const { pulses } = input;
  const latest = pulses.at(-1);
  const decideFor = (p: PulseRecord, item: Disclosure) =>
    decide({ rules: p.rules, visibility: input.visibility, audience: input.audience, item });
  const figureOf = (p: PulseRecord, id: string): ShownFigure =>
    shownFigure(p.results.aspects[id]?.mean ?? null, decideFor(p, { kind: 'figure', answered: p.results.answered }));
  const aspectRefs = [...input.aspects, { id: OVERALL, label: 'Overall' }];
  const chartPulses = pulses.slice(-MAX_CHART_PULSES);
  const aspects: AspectFigure[] = aspectRefs.map((a) => {
    const mean = latest ? figureOf(latest, a.id) : null;
    let delta: number | null = null;
    if (mean?.kind === 'exact') {
      for (let i = pulses.length - 2; i >= 0; i--) {
        const before = figureOf(pulses[i]!, a.id);
        if (before === null) continue;
        if (before.kind === 'exact') delta = round1(mean.value - before.value);
        break;
      }
    }
    return {
      id: a.id,
      label: a.label,
      mean,
      delta,
      sparkline: sparkline(pulses.slice(-SPARK_PULSES).map((p) => figureValue(figureOf(p, a.id)))),
      series: chartPulses.map((p) => figureValue(figureOf(p, a.id))),
    };
  });
  const shown =
    latest !== undefined && decideFor(latest, { kind: 'figure', answered: latest.results.answered }) !== 'hide';
  const streak = celebrationStreak(
    pulses,
    input.aspects.map((a) => a.id),
    input.celebration,
    decideFor,
  );
  const participationShown = latest !== undefined && decideFor(latest, { kind: 'participation' }) === 'show';
  return {
    heldForMembers: latest !== undefined && !participationShown,
    latest:
      latest && participationShown
        ? {
            pulseId: latest.pulseId,
            scheduledAt: latest.scheduledAt,
            answered: latest.results.answered,
            invited: latest.results.invited,
          }
        : null,
    shown,
    threshold: latest?.rules.threshold ?? 1,
    anonymous: latest?.rules.anonymous ?? false,
    aspects,
    celebration: {
      met: input.celebration.kind !== 'off' && streak.streak >= input.celebration.pulses,
      streak: streak.streak,
      streakKey: streak.startPulseId === null ? null : `${input.celebration.kind}:${streak.startPulseId}`,
      target: input.celebration,
    },
    comments: latest ? latestComments(latest, decideFor) : { working: null, atRisk: null },
    stillConcerns: latest ? stillConcerns(latest, input.openReservationIds, decideFor) : 0,
    commitmentsAtRisk: latest ? commitmentsAtRisk(latest, decideFor) : 0,
    pulseLabels: chartPulses.map((p) => input.label(p.scheduledAt)),
  };
}

type DecideFor = (p: PulseRecord, item: Disclosure) => Decision;

/** Comments shown only when enough people wrote one; in anonymous pulses, in no particular order. */
function latestComments(latest: PulseRecord, decideFor: DecideFor): DigestFigures['comments'] {
  const list = (texts: readonly string[], seed: number): string[] | null => {
    const written = texts.filter((t) => t.trim() !== '');
    const item: Disclosure = { kind: 'words', commenters: written.length, answered: latest.results.answered };
    if (written.length === 0 || decideFor(latest, item) !== 'show') return written.length === 0 ? [] : null;
    return capComments(latest.rules.anonymous ? shuffled(written, seed) : written);
  };
  return {
    working: list(latest.results.comments.working, latest.pulseId),
    atRisk: list(latest.results.comments.atRisk, latest.pulseId * 31 + 7),
  };
}

/** Open reservations someone still calls a concern; each one's count must be showable. */
function stillConcerns(latest: PulseRecord, openIds: readonly number[], decideFor: DecideFor): number | null {
  let count = 0;
  for (const id of openIds) {
    const check = latest.results.reservations[String(id)];
    if (!check) continue;
    const answered = check.stillConcern + check.resolved;
    if (decideFor(latest, { kind: 'count', count: check.stillConcern, answered }) !== 'show') return null;
    if (check.stillConcern > 0) count++;
  }
  return count;
}

/**
 * Commitments marked at risk or needing help. The threshold is about people: the decision counts
 * the members with at least one such commitment among those who answered, not the commitments
 * (two people with three between them are two people).
 */
function commitmentsAtRisk(latest: PulseRecord, decideFor: DecideFor): number | null {
  const { atRisk, needHelp, atRiskPromptsByUser } = latest.results.commitments;
  const people = new Set(atRiskPromptsByUser.map((c) => c.userId)).size;
  const shown = decideFor(latest, { kind: 'count', count: people, answered: latest.results.answered }) === 'show';
  return shown ? atRisk + needHelp : null;
}

/** The chart's input: per-aspect averages over the last 12 pulses. */
export function chartInput(title: string, figures: DigestFigures): TrendChartInput {
  return {
    title,
    pulseLabels: figures.pulseLabels,
    series: figures.aspects.map((a) => ({ id: a.id, label: a.label, values: a.series })),
  };
}

export interface DigestRecord {
  id: number;
  allianceId: string;
  kind: 'scheduled' | 'manual';
  periodKey: string | null;
  pulseId: number | null;
  channelId: string | null;
  ts: string | null;
  /** The thread reply holding the details and comments, once posted. */
  threadTs: string | null;
  postedAt: Date;
}
