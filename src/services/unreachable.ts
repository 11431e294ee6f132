import type { Logger } from '@slack/bolt';
import type { Alliance } from '../domain/alliance.js';
import type { Delivery } from '../domain/delivery.js';
import { type Block, context, escapeText, section } from '../slack/blocks/kit.js';
import type { Store } from '../store/index.js';
import type { MembershipChange } from './settings.js';

export const REPORT_UNREACHABLE = 'report_unreachable';

/** Slack's answers that mean the account is gone, not just unreachable for now. */
const DEACTIVATED = new Set(['user_disabled', 'account_inactive', 'user_not_found', 'users_not_found']);

const REASONS: Record<string, string> = {
  user_not_found: 'Slack could not find their account',
  users_not_found: 'Slack could not find their account',
  account_inactive: 'their account is deactivated',
  user_disabled: 'their account is disabled',
  cannot_dm_bot: 'it is a bot, and bots cannot receive direct messages',
  user_is_bot: 'it is a bot, and bots cannot receive direct messages',
  messages_tab_disabled: 'direct messages from Alliance are turned off',
};

/** The DM the starter gets, once per member, when Alliance cannot reach someone. */
export function buildUnreachableReport(input: {
  allianceName: string;
  channelId: string;
  memberId: string;
  reason: string;
}): { text: string; blocks: Block[] } {
  const why = REASONS[input.reason] ?? `Slack answered “${input.reason}”`;
  return {
    text: `I can't reach a member of ${input.allianceName} by direct message`,
    blocks: [
      section(
        `I couldn't send a direct message to <@${input.memberId}> about *${input.allianceName}* in <#${input.channelId}>: ${why}. They will miss invitations and pulses until this is fixed; I won't keep retrying.`,
      ),
      context(['If they have left the team, remove them from the alliance in `/alliance settings`.']),
    ],
  };
}

/**
 * What happens when a direct message cannot reach a member: the starter is told once per member
 * (through the outbox too), and an account that is gone stops taking part, which is a signal.
 */
export function createUnreachableHandling(deps: {
  store: Store;
  logger: Logger;
  changeMembers: (alliance: Alliance, change: MembershipChange, now: Date) => Promise<void>;
}) {
  const { store } = deps;

  async function onUnreachable(delivery: Delivery, reason: string, now: Date): Promise<void> {
    const alliance = store.alliances.get(delivery.allianceId);
    if (!alliance || delivery.kind === REPORT_UNREACHABLE) return;
    if (delivery.userId !== alliance.starterId && !store.deliveries.wasReported(alliance.id, delivery.userId)) {
      store.deliveries.markReported(delivery.id, now);
      store.deliveries.enqueue({
        teamId: alliance.teamId,
        allianceId: alliance.id,
        kind: REPORT_UNREACHABLE,
        subjectId: delivery.id,
        userIds: [alliance.starterId],
        at: now,
        now,
      });
      deps.logger.warn(
        `alliance ${alliance.id}: a member cannot be reached by DM (${reason}); the starter will be told`,
      );
    }
    if (DEACTIVATED.has(reason) && store.alliances.isMember(alliance.id, delivery.userId)) {
      await deps.changeMembers(
        alliance,
        {
          joined: [],
          left: [delivery.userId],
          cause: 'deactivated',
          byUserId: null,
          occurrence: `deactivated:${delivery.userId}:${delivery.id}`,
        },
        now,
      );
    }
  }

  /** Outbox renderer for the report: the delivery that failed is its subject. */
  function renderReport(report: Delivery) {
    const failed = store.deliveries.byId(report.subjectId);
    const alliance = store.alliances.get(report.allianceId);
    if (!failed || !alliance) return null;
    return buildUnreachableReport({
      allianceName: escapeText(alliance.name),
      channelId: alliance.channelId,
      memberId: failed.userId,
      reason: failed.error ?? 'unknown',
    });
  }

  return { onUnreachable, renderReport };
}
