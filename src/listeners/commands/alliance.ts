import { buildHelpMessage } from '../../slack/blocks/help.js';
import { SUBCOMMANDS, type Subcommand } from '../../slack/ids.js';
import { NOTICES } from '../../slack/notices.js';
import { type CommandPayload, commandPayloadSchema, splitCommandText } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { replyToCommandFailure } from '../failures.js';
import { noteOutcome } from '../outcome.js';
import type { CommandArgs } from '../registry.js';

/** A subcommand handler acks itself: some answer at once, others ack and then open a modal. */
export type SubcommandHandler = (args: CommandArgs, payload: CommandPayload, rest: string) => Promise<void>;

const isSubcommand = (word: string): word is Subcommand => (SUBCOMMANDS as readonly string[]).includes(word);

// The help never changes, so it is built once rather than on every request.
const HELP = { response_type: 'ephemeral' as const, ...buildHelpMessage() };

/**
 * The `/alliance` router: picks the subcommand, answers the help (and unknown words, with the help)
 * itself, and parses the payload for the handler of every other subcommand.
 */
export function handleAllianceCommand(
  deps: ListenerDeps,
  handlers: Record<Exclude<Subcommand, 'help'>, SubcommandHandler>,
) {
  return async (args: CommandArgs): Promise<void> => {
    // The subcommand is read first. The help, asked for or offered after an unknown word, uses
    // nothing else from the payload, so it is answered before the rest is parsed: under load the
    // parse was about a tenth of the CPU this answer costs (measured by the ack-latency benchmark).
    const { subcommand, rest } = splitCommandText(typeof args.command.text === 'string' ? args.command.text : '');
    if (subcommand !== null && !isSubcommand(subcommand)) {
      await args.ack({ response_type: 'ephemeral', ...buildHelpMessage(subcommand) });
      return;
    }
    if (subcommand === null || subcommand === 'help') {
      await args.ack(HELP);
      return;
    }
    const parsed = commandPayloadSchema.safeParse(args.command);
    if (!parsed.success) {
      noteOutcome(args.context, 'refused');
      deps.logger.warn(
        'command: payload did not match the expected shape',
        parsed.error.issues.map((i) => i.path.join('.')),
      );
      await args.ack({ response_type: 'ephemeral', text: NOTICES.unreadableCommand });
      return;
    }
    // Bolt refuses a second ack, so remember whether the handler got that far before failing.
    let acked = false;
    const tracked: CommandArgs = {
      ...args,
      ack: async (response) => {
        acked = true;
        await args.ack(response);
      },
    };
    try {
      await handlers[subcommand](tracked, parsed.data, rest);
    } catch (error) {
      noteOutcome(args.context, 'failed');
      await replyToCommandFailure(
        { ack: args.ack, respond: args.respond, acked },
        deps.logger,
        `/alliance ${subcommand}`,
        error,
      );
    }
  };
}
