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

const help: SubcommandHandler = async ({ ack }) => {
  await ack(HELP);
};

/** The `/alliance` router: parses the payload, picks the subcommand, answers unknown ones with help. */
export function handleAllianceCommand(
  deps: ListenerDeps,
  handlers: Record<Exclude<Subcommand, 'help'>, SubcommandHandler>,
) {
  const table: Record<Subcommand, SubcommandHandler> = { ...handlers, help };

  return async (args: CommandArgs): Promise<void> => {
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
    const { subcommand, rest } = splitCommandText(parsed.data.text);
    // The help (asked for, or no subcommand) is one prebuilt ack: nothing to fail, nothing to wrap.
    if (subcommand === null || subcommand === 'help') {
      await help(args, parsed.data, rest);
      return;
    }
    if (!isSubcommand(subcommand)) {
      await args.ack({ response_type: 'ephemeral', ...buildHelpMessage(subcommand) });
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
      await table[subcommand](tracked, parsed.data, rest);
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
