import type { PulseResults } from './pulse.js';
import { OVERALL } from './pulse.js';
import type { SignalKind, SignalSettings } from './signal-settings.js';

/**
 * Renegotiation signals: pure functions over a stored history of closed pulses (and events), each
 * returning what it found with its evidence. Every finding has an occurrence key: the same ongoing
 * situation keeps the same key, so it is flagged once, not on every pulse or tick.
 */

export interface PulseRecord {
  pulseId: number;
  scheduledAt: Date;
  results: PulseResults;
}

export interface AspectRef {
  id: string;
  label: string;
}

/** `null` figures were hidden because fewer members answered than the anonymity threshold. */
export type Evidence =
  | { kind: 'lowScores'; aspect: AspectRef; means: (number | null)[]; threshold: number; pulses: number[] }
  | { kind: 'sharpDrop'; aspect: AspectRef; from: number | null; to: number | null; drop: number; pulses: number[] }
  | {
      kind: 'disagreement';
      aspect: AspectRef;
      stdev: number | null;
      mean: number | null;
      threshold: number;
      pulses: number[];
    }
  | { kind: 'lowParticipation'; rates: { answered: number; invited: number }[]; percent: number; pulses: number[] }
  | { kind: 'someoneAsks'; count: number | null; reasons: string[]; threshold: number; pulses: number[] }
  | {
      kind: 'membershipChange';
      joined: string[];
      left: string[];
      cause: 'settings' | 'channel' | 'deactivated' | 'proposal';
      byUserId: string | null;
      proposal?: string;
    }
  | { kind: 'reviewDate'; versionNumber: number; activatedAt: Date; days: number }
  | {
      kind: 'lingering';
      subject: 'reservation';
      reservationId: number;
      userId: string;
      concern: string;
      pulses: number[];
    }
  | {
      kind: 'lingering';
      subject: 'commitment';
      userId: string | null;
      promptId: string | null;
      text: string | null;
      pulses: number[];
    };

export interface Finding {
  kind: SignalKind;
  /** Identifies the occurrence: unchanged while the same situation lasts. */
  key: string;
  evidence: Evidence;
}

export interface PulseSignalInput {
  settings: SignalSettings;
  aspects: readonly AspectRef[];
  /** Closed pulses, oldest first. */
  history: readonly PulseRecord[];
  /** Fewest answers whose figures may be shown; 1 when pulses are named. */
  threshold: number;
  /** Anonymous alliances do not name whose commitment is at risk. */
  anonymous: boolean;
  openReservations: readonly { id: number; userId: string; concern: string }[];
  commitmentTexts: ReadonlyMap<string, string>;
}

const visible = (results: PulseResults, threshold: number) => results.answered >= threshold;

/** The run of pulses, ending with the latest, for which `test` holds (oldest first). */
function trailingRun(history: readonly PulseRecord[], test: (p: PulseRecord) => boolean): PulseRecord[] {
  const run: PulseRecord[] = [];
  for (let i = history.length - 1; i >= 0; i--) {
    const pulse = history[i]!;
    if (!test(pulse)) break;
    run.unshift(pulse);
  }
  return run;
}

const meanOf = (p: PulseRecord, aspectId: string) => p.results.aspects[aspectId]?.mean ?? null;

