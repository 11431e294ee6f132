import {
  eventEnvelopeSchema,
  homeOpenedSchema,
  membershipEventSchema,
  tokensRevokedSchema,
  userChangeSchema,
} from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import type { ListenerRegistry } from '../registry.js';

/**
 * Slack re-sends an event (same event_id, with X-Slack-Retry-Num) when it thinks we missed it.
 * Bolt has already acknowledged it; this makes sure its effect happens once. False drops it.
 */
export function firstDelivery(deps: ListenerDeps, body: unknown): boolean {
  const envelope = eventEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    deps.logger.warn('events: envelope without team_id or event_id ignored');
    return false;
  }
  const first = deps.store.events.recordOnce(envelope.data.team_id, envelope.data.event_id, deps.clock.now());
  if (!first) deps.logger.debug(`events: duplicate delivery of ${envelope.data.event_id} ignored`);
  return first;
}

export function registerEvents(on: ListenerRegistry, deps: ListenerDeps): void {
  on.event('app_home_opened', async ({ body }) => {
    const parsed = homeOpenedSchema.safeParse(body);
    if (!parsed.success || parsed.data.event.tab !== 'home') return;
    await deps.home.publish({ teamId: parsed.data.team_id, userId: parsed.data.event.user, now: deps.clock.now() });
  });
  on.event('user_change', async ({ body }) => {
    const parsed = userChangeSchema.safeParse(body);
    if (!parsed.success) return;
    await deps.renegotiation.accountChanged({
      teamId: parsed.data.team_id,
      userId: parsed.data.event.user.id,
      deleted: parsed.data.event.user.deleted,
      eventId: parsed.data.event_id,
      now: deps.clock.now(),
    });
  });
  on.event('app_uninstalled', async ({ body }) => {
    const envelope = eventEnvelopeSchema.safeParse(body);
    if (envelope.success)
      deps.workspace.botAccessLost({ teamId: envelope.data.team_id, botTokensRevoked: true, now: deps.clock.now() });
  });
  on.event('tokens_revoked', async ({ body }) => {
    const revoked = tokensRevokedSchema.safeParse(body);
    if (!revoked.success) return;
    const botTokensRevoked = (revoked.data.event.tokens.bot ?? []).length > 0;
    deps.workspace.botAccessLost({ teamId: revoked.data.team_id, botTokensRevoked, now: deps.clock.now() });
  });

  // Someone joins or leaves the alliance's channel: welcome or remove them, and raise the signal.
  for (const type of ['member_joined_channel', 'member_left_channel'] as const) {
    on.event(type, async ({ body }) => {
      const parsed = membershipEventSchema.safeParse(body);
      if (!parsed.success) {
        deps.logger.warn(`events: ${type} without the expected fields ignored`);
        return;
      }
      const input = {
        teamId: parsed.data.team_id,
        userId: parsed.data.event.user,
        channelId: parsed.data.event.channel,
        eventId: parsed.data.event_id,
        now: deps.clock.now(),
      };
      try {
        if (type === 'member_joined_channel') await deps.renegotiation.memberJoinedChannel(input);
        else await deps.renegotiation.memberLeftChannel(input);
      } catch (error) {
        deps.logger.error(`events: handling ${type} failed:`, error);
      }
    });
  }
}
