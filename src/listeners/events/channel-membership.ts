import { membershipEventSchema } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { noteOutcome } from '../outcome.js';
import type { ListenerRegistry } from '../registry.js';

/** Someone joins or leaves the alliance's channel: welcome or remove them, and raise the signal. */
export function registerChannelMembershipEvents(on: ListenerRegistry, deps: ListenerDeps): void {
  for (const type of ['member_joined_channel', 'member_left_channel'] as const) {
    on.event(type, async ({ body, context }) => {
      const parsed = membershipEventSchema.safeParse(body);
      if (!parsed.success) {
        noteOutcome(context, 'refused');
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
        if (type === 'member_joined_channel') await deps.membership.memberJoinedChannel(input);
        else await deps.membership.memberLeftChannel(input);
      } catch (error) {
        noteOutcome(context, 'failed');
        deps.logger.error(`events: handling ${type} failed:`, error);
      }
    });
  }
}
