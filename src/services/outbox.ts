import type { Logger } from '@slack/bolt';
import type { Delivery } from '../domain/delivery.js';
import { type DeliveryOutcome, type Metrics, noMetrics } from '../metrics.js';
import type { Block } from '../slack/blocks/kit.js';
import type { DmFailure, DmSender } from '../slack/dm-sender.js';
import type { Store } from '../store/index.js';
import type { Events } from './events.js';

export interface RenderedMessage {
  text: string;
  blocks: Block[];
}

/** Builds a delivery's message at send time; null means it is no longer relevant (it is cancelled). */
export type DeliveryRenderer = (delivery: Delivery, now: Date) => RenderedMessage | null;

export interface OutboxDeps {
  store: Store;
  dms: DmSender;
  logger: Logger;
  owner: string;
  /** Renders a delivery's message when it is sent (see direct-messages.ts). */
  render: DeliveryRenderer;
  /** Messages in flight at once. Slack rate-limits per workspace; a handful keeps DMs flowing without bursts. */
  concurrency?: number;
  leaseMs?: number;
  /** Records a member turning out to be unreachable, so what follows (telling the starter…) happens. */
  events: Events;
  /** Counts each attempt's outcome for the operator. */
  metrics?: Metrics;
}

const MAX_ATTEMPTS = 6;

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
  const metrics = deps.metrics ?? noMetrics;
  const counted: Record<string, DeliveryOutcome> = {
    sent: 'sent',
    retry: 'retried',
    unreachable: 'unreachable',
    failed: 'failed',
    cancelled: 'cancelled',
  };

  async function send(
    delivery: Delivery,
    now: Date,
  ): Promise<'sent' | 'retry' | 'unreachable' | 'failed' | 'cancelled'> {
    const { deliveries } = deps.store;
    const message = deps.render(delivery, now);
    if (!message) {
      deliveries.finish(delivery.id, deps.owner, 'cancelled', null);
      return 'cancelled';
    }
    const { dms, store } = deps;
    const { teamId, userId } = delivery;
    // Each message takes one call: to the remembered DM channel, or, the first time, to the person's
    // user id, which Slack answers with the DM channel's id; that is remembered for next time.
    let channel = delivery.dmChannelId ?? store.dmChannels.get(teamId, userId);
    if (delivery.attempts > 1) {
      // An earlier attempt may have reached Slack without its answer reaching us: look in the DM
      // before sending again. Looking needs the DM's id; if that attempt was a first message, ask
      // Slack for it (only on this recovery path).
      if (!channel) {
        const opened = await dms.open(teamId, userId);
        if (!opened.ok) return failed(delivery, opened, now);
        channel = opened.channel;
        store.dmChannels.remember(teamId, userId, channel, now);
      }
      if (channel !== delivery.dmChannelId) deliveries.setDmChannel(delivery.id, channel);
      const found = await dms.findDelivered(teamId, channel, delivery.id);
      if (!found.ok) return failed(delivery, found, now);
      if (found.ts) {
        deliveries.markSent(delivery.id, deps.owner, channel, found.ts, now);
        return 'sent';
      }
    }
    const posted = await dms.post(teamId, channel ?? userId, message, delivery.id);
    if (!posted.ok) return failed(delivery, posted, now);
    if (posted.channel !== channel) store.dmChannels.remember(teamId, userId, posted.channel, now);
    deliveries.markSent(delivery.id, deps.owner, posted.channel, posted.ts, now);
    return 'sent';
  }

  /** Slack refused: the person is unreachable (what follows is an event), or the row is retried later, up to a point. */
  async function failed(
    delivery: Delivery,
    failure: DmFailure,
    now: Date,
  ): Promise<'retry' | 'unreachable' | 'failed'> {
    const { deliveries } = deps.store;
    if (failure.meaning === 'unreachable') {
      deliveries.finish(delivery.id, deps.owner, 'unreachable', failure.error);
      const unreachable = { allianceId: delivery.allianceId, deliveryId: delivery.id, userId: delivery.userId };
      await deps.events
        .run(now, (record) => record({ type: 'memberUnreachable', ...unreachable, reason: failure.error }))
        .catch((error: unknown) => deps.logger.error('outbox: handling an unreachable member failed:', error));
      return 'unreachable';
    }
    if (failure.meaning === 'stale-channel') {
      // A remembered DM channel that no longer works: forget it; the next attempt goes to the person's id.
      deps.store.dmChannels.forget(delivery.teamId, delivery.userId);
      deliveries.clearDmChannel(delivery.id);
    }
    if (delivery.attempts >= MAX_ATTEMPTS) {
      deliveries.finish(delivery.id, deps.owner, 'failed', failure.error);
      deps.logger.error(
        `outbox: delivery ${delivery.id} (${delivery.kind}) gave up after ${delivery.attempts} ` +
          `attempts: ${failure.error}`,
      );
      return 'failed';
    }
    const retryAt = new Date(now.getTime() + deliveryRetryDelayMs(delivery.attempts));
    deliveries.retryAt(delivery.id, deps.owner, retryAt, failure.error);
    deps.logger.warn(`outbox: delivery ${delivery.id} (${delivery.kind}) will be retried: ${failure.error}`);
    return 'retry';
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
        metrics.delivery(counted[outcome] ?? 'failed');
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return counts;
  }

  return { drain };
}

export type Outbox = ReturnType<typeof createOutbox>;
