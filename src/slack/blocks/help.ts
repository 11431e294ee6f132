import { BLOCKS, SUBCOMMANDS, type Subcommand } from '../ids.js';
import { type Block, context, escapeText, header, section, truncate } from './kit.js';

// Plain Latin-1 wording (no typographic apostrophes): the help goes out in the ack itself, and one
// wider character makes its whole JSON a two-byte string, slower to serialize and send.
const DESCRIPTIONS: Record<Subcommand, { usage: string; what: string }> = {
  start: {
    usage: '/alliance start [name]',
    what: 'Set up an alliance for this channel and invite its members to design it together.',
  },
  checkin: {
    usage: '/alliance checkin',
    what: 'Answer the pulse that is open now: how well are we living our agreement?',
  },
  show: {
    usage: '/alliance show [v2]',
    what: 'See the current agreement, or an earlier version, with who has agreed.',
  },
  digest: {
    usage: '/alliance digest [post]',
    what: 'See how the alliance is doing; add `post` to share it with the channel.',
  },
  renegotiate: {
    usage: '/alliance renegotiate [reason]',
    what: 'Reopen the agreement so the team can change it together.',
  },
  settings: {
    usage: '/alliance settings',
    what: 'Change the pulse and digest schedule, the signals and the celebration target.',
  },
  leave: { usage: '/alliance leave', what: 'Leave the alliance in this channel: no more pulses for you.' },
  export: {
    usage: '/alliance export',
    what: 'Get, by direct message, a file of the agreements you can read and everything you wrote.',
  },
  forget: {
    usage: '/alliance forget me',
    what: 'Delete what you wrote and your part in every alliance here; agreements keep a placeholder.',
  },
  archive: {
    usage: '/alliance archive',
    what: 'End the alliance in this channel: no more pulses, digests or signals; its history stays readable.',
  },
  retention: {
    usage: '/alliance retention [days]',
    what: 'How long pulse comments are kept in this workspace; admins can change it.',
  },
  help: { usage: '/alliance help', what: 'Show this list.' },
};

export interface HelpMessage {
  text: string;
  blocks: Block[];
}

/** The `/alliance help` answer; `unknown` is the word the user typed when it was not a subcommand. */
export function buildHelpMessage(unknown?: string): HelpMessage {
  const blocks: Block[] = [];
  let text = 'Alliance helps this team agree how it works together, check in on it and renegotiate it.';
  if (unknown !== undefined) {
    const shown = escapeText(truncate(unknown, 40));
    text = `Unknown subcommand ‘${shown}’. Here is what Alliance can do.`;
    blocks.push(
      section(`:thinking_face: Unknown subcommand ‘${shown}’. Here is what you can use instead:`, BLOCKS.helpUnknown),
    );
  }
  blocks.push(header('Alliance: how this team works together'));
  blocks.push(
    section(SUBCOMMANDS.map((name) => `\`${DESCRIPTIONS[name].usage}\`\n${DESCRIPTIONS[name].what}`).join('\n\n')),
  );
  blocks.push(
    context([
      'An alliance is the written agreement a team designs together: the atmosphere you want, what ' +
        'each of you can be counted on for, and how you act when things get difficult.',
    ]),
  );
  return { text, blocks };
}
