import type { Logger } from '@slack/bolt';
import { webApi } from '@slack/bolt';
import type { Timer } from '../clock.js';
import type { Delivery } from '../domain/delivery.js';
import type { Block } from '../slack/blocks/kit.js';
import { type SlackClient, type SlackClients, slackErrorCode } from '../slack/clients.js';
import type { Store } from '../store/index.js';
import type { Events } from './events.js';
import { createPacer, type Pacer } from './pacer.js';

export interface RenderedMessage {
  text: string;
  blocks: Block[];
}

/** Builds a delivery's message at send time; null means it is no longer relevant (it is cancelled). */
export type DeliveryRenderer = (delivery: Delivery, now: Date) => RenderedMessage | null;

export interface OutboxDeps {
  store: Store;
  clients: SlackClients;
  logger: Logger;
  owner: string;
  renderers: Readonly<Record<string, DeliveryRenderer>>;
  /** Messages in flight at once. Slack rate-limits per workspace; a handful keeps DMs flowing without bursts. */
  concurrency?: number;
  leaseMs?: number;
  /** Paces each workspace's messages under Slack's rate limit (see pacer.ts). */
  timer: Timer;
  /** Records a member turning out to be unreachable, so what follows (telling the starter…) happens. */
  events: Events;
}

/** Slack's answers that mean "this person cannot get a DM from us", not "try again". */
export const UNREACHABLE_ERRORS = new Set([
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

const MAX_ATTEMPTS = 6;
const DELIVERY_EVENT = 'alliance_delivery';

/** Back-off between attempts that failed for a passing reason: 30 s, 2 min, 8 min, … */
export function deliveryRetryDelayMs(attempts: number): number {
  return 30_000 * 4 ** Math.max(0, attempts - 1);
}

/**
 * Sends the direct messages queued in the deliveries table. Each row is claimed atomically, so
 * two processes never send the same one. A row claimed before but not marked sent (the process
 * died, or Slack failed mid-request) is first looked up in the member's DM history by the
 * delivery id carried in the message metadata, so a retry does not send it twice.
 */
export function createOutbox(deps: OutboxDeps) {
  const concurrency = deps.concurrency ?? 4;
  // Long enough for a large fan-out under rate limits; a row whose lease lapses is reconciled, not resent blindly.
  const leaseMs = deps.leaseMs ?? 10 * 60_000;

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
      client.on(webApi.WebClientEvent.RATE_LIMITED, () => own.rateLimited());
    }
    return pacer;
  }

  /** A Web API call made at the workspace's pace. */
  async function paced<T>(pacer: Pacer, call: () => Promise<T>): Promise<T> {
    await pacer.acquire();
    const result = await call();
    pacer.succeeded();
    return result;
  }

  async function alreadyDelivered(client: SlackClient, channel: string, deliveryId: number): Promise<string | null> {
    const history = await client.conversations.history({ channel, limit: 100, include_all_metadata: true });
    for (const message of history.messages ?? []) {
      const metadata = message.metadata as
        | { event_type?: string; event_payload?: { delivery_id?: unknown } }
        | undefined;
      if (metadata?.event_type === DELIVERY_EVENT && metadata.event_payload?.delivery_id === deliveryId && message.ts)
        return message.ts;
    }
    return null;
  }

  async function send(
    delivery: Delivery,
    now: Date,
  ): Promise<'sent' | 'retry' | 'unreachable' | 'failed' | 'cancelled'> {
    const { deliveries } = deps.store;
    const render = deps.renderers[delivery.kind];
    const message = render ? render(delivery, now) : null;
    if (!message) {
      deliveries.finish(delivery.id, deps.owner, 'cancelled', render ? null : `no renderer for ${delivery.kind}`);
      return 'cancelled';
    }
    let usedChannel: string | null = null;
    try {
      const client = deps.clients.forTeam(delivery.teamId);
      const pacer = pacerFor(delivery.teamId, client);
      // The DM channel is opened once per person and remembered: later messages take one call.
      let channel = delivery.dmChannelId ?? deps.store.dmChannels.get(delivery.teamId, delivery.userId);
      if (!channel) {
        const opened = await paced(pacer, () => client.conversations.open({ users: delivery.userId }));
        channel = opened.channel?.id ?? null;
        if (!channel) throw new Error('conversations.open returned no channel');
        deps.store.dmChannels.remember(delivery.teamId, delivery.userId, channel, now);
      }
      if (channel !== delivery.dmChannelId) deliveries.setDmChannel(delivery.id, channel);
      usedChannel = channel;
      if (delivery.attempts > 1) {
        const ts = await alreadyDelivered(client, channel, delivery.id);
        if (ts) {
          deliveries.markSent(delivery.id, deps.owner, channel, ts, now);
          return 'sent';
        }
      }
      const target = channel;
      const posted = await paced(pacer, () =>
        client.chat.postMessage({
          channel: target,
          text: message.text,
          blocks: message.blocks,
          metadata: { event_type: DELIVERY_EVENT, event_payload: { delivery_id: delivery.id } },
        }),
      );
      if (!posted.ts) throw new Error('chat.postMessage returned no ts');
      deliveries.markSent(delivery.id, deps.owner, posted.channel ?? channel, posted.ts, now);
      return 'sent';
    } catch (error) {
      const code = slackErrorCode(error);
      if (code && UNREACHABLE_ERRORS.has(code)) {
        deliveries.finish(delivery.id, deps.owner, 'unreachable', code);
        const unreachable = { allianceId: delivery.allianceId, deliveryId: delivery.id, userId: delivery.userId };
        await deps.events
          .run(now, (record) => record({ type: 'memberUnreachable', ...unreachable, reason: code }))
          .catch((error: unknown) => deps.logger.error('outbox: handling an unreachable member failed:', error));
        return 'unreachable';
      }
      const reason = code ?? (error instanceof Error ? error.message : String(error));
      if (code && STALE_CHANNEL_ERRORS.has(code) && usedChannel) {
        // A remembered DM channel that no longer works: forget it, and open a fresh one next time.
        deps.store.dmChannels.forget(delivery.teamId, delivery.userId);
        deliveries.clearDmChannel(delivery.id);
      }
      if (delivery.attempts >= MAX_ATTEMPTS) {
        deliveries.finish(delivery.id, deps.owner, 'failed', reason);
        deps.logger.error(
          `outbox: delivery ${delivery.id} (${delivery.kind}) gave up after ${delivery.attempts} attempts: ${reason}`,
        );
        return 'failed';
      }
      deliveries.retryAt(
        delivery.id,
        deps.owner,
        new Date(now.getTime() + deliveryRetryDelayMs(delivery.attempts)),
        reason,
      );
      deps.logger.warn(`outbox: delivery ${delivery.id} (${delivery.kind}) will be retried: ${reason}`);
      return 'retry';
    }
  }

  /** Sends everything due, `concurrency` messages at a time. Resolves when nothing due is left. */
  async function drain(now: Date): Promise<Record<string, number>> {
    const counts: Record<string, number> = { sent: 0, retry: 0, unreachable: 0, failed: 0, cancelled: 0 };
    const worker = async () => {
      for (;;) {
        const delivery = deps.store.deliveries.claimNext(deps.owner, now, leaseMs);
        if (!delivery) return;
        const outcome = await send(delivery, now);
        counts[outcome] = (counts[outcome] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return counts;
  }

  return { drain };
}

export type Outbox = ReturnType<typeof createOutbox>;
