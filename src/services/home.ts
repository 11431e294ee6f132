import { createHash } from 'node:crypto';
import { consentProgress } from '../domain/agreement.js';
import type { Alliance } from '../domain/alliance.js';
import { designProgress } from '../domain/design.js';
import { JOB_KINDS } from '../domain/job.js';
import { isPulseOpen } from '../domain/pulse.js';
import { type AllianceSummary, buildHomeView, type HomeModel, type WaitingItem } from '../slack/blocks/home.js';
import type { SlackGateway } from '../slack/gateway.js';
import type { Store } from '../store/index.js';

/**
 * The App Home tab: what waits for this person (answers to give, consent to record, a pulse to
 * check in on, a reservation to revisit, a newcomer to admit), then each alliance they belong to.
 * Published when they open it, and again after a change that affects them; never twice unchanged.
 */
export function createHomeService(deps: { store: Store; gateway: SlackGateway }) {
  const { store } = deps;

  /** What waits for `userId` in one alliance, and the alliance's summary; a few indexed reads each. */
  function readAlliance(
    alliance: Alliance,
    userId: string,
    now: Date,
  ): { waiting: WaitingItem[]; summary: AllianceSummary } {
    const waiting: WaitingItem[] = [];
    const base = { allianceId: alliance.id, allianceName: alliance.name };
    const members = store.alliances.members(alliance.id);

    const round = store.design.currentOpenRound(alliance.id);
    const finished = round ? designProgress(members, store.design.finishedMembers(round.id)).finished : [];
    if (round && !finished.includes(userId)) {
      waiting.push({
        kind: 'answers',
        ...base,
        channelId: alliance.channelId,
        roundId: round.id,
        renegotiation: round.baseVersionId !== null,
      });
    }

    const proposed = store.agreements.proposedVersion(alliance.id);
    const consent = proposed ? consentProgress(members, store.agreements.consents(proposed.id)) : null;
    if (proposed && consent?.waiting.includes(userId)) {
      const asked = consent.agreed.length + consent.waiting.length;
      waiting.push({
        kind: 'consent',
        ...base,
        versionId: proposed.id,
        versionNumber: proposed.number,
        agreed: consent.agreed.length,
        asked,
      });
    }

    const pulse = store.pulses.openPulse(alliance.id);
    const invited = pulse !== undefined && isPulseOpen(pulse, now) && store.pulses.isInvitee(pulse.id, userId);
    const answered = invited && store.pulses.hasParticipated(pulse.id, userId);
    if (invited && !answered)
      waiting.push({ kind: 'check-in', allianceName: alliance.name, pulseId: pulse.id, closesAt: pulse.closesAt });

    for (const reservation of store.agreements.reservations(alliance.id, 'open')) {
      if (reservation.userId !== userId || round) continue;
      const version = store.agreements.version(reservation.versionId);
      waiting.push({ kind: 'reservation', ...base, versionNumber: version?.number ?? 0, concern: reservation.concern });
    }
    for (const admission of store.admissions.requested(alliance.id)) {
      waiting.push({ kind: 'admit', ...base, userId: admission.userId });
    }

    const active = alliance.activeVersionId ? store.agreements.version(alliance.activeVersionId) : undefined;
    const summary: AllianceSummary = {
      name: alliance.name,
      channelId: alliance.channelId,
      status: alliance.status,
      versionNumber: active?.number ?? null,
      proposed:
        proposed && consent
          ? {
              number: proposed.number,
              agreed: consent.agreed.length,
              asked: consent.agreed.length + consent.waiting.length,
            }
          : null,
      renegotiating:
        round && round.baseVersionId !== null ? { finished: finished.length, members: members.length } : null,
      openPulseClosesAt: invited ? pulse.closesAt : null,
      answeredOpenPulse: answered,
      nextPulseAt: store.jobs.nextPending(alliance.id, JOB_KINDS.pulseOpen)?.runAt ?? null,
    };
    return { waiting, summary };
  }

  function modelFor(teamId: string, userId: string, now: Date): HomeModel {
    const waiting: WaitingItem[] = [];
    const alliances: AllianceSummary[] = [];
    for (const alliance of store.alliances.ofMember(teamId, userId)) {
      const read = readAlliance(alliance, userId, now);
      waiting.push(...read.waiting);
      alliances.push(read.summary);
    }
    return { waiting, alliances };
  }

  /** Publishes this person's Home, unless it is exactly what they already have. */
  async function publish(input: { teamId: string; userId: string; now: Date }): Promise<void> {
    const view = buildHomeView(modelFor(input.teamId, input.userId, input.now));
    const hash = createHash('sha256').update(JSON.stringify(view)).digest('hex');
    if (store.homeViews.hash(input.teamId, input.userId) === hash) return;
    const published = await deps.gateway.publishHome(input.teamId, input.userId, view, 'publishing the App Home');
    if (published) store.homeViews.remember(input.teamId, input.userId, hash, input.now);
  }

  /**
   * After a change: brings the Home of each of these people up to date, for those who have opened
   * their Home before (the others will get it when they do).
   */
  async function refresh(teamId: string, userIds: readonly string[], now: Date): Promise<void> {
    for (const userId of new Set(userIds)) {
      if (store.homeViews.hash(teamId, userId) !== undefined) await publish({ teamId, userId, now });
    }
  }

  /** Everyone an alliance's change may touch: its members and anyone waiting to be admitted. */
  async function refreshAlliance(allianceId: string, now: Date, extra: readonly string[] = []): Promise<void> {
    const alliance = store.alliances.get(allianceId);
    if (!alliance) return;
    const people = [...store.alliances.members(alliance.id), ...extra];
    await refresh(alliance.teamId, people, now);
  }

  /** One member's Home, after a change only they see (their own check-in). */
  async function refreshMember(allianceId: string, userId: string, now: Date): Promise<void> {
    const alliance = store.alliances.get(allianceId);
    if (alliance) await refresh(alliance.teamId, [userId], now);
  }

  return { publish, refresh, refreshAlliance, refreshMember, modelFor };
}

export type HomeService = ReturnType<typeof createHomeService>;
