import type { ListenerDeps } from '../deps.js';
import type { SubcommandHandler } from './alliance.js';

/** `/alliance renegotiate [reason]`: starts a renegotiation round by hand. */
export function handleRenegotiate(deps: ListenerDeps): SubcommandHandler {
  return async ({ ack, respond }, payload, rest) => {
    await ack();
    const result = await deps.renegotiationRound.startRoundInChannel({
      teamId: payload.team_id,
      userId: payload.user_id,
      channelId: payload.channel_id,
      reason: rest.trim() === '' ? null : rest.trim().slice(0, 500),
      now: deps.clock.now(),
    });
    await respond({ response_type: 'ephemeral', text: result.text });
  };
}
