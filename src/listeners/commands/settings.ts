import type { ListenerDeps } from '../deps.js';
import type { SubcommandHandler } from './alliance.js';

/** `/alliance settings`: the settings modal for this channel's alliance. */
export function handleSettings(deps: ListenerDeps): SubcommandHandler {
  return async ({ ack, client, respond }, payload) => {
    await ack();
    const opened = deps.settings.open({
      teamId: payload.team_id,
      userId: payload.user_id,
      channelId: payload.channel_id,
    });
    if (opened.kind === 'notice') {
      await respond({ response_type: 'ephemeral', text: opened.text });
      return;
    }
    await client.views.open({ trigger_id: payload.trigger_id, view: opened.view });
  };
}
