import { commitmentsOf } from '../domain/agreement.js';
import type { Alliance } from '../domain/alliance.js';
import type { MembershipChange } from '../domain/events.js';
import type { Flag } from '../domain/flag.js';
import { JOB_KINDS, type Job } from '../domain/job.js';
import { frozenHistory } from '../domain/pulse.js';
import {
  type Evidence,
  evaluatePulseSignals,
  evaluateReviewDate,
  evidencePulses,
  type Finding,
  isSuppressed,
  membershipFinding,
  withoutCommentsOf,
} from '../domain/signals.js';
import { getTemplate } from '../domain/templates/index.js';
import { heldFromChannel } from '../domain/visibility.js';
import { buildFlagDetailsView, buildFlagMessage, buildSnoozeModal } from '../slack/blocks/flags.js';
import type { ModalView } from '../slack/blocks/kit.js';
import type { SlackGateway } from '../slack/gateway.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';
import { refusal } from './access.js';

export interface FlagDeps {
  store: Store;
  gateway: SlackGateway;
}

const DAY = 86_400_000;
/** Enough closed pulses for every signal's longest window. */
const HISTORY = 24;

/**
 * Renegotiation signals: watches the signals the team chose, posts each new occurrence once with
 * its evidence in the channel, and lets the team quiet one for a while.
 */
