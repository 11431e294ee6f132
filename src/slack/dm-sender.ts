import * as webApi from '@slack/web-api';
import type { Timer } from '../clock.js';
import type { Block } from './blocks/kit.js';
import { type SlackClient, type SlackClients, slackErrorCode } from './clients.js';
import { createPacer, type Pacer } from './pacer.js';

/** Slack's answers that mean "this person cannot get a DM from us", not "try again". */
const UNREACHABLE_ERRORS = new Set([
  'user_not_found',
  'users_not_found',
  'account_inactive',
  'cannot_dm_bot',
  'user_disabled',
  'user_is_bot',
  'messages_tab_disabled',
]);

/** Answers that mean the DM channel we used is gone, not the person. */
const STALE_CHANNEL_ERRORS = new Set(['channel_not_found', 'is_archived', 'not_in_channel']);

/** Metadata on every outbox message, so a retry can find out whether it was already delivered. */
const DELIVERY_EVENT = 'alliance_delivery';

/** A failed DM call, with what it means for whoever retries it. */
export interface DmFailure {
  ok: false;
  error: string;
  /** 'unreachable': the person cannot get our DMs; 'stale-channel': the channel we used is gone; 'transient': try again later. */
  meaning: 'unreachable' | 'stale-channel' | 'transient';
}

export type DmResult<T> = ({ ok: true } & T) | DmFailure;

/**
 * Direct messages to people, paced per workspace under Slack's rate limit (see pacer.ts). Each
 * call answers with what Slack said, classified, instead of throwing.
 */
export interface DmSender {
  /** Opens (or finds) the app's DM channel with a person. */
  open(teamId: string, userId: string): Promise<DmResult<{ channel: string }>>;
  /**
   * Posts a message carrying its delivery id in the metadata, to a DM channel (`D…`) or to a person's
   * user id: Slack then posts in the app's DM with them, opening it if need be, and answers with the
   * DM's channel id. So a first message takes one call, without conversations.open.
   */
  post(
    teamId: string,
    to: string,
    message: { text: string; blocks: Block[] },
    deliveryId: number,
  ): Promise<DmResult<{ channel: string; ts: string }>>;
  /** The ts of a message already delivered with this delivery id, found in the channel's recent history. */
  findDelivered(teamId: string, channel: string, deliveryId: number): Promise<DmResult<{ ts: string | null }>>;
}

/** A user id (`U…`, or `W…` in Enterprise Grid), as opposed to a conversation id. */
const isUserId = (id: string) => /^[UW]/.test(id);

function failure(error: unknown, to?: string): DmFailure {
  const code = slackErrorCode(error);
  if (code && UNREACHABLE_ERRORS.has(code)) return { ok: false, error: code, meaning: 'unreachable' };
  // Addressed to a person, Slack's "no such channel" means no such person (for this app): reported
  // as user_not_found, what conversations.open would have said, so the account counts as gone.
  if (code === 'channel_not_found' && to !== undefined && isUserId(to))
    return { ok: false, error: 'user_not_found', meaning: 'unreachable' };
  if (code && STALE_CHANNEL_ERRORS.has(code)) return { ok: false, error: code, meaning: 'stale-channel' };
  return { ok: false, error: code ?? (error instanceof Error ? error.message : String(error)), meaning: 'transient' };
}

export function createDmSender(deps: { clients: SlackClients; timer: Timer }): DmSender {
  // One pacer per workspace, fed by the client's own 429 notices (it retries those itself).
  const pacers = new Map<string, Pacer>();
  const watched = new WeakSet<SlackClient>();
  function pacerFor(teamId: string, client: SlackClient): Pacer {
    let pacer = pacers.get(teamId);
    if (!pacer) {
      pacer = createPacer(deps.timer);
      pacers.set(teamId, pacer);
    }
    if (!watched.has(client)) {
      watched.add(client);
      const own = pacer;
      client.on(webApi.WebClientEvent.RATE_LIMITED, (retryAfterSeconds: number) => own.rateLimited(retryAfterSeconds));
    }
    return pacer;
  }

  /** A Web API call made at the workspace's pace; Slack's refusal comes back as a classified failure. */
  async function paced<T>(
    teamId: string,
    call: (client: SlackClient) => Promise<T>,
    to?: string,
  ): Promise<DmResult<{ value: T }>> {
    try {
      const client = deps.clients.forTeam(teamId);
      const pacer = pacerFor(teamId, client);
      await pacer.acquire();
      const value = await call(client);
      pacer.succeeded();
      return { ok: true, value };
    } catch (error) {
      return failure(error, to);
    }
  }

  return {
    async open(teamId, userId) {
      const opened = await paced(teamId, (client) => client.conversations.open({ users: userId }));
      if (!opened.ok) return opened;
      const channel = opened.value.channel?.id;
      return channel ? { ok: true, channel } : { ok: false, error: 'no_channel', meaning: 'transient' };
    },

    async post(teamId, to, message, deliveryId) {
      const posted = await paced(
        teamId,
        (client) =>
          client.chat.postMessage({
            channel: to,
            text: message.text,
            blocks: message.blocks,
            metadata: { event_type: DELIVERY_EVENT, event_payload: { delivery_id: deliveryId } },
          }),
        to,
      );
      if (!posted.ok) return posted;
      if (!posted.value.ts) return { ok: false, error: 'no_ts', meaning: 'transient' };
      const channel = posted.value.channel ?? (isUserId(to) ? undefined : to);
      // Posted, but without the DM's id a retry could not look the message up: say so rather than guess.
      if (!channel) return { ok: false, error: 'no_channel', meaning: 'transient' };
      return { ok: true, channel, ts: posted.value.ts };
    },

    async findDelivered(teamId, channel, deliveryId) {
      const history = await paced(teamId, (client) =>
        client.conversations.history({ channel, limit: 100, include_all_metadata: true }),
      );
      if (!history.ok) return history;
      for (const message of history.value.messages ?? []) {
        const metadata = message.metadata as
          | { event_type?: string; event_payload?: { delivery_id?: unknown } }
          | undefined;
        if (
          metadata?.event_type === DELIVERY_EVENT &&
          metadata.event_payload?.delivery_id === deliveryId &&
          message.ts
        ) {
          return { ok: true, ts: message.ts };
        }
      }
      return { ok: true, ts: null };
    },
  };
}
