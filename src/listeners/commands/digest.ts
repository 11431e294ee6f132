import { NOTICES } from '../../slack/notices.js';
import type { ListenerDeps } from '../deps.js';
import type { SubcommandHandler } from './alliance.js';

/** `/alliance digest`: a private preview now; `/alliance digest post`: share it with the channel. */
export function handleDigest(deps: ListenerDeps): SubcommandHandler {
  return async ({ ack, respond }, payload, rest) => {
    const word = rest.trim().toLowerCase();
    if (word !== '' && word !== 'post') {
      await ack({
        response_type: 'ephemeral',
        text: NOTICES.digestUsage,
      });
      return;
    }
    await ack();
    const result = await deps.digests.onDemand({
      teamId: payload.team_id,
      userId: payload.user_id,
      channelId: payload.channel_id,
      post: word === 'post',
      now: deps.clock.now(),
    });
    if (result.kind === 'notice') await respond({ response_type: 'ephemeral', text: result.text });
    else await respond({ response_type: 'ephemeral', text: result.text, blocks: result.blocks });
  };
}
