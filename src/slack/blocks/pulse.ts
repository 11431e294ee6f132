import type { types } from '@slack/bolt';
import { type CheckInAnswers, COMMENT_MAX, OVERALL, REASON_MAX } from '../../domain/pulse.js';
import { ACTIONS, CHECKIN_BLOCKS, INPUT_ACTION, VIEWS } from '../ids.js';
import { pulseRef } from '../payloads.js';
import {
  actions,
  type Block,
  button,
  channelMention,
  context,
  escapeText,
  type ModalView,
  option,
  plain,
  section,
  slackDate,
  truncate,
  userMention,
} from './kit.js';

export interface PulseMessageModel {
  pulseId: number;
  allianceName: string;
  channelId: string;
  closesAt: Date;
  anonymous: boolean;
}

const RATING_OPTIONS = [
  option('1 · Not at all', '1'),
  option('2 · A little', '2'),
  option('3 · Partly', '3'),
  option('4 · Mostly', '4'),
  option('5 · Fully', '5'),
];
const COMMITMENT_OPTIONS = [option('Kept', 'kept'), option('At risk', 'at_risk'), option('I need help', 'need_help')];
const RESERVATION_OPTIONS = [option('Still a concern', 'yes'), option('Not any more', 'no')];
const RENEGOTIATE_OPTION = option('I think we need to renegotiate our agreement', 'yes');

const closing = (at: Date) => slackDate(at, '{date_short_pretty} at {time}');
const anonymityNote = (anonymous: boolean) =>
  anonymous
    ? 'Your answers are anonymous: the team sees only figures from enough answers, never who said what.'
    : 'Your ratings are shared with the team as averages.';

/** The DM that opens a pulse. The closing time is rendered in each reader's own time zone. */
export function buildPulseInvitation(model: PulseMessageModel): { text: string; blocks: Block[] } {
  const name = escapeText(model.allianceName);
  return {
    text: `How is the alliance going? Check in on ${name} before ${closing(model.closesAt)}.`,
    blocks: [
      section(
        `:wave: *How is the alliance going?*\nTake a minute to say how well ` +
          `${channelMention(model.channelId)} is living *${name}*. The pulse is open until ` +
          `${closing(model.closesAt)}.`,
      ),
      actions([
        button({
          text: 'Check in',
          actionId: ACTIONS.checkIn,
          value: pulseRef.encode({ pulseId: model.pulseId }),
          style: 'primary',
        }),
      ]),
      context([anonymityNote(model.anonymous)]),
    ],
  };
}

/** The one reminder for members who have not answered yet. */
export function buildPulseReminder(model: PulseMessageModel): { text: string; blocks: Block[] } {
  const name = escapeText(model.allianceName);
  return {
    text: `A reminder: the pulse for ${name} closes ${closing(model.closesAt)}.`,
    blocks: [
      section(
        `:hourglass_flowing_sand: A reminder: the pulse for *${name}* closes ` +
          `${closing(model.closesAt)}. It takes about a minute, and every answer helps the team ` +
          `see how it is doing.`,
      ),
      actions([
        button({
          text: 'Check in',
          actionId: ACTIONS.checkIn,
          value: pulseRef.encode({ pulseId: model.pulseId }),
          style: 'primary',
        }),
      ]),
    ],
  };
}

/** What the invitation DM becomes once the member has answered. */
export function buildPulseThanks(model: PulseMessageModel & { editKey?: string; open: boolean }): {
  text: string;
  blocks: Block[];
} {
  const name = escapeText(model.allianceName);
  const blocks: Block[] = [section(`:white_check_mark: *Thanks — you checked in* on *${name}*.`)];
  if (model.open) {
    blocks.push(
      actions([
        button({
          text: 'Edit my answer',
          actionId: ACTIONS.editCheckIn,
          value: pulseRef.encode({ pulseId: model.pulseId, editKey: model.editKey }),
        }),
      ]),
    );
    blocks.push(
      context([`You can change your answer until ${closing(model.closesAt)}. ${anonymityNote(model.anonymous)}`]),
    );
  }
  return { text: `Thanks — you checked in on ${name}.`, blocks };
}

export interface CheckInViewModel {
  pulseId: number;
  editKey?: string;
  allianceName: string;
  closesAt: Date;
  anonymous: boolean;
  aspects: readonly { id: string; label: string; question: string }[];
  commitments: readonly { promptId: string; text: string }[];
  reservations: readonly { id: number; userId: string; concern: string }[];
  previous?: CheckInAnswers;
}

const selectInput = (
  blockId: string,
  label: string,
  options: types.PlainTextOption[],
  initial: string | undefined,
  hint?: string,
): types.InputBlock => {
  const initialOption = options.find((o) => o.value === initial);
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, 2000),
    ...(hint ? { hint: plain(hint, 2000) } : {}),
    element: {
      type: 'static_select',
      action_id: INPUT_ACTION,
      placeholder: plain('Pick 1 to 5', 150),
      options,
      ...(initialOption ? { initial_option: initialOption } : {}),
    },
  };
};

const radioInput = (
  blockId: string,
  label: string,
  options: types.PlainTextOption[],
  initial: string | undefined,
): types.InputBlock => {
  const initialOption = options.find((o) => o.value === initial);
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, 2000),
    element: {
      type: 'radio_buttons',
      action_id: INPUT_ACTION,
      options,
      ...(initialOption ? { initial_option: initialOption } : {}),
    },
  };
};

const MAX_RESERVATIONS_ASKED = 10;

