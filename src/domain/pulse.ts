import type { PulseSettings } from './alliance.js';
import { type LocalSchedule, latestOccurrenceAtOrBefore, nextOccurrence } from './schedule.js';
import { type PulsePrivacy, rulesInForce, type Visibility } from './visibility.js';

/**
 * Pulses: the periodic "how is the alliance going?" check-in. A pulse is identified by its id; it
 * is open from its opening instant until it closes, and whether it is open comes from its own
 * state and the clock passed in, never from guessing at wall-clock time.
 */

const HOUR = 3_600_000;

export const OVERALL = 'overall';
export const RATINGS = [1, 2, 3, 4, 5] as const;
export type Rating = (typeof RATINGS)[number];

export const COMMITMENT_STATUSES = ['kept', 'at_risk', 'need_help'] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];

export type PulseStatus = 'open' | 'closed' | 'skipped';

export interface PulseWindow {
  opensAt: Date;
  closesAt: Date;
  /** When the one reminder goes to members who have not answered; null when reminders are off or the window is too short. */
  remindAt: Date | null;
}

export function pulseWindow(
  occurrence: Date,
  settings: Pick<PulseSettings, 'openHours' | 'reminderHoursBefore'>,
  openedAt: Date = occurrence,
): PulseWindow {
  const closesAt = new Date(occurrence.getTime() + settings.openHours * HOUR);
  const remind =
    settings.reminderHoursBefore > 0 ? new Date(closesAt.getTime() - settings.reminderHoursBefore * HOUR) : null;
  // A pulse opened late (after downtime) still reminds, unless the reminder time has already passed.
  const remindAt = remind && remind.getTime() > openedAt.getTime() ? remind : null;
  return { opensAt: openedAt, closesAt, remindAt };
}

export function isPulseOpen(pulse: { status: PulseStatus; closesAt: Date }, now: Date): boolean {
  return pulse.status === 'open' && now.getTime() < pulse.closesAt.getTime();
}

export interface PulseRunPlan {
  /** Occurrences missed entirely (their window passed while nothing ran): recorded, not sent. */
  skipped: Date[];
  /** The occurrence to open now, if we are still inside its window. */
  open: Date | null;
  /** When the next run is due. */
  next: Date;
}

const MAX_SKIPPED_RECORDED = 60;

/**
 * What a pulse run due at `dueAt` does when it actually runs at `now`. Normally `now` is the due
 * instant and the plan is "open it". After downtime, the latest occurrence still opens if we are
 * inside its window; every earlier one (and a latest one whose window passed) is skipped, so a
 * restart never floods members with a backlog.
 */
export function planPulseRun(
  schedule: LocalSchedule,
  settings: Pick<PulseSettings, 'openHours'>,
  dueAt: Date,
  now: Date,
): PulseRunPlan {
  const next = nextOccurrence(schedule, now);
  const latest = latestOccurrenceAtOrBefore(schedule, now);
  if (latest === null || latest.getTime() < dueAt.getTime()) {
    // The due run is not an occurrence of the current schedule (it changed); nothing to open.
    return { skipped: [], open: null, next };
  }
  const skipped: Date[] = [];
  for (
    let at = dueAt;
    at.getTime() < latest.getTime() && skipped.length < MAX_SKIPPED_RECORDED;
    at = nextOccurrence(schedule, at)
  ) {
    skipped.push(at);
  }
  const stillOpen = now.getTime() < latest.getTime() + settings.openHours * HOUR;
  if (stillOpen) return { skipped, open: latest, next };
  return { skipped: [...skipped, latest], open: null, next };
}

export interface CheckInAnswers {
  /** aspect id (and 'overall') → 1..5 */
  ratings: Record<string, Rating>;
  /** commitment prompt id → status, for the member's own commitments */
  commitments: Record<string, CommitmentStatus>;
  /** reservation id → still a concern? */
  reservations: Record<string, boolean>;
  working: string;
  atRisk: string;
  renegotiate: boolean;
  renegotiateReason: string;
}

