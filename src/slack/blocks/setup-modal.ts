import type { types } from '@slack/bolt';
import { WEEKDAY_NAMES } from '../../domain/alliance.js';
import { CADENCES, type Cadence, timeZoneOptions } from '../../domain/schedule.js';
import { MAX_PREFILLED_MEMBERS, type ScheduleDefaults, type SetupDefaults } from '../../domain/setup.js';
import type { CelebrationTarget, SignalSettings } from '../../domain/signal-settings.js';
import { TEMPLATES } from '../../domain/templates/index.js';
import { INPUT_ACTION, SETUP_BLOCKS, VIEWS } from '../ids.js';
import { setupRef } from '../payloads.js';
import { type Block, context, escapeText, type ModalView, option, plain, section } from './kit.js';
import { buildSignalsBlocks } from './signals-form.js';

export const CADENCE_LABELS: Record<Cadence, string> = {
  weekly: 'Every week',
  biweekly: 'Every other week',
  monthly: 'Once a month (first weekday of the month)',
};

const weekdayOptions = WEEKDAY_NAMES.map((name, i) => option(name, String(i + 1)));

export const input = (
  blockId: string,
  label: string,
  element: types.InputBlockElement,
  extra: Partial<types.InputBlock> = {},
): types.InputBlock => ({
  type: 'input',
  block_id: blockId,
  label: plain(label, 2000),
  element,
  ...extra,
});

export function select(
  blockId: string,
  label: string,
  options: types.PlainTextOption[],
  initial: string,
  extra: Partial<types.InputBlock> = {},
): types.InputBlock {
  return input(
    blockId,
    label,
    {
      type: 'static_select',
      action_id: INPUT_ACTION,
      options,
      initial_option: options.find((o) => o.value === initial) ?? options[0]!,
    },
    extra,
  );
}

/** The members picker; `members` are shown selected (callers cap a suggestion list themselves). */
export function membersInput(
  members: readonly string[],
  hint = 'Everyone here answers the prompts and is asked to agree.',
): types.InputBlock {
  return input(
    SETUP_BLOCKS.members,
    'Members',
    {
      type: 'multi_users_select',
      action_id: INPUT_ACTION,
      ...(members.length > 0 ? { initial_users: [...members] } : {}),
      placeholder: plain('Who designs and keeps this alliance?', 150),
    },
    { hint: plain(hint, 2000) },
  );
}

/** Pulse schedule, time zone, anonymity, digest and confidentiality: shared by setup and settings. */
export function scheduleBlocks(d: ScheduleDefaults, extraPulseBlocks: Block[] = []): Block[] {
  const cadenceOptions = CADENCES.map((c) => option(CADENCE_LABELS[c], c));
  const zoneOptions = timeZoneOptions(d.timeZone).map((z) => option(z.replace(/_/g, ' '), z));
  const visibilityOptions = [
    option('Post it in the channel', 'channel', 'Everyone in the channel can read the agreement.'),
    option(
      'Share it with members only',
      'members',
      'Each member gets it privately; the channel sees only that it exists.',
    ),
  ];
  const anonymousOption = option(
    'Keep pulse answers anonymous',
    'anonymous',
    'No one, including admins, can see who gave which answer.',
  );
  return [
    { type: 'header', text: plain('Pulse check-ins', 150) },
    select(SETUP_BLOCKS.cadence, 'How often', cadenceOptions, d.cadence),
    select(SETUP_BLOCKS.pulseWeekday, 'On', weekdayOptions, String(d.pulseWeekday)),
    input(SETUP_BLOCKS.pulseTime, 'At', { type: 'timepicker', action_id: INPUT_ACTION, initial_time: d.pulseTime }),
    select(SETUP_BLOCKS.timeZone, 'Time zone of the alliance', zoneOptions, d.timeZone, {
      hint: plain('Pulses and digests follow this clock, daylight saving included.', 2000),
    }),
    ...extraPulseBlocks,
    input(
      SETUP_BLOCKS.anonymous,
      'Anonymity',
      {
        type: 'checkboxes',
        action_id: INPUT_ACTION,
        options: [anonymousOption],
        ...(d.anonymous ? { initial_options: [anonymousOption] } : {}),
      },
      {
        optional: true,
        hint: plain(
          'Anonymity keeps anyone, Alliance and whoever runs it included, from linking an answer to ' +
            'you; it cannot stop people in a very small team who compare notes from guessing. ' +
            'Turning it off later needs every member to agree, and never reveals earlier pulses.',
          2000,
        ),
      },
    ),
    input(
      SETUP_BLOCKS.threshold,
      'Fewest answers before results are shown',
      {
        type: 'number_input',
        action_id: INPUT_ACTION,
        is_decimal_allowed: false,
        min_value: '3',
        max_value: '50',
        initial_value: String(d.anonymityThreshold),
      },
      {
        hint: plain(
          'With anonymous pulses, averages and comments from fewer answers than this stay hidden, so ' +
            'no one can be singled out. At least 3.',
          2000,
        ),
      },
    ),
    { type: 'header', text: plain('Weekly digest', 150) },
    select(SETUP_BLOCKS.digestWeekday, 'On', weekdayOptions, String(d.digestWeekday)),
    input(SETUP_BLOCKS.digestTime, 'At', { type: 'timepicker', action_id: INPUT_ACTION, initial_time: d.digestTime }),
    { type: 'header', text: plain('Confidentiality', 150) },
    input(SETUP_BLOCKS.visibility, 'The written agreement', {
      type: 'radio_buttons',
      action_id: INPUT_ACTION,
      options: visibilityOptions,
      initial_option: visibilityOptions.find((o) => o.value === d.visibility) ?? visibilityOptions[0]!,
    }),
  ];
}

