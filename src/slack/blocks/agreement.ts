import type { AgreementContent, ConsentProgress, PromptDiff } from '../../domain/agreement.js';
import { ACTIONS, BLOCKS, INPUT_ACTION, RESERVATION_BLOCKS, VIEWS } from '../ids.js';
import { versionRef } from '../payloads.js';
import {
  actions,
  type Block,
  button,
  context,
  divider,
  escapeText,
  header,
  LIMITS,
  type ModalView,
  plain,
  quoted,
  section,
  slackDate,
  splitForSections,
  truncate,
  userMention,
} from './kit.js';

export interface AgreementMessageModel {
  allianceId: string;
  allianceName: string;
  starterId: string;
  versionId: number;
  versionNumber: number;
  compiledAt: Date;
  contentHash: string;
  content: AgreementContent;
  status: 'proposed' | 'active' | 'superseded' | 'withdrawn';
  consent: ConsentProgress;
  activatedAt?: Date;
  /** For version 2 and later: what changed since the version before. */
  diff?: { fromNumber: number; changes: PromptDiff[] };
}

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Blocks for the agreement's text: section titles, then each prompt with its attributed answers. */
export function renderAgreementContent(content: AgreementContent): Block[] {
  const blocks: Block[] = [];
  for (const sec of content.sections) {
    blocks.push(header(sec.title));
    const answered = sec.prompts.filter((p) => p.answers.length > 0);
    if (answered.length === 0) {
      blocks.push(section('_Nobody answered this part._'));
      continue;
    }
    for (const prompt of answered) {
      const lines = prompt.answers.map(
        (a) => `• ${userMention(a.userId)}: ${escapeText(a.text).replace(/\n+/g, '\n      ')}`,
      );
      const text = `*${escapeText(prompt.label)}*\n${lines.join('\n')}`;
      for (const chunk of splitForSections(text)) blocks.push(section(chunk));
    }
  }
  return blocks;
}

const CHANGE_TEXT_MAX = 280;

export function renderDiff(diff: { fromNumber: number; changes: PromptDiff[] }): Block[] {
  if (diff.changes.length === 0) {
    return [
      section(
        `*What changed since version ${diff.fromNumber}:* nothing. The answers are the same; this ` +
          `version asks everyone to confirm them again.`,
      ),
    ];
  }
  const items = diff.changes.map((d) => {
    const lines = d.changes.map((c) => {
      const who = userMention(c.userId);
      if (c.kind === 'added') return `➕ ${who} added: “${escapeText(truncate(c.text, CHANGE_TEXT_MAX))}”`;
      if (c.kind === 'removed') return `➖ ${who} removed: “${escapeText(truncate(c.before, CHANGE_TEXT_MAX))}”`;
      return (
        `✏️ ${who} changed “${escapeText(truncate(c.before, CHANGE_TEXT_MAX))}” to ` +
        `“${escapeText(truncate(c.after, CHANGE_TEXT_MAX))}”`
      );
    });
    return `*${escapeText(d.label)}* _(${escapeText(d.sectionTitle)})_\n${lines.join('\n')}`;
  });
  const text = `*What changed since version ${diff.fromNumber}*\n\n${items.join('\n\n')}`;
  return splitForSections(text).map((chunk) => section(chunk));
}

export function consentLine(consent: ConsentProgress): string {
  const agreed =
    consent.agreed.length > 0 ? `Agreed: ${consent.agreed.map(userMention).join(', ')}` : 'Nobody has agreed yet';
  const waiting = consent.waiting.length > 0 ? ` · Waiting for: ${consent.waiting.map(userMention).join(', ')}` : '';
  return truncate(`${agreed}${waiting}`, 2900);
}

function statusBlocks(model: AgreementMessageModel): Block[] {
  const value = versionRef.encode({ allianceId: model.allianceId, versionId: model.versionId });
  if (model.status === 'proposed') {
    return [
      section(
        model.versionNumber === 1
          ? 'Here is our agreement, in our own words. Read it through, then say where you stand: ' +
              'agree, or raise a reservation first. It takes effect when every member has agreed.'
          : `Here is the renegotiated agreement. Read what changed, then say where you stand. ` +
              `Version ${model.diff?.fromNumber ?? model.versionNumber - 1} stays in effect until ` +
              `every member agrees to this one.`,
      ),
      context([
        `${model.consent.agreed.length} of ` +
          `${model.consent.agreed.length + model.consent.waiting.length} agreed. ` +
          `${consentLine(model.consent)}`,
      ]),
      actions(
        [
          button({ text: 'I agree', actionId: ACTIONS.agree, value, style: 'primary' }),
          button({ text: 'I have reservations', actionId: ACTIONS.reservations, value }),
          button({ text: 'Reopen the prompts', actionId: ACTIONS.amend, value }),
        ],
        BLOCKS.consentActions,
      ),
      context(['Any member can reopen the prompts, so the team can change its answers before everyone agrees.']),
    ];
  }
  if (model.status === 'active') {
    const since = model.activatedAt ? ` on ${slackDate(model.activatedAt, '{date_long}')}` : '';
    return [
      section(`:handshake: Everyone agreed${since}. This is our alliance; pulses will ask how well we are living it.`),
      context([consentLine(model.consent)]),
    ];
  }
  return [
    section(
      model.status === 'superseded'
        ? 'This version has been replaced by a newer one. Use `/alliance show` to see the current agreement.'
        : 'This version was reopened before everyone agreed and is no longer on the table.',
    ),
  ];
}

