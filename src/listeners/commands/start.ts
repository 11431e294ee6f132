import { slackErrorCode } from '../../slack/clients.js';
import { NOTICES } from '../../slack/notices.js';
import type { ListenerDeps } from '../deps.js';
import type { SubcommandHandler } from './alliance.js';

/** `/alliance start [name]`: ack at once, then open the setup modal with the command's trigger. */
export function handleStart(deps: ListenerDeps): SubcommandHandler {
  return async ({ ack, client, respond }, payload, rest) => {
    await ack();
    const prepared = await deps.setup.prepareStart({
      teamId: payload.team_id,
      userId: payload.user_id,
      channelId: payload.channel_id,
      name: rest.slice(0, 80),
    });
    if (prepared.kind === 'notice') {
      await respond({ response_type: 'ephemeral', text: prepared.text });
      return;
    }
    try {
      await client.views.open({ trigger_id: payload.trigger_id, view: prepared.view });
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === 'expired_trigger_id' || code === 'exchanged_trigger_id' || code === 'invalid_trigger_id') {
        // Slack gives us three seconds; if looking up the channel took longer, ask for a retry.
        await respond({
          response_type: 'ephemeral',
          text: NOTICES.setupTooSlow,
        });
        return;
      }
      throw error;
    }
  };
}