/** The check-in modal: ratings, own commitments, open reservations, comments, renegotiation. */
export function buildCheckInView(model: CheckInViewModel): ModalView {
  const prev = model.previous;
  const blocks: Block[] = [
    section(
      `How well are we living *${escapeText(model.allianceName)}*? Open until ` +
        `${closing(model.closesAt)}.${prev ? ' Your earlier answer is filled in; change what you like.' : ''}`,
    ),
    context([anonymityNote(model.anonymous)]),
  ];
  for (const aspect of model.aspects) {
    blocks.push(
      selectInput(
        CHECKIN_BLOCKS.rating(aspect.id),
        truncate(aspect.question, 2000),
        RATING_OPTIONS,
        prev ? String(prev.ratings[aspect.id] ?? '') : undefined,
      ),
    );
  }
  blocks.push(
    selectInput(
      CHECKIN_BLOCKS.rating(OVERALL),
      'Overall, how well is our alliance working?',
      RATING_OPTIONS,
      prev ? String(prev.ratings[OVERALL] ?? '') : undefined,
    ),
  );
  if (model.commitments.length > 0) {
    blocks.push({ type: 'header', text: plain('Your commitments', 150) });
    for (const commitment of model.commitments) {
      blocks.push(
        radioInput(
          CHECKIN_BLOCKS.commitment(commitment.promptId),
          truncate(`“${commitment.text}”`, 2000),
          COMMITMENT_OPTIONS,
          prev?.commitments[commitment.promptId],
        ),
      );
    }
  }
  const reservations = model.reservations.slice(0, MAX_RESERVATIONS_ASKED);
  if (reservations.length > 0) {
    blocks.push({ type: 'header', text: plain('Reservations raised', 150) });
    for (const reservation of reservations) {
      const previous = prev?.reservations[String(reservation.id)];
      blocks.push(
        radioInput(
          CHECKIN_BLOCKS.reservation(reservation.id),
          truncate(`“${reservation.concern}”`, 2000),
          RESERVATION_OPTIONS,
          previous === undefined ? undefined : previous ? 'yes' : 'no',
        ),
      );
    }
    blocks.push(
      context([`Raised by ${reservations.map((r) => userMention(r.userId)).join(', ')} when the agreement was made.`]),
    );
  }
  blocks.push({ type: 'header', text: plain('In your own words', 150) });
  const textInput = (
    blockId: string,
    label: string,
    max: number,
    initial: string | undefined,
    hint?: string,
  ): types.InputBlock => ({
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(label, 2000),
    ...(hint ? { hint: plain(hint, 2000) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: INPUT_ACTION,
      multiline: true,
      max_length: max,
      ...(initial ? { initial_value: initial.slice(0, max) } : {}),
    },
  });
  blocks.push(textInput(CHECKIN_BLOCKS.working, 'What is working?', COMMENT_MAX, prev?.working));
  blocks.push(textInput(CHECKIN_BLOCKS.atRisk, 'What is at risk?', COMMENT_MAX, prev?.atRisk));
  blocks.push({
    type: 'input',
    block_id: CHECKIN_BLOCKS.renegotiate,
    optional: true,
    label: plain('Renegotiation', 2000),
    element: {
      type: 'checkboxes',
      action_id: INPUT_ACTION,
      options: [RENEGOTIATE_OPTION],
      ...(prev?.renegotiate ? { initial_options: [RENEGOTIATE_OPTION] } : {}),
    },
  });
  blocks.push(
    textInput(
      CHECKIN_BLOCKS.reason,
      'Why? (optional)',
      REASON_MAX,
      prev?.renegotiateReason,
      'Shared with the team when the signal is raised.',
    ),
  );
  return {
    type: 'modal',
    callback_id: VIEWS.checkIn,
    private_metadata: pulseRef.encode({ pulseId: model.pulseId, editKey: model.editKey }),
    title: plain('Check in', 24),
    submit: plain(prev ? 'Update my answer' : 'Check in', 24),
    close: plain('Not now', 24),
    blocks,
  };
}

export function buildCheckInDoneView(allianceName: string, closesAt: Date): ModalView {
  return {
    type: 'modal',
    title: plain('Check in', 24),
    close: plain('Done', 24),
    blocks: [
      section(`:white_check_mark: Thank you, your check-in on *${escapeText(allianceName)}* is saved.`),
      context([`You can change it with *Edit my answer* in your messages from Alliance until ${closing(closesAt)}.`]),
    ],
  };
}

/** What a pulse DM becomes once the pulse has closed: no buttons left to press. */
export function buildPulseClosedMessage(model: PulseMessageModel & { answered: boolean; nextOpensAt: Date | null }): {
  text: string;
  blocks: Block[];
} {
  const name = escapeText(model.allianceName);
  const next = model.nextOpensAt
    ? ` The next one opens ${slackDate(model.nextOpensAt, '{date_short_pretty} at {time}')}.`
    : '';
  const what = model.answered
    ? `:white_check_mark: *Thanks — you checked in* on *${name}*. This pulse has closed.`
    : `This pulse on *${name}* has closed.`;
  return {
    text: `The pulse on ${name} has closed.`,
    blocks: [section(`${what}${next}`), context(['The results are in the next weekly digest in the channel.'])],
  };
}

/** A click after a pulse closed: when it closed and when the next one opens. */
export function pulseClosedText(closedAt: Date, nextOpensAt: Date | null): string {
  const next = nextOpensAt ? ` The next one opens ${slackDate(nextOpensAt, '{date_short_pretty} at {time}')}.` : '';
  return (
    `This pulse closed ${slackDate(closedAt, '{date_short_pretty} at {time}')}, so answers can ` +
    `no longer be added or changed.${next}`
  );
}