/**
 * The agreement as Slack messages: the first carries the status and consent buttons and as much
 * of the text as fits; the rest follows in the thread. Every message stays within 50 blocks and
 * every section within 3,000 characters.
 */
export function buildAgreementMessages(model: AgreementMessageModel): { main: SlackMessage; thread: SlackMessage[] } {
  const name = escapeText(model.allianceName);
  const top: Block[] = [
    header(`${truncate(model.allianceName, 120)}: version ${model.versionNumber}`),
    ...statusBlocks(model),
    divider(),
  ];
  const body: Block[] = [
    ...(model.diff ? [...renderDiff(model.diff), divider()] : []),
    ...renderAgreementContent(model.content),
  ];
  const footer = context([
    `Version ${model.versionNumber} · compiled ${slackDate(model.compiledAt, '{date_short_pretty}')} ` +
      `from the answers of ${model.content.members.length} members · fingerprint ` +
      `\`${model.contentHash.slice(0, 12)}\``,
  ]);

  const fitsInMain = LIMITS.messageBlocks - top.length - 1; // leave room for the footer
  if (body.length <= fitsInMain) {
    return {
      main: { text: `${name}: version ${model.versionNumber} of our agreement`, blocks: [...top, ...body, footer] },
      thread: [],
    };
  }
  const inMain = body.slice(0, fitsInMain - 1);
  const rest = body.slice(fitsInMain - 1);
  const chunkSize = LIMITS.messageBlocks - 1;
  const chunks: Block[][] = [];
  for (let i = 0; i < rest.length; i += chunkSize) chunks.push(rest.slice(i, i + chunkSize));
  const main: SlackMessage = {
    text: `${name}: version ${model.versionNumber} of our agreement`,
    blocks: [
      ...top,
      ...inMain,
      context([
        `The agreement continues in the thread (${chunks.length} more ${chunks.length === 1 ? 'part' : 'parts'}).`,
      ]),
      footer,
    ],
  };
  const thread = chunks.map((blocks, i) => ({
    text: `${name}, version ${model.versionNumber} (part ${i + 2} of ${chunks.length + 1})`,
    blocks: [...blocks, context([`Part ${i + 2} of ${chunks.length + 1}`])],
  }));
  return { main, thread };
}

export function buildReservationModal(input: {
  allianceId: string;
  versionId: number;
  allianceName: string;
  versionNumber: number;
}): ModalView {
  return {
    type: 'modal',
    callback_id: VIEWS.reservation,
    private_metadata: versionRef.encode({ allianceId: input.allianceId, versionId: input.versionId }),
    title: plain('Reservations', 24),
    submit: plain('Share my reservation', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(
        `Saying what worries you now is part of a good agreement. Your reservation about ` +
          `*${escapeText(input.allianceName)}* (version ${input.versionNumber}) is shared with the ` +
          `members, with your name, and later pulses will ask whether it is still a concern. You ` +
          `can still agree afterwards.`,
      ),
      {
        type: 'input',
        block_id: RESERVATION_BLOCKS.concern,
        label: plain('What concerns you?', 2000),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: 1000 },
      },
      {
        type: 'input',
        block_id: RESERVATION_BLOCKS.watch,
        label: plain('How should we keep an eye on it?', 2000),
        hint: plain('What would tell us it is getting better or worse, and who should raise it.', 2000),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: 600 },
      },
    ],
  };
}

/** Posted in the agreement's thread: who has a reservation, what it is and how to watch it. */
/** What a reservation notice becomes once its author asked Alliance to forget what they wrote. */
export function buildReservationWithdrawn(versionNumber: number): SlackMessage {
  return {
    text: 'A reservation was withdrawn',
    blocks: [
      section(
        `A reservation about version ${versionNumber} was shared here. Its author has since asked ` +
          'Alliance to forget what they wrote, so it is no longer shown.',
      ),
    ],
  };
}

/** Where the channel may not read a reservation (members-only): that one exists, and where members find it. */
export function buildReservationPointer(versionNumber: number): SlackMessage {
  return {
    text: 'A member shared a reservation about the agreement',
    blocks: [
      section(
        `:warning: A member shared a reservation about version ${versionNumber}. It is for the members ` +
          'only: each of them has it in a direct message from Alliance.',
      ),
    ],
  };
}

export function buildReservationNotice(input: { userId: string; concern: string; watch: string }): SlackMessage {
  return {
    text: 'A member shared a reservation about the agreement',
    blocks: [
      section(
        `:warning: ${userMention(input.userId)} has a ` +
          `reservation:\n>${quoted(input.concern, 1000)}\n*How we'll keep an eye on it:* ` +
          `${quoted(input.watch, 600)}`,
      ),
      context([
        'Pulses will ask whether this is still a concern. Talk it through; the agreement takes ' +
          'effect when everyone has agreed.',
      ]),
    ],
  };
}
