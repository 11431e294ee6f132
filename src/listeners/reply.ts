import type { Logger } from '@slack/bolt';
import type { SlackClient } from '../slack/clients.js';
import { slackErrorCode } from '../slack/clients.js';

interface ActionReplyArgs {
  respond?:
    | ((message: { response_type: 'ephemeral'; replace_original: false; text: string }) => Promise<unknown>)
    | undefined;
  client: SlackClient;
  logger: Logger;
}

/**
 * Tells the person who clicked something, and only them. Uses the click's response_url when Slack
 * gave one; otherwise an ephemeral message in the channel, or a DM as the last resort.
 */
export async function replyPrivately(
  args: ActionReplyArgs,
  target: { userId: string; channelId?: string | undefined },
  text: string,
): Promise<void> {
  try {
    if (args.respond) {
      await args.respond({ response_type: 'ephemeral', replace_original: false, text });
      return;
    }
    if (target.channelId) {
      await args.client.chat.postEphemeral({ channel: target.channelId, user: target.userId, text });
      return;
    }
    await args.client.chat.postMessage({ channel: target.userId, text });
  } catch (error) {
    args.logger.error('could not reply privately to a user:', slackErrorCode(error) ?? error);
  }
}
