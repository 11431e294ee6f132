import type { Logger } from '@slack/bolt';
import type * as webApi from '@slack/web-api';
import type { Block, HomeView } from './blocks/kit.js';
import { type SlackClients, slackErrorCode } from './clients.js';

export interface OutgoingMessage {
  /** A channel id, or a user id for the app's DM with that person. */
  channel: string;
  text: string;
  blocks?: Block[];
  threadTs?: string;
  /** Also show a thread reply in the channel. */
  broadcast?: boolean;
}

/** What Slack answered: where the message is, or the error code it gave. */
export type Posted = { ok: true; channel: string; ts: string } | { ok: false; error: string };

export interface FileUpload {
  channel: string;
  threadTs?: string;
  file: Buffer;
  filename: string;
  title: string;
  altText: string;
}

/**
 * The Slack calls services make, narrowed to what they need. Each call logs its own failure with
 * the context the caller gives (never a person's words) and returns it instead of throwing, so a
 * use case decides what a failure means for it without repeating try/catch/log.
 */
export interface SlackGateway {
  post(teamId: string, message: OutgoingMessage, context: string): Promise<Posted>;
  /** Replaces a message's text and blocks. */
  update(
    teamId: string,
    at: { channel: string; ts: string },
    message: { text: string; blocks?: Block[] },
    context: string,
  ): Promise<boolean>;
  /** Pins a message; one already pinned counts as done. */
  pin(teamId: string, at: { channel: string; ts: string }, context: string): Promise<boolean>;
  permalink(teamId: string, at: { channel: string; ts: string }, context: string): Promise<string | null>;
  upload(teamId: string, upload: FileUpload, context: string): Promise<boolean>;
  publishHome(teamId: string, userId: string, view: HomeView, context: string): Promise<boolean>;
}

const describe = (error: unknown): string =>
  slackErrorCode(error) ?? (error instanceof Error ? error.message : 'unknown error');

export function createSlackGateway(clients: SlackClients, logger: Logger): SlackGateway {
  async function attempt<T>(
    context: string,
    call: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      const code = describe(error);
      logger.warn(`${context}: Slack answered ${code}`);
      return { ok: false, error: code };
    }
  }

  return {
    async post(teamId, message, context) {
      // The client's argument type is a union keyed on optional fields; this object is one of its members.
      const args = {
        channel: message.channel,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
        ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
        ...(message.broadcast ? { reply_broadcast: true } : {}),
        unfurl_links: false,
      } as webApi.ChatPostMessageArguments;
      const result = await attempt(context, () => clients.forTeam(teamId).chat.postMessage(args));
      if (!result.ok) return result;
      const { ts, channel } = result.value;
      if (!ts || !channel) {
        logger.warn(`${context}: Slack answered without a message ts`);
        return { ok: false, error: 'no_ts' };
      }
      return { ok: true, channel, ts };
    },

    async update(teamId, at, message, context) {
      const result = await attempt(context, () =>
        clients.forTeam(teamId).chat.update({
          channel: at.channel,
          ts: at.ts,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks } : {}),
        }),
      );
      return result.ok;
    },

    async pin(teamId, at, context) {
      try {
        await clients.forTeam(teamId).pins.add({ channel: at.channel, timestamp: at.ts });
        return true;
      } catch (error) {
        if (slackErrorCode(error) === 'already_pinned') return true;
        logger.warn(`${context}: Slack answered ${describe(error)}`);
        return false;
      }
    },

    async permalink(teamId, at, context) {
      const result = await attempt(context, () =>
        clients.forTeam(teamId).chat.getPermalink({ channel: at.channel, message_ts: at.ts }),
      );
      return result.ok ? (result.value.permalink ?? null) : null;
    },

    async upload(teamId, upload, context) {
      // The client's argument type is a union on thread_ts; this object is one of its members.
      const args = {
        channel_id: upload.channel,
        ...(upload.threadTs ? { thread_ts: upload.threadTs } : {}),
        file: upload.file,
        filename: upload.filename,
        title: upload.title,
        alt_text: upload.altText,
      } as webApi.FilesUploadV2Arguments;
      const result = await attempt(context, () => clients.forTeam(teamId).filesUploadV2(args));
      return result.ok;
    },

    async publishHome(teamId, userId, view, context) {
      const result = await attempt(context, () => clients.forTeam(teamId).views.publish({ user_id: userId, view }));
      return result.ok;
    },
  };
}
