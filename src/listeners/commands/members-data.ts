import type { ModalView } from '../../slack/blocks/kit.js';
import { NOTICES, type Notice } from '../../slack/notices.js';
import type { ListenerDeps } from '../deps.js';
import type { SubcommandHandler } from './alliance.js';

/** Answers a command with a private notice, or opens the confirmation modal it returned. */
function answerOrOpen(
  run: (
    deps: ListenerDeps,
    input: { teamId: string; userId: string; channelId: string; rest: string },
  ) => Notice | { kind: 'view'; view: ModalView } | Promise<Notice>,
) {
  return (deps: ListenerDeps): SubcommandHandler =>
    async ({ ack, client, respond }, payload, rest) => {
      await ack();
      const outcome = await run(deps, {
        teamId: payload.team_id,
        userId: payload.user_id,
        channelId: payload.channel_id,
        rest,
      });
      if (outcome.kind === 'notice') await respond({ response_type: 'ephemeral', text: outcome.text });
      else await client.views.open({ trigger_id: payload.trigger_id, view: outcome.view });
    };
}

/** `/alliance leave`: a confirmation, then the member leaves this channel's alliance. */
export const handleLeave = answerOrOpen((deps, input) => deps.memberData.openLeave(input));

/** `/alliance export`: a file of their data, to the caller's DM only. */
export const handleExport = answerOrOpen((deps, input) =>
  deps.memberData.exportData({ teamId: input.teamId, userId: input.userId, now: deps.clock.now() }),
);

/** `/alliance forget me`: a confirmation, then their data is deleted across the workspace. */
export const handleForget = answerOrOpen((deps, input) =>
  input.rest.trim().toLowerCase() === 'me'
    ? deps.memberData.openForget()
    : { kind: 'notice', text: NOTICES.forgetUsage },
);

/** `/alliance archive`: a confirmation, then this channel's alliance ends. */
export const handleArchive = answerOrOpen((deps, input) => deps.memberData.openArchive(input));

/** `/alliance retention [days]`: how long comments are kept; admins may change it. */
export const handleRetention = answerOrOpen((deps, input) =>
  deps.memberData.retention({ teamId: input.teamId, userId: input.userId, daysArg: input.rest }),
);