export function createFlagService(deps: FlagDeps) {
  const { store, gateway } = deps;

  function flagModel(flag: Flag, alliance: Alliance) {
    const round = flag.roundId ? store.design.round(flag.roundId) : undefined;
    // Evidence read from answers given for the members stays theirs, whatever the alliance's
    // visibility is now; a pulse no longer stored counts as members-only.
    const membersOnly = heldFromChannel(
      alliance.settings.visibility,
      ...evidencePulses(flag.evidence).map((id) => store.pulses.get(id)?.visibility ?? 'members'),
    );
    return {
      flagId: flag.id,
      kind: flag.kind,
      evidence: flag.evidence,
      allianceName: alliance.name,
      state: flag.state,
      membersOnly,
      snoozedUntil: flag.snoozedUntil,
      snoozedBy: flag.snoozedBy,
      snoozeReason: flag.snoozeReason,
      startedBy: round?.startedBy ?? null,
    };
  }

  /**
   * People joining and leaving while a membership flag is still open are added to that flag (its
   * message is updated) rather than posted again: a join/leave loop cannot flood the channel.
   */
  async function mergeMembership(alliance: Alliance, finding: Finding): Promise<boolean> {
    const evidence = finding.evidence;
    if (evidence.kind !== 'membershipChange' || evidence.cause === 'proposal') return false;
    const open = store.flags.openOfKind(alliance.id, 'membershipChange');
    if (open?.evidence.kind !== 'membershipChange' || open.evidence.cause === 'proposal') return false;
    const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
    const merged: Evidence = {
      ...open.evidence,
      joined: union(open.evidence.joined, evidence.joined),
      left: union(open.evidence.left, evidence.left),
      ...(open.evidence.cause !== evidence.cause ? { cause: 'mixed' as const } : {}),
    };
    if (JSON.stringify(merged) !== JSON.stringify(open.evidence)) {
      store.flags.updateEvidence(open.id, merged);
      await refresh(open.id);
    }
    return true;
  }

  /** Stores each new occurrence (not one already flagged, not a snoozed kind) and posts it. */
  async function raise(alliance: Alliance, findings: readonly Finding[], now: Date): Promise<Flag[]> {
    const snoozed = store.flags.snoozedKinds(alliance.id, now);
    const raised: Flag[] = [];
    for (const finding of findings) {
      if (isSuppressed(finding.kind, snoozed, now)) continue;
      if (await mergeMembership(alliance, finding)) continue;
      const flag = store.flags.raise({
        teamId: alliance.teamId,
        allianceId: alliance.id,
        kind: finding.kind,
        key: finding.key,
        evidence: finding.evidence,
        now,
      });
      if (flag) raised.push(flag);
    }
    for (const flag of raised) {
      const posted = await gateway.post(
        alliance.teamId,
        { channel: alliance.channelId, ...buildFlagMessage(flagModel(flag, alliance)) },
        `alliance ${alliance.id}: posting flag ${flag.id}`,
      );
      if (posted.ok) store.flags.setMessage(flag.id, posted.channel, posted.ts);
    }
    return raised;
  }

  /** After a pulse closes: evaluate the pulse signals over the stored history. */
  async function afterPulseClosed(allianceId: string, now: Date): Promise<void> {
    const alliance = store.alliances.get(allianceId);
    if (!alliance || alliance.status === 'archived') return;
    const version = alliance.activeVersionId ? store.agreements.version(alliance.activeVersionId) : undefined;
    const commitmentTexts = new Map(
      (version ? commitmentsOf(version.content) : []).map((c) => [`${c.userId}|${c.promptId}`, c.text]),
    );
    const findings = evaluatePulseSignals({
      settings: alliance.settings.signals,
      aspects: getTemplate(alliance.templateId).aspects,
      history: frozenHistory(store.pulses.closedPulses(alliance.id, HISTORY), alliance.settings),
      openReservations: store.agreements.reservations(alliance.id, 'open'),
      commitmentTexts,
    });
    await raise(alliance, findings, now);
  }

  /** Inside a transaction: the daily review-date check is scheduled (idempotent). */
  function ensureDaily(allianceId: string, now: Date): void {
    const alliance = store.alliances.get(allianceId);
    if (!alliance) return;
    store.jobs.scheduleIfNone({
      teamId: alliance.teamId,
      kind: JOB_KINDS.signalsDaily,
      subjectId: alliance.id,
      runAt: new Date(now.getTime() + DAY),
      now,
    });
  }

  /** Atomic: an archived alliance raises no more signals. */
  function cancelDaily(allianceId: string, now: Date): void {
    store.jobs.cancelPending(allianceId, JOB_KINDS.signalsDaily, now);
  }

  /** Job `signals.daily`: the review date, checked once a day. */
  async function runDaily(job: Job, now: Date): Promise<void> {
    const alliance = store.alliances.get(job.subjectId);
    if (!alliance || alliance.status === 'archived') return;
    const version = alliance.activeVersionId ? store.agreements.version(alliance.activeVersionId) : undefined;
    if (version) {
      const finding = evaluateReviewDate({
        settings: alliance.settings.signals,
        versionId: version.id,
        versionNumber: version.number,
        activatedAt: version.activatedAt,
        now,
      });
      if (finding) await raise(alliance, [finding], now);
    }
    store.jobs.schedule({
      teamId: alliance.teamId,
      kind: JOB_KINDS.signalsDaily,
      subjectId: alliance.id,
      runAt: new Date(now.getTime() + DAY),
      now,
    });
  }

  /** A membership change happened: raise its signal (an occurrence per triggering event). */
  async function membershipChanged(allianceId: string, change: MembershipChange, now: Date): Promise<void> {
    const alliance = store.alliances.get(allianceId);
    if (!alliance || alliance.status === 'archived') return;
    const { occurrence, ...rest } = change;
    const finding = membershipFinding(alliance.settings.signals, rest, occurrence);
    if (finding) await raise(alliance, [finding], now);
  }

  async function refresh(flagId: number): Promise<void> {
    const flag = store.flags.get(flagId);
    const alliance = flag ? store.alliances.get(flag.allianceId) : undefined;
    if (!flag?.messageTs || !flag.messageChannel || !alliance) return;
    await gateway.update(
      alliance.teamId,
      { channel: flag.messageChannel, ts: flag.messageTs },
      buildFlagMessage(flagModel(flag, alliance)),
      `flag ${flagId}: updating its message`,
    );
  }

  /** Every flag message of the alliance, re-rendered from the store (after someone was forgotten). */
  async function refreshAll(allianceId: string): Promise<void> {
    for (const flag of store.flags.all(allianceId)) await refresh(flag.id);
  }

  /**
   * Atomic: these pulses' comments passed the workspace's retention. A flag keeps its own copy of the
   * reasons it quotes, so those read from these pulses go too.
   */
  function withdrawExpiredComments(allianceId: string, pulseIds: readonly number[]): void {
    for (const flag of store.flags.all(allianceId)) {
      const cleared = withoutCommentsOf(flag.evidence, pulseIds);
      if (cleared) store.flags.updateEvidence(flag.id, cleared);
    }
  }

  /** The flag messages whose evidence was read from these pulses, re-rendered from the store. */
  async function refreshAbout(allianceId: string, pulseIds: readonly number[]): Promise<void> {
    for (const flag of store.flags.all(allianceId)) {
      if (evidencePulses(flag.evidence).some((id) => pulseIds.includes(id))) await refresh(flag.id);
    }
  }

  /** A round started from a flag: its message says so. */
  async function roundOpened(roundId: number): Promise<void> {
    for (const flag of store.flags.ofRound(roundId)) await refresh(flag.id);
  }

  /** A version took effect: the flags that started its round are resolved. */
  async function versionAgreed(roundId: number, now: Date): Promise<void> {
    const flags = store.flags.ofRound(roundId);
    if (store.flags.resolveRound(roundId, now) > 0) for (const flag of flags) await refresh(flag.id);
  }

  function flagContext(teamId: string, userId: string, flagId: number): { flag: Flag; alliance: Alliance } | Notice {
    const flag = store.flags.get(flagId);
    const alliance = flag ? store.alliances.get(flag.allianceId) : undefined;
    if (!flag || !alliance || alliance.teamId !== teamId) return notice(NOTICES.signalStale);
    return refusal(store, alliance, userId, 'act-on-flag') ?? { flag, alliance };
  }

  /** "See the details" (members-only alliances): the evidence, privately, to a current member. */
  function showDetails(input: {
    teamId: string;
    userId: string;
    flagId: number;
  }): Notice | { kind: 'view'; view: ModalView } {
    const flag = store.flags.get(input.flagId);
    const alliance = flag ? store.alliances.get(flag.allianceId) : undefined;
    if (!flag || !alliance || alliance.teamId !== input.teamId) return notice(NOTICES.signalStale);
    const refused = refusal(store, alliance, input.userId, 'see-details');
    if (refused) return refused;
    return {
      kind: 'view',
      view: buildFlagDetailsView({ kind: flag.kind, evidence: flag.evidence, allianceName: alliance.name }),
    };
  }

  /** "Not now": the modal asking for how long and why. */
  function openSnooze(input: {
    teamId: string;
    userId: string;
    flagId: number;
  }): Notice | { kind: 'view'; view: ModalView } {
    const context = flagContext(input.teamId, input.userId, input.flagId);
    if ('kind' in context) return context;
    if (context.flag.state !== 'open') return notice(NOTICES.signalHandled);
    const view = buildSnoozeModal({
      flagId: context.flag.id,
      weeks: context.alliance.settings.signals.snoozeWeeks,
      kind: context.flag.kind,
    });
    return { kind: 'view', view };
  }

  /** Quiets a signal's kind for some weeks, recording who and why. */
  function snooze(input: {
    teamId: string;
    userId: string;
    flagId: number;
    weeks: number;
    reason: string;
    now: Date;
  }): Notice | { kind: 'snoozed'; after: () => Promise<void> } {
    const context = flagContext(input.teamId, input.userId, input.flagId);
    if ('kind' in context) return context;
    const weeks = Math.min(Math.max(Math.round(input.weeks), 1), 12);
    const until = new Date(input.now.getTime() + weeks * 7 * DAY);
    if (!store.flags.snooze(context.flag.id, until, input.userId, input.reason.trim().slice(0, 300))) {
      return notice(NOTICES.signalHandled);
    }
    return { kind: 'snoozed', after: () => refresh(context.flag.id) };
  }

  return {
    raise,
    refreshAll,
    withdrawExpiredComments,
    refreshAbout,
    afterPulseClosed,
    ensureDaily,
    cancelDaily,
    runDaily,
    membershipChanged,
    roundOpened,
    versionAgreed,
    openSnooze,
    snooze,
    showDetails,
  };
}

export type FlagService = ReturnType<typeof createFlagService>;