export function evaluatePulseSignals(input: PulseSignalInput): Finding[] {
  const { settings, history, threshold } = input;
  const findings: Finding[] = [];
  const latest = history.at(-1);
  if (!latest) return findings;
  const previous = history.at(-2);
  const aspects: AspectRef[] = [...input.aspects, { id: OVERALL, label: 'Overall' }];

  for (const aspect of aspects) {
    if (settings.lowScores.enabled) {
      const run = trailingRun(history, (p) => {
        const mean = meanOf(p, aspect.id);
        return mean !== null && mean < settings.lowScores.threshold;
      });
      if (run.length >= settings.lowScores.pulses) {
        const window = run.slice(-settings.lowScores.pulses);
        findings.push({
          kind: 'lowScores',
          key: `lowScores:${aspect.id}:${run[0]!.pulseId}`,
          evidence: {
            kind: 'lowScores',
            aspect,
            means: window.map((p) => (visible(p.results, threshold) ? meanOf(p, aspect.id) : null)),
            threshold: settings.lowScores.threshold,
            pulses: window.map((p) => p.pulseId),
          },
        });
      }
    }
    if (settings.sharpDrop.enabled && previous) {
      const from = meanOf(previous, aspect.id);
      const to = meanOf(latest, aspect.id);
      // Rounded to hundredths like the stored means, so 3.0 → 2.0 counts as a drop of exactly 1.0.
      if (from !== null && to !== null && Math.round((from - to) * 100) >= Math.round(settings.sharpDrop.drop * 100)) {
        const shown = visible(previous.results, threshold) && visible(latest.results, threshold);
        findings.push({
          kind: 'sharpDrop',
          key: `sharpDrop:${aspect.id}:${latest.pulseId}`,
          evidence: {
            kind: 'sharpDrop',
            aspect,
            from: shown ? from : null,
            to: shown ? to : null,
            drop: settings.sharpDrop.drop,
            pulses: [previous.pulseId, latest.pulseId],
          },
        });
      }
    }
    if (settings.disagreement.enabled) {
      const run = trailingRun(history, (p) => {
        const result = p.results.aspects[aspect.id];
        return (
          result !== undefined &&
          result.count >= 2 &&
          result.stdev !== null &&
          result.stdev >= settings.disagreement.stdev
        );
      });
      if (run.length > 0) {
        const result = latest.results.aspects[aspect.id]!;
        const shown = visible(latest.results, threshold);
        findings.push({
          kind: 'disagreement',
          key: `disagreement:${aspect.id}:${run[0]!.pulseId}`,
          evidence: {
            kind: 'disagreement',
            aspect,
            stdev: shown ? result.stdev : null,
            mean: shown ? result.mean : null,
            threshold: settings.disagreement.stdev,
            pulses: [latest.pulseId],
          },
        });
      }
    }
  }

  if (settings.lowParticipation.enabled) {
    const run = trailingRun(
      history,
      (p) =>
        p.results.invited > 0 && (p.results.answered / p.results.invited) * 100 < settings.lowParticipation.percent,
    );
    if (run.length >= settings.lowParticipation.pulses) {
      const window = run.slice(-settings.lowParticipation.pulses);
      findings.push({
        kind: 'lowParticipation',
        key: `lowParticipation:${run[0]!.pulseId}`,
        evidence: {
          kind: 'lowParticipation',
          rates: window.map((p) => ({ answered: p.results.answered, invited: p.results.invited })),
          percent: settings.lowParticipation.percent,
          pulses: window.map((p) => p.pulseId),
        },
      });
    }
  }

  if (settings.someoneAsks.enabled && latest.results.renegotiateCount >= settings.someoneAsks.count) {
    const shown = visible(latest.results, threshold);
    findings.push({
      kind: 'someoneAsks',
      key: `someoneAsks:${latest.pulseId}`,
      evidence: {
        kind: 'someoneAsks',
        count: shown ? latest.results.renegotiateCount : null,
        reasons: shown ? latest.results.comments.renegotiateReasons : [],
        threshold: settings.someoneAsks.count,
        pulses: [latest.pulseId],
      },
    });
  }

  if (settings.lingering.enabled) {
    const m = settings.lingering.pulses;
    for (const reservation of input.openReservations) {
      const run = trailingRun(history, (p) => (p.results.reservations[String(reservation.id)]?.stillConcern ?? 0) > 0);
      if (run.length >= m) {
        findings.push({
          kind: 'lingering',
          key: `lingering:reservation:${reservation.id}:${run[0]!.pulseId}`,
          evidence: {
            kind: 'lingering',
            subject: 'reservation',
            reservationId: reservation.id,
            userId: reservation.userId,
            concern: reservation.concern,
            pulses: run.slice(-m).map((p) => p.pulseId),
          },
        });
      }
    }
    const atRiskKeys = new Set(latest.results.commitments.atRiskPromptsByUser.map((c) => `${c.userId}|${c.promptId}`));
    for (const commitmentKey of atRiskKeys) {
      const run = trailingRun(history, (p) =>
        p.results.commitments.atRiskPromptsByUser.some((c) => `${c.userId}|${c.promptId}` === commitmentKey),
      );
      if (run.length >= m) {
        const [userId = '', promptId = ''] = commitmentKey.split('|');
        findings.push({
          kind: 'lingering',
          key: `lingering:commitment:${commitmentKey}:${run[0]!.pulseId}`,
          evidence: input.anonymous
            ? {
                kind: 'lingering',
                subject: 'commitment',
                userId: null,
                promptId: null,
                text: null,
                pulses: run.slice(-m).map((p) => p.pulseId),
              }
            : {
                kind: 'lingering',
                subject: 'commitment',
                userId,
                promptId,
                text: input.commitmentTexts.get(commitmentKey) ?? null,
                pulses: run.slice(-m).map((p) => p.pulseId),
              },
        });
      }
    }
  }
  return findings;
}

/** Review date: once per version, when it has been in effect for the agreed number of days. */
export function evaluateReviewDate(input: {
  settings: SignalSettings;
  versionId: number;
  versionNumber: number;
  activatedAt: Date | null;
  now: Date;
}): Finding | null {
  if (!input.settings.reviewDate.enabled || !input.activatedAt) return null;
  const due = input.activatedAt.getTime() + input.settings.reviewDate.days * 86_400_000;
  if (input.now.getTime() < due) return null;
  return {
    kind: 'reviewDate',
    key: `reviewDate:${input.versionId}`,
    evidence: {
      kind: 'reviewDate',
      versionNumber: input.versionNumber,
      activatedAt: input.activatedAt,
      days: input.settings.reviewDate.days,
    },
  };
}

/** A membership change is its own occurrence, identified by what triggered it. */
export function membershipFinding(
  settings: SignalSettings,
  change: {
    joined: string[];
    left: string[];
    cause: 'settings' | 'channel' | 'deactivated' | 'proposal';
    byUserId: string | null;
    proposal?: string;
  },
  occurrence: string,
): Finding | null {
  if (!settings.membershipChange.enabled && change.cause !== 'proposal') return null;
  if (change.joined.length === 0 && change.left.length === 0 && change.cause !== 'proposal') return null;
  return {
    kind: 'membershipChange',
    key: `membershipChange:${occurrence}`,
    evidence: { kind: 'membershipChange', ...change },
  };
}

/** The smallest number of answers whose figures may be shown. */
export function effectiveThreshold(anonymous: boolean, threshold: number): number {
  return anonymous ? Math.max(3, threshold) : 1;
}

/** Whether a new finding may be raised: not while the same kind is snoozed. */
export function isSuppressed(kind: SignalKind, snoozedUntilByKind: ReadonlyMap<SignalKind, Date>, now: Date): boolean {
  const until = snoozedUntilByKind.get(kind);
  return until !== undefined && now.getTime() < until.getTime();
}
