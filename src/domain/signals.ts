import type { MembershipChange } from './events.js';
import { OVERALL, type PulseRecord } from './pulse.js';
import type { SignalKind, SignalSettings } from './signal-settings.js';
import { type Disclosure, decide, mayReadContent, type ShownFigure, shownFigure } from './visibility.js';

/**
 * Renegotiation signals: pure functions over a stored history of closed pulses (and events), each
 * returning what it found with its evidence. Every finding has an occurrence key: the same ongoing
 * situation keeps the same key, so it is flagged once, not on every pulse or tick.
 */

export interface AspectRef {
  id: string;
  label: string;
}

/**
 * What a flag shows as its evidence. Figures are as a member may see them (`ShownFigure`: exact, a
 * half-point band, or null when hidden); a count that would describe too few people is null.
 */
export type Evidence =
  | { kind: 'lowScores'; aspect: AspectRef; means: ShownFigure[]; threshold: number; pulses: number[] }
  | { kind: 'sharpDrop'; aspect: AspectRef; from: ShownFigure; to: ShownFigure; drop: number; pulses: number[] }
  | {
      kind: 'disagreement';
      aspect: AspectRef;
      stdev: ShownFigure;
      mean: ShownFigure;
      threshold: number;
      pulses: number[];
    }
  | { kind: 'lowParticipation'; rates: { answered: number; invited: number }[]; percent: number; pulses: number[] }
  | { kind: 'someoneAsks'; count: number | null; reasons: string[]; threshold: number; pulses: number[] }
  | {
      kind: 'membershipChange';
      joined: string[];
      left: string[];
      /** 'mixed' once changes with different causes were merged into one flag. */
      cause: MembershipChange['cause'] | 'mixed';
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

/** The pulses a piece of evidence was read from (none for membership changes and review dates). */
export function evidencePulses(evidence: Evidence): readonly number[] {
  return 'pulses' in evidence ? evidence.pulses : [];
}

export interface Finding {
  kind: SignalKind;
  /** Identifies the occurrence: unchanged while the same situation lasts. */
  key: string;
  evidence: Evidence;
}

export interface PulseSignalInput {
  settings: SignalSettings;
  aspects: readonly AspectRef[];
  /** Closed pulses, oldest first, each with the rules in force for it. */
  history: readonly PulseRecord[];
  openReservations: readonly { id: number; userId: string; concern: string }[];
  commitmentTexts: ReadonlyMap<string, string>;
}

/** Evidence is written for the alliance's members; a members-only alliance's channel sees only its headline. */
const member = (p: PulseRecord, item: Disclosure) =>
  decide({ rules: p.rules, visibility: 'channel', audience: 'member', item });

/** Whether content signals may read this pulse at all (its figures could be shown). */
const readable = (p: PulseRecord) => mayReadContent(p.rules, p.results.answered);

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
const shownMean = (p: PulseRecord, aspectId: string) =>
  shownFigure(meanOf(p, aspectId), member(p, { kind: 'figure', answered: p.results.answered }));

/**
 * The pulse signals after a pulse closed. Content signals (scores, spread, asks, lingering
 * concerns) read only pulses whose figures could be shown, and a signal that would point at fewer
 * people than the threshold is not raised at all.
 */
export function evaluatePulseSignals(input: PulseSignalInput): Finding[] {
  const { settings, history } = input;
  const findings: Finding[] = [];
  const latest = history.at(-1);
  if (!latest) return findings;
  if (settings.lowParticipation.enabled) findings.push(...lowParticipation(input));
  if (!readable(latest)) return findings;
  const previous = history.at(-2);
  const aspects: AspectRef[] = [...input.aspects, { id: OVERALL, label: 'Overall' }];

  for (const aspect of aspects) {
    if (settings.lowScores.enabled) {
      const run = trailingRun(history, (p) => {
        const mean = meanOf(p, aspect.id);
        return readable(p) && mean !== null && mean < settings.lowScores.threshold;
      });
      if (run.length >= settings.lowScores.pulses) {
        const window = run.slice(-settings.lowScores.pulses);
        findings.push({
          kind: 'lowScores',
          key: `lowScores:${aspect.id}:${run[0]!.pulseId}`,
          evidence: {
            kind: 'lowScores',
            aspect,
            means: window.map((p) => shownMean(p, aspect.id)),
            threshold: settings.lowScores.threshold,
            pulses: window.map((p) => p.pulseId),
          },
        });
      }
    }
    if (settings.sharpDrop.enabled && previous && readable(previous)) {
      const from = meanOf(previous, aspect.id);
      const to = meanOf(latest, aspect.id);
      // Rounded to hundredths like the stored means, so 3.0 → 2.0 counts as a drop of exactly 1.0.
      if (from !== null && to !== null && Math.round((from - to) * 100) >= Math.round(settings.sharpDrop.drop * 100)) {
        findings.push({
          kind: 'sharpDrop',
          key: `sharpDrop:${aspect.id}:${latest.pulseId}`,
          evidence: {
            kind: 'sharpDrop',
            aspect,
            from: shownMean(previous, aspect.id),
            to: shownMean(latest, aspect.id),
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
          readable(p) &&
          result !== undefined &&
          result.count >= 2 &&
          result.stdev !== null &&
          result.stdev >= settings.disagreement.stdev
        );
      });
      if (run.length > 0) {
        const result = latest.results.aspects[aspect.id]!;
        const decision = member(latest, { kind: 'figure', answered: latest.results.answered });
        findings.push({
          kind: 'disagreement',
          key: `disagreement:${aspect.id}:${run[0]!.pulseId}`,
          evidence: {
            kind: 'disagreement',
            aspect,
            stdev: shownFigure(result.stdev, decision),
            mean: shownFigure(result.mean, decision),
            threshold: settings.disagreement.stdev,
            pulses: [latest.pulseId],
          },
        });
      }
    }
  }

  const asked = latest.results.renegotiateCount;
  const askCount = member(latest, { kind: 'count', count: asked, answered: latest.results.answered });
  if (settings.someoneAsks.enabled && asked >= settings.someoneAsks.count && askCount === 'show') {
    const reasons = latest.results.comments.renegotiateReasons;
    const words = member(latest, { kind: 'words', commenters: reasons.length, answered: latest.results.answered });
    findings.push({
      kind: 'someoneAsks',
      key: `someoneAsks:${latest.pulseId}`,
      evidence: {
        kind: 'someoneAsks',
        count: asked,
        reasons: words === 'show' ? (latest.rules.anonymous ? [...reasons].sort() : reasons) : [],
        threshold: settings.someoneAsks.count,
        pulses: [latest.pulseId],
      },
    });
  }

  if (settings.lingering.enabled) findings.push(...lingering(input, latest));
  return findings;
}

function lowParticipation(input: PulseSignalInput): Finding[] {
  const { settings, history } = input;
  const run = trailingRun(
    history,
    (p) => p.results.invited > 0 && (p.results.answered / p.results.invited) * 100 < settings.lowParticipation.percent,
  );
  if (run.length < settings.lowParticipation.pulses) return [];
  const window = run.slice(-settings.lowParticipation.pulses);
  return [
    {
      kind: 'lowParticipation',
      key: `lowParticipation:${run[0]!.pulseId}`,
      evidence: {
        kind: 'lowParticipation',
        rates: window.map((p) => ({ answered: p.results.answered, invited: p.results.invited })),
        percent: settings.lowParticipation.percent,
        pulses: window.map((p) => p.pulseId),
      },
    },
  ];
}

/**
 * Reservations and commitments that stay a concern pulse after pulse. A pulse counts only when
 * how many still call it a concern may be shown; in anonymous pulses a commitment (whose owner is
 * known) is never flagged.
 */
function lingering(input: PulseSignalInput, latest: PulseRecord): Finding[] {
  const m = input.settings.lingering.pulses;
  const findings: Finding[] = [];
  for (const reservation of input.openReservations) {
    const run = trailingRun(input.history, (p) => {
      const check = p.results.reservations[String(reservation.id)];
      if (!readable(p) || !check || check.stillConcern === 0) return false;
      const answered = check.stillConcern + check.resolved;
      return member(p, { kind: 'count', count: check.stillConcern, answered }) === 'show';
    });
    if (run.length < m) continue;
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
  if (latest.rules.anonymous) return findings;
  const atRiskKeys = new Set(latest.results.commitments.atRiskPromptsByUser.map((c) => `${c.userId}|${c.promptId}`));
  for (const commitmentKey of atRiskKeys) {
    const run = trailingRun(
      input.history,
      (p) =>
        !p.rules.anonymous &&
        p.results.commitments.atRiskPromptsByUser.some((c) => `${c.userId}|${c.promptId}` === commitmentKey),
    );
    if (run.length < m) continue;
    const [userId = '', promptId = ''] = commitmentKey.split('|');
    findings.push({
      kind: 'lingering',
      key: `lingering:commitment:${commitmentKey}:${run[0]!.pulseId}`,
      evidence: {
        kind: 'lingering',
        subject: 'commitment',
        userId,
        promptId,
        text: input.commitmentTexts.get(commitmentKey) ?? null,
        pulses: run.slice(-m).map((p) => p.pulseId),
      },
    });
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
  change: Omit<MembershipChange, 'occurrence'>,
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

/** Whether a new finding may be raised: not while the same kind is snoozed. */
export function isSuppressed(kind: SignalKind, snoozedUntilByKind: ReadonlyMap<SignalKind, Date>, now: Date): boolean {
  const until = snoozedUntilByKind.get(kind);
  return until !== undefined && now.getTime() < until.getTime();
}

/**
 * The evidence without the words it quotes from `pulseIds`, whose comments passed the workspace's
 * retention; null when it quotes none of them (nothing to change).
 */
export function withoutCommentsOf(evidence: Evidence, pulseIds: readonly number[]): Evidence | null {
  if (evidence.kind !== 'someoneAsks' || evidence.reasons.length === 0) return null;
  if (!evidence.pulses.some((id) => pulseIds.includes(id))) return null;
  return { ...evidence, reasons: [] };
}
