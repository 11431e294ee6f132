import type { Logger } from '@slack/bolt';
import type { Alliance } from '../domain/alliance.js';
import { DELIVERY_KINDS } from '../domain/delivery.js';
import type { DomainEvent, DomainEventOf, MembershipChange } from '../domain/events.js';
import type { Directory } from '../slack/directory.js';
import type { Store } from '../store/index.js';
import { refusal } from './access.js';
import type { Events } from './events.js';

export interface MembershipDeps {
  store: Store;
  directory: Directory;
  events: Events;
  logger: Logger;
}

/** Slack's answers that mean the account is gone, not just unreachable for now. */
const DEACTIVATED = new Set(['user_disabled', 'account_inactive', 'user_not_found', 'users_not_found']);

/**
 * Inside a transaction: records who joined and who left. Those who left leave the open pulse and
 * get nothing more; the change is recorded as an event so its signal and rechecks follow.
 */
export function applyMembershipChange(
  store: Store,
  alliance: Alliance,
  change: MembershipChange,
  now: Date,
  record: (event: DomainEvent) => void,
): void {
  if (change.joined.length === 0 && change.left.length === 0) return;
  for (const userId of change.joined) store.alliances.addMember(alliance.id, alliance.teamId, userId, now);
  const open = store.pulses.openPulse(alliance.id);
  for (const userId of change.left) {
    store.alliances.removeMember(alliance.id, userId, change.cause, now);
    store.deliveries.cancelForUser(alliance.id, userId);
    if (open) store.pulses.removeInvitee(open.id, userId);
  }
  record({ type: 'membersChanged', allianceId: alliance.id, change });
}

/** People arriving in and leaving an alliance through Slack: the channel, deactivation, unreachable DMs. */
export function createMembershipService(deps: MembershipDeps) {
  const { store } = deps;
  const botUserId = (teamId: string) => store.workspaces.get(teamId)?.botUserId ?? null;

  async function change(alliance: Alliance, membership: MembershipChange, now: Date): Promise<void> {
    await deps.events.run(now, (record) => applyMembershipChange(store, alliance, membership, now, record));
  }

  /**
   * Someone joined the alliance's channel: the team gets a signal, and they a DM. Where they may
   * commit at once (a channel alliance, someone new), it holds the agreement and the choice;
   * otherwise (members-only, or someone who left or was removed) only that the alliance exists,
   * and a way to ask to join.
   */
  async function memberJoinedChannel(input: {
    teamId: string;
    userId: string;
    channelId: string;
    eventId: string;
    now: Date;
  }): Promise<void> {
    const alliance = store.alliances.liveInChannel(input.teamId, input.channelId);
    if (alliance?.status !== 'active' || alliance.activeVersionId === null) return;
    if (input.userId === botUserId(input.teamId) || store.alliances.isMember(alliance.id, input.userId)) return;
    const person = await deps.directory.user(input.teamId, input.userId);
    if (!person || person.isBot || person.deleted) return;
    const versionId = alliance.activeVersionId;
    // A version written for the members stays theirs: its newcomers ask to join first.
    const version = store.agreements.version(versionId);
    const mayCommit = version !== undefined && !refusal(store, alliance, input.userId, 'commit-as-newcomer', version);
    await deps.events.run(input.now, (record) => {
      store.deliveries.enqueue({
        teamId: alliance.teamId,
        allianceId: alliance.id,
        kind: mayCommit ? DELIVERY_KINDS.newcomerWelcome : DELIVERY_KINDS.joinInvitation,
        subjectId: versionId,
        userIds: [input.userId],
        at: input.now,
        now: input.now,
      });
      record({ type: 'dmsQueued' });
      record({
        type: 'newcomerArrived',
        allianceId: alliance.id,
        userId: input.userId,
        occurrence: `joined:${input.eventId}`,
      });
    });
  }

  /** A member left the alliance's channel: they leave the alliance. */
  async function memberLeftChannel(input: {
    teamId: string;
    userId: string;
    channelId: string;
    eventId: string;
    now: Date;
  }): Promise<void> {
    const alliance = store.alliances.liveInChannel(input.teamId, input.channelId);
    if (!alliance || !store.alliances.isMember(alliance.id, input.userId)) return;
    const left: MembershipChange = {
      joined: [],
      left: [input.userId],
      cause: 'channel',
      byUserId: null,
      occurrence: `left:${input.eventId}`,
    };
    await change(alliance, left, input.now);
  }

  /**
   * Slack tells us when a person's account is deactivated (`user_change` with `deleted`): they stop
   * taking part in every alliance they belonged to, and each team sees it as a signal.
   */
  async function accountChanged(input: {
    teamId: string;
    userId: string;
    deleted: boolean;
    eventId: string;
    now: Date;
  }): Promise<void> {
    if (!input.deleted) return;
    store.dmChannels.forget(input.teamId, input.userId);
    for (const alliance of store.alliances.ofMember(input.teamId, input.userId)) {
      const left: MembershipChange = {
        joined: [],
        left: [input.userId],
        cause: 'deactivated',
        byUserId: null,
        occurrence: `deactivated:${input.eventId}`,
      };
      await change(alliance, left, input.now);
    }
  }

  /**
   * Who hears that a member cannot be reached: whoever started the alliance while they are still a
   * member, otherwise the longest-standing member other than the one unreachable.
   */
  function reportRecipient(alliance: Alliance, unreachableId: string): string | null {
    const members = store.alliances.members(alliance.id).filter((m) => m !== unreachableId);
    return members.includes(alliance.starterId) ? alliance.starterId : (members[0] ?? null);
  }

  /**
   * A direct message could not reach a member: a member is told once per person (through the
   * outbox too), and an account that is gone stops taking part, which is a signal.
   */
  async function unreachable(event: DomainEventOf<'memberUnreachable'>, now: Date): Promise<void> {
    const alliance = store.alliances.get(event.allianceId);
    const delivery = store.deliveries.byId(event.deliveryId);
    if (!alliance || !delivery || delivery.kind === DELIVERY_KINDS.reportUnreachable) return;
    const recipient = reportRecipient(alliance, event.userId);
    if (recipient && !store.deliveries.wasReported(alliance.id, event.userId)) {
      // The outbox is draining as this runs, so it picks the report up without being asked.
      store.transaction(() => {
        store.deliveries.markReported(delivery.id, now);
        store.deliveries.enqueue({
          teamId: alliance.teamId,
          allianceId: alliance.id,
          kind: DELIVERY_KINDS.reportUnreachable,
          subjectId: delivery.id,
          userIds: [recipient],
          at: now,
          now,
        });
      });
      deps.logger.warn(
        `alliance ${alliance.id}: a member cannot be reached by DM (${event.reason}); another member will be told`,
      );
    }
    if (DEACTIVATED.has(event.reason) && store.alliances.isMember(alliance.id, event.userId)) {
      const left: MembershipChange = {
        joined: [],
        left: [event.userId],
        cause: 'deactivated',
        byUserId: null,
        occurrence: `deactivated:${event.userId}:${delivery.id}`,
      };
      await change(alliance, left, now);
    }
  }

  return { change, memberJoinedChannel, memberLeftChannel, accountChanged, unreachable };
}

export type MembershipService = ReturnType<typeof createMembershipService>;
