import type { TrendChartInput } from './digest-chart.js';
import { MAX_CHART_PULSES } from './digest-chart.js';
import { OVERALL, type PulseResults } from './pulse.js';
import type { CelebrationTarget } from './signal-settings.js';

/**
 * The weekly digest's figures, computed from closed pulses only. A closed pulse's results are
 * frozen, so two digests about the same pulse show the same figures: no late answer can make one
 * figure move by a single person's rating.
 */

export interface DigestPulse {
  pulseId: number;
  scheduledAt: Date;
  results: PulseResults;
}

export interface AspectFigure {
  id: string;
  label: string;
  /** The latest pulse's average, or null when hidden (too few answers) or unanswered. */
  mean: number | null;
  /** Change since the previous pulse whose figure was shown. */
  delta: number | null;
  /** The last 8 pulses as a text sparkline, oldest first. */
  sparkline: string;
  /** The last 12 pulses' averages (null when hidden), oldest first: the chart's data. */
  series: (number | null)[];
}

export interface DigestFigures {
  latest: { pulseId: number; scheduledAt: Date; answered: number; invited: number } | null;
  /** True when the latest pulse had enough answers to show its figures. */
  shown: boolean;
  threshold: number;
  aspects: AspectFigure[];
  celebration: { met: boolean; streak: number; streakKey: string | null; target: CelebrationTarget };
  comments: { working: string[]; atRisk: string[] };
  stillConcerns: number;
  commitmentsAtRisk: number;
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

/** How many of the latest pulses in a row meet the celebration target, and where that run began. */
export function celebrationStreak(
  pulses: readonly DigestPulse[],
  aspectIds: readonly string[],
  target: CelebrationTarget,
  threshold: number,
): { streak: number; startPulseId: number | null } {
  if (target.kind === 'off') return { streak: 0, startPulseId: null };
  let streak = 0;
  let start: number | null = null;
  for (let i = pulses.length - 1; i >= 0; i--) {
    const { results, pulseId } = pulses[i]!;
    const meets =
      target.kind === 'full_participation'
        ? results.invited > 0 && results.answered === results.invited
        : results.answered >= threshold &&
          [...aspectIds, OVERALL].every((id) => (results.aspects[id]?.mean ?? 0) >= target.threshold);
    if (!meets) break;
    streak++;
    start = pulseId;
  }
  return { streak, startPulseId: start };
}

export function computeDigestFigures(input: {
  /** Closed pulses, oldest first. */
  pulses: readonly DigestPulse[];
  aspects: readonly { id: string; label: string }[];
  threshold: number;
  anonymous: boolean;
  celebration: CelebrationTarget;
  openReservationIds: readonly number[];
  /** Labels for the chart's x axis, one per pulse (formatted by the caller in the alliance's zone). */
  label: (scheduledAt: Date) => string;
}): DigestFigures {
  const { pulses, threshold } = input;
  const latest = pulses.at(-1);
  const visibleMean = (p: DigestPulse, id: string) =>
    p.results.answered >= threshold ? (p.results.aspects[id]?.mean ?? null) : null;
  const aspectRefs = [...input.aspects, { id: OVERALL, label: 'Overall' }];
  const chartPulses = pulses.slice(-MAX_CHART_PULSES);
  const aspects: AspectFigure[] = aspectRefs.map((a) => {
    const series = chartPulses.map((p) => visibleMean(p, a.id));
    const mean = latest ? visibleMean(latest, a.id) : null;
    let delta: number | null = null;
    if (mean !== null) {
      for (let i = pulses.length - 2; i >= 0; i--) {
        const before = visibleMean(pulses[i]!, a.id);
        if (before !== null) {
          delta = round1(mean - before);
          break;
        }
      }
    }
    return {
      id: a.id,
      label: a.label,
      mean,
      delta,
      sparkline: sparkline(pulses.slice(-SPARK_PULSES).map((p) => visibleMean(p, a.id))),
      series,
    };
  });
  const shown = latest !== undefined && latest.results.answered >= threshold;
  const streak = celebrationStreak(
    pulses,
    input.aspects.map((a) => a.id),
    input.celebration,
    threshold,
  );
  const comments =
    shown && latest
      ? {
          working: capComments(
            input.anonymous
              ? shuffled(latest.results.comments.working, latest.pulseId)
              : latest.results.comments.working,
          ),
          atRisk: capComments(
            input.anonymous
              ? shuffled(latest.results.comments.atRisk, latest.pulseId * 31 + 7)
              : latest.results.comments.atRisk,
          ),
        }
      : { working: [], atRisk: [] };
  const stillConcerns = latest
    ? input.openReservationIds.filter((id) => (latest.results.reservations[String(id)]?.stillConcern ?? 0) > 0).length
    : 0;
  return {
    latest: latest
      ? {
          pulseId: latest.pulseId,
          scheduledAt: latest.scheduledAt,
          answered: latest.results.answered,
          invited: latest.results.invited,
        }
      : null,
    shown,
    threshold,
    aspects,
    celebration: {
      met: input.celebration.kind !== 'off' && streak.streak >= input.celebration.pulses,
      streak: streak.streak,
      streakKey: streak.startPulseId === null ? null : `${input.celebration.kind}:${streak.startPulseId}`,
      target: input.celebration,
    },
    comments,
    stillConcerns,
    commitmentsAtRisk: latest ? latest.results.commitments.atRisk + latest.results.commitments.needHelp : 0,
    pulseLabels: chartPulses.map((p) => input.label(p.scheduledAt)),
  };
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
  postedAt: Date;
}
