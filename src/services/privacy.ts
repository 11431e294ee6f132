import type { Alliance } from '../domain/alliance.js';
import type { DomainEventOf } from '../domain/events.js';
import { buildPrivacyChangeMessage } from '../slack/blocks/trust.js';
import type { SlackGateway } from '../slack/gateway.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';
import type { PrivacyChange } from '../store/privacy-changes-repo.js';
import { refusal } from './access.js';
import type { Events } from './events.js';

export interface PrivacyDeps {
  store: Store;
  gateway: SlackGateway;
  events: Events;
}

/**
 * Weakening privacy (anonymity off, a lower threshold, members-only to the channel) is the team's
 * decision, not one member's: it waits until every current member has agreed, any member can keep
 * things as they are, and once applied it reaches only pulses and posts that come after.
 */
export function createPrivacyService(deps: PrivacyDeps) {
  const { store, gateway } = deps;

  /** Atomic, inside the settings transaction: records the proposal (replacing any earlier one). */
  function propose(event: DomainEventOf<'privacyChangeRequested'>, now: Date): void {
    const alliance = store.alliances.get(event.allianceId);
    if (!alliance) return;
    const { id } = store.privacyChanges.propose({
      teamId: alliance.teamId,
      allianceId: alliance.id,
      proposedBy: event.byUserId,
      changes: event.changes,
      now,
    });
    // Whoever proposes it agrees to it.
    store.privacyChanges.agree(id, alliance.teamId, event.byUserId);
  }

  function message(change: PrivacyChange, alliance: Alliance) {
    const members = store.alliances.members(alliance.id);
    const agreed = new Set(store.privacyChanges.agreed(change.id));
    return buildPrivacyChangeMessage({
      changeId: change.id,
      allianceName: alliance.name,
      proposedBy: change.proposedBy,
      changes: change.changes,
      agreed: members.filter((m) => agreed.has(m)),
      waiting: members.filter((m) => !agreed.has(m)),
      status: change.status,
      decidedBy: change.decidedBy,
    });
  }

  /** Posts the alliance's proposal in the channel (after the settings are saved). */
  async function announce(allianceId: string, now: Date): Promise<void> {
    const alliance = store.alliances.get(allianceId);
    const change = alliance ? store.privacyChanges.proposed(alliance.id) : undefined;
    if (!change || !alliance) return;
    // With one member, proposing was agreeing: it applies at once.
    if (await applyIfEveryoneAgreed(alliance, change, now)) return;
    const posted = await gateway.post(
      alliance.teamId,
      { channel: alliance.channelId, ...message(change, alliance) },
      `alliance ${alliance.id}: posting a privacy change`,
    );
    if (posted.ok) store.privacyChanges.setMessage(change.id, posted.channel, posted.ts);
  }

  async function refresh(changeId: number): Promise<void> {
    const change = store.privacyChanges.get(changeId);
    const alliance = change ? store.alliances.get(change.allianceId) : undefined;
    if (!change?.messageChannel || !change.messageTs || !alliance) return;
    await gateway.update(
      alliance.teamId,
      { channel: change.messageChannel, ts: change.messageTs },
      message(change, alliance),
      `privacy change ${change.id}: updating its message`,
    );
  }

  /** Applies the change once every current member has agreed; true when it did. */
  async function applyIfEveryoneAgreed(alliance: Alliance, change: PrivacyChange, now: Date): Promise<boolean> {
    const agreed = new Set(store.privacyChanges.agreed(change.id));
    if (!store.alliances.members(alliance.id).every((m) => agreed.has(m))) return false;
    const applied = store.transaction(() => {
      if (!store.privacyChanges.decide(change.id, 'applied', null, now)) return false;
      const current = store.alliances.get(alliance.id);
      if (!current) return false;
      store.alliances.updateSettings(alliance.id, { ...current.settings, ...change.changes });
      return true;
    });
    if (applied) await refresh(change.id);
    return applied;
  }

  function changeContext(
    teamId: string,
    userId: string,
    changeId: number,
  ): { change: PrivacyChange; alliance: Alliance } | Notice {
    const change = store.privacyChanges.get(changeId);
    const alliance = change ? store.alliances.get(change.allianceId) : undefined;
    if (!change || !alliance || alliance.teamId !== teamId) return notice(NOTICES.stale);
    const refused = refusal(store, alliance, userId, 'agree-privacy-change');
    if (refused) return refused;
    if (change.status !== 'proposed') return notice(NOTICES.privacyChangeSettled);
    return { change, alliance };
  }

  /** "I agree". */
  async function agree(input: { teamId: string; userId: string; changeId: number; now: Date }): Promise<Notice> {
    const context = changeContext(input.teamId, input.userId, input.changeId);
    if ('kind' in context) return context;
    store.privacyChanges.agree(context.change.id, context.alliance.teamId, input.userId);
    if (await applyIfEveryoneAgreed(context.alliance, context.change, input.now)) {
      return notice(NOTICES.privacyChangeApplied);
    }
    await refresh(context.change.id);
    return notice(NOTICES.privacyChangeAgreed);
  }

  /** "Keep things as they are": any member can, and nothing changes. */
  async function keep(input: { teamId: string; userId: string; changeId: number; now: Date }): Promise<Notice> {
    const context = changeContext(input.teamId, input.userId, input.changeId);
    if ('kind' in context) return context;
    if (!store.privacyChanges.decide(context.change.id, 'declined', input.userId, input.now)) {
      return notice(NOTICES.privacyChangeSettled);
    }
    await refresh(context.change.id);
    return notice(NOTICES.privacyKept);
  }

  /** Members left: those who remain may all have agreed already. */
  async function recheck(allianceId: string, now: Date): Promise<void> {
    const alliance = store.alliances.get(allianceId);
    const change = alliance ? store.privacyChanges.proposed(alliance.id) : undefined;
    if (!alliance || !change) return;
    if (!(await applyIfEveryoneAgreed(alliance, change, now))) await refresh(change.id);
  }

  return { propose, announce, agree, keep, recheck };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
