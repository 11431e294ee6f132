import type { z } from 'zod';
import type { ModalView } from '../slack/blocks/kit.js';
import { slackErrorCode } from '../slack/clients.js';
import type { Notice } from '../slack/notices.js';
import { blockActionSchema } from '../slack/payloads.js';
import type { ListenerDeps } from './deps.js';
import { SOMETHING_WENT_WRONG } from './failures.js';
import { noteOutcome } from './outcome.js';
import type { ActionArgs, ListenerRegistry } from './registry.js';
import { replyPrivately } from './reply.js';

const TAMPERED =
  'That button did not come from Alliance as it is now, so nothing was changed. Use `/alliance show` ' +
  'to see where things stand.';

export interface Click<T> {
  teamId: string;
  userId: string;
  /** Our own value on the button, parsed and checked. */
  value: T;
}

/** What a click leads to: a private answer, a modal to open, or nothing more to say. */
export type ClickOutcome = Notice | { kind: 'view'; view: ModalView } | undefined;

/**
 * One button, always the same shape: ack at once; parse Slack's payload and our button value
 * with zod (a tampered or stale value gets a clear private answer and writes nothing); run the
 * service call; then tell the person privately, or open the modal it returned with the click's
 * trigger. An unexpected failure still gets the person an answer.
 */
export function onClick<S extends z.ZodType>(
  on: ListenerRegistry,
  deps: ListenerDeps,
  actionId: string,
  valueSchema: S,
  work: (click: Click<z.infer<S>>) => Promise<ClickOutcome> | ClickOutcome,
): void {
  on.action(actionId, async (args: ActionArgs) => {
    await args.ack();
    const body = blockActionSchema.safeParse(args.body);
    if (!body.success) {
      noteOutcome(args.context, 'refused');
      deps.logger.warn(`action ${actionId}: payload did not match the expected shape`);
      return;
    }
    const target = { userId: body.data.user.id, channelId: body.data.channel?.id };
    const reply = (text: string) =>
      replyPrivately({ respond: args.respond, client: args.client, logger: deps.logger }, target, text);
    const value = valueSchema.safeParse(body.data.actions[0]?.value ?? '');
    if (!value.success) {
      noteOutcome(args.context, 'refused');
      await reply(TAMPERED);
      return;
    }
    try {
      const outcome = await work({ teamId: body.data.team.id, userId: body.data.user.id, value: value.data });
      if (outcome?.kind === 'notice') await reply(outcome.text);
      else if (outcome?.kind === 'view')
        await args.client.views.open({ trigger_id: body.data.trigger_id, view: outcome.view });
    } catch (error) {
      noteOutcome(args.context, 'failed');
      deps.logger.error(`action ${actionId} failed:`, slackErrorCode(error) ?? error);
      await reply(SOMETHING_WENT_WRONG);
    }
  });
}
