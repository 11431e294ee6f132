import { slackErrorCode } from '../../clients.js';
import { blockActionSchema, roundRefSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';
import { SOMETHING_WENT_WRONG } from '../failures.js';
import type { ActionArgs } from '../registry.js';
import { replyPrivately } from '../reply.js';

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

