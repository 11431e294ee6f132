import type { ListenerDeps } from '../deps.js';
import type { SubcommandHandler } from './alliance.js';

/** `/alliance show [vN]`: an ephemeral summary of the current (or given) version. */
export function handleShow(deps: ListenerDeps): SubcommandHandler {
  return async ({ ack, respond }, payload, rest) => {
    await ack();
    const shown = await deps.agreementView.show({
      teamId: payload.team_id,
      userId: payload.user_id,
      channelId: payload.channel_id,
      versionArg: rest,
    });
    if ('kind' in shown) await respond({ response_type: 'ephemeral', text: shown.text });
    else await respond({ response_type: 'ephemeral', text: shown.text, blocks: shown.blocks });
  };
}
