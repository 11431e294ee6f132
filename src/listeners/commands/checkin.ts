import type { ListenerDeps } from '../deps.js';
import type { SubcommandHandler } from './alliance.js';

/** `/alliance checkin`: opens this member's open pulse in the channel's alliance. */
export function handleCheckIn(deps: ListenerDeps): SubcommandHandler {
  return async ({ ack, client, respond }, payload) => {
    await ack();
    const opened = deps.checkIn.openCheckInForChannel({
      teamId: payload.team_id,
      userId: payload.user_id,
      channelId: payload.channel_id,
      now: deps.clock.now(),
    });
    if (opened.kind === 'notice') {
      await respond({ response_type: 'ephemeral', text: opened.text });
      return;
    }
    await client.views.open({ trigger_id: payload.trigger_id, view: opened.view });
  };
}
