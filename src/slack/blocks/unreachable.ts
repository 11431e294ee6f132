import { type Block, channelMention, context, escapeText, section, userMention } from './kit.js';

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
  const why = REASONS[input.reason] ?? `Slack answered “${escapeText(input.reason)}”`;
  const name = escapeText(input.allianceName);
  return {
    text: `I can't reach a member of ${name} by direct message`,
    blocks: [
      section(
        `I couldn't send a direct message to ${userMention(input.memberId)} about *${name}* in ` +
          `${channelMention(input.channelId)}: ${why}. They will miss invitations and pulses until ` +
          `this is fixed; I won't keep retrying.`,
      ),
      context(['If they have left the team, remove them from the alliance in `/alliance settings`.']),
    ],
  };
}