export interface CheckInForm {
  ratings: Record<string, string | null>;
  commitments: Record<string, string | null>;
  reservations: Record<string, string | null>;
  working: string;
  atRisk: string;
  renegotiate: boolean;
  renegotiateReason: string;
}

export const COMMENT_MAX = 500;
export const REASON_MAX = 300;

/**
 * Checks a check-in against what this member was asked: every aspect and overall rated 1–5, a
 * status for each of their commitments, an answer for each open reservation. Errors are keyed
 * `rating:<id>`, `commitment:<id>`, `reservation:<id>`, `working`, `atRisk`, `reason`.
 */
export function validateCheckIn(
  form: CheckInForm,
  asked: { aspects: readonly string[]; commitments: readonly string[]; reservations: readonly string[] },
): { ok: true; answers: CheckInAnswers } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const ratings: Record<string, Rating> = {};
  for (const aspect of [...asked.aspects, OVERALL]) {
    const value = Number(form.ratings[aspect]);
    if (RATINGS.includes(value as Rating)) ratings[aspect] = value as Rating;
    else errors[`rating:${aspect}`] = 'Pick a rating from 1 to 5.';
  }
  const commitments: Record<string, CommitmentStatus> = {};
  for (const id of asked.commitments) {
    const value = form.commitments[id];
    if (value && (COMMITMENT_STATUSES as readonly string[]).includes(value))
      commitments[id] = value as CommitmentStatus;
    else errors[`commitment:${id}`] = 'Say how this commitment is going.';
  }
  const reservations: Record<string, boolean> = {};
  for (const id of asked.reservations) {
    const value = form.reservations[id];
    if (value === 'yes' || value === 'no') reservations[id] = value === 'yes';
    else errors[`reservation:${id}`] = 'Say whether this is still a concern.';
  }
  const working = form.working.trim();
  const atRisk = form.atRisk.trim();
  const reason = form.renegotiateReason.trim();
  if (working.length > COMMENT_MAX) errors.working = `Please keep this under ${COMMENT_MAX} characters.`;
  if (atRisk.length > COMMENT_MAX) errors.atRisk = `Please keep this under ${COMMENT_MAX} characters.`;
  if (reason.length > REASON_MAX) errors.reason = `Please keep this under ${REASON_MAX} characters.`;
  if (reason !== '' && !form.renegotiate)
    errors.reason = 'Tick “I think we need to renegotiate” to send a reason, or clear it.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    answers: {
      ratings,
      commitments,
      reservations,
      working,
      atRisk,
      renegotiate: form.renegotiate,
      renegotiateReason: reason,
    },
  };
}

// ---- Results -----------------------------------------------------------------------------------

export interface AspectResult {
  count: number;
  mean: number | null;
  /** Population standard deviation of the ratings. */
  stdev: number | null;
  /** How many gave 1, 2, 3, 4, 5. */
  distribution: [number, number, number, number, number];
}

export interface PulseResults {
  invited: number;
  answered: number;
  /** aspect id and 'overall' → result */
  aspects: Record<string, AspectResult>;
  renegotiateCount: number;
  commitments: {
    kept: number;
    atRisk: number;
    needHelp: number;
    atRiskPromptsByUser: { userId: string; promptId: string; status: CommitmentStatus }[];
  };
  /** reservation id → how many said it is still a concern / no longer */
  reservations: Record<string, { stillConcern: number; resolved: number }>;
  comments: { working: string[]; atRisk: string[]; renegotiateReasons: string[] };
}

