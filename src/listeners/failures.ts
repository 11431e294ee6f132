import type { Logger } from '@slack/bolt';

export const SOMETHING_WENT_WRONG =
  'Something went wrong on our side and nothing was changed. Please try again in a minute; if it ' +
  'keeps happening, let whoever runs Alliance for your workspace know.';

interface Replyable {
  ack: (response?: { response_type: 'ephemeral'; text: string }) => Promise<void>;
  respond: (message: { response_type: 'ephemeral'; text: string; replace_original?: boolean }) => Promise<unknown>;
  acked: boolean;
}

/**
 * A command failed after (or before) ack: the person always hears back with a plain apology, and
 * the error is logged with context. (What people can cause themselves is not an error here: the
 * services answer it as a Notice.) Once acked, the reply goes through response_url.
 */
export async function replyToCommandFailure(
  args: Replyable,
  logger: Logger,
  what: string,
  error: unknown,
): Promise<void> {
  const text = SOMETHING_WENT_WRONG;
  logger.error(`${what} failed:`, error);
  try {
    if (!args.acked) await args.ack({ response_type: 'ephemeral', text });
    else await args.respond({ response_type: 'ephemeral', text });
  } catch (respondError) {
    logger.error(`${what}: could not tell the user about the failure:`, respondError);
  }
}