/** Step 1 of 2: who, which template, when. */
export function buildSetupModal(defaults: SetupDefaults, notes: readonly string[] = []): ModalView {
  const templateOptions = TEMPLATES.map((t) => option(t.name, t.id, t.summary));
  const blocks: Block[] = [
    section(
      'An alliance is the agreement your team designs together: the atmosphere you want, what each ' +
        'of you can be counted on for, and how you will act when things get difficult. Choose who ' +
        'takes part and how often Alliance checks in; each member then answers the prompts in ' +
        'their own time.',
    ),
    context(['Step 1 of 2']),
    ...notes.map((note) => context([note])),
    input(SETUP_BLOCKS.name, 'Name', {
      type: 'plain_text_input',
      action_id: INPUT_ACTION,
      max_length: 80,
      ...(defaults.name ? { initial_value: defaults.name.slice(0, 80) } : {}),
      placeholder: plain('e.g. Platform team alliance', 150),
    }),
    input(
      SETUP_BLOCKS.channel,
      'Channel',
      {
        type: 'conversations_select',
        action_id: INPUT_ACTION,
        initial_conversation: defaults.channelId,
        filter: { include: ['public', 'private'], exclude_bot_users: true, exclude_external_shared_channels: true },
      },
      { hint: plain('Where the agreement, flags and weekly digest are posted.', 2000) },
    ),
    membersInput(defaults.members.slice(0, MAX_PREFILLED_MEMBERS)),
    input(SETUP_BLOCKS.template, 'Template', {
      type: 'radio_buttons',
      action_id: INPUT_ACTION,
      options: templateOptions,
      initial_option: templateOptions.find((o) => o.value === defaults.templateId) ?? templateOptions[0]!,
    }),
    ...scheduleBlocks(defaults),
  ];
  return {
    type: 'modal',
    callback_id: VIEWS.setup,
    private_metadata: setupRef.encode({ channelId: defaults.channelId }),
    title: plain('Start an alliance', 24),
    submit: plain('Next', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

/** Step 2 of 2: the signals for renegotiating and the celebration target. Carries step 1 along. */
export function buildSetupSignalsModal(input_: {
  allianceName: string;
  carried: string;
  signals: SignalSettings;
  celebration: CelebrationTarget;
}): ModalView {
  return {
    type: 'modal',
    callback_id: VIEWS.setupSignals,
    private_metadata: input_.carried,
    title: plain('Start an alliance', 24),
    submit: plain('Start designing', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(
        `Almost there: agree how *${escapeText(input_.allianceName)}* will know it needs ` +
          `renegotiating, and when you will celebrate. The defaults suit most teams; you can ` +
          `change them later with \`/alliance settings\`.`,
      ),
      context(['Step 2 of 2']),
      ...buildSignalsBlocks(input_.signals, input_.celebration),
    ],
  };
}