export interface ResponseForResults {
  ratings: Record<string, number>;
  renegotiate: boolean;
  renegotiateReason: string;
  working: string;
  atRisk: string;
  reservations: Record<string, boolean>;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function aspectResult(ratings: readonly number[]): AspectResult {
  const distribution: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  for (const r of ratings) if (r >= 1 && r <= 5) distribution[r - 1]! += 1;
  if (ratings.length === 0) return { count: 0, mean: null, stdev: null, distribution };
  const mean = ratings.reduce((a, b) => a + b, 0) / ratings.length;
  const variance = ratings.reduce((a, r) => a + (r - mean) ** 2, 0) / ratings.length;
  return { count: ratings.length, mean: round2(mean), stdev: round2(Math.sqrt(variance)), distribution };
}

/** Freezes a pulse's answers into the figures the digest and the renegotiation signals read. */
export function summarizePulse(input: {
  invited: number;
  aspects: readonly string[];
  responses: readonly ResponseForResults[];
  commitmentChecks: readonly { userId: string; promptId: string; status: CommitmentStatus }[];
}): PulseResults {
  const aspects: Record<string, AspectResult> = {};
  for (const aspect of [...input.aspects, OVERALL]) {
    aspects[aspect] = aspectResult(
      input.responses.map((r) => r.ratings[aspect]).filter((r): r is number => typeof r === 'number'),
    );
  }
  const reservations: PulseResults['reservations'] = {};
  for (const response of input.responses) {
    for (const [id, still] of Object.entries(response.reservations)) {
      reservations[id] ??= { stillConcern: 0, resolved: 0 };
      const entry = reservations[id];
      if (still) entry.stillConcern++;
      else entry.resolved++;
    }
  }
  const nonEmpty = (texts: string[]) => texts.map((t) => t.trim()).filter((t) => t !== '');
  return {
    invited: input.invited,
    answered: input.responses.length,
    aspects,
    renegotiateCount: input.responses.filter((r) => r.renegotiate).length,
    commitments: {
      kept: input.commitmentChecks.filter((c) => c.status === 'kept').length,
      atRisk: input.commitmentChecks.filter((c) => c.status === 'at_risk').length,
      needHelp: input.commitmentChecks.filter((c) => c.status === 'need_help').length,
      atRiskPromptsByUser: input.commitmentChecks.filter((c) => c.status !== 'kept').map((c) => ({ ...c })),
    },
    reservations,
    comments: {
      working: nonEmpty(input.responses.map((r) => r.working)),
      atRisk: nonEmpty(input.responses.map((r) => r.atRisk)),
      renegotiateReasons: nonEmpty(input.responses.filter((r) => r.renegotiate).map((r) => r.renegotiateReason)),
    },
  };
}

export interface Pulse {
  id: number;
  teamId: string;
  allianceId: string;
  versionId: number | null;
  periodKey: string;
  scheduledAt: Date;
  opensAt: Date;
  closesAt: Date;
  remindAt: Date | null;
  status: PulseStatus;
  anonymous: boolean;
  threshold: number;
  /** For whom its answers were given: kept, whatever the alliance's visibility becomes. */
  visibility: Visibility;
  closedAt: Date | null;
  results: PulseResults | null;
}

export interface StoredResponse {
  id: string;
  userId: string | null;
  answers: CheckInAnswers;
}

/** A closed pulse as figures and signals read it: its frozen results, and the rules in force for it. */
export interface PulseRecord {
  pulseId: number;
  scheduledAt: Date;
  results: PulseResults;
  rules: PulsePrivacy;
}

/**
 * Closed pulses whose results are frozen, oldest first, each with the privacy rules in force for
 * it: those it was answered under, or stronger ones the team has chosen since (never weaker).
 */
export function frozenHistory(
  newestFirst: readonly Pulse[],
  current: { anonymous: boolean; anonymityThreshold: number; visibility: Visibility },
): PulseRecord[] {
  const history: PulseRecord[] = [];
  for (const pulse of newestFirst) {
    if (!pulse.results) continue;
    history.unshift({
      pulseId: pulse.id,
      scheduledAt: pulse.scheduledAt,
      results: pulse.results,
      rules: rulesInForce(pulse, current),
    });
  }
  return history;
}
