import type { AllMiddlewareArgs, App, SlackActionMiddlewareArgs, BlockAction as BoltBlockAction } from '@slack/bolt';
import { ACTIONS } from '../../ids.js';
import { blockActionSchema, roundRefSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';
import { replyPrivately } from '../reply.js';
import { SOMETHING_WENT_WRONG } from '../failures.js';
import { slackErrorCode } from '../../clients.js';

export type ActionArgs = SlackActionMiddlewareArgs<BoltBlockAction> & AllMiddlewareArgs;

const TAMPERED = 'That button did not come from Alliance as it is now, so nothing was changed. Use `/alliance show` to see where things stand.';

/** Parses a click: the payload, then our own value on the button. Null (after telling the user) when either is off. */
export async function parseClick<T>(args: ActionArgs, deps: ListenerDeps, parseValue: (value: string | undefined) => T | null) {
  const body = blockActionSchema.safeParse(args.body);
  if (!body.success) {
    deps.logger.warn('action: payload did not match the expected shape');
    return null;
  }
  const action = body.data.actions[0];
  const value = parseValue(action?.value);
  const target = { userId: body.data.user.id, channelId: body.data.channel?.id };
  if (value === null) {
    await replyPrivately({ respond: args.respond, client: args.client, logger: deps.logger }, target, TAMPERED);
    return null;
  }
  return { body: body.data, value, target };
}

export const parseRoundRef = (value: string | undefined) => {
  const parsed = roundRefSchema.safeParse(value ?? '');
  return parsed.success ? parsed.data : null;
};

/** Runs an action's work after ack; any unexpected failure still gets the person an answer. */
export async function afterAck(args: ActionArgs, deps: ListenerDeps, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    deps.logger.error(`${what} failed:`, slackErrorCode(error) ?? error);
    const body = blockActionSchema.safeParse(args.body);
    if (body.success) {
      await replyPrivately({ respond: args.respond, client: args.client, logger: deps.logger }, { userId: body.data.user.id, channelId: body.data.channel?.id }, SOMETHING_WENT_WRONG);
    }
  }
}

export function registerDesignActions(app: App, deps: ListenerDeps): void {
  // "Add my answers": opens the member's prompts where they left off.
  app.action<BoltBlockAction>(ACTIONS.addAnswers, async (args) => {
    await args.ack();
    await afterAck(args, deps, 'add answers', async () => {
      const click = await parseClick(args, deps, parseRoundRef);
      if (!click) return;
      const opened = deps.design.openAnswers({ teamId: click.body.team.id, userId: click.body.user.id, allianceId: click.value.a, roundId: click.value.r });
      if (opened.kind === 'notice') {
        await replyPrivately({ respond: args.respond, client: args.client, logger: deps.logger }, click.target, opened.text);
        return;
      }
      await args.client.views.open({ trigger_id: click.body.trigger_id, view: opened.view });
    });
  });

  // "Compile now": the starter compiles with at least two answers in.
  app.action<BoltBlockAction>(ACTIONS.compileNow, async (args) => {
    await args.ack();
    await afterAck(args, deps, 'compile now', async () => {
      const click = await parseClick(args, deps, parseRoundRef);
      if (!click) return;
      const result = await deps.design.compile({ teamId: click.body.team.id, roundId: click.value.r, byUserId: click.body.user.id, now: deps.clock.now() });
      if (result.kind === 'notice') await replyPrivately({ respond: args.respond, client: args.client, logger: deps.logger }, click.target, result.text);
    });
  });
}
