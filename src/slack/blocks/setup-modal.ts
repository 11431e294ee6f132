import type { types } from '@slack/bolt';
import { WEEKDAY_NAMES } from '../../domain/alliance.js';
import { CADENCES, type Cadence, timeZoneOptions } from '../../domain/schedule.js';
import { TEMPLATES, type TemplateId } from '../../domain/templates/index.js';
import { INPUT_ACTION, SETUP_BLOCKS, VIEWS } from '../ids.js';
import { encode } from '../payloads.js';
import { type Block, context, type ModalView, option, plain, section } from './kit.js';

export interface SetupDefaults {
  name: string;
  channelId: string;
  members: readonly string[];
  templateId: TemplateId;
  cadence: Cadence;
  pulseWeekday: number;
  pulseTime: string;
  timeZone: string;
  digestWeekday: number;
  digestTime: string;
  anonymous: boolean;
  anonymityThreshold: number;
  visibility: 'channel' | 'members';
}

export const CADENCE_LABELS: Record<Cadence, string> = {
  weekly: 'Every week',
  biweekly: 'Every other week',
  monthly: 'Once a month (first weekday of the month)',
};

// Slack's multi_users_select can hold many users, but a prefilled list of hundreds is unusable.
export const MAX_PREFILLED_MEMBERS = 50;

const weekdayOptions = WEEKDAY_NAMES.map((name, i) => option(name, String(i + 1)));

const input = (blockId: string, label: string, element: types.InputBlockElement, extra: Partial<types.InputBlock> = {}): types.InputBlock => ({
  type: 'input',
  block_id: blockId,
  label: plain(label, 2000),
  element,
  ...extra,
});

function findOption(options: types.PlainTextOption[], value: string): types.PlainTextOption | undefined {
  return options.find((o) => o.value === value);
}

export function buildSetupModal(defaults: SetupDefaults, notes: readonly string[] = []): ModalView {
  const templateOptions = TEMPLATES.map((t) => option(t.name, t.id, t.summary));
  const cadenceOptions = CADENCES.map((c) => option(CADENCE_LABELS[c], c));
  const zoneOptions = timeZoneOptions(defaults.timeZone).map((z) => option(z.replace(/_/g, ' '), z));
  const visibilityOptions = [
    option('Post it in the channel', 'channel', 'Everyone in the channel can read the agreement.'),
    option('Share it with members only', 'members', 'Each member gets it privately; the channel sees only that it exists.'),
  ];
  const anonymousOption = option('Keep pulse answers anonymous', 'anonymous', 'No one, including admins, can see who gave which answer.');

  const blocks: Block[] = [
    section(
      'An alliance is the agreement your team designs together: the atmosphere you want, what each of you can be counted on for, and how you will act when things get difficult. Choose who takes part and how often Alliance checks in; each member then answers the prompts in their own time.',
    ),
    ...notes.map((note) => context([note])),
    input(SETUP_BLOCKS.name, 'Name', {
      type: 'plain_text_input',
      action_id: INPUT_ACTION,
      max_length: 80,
      ...(defaults.name ? { initial_value: defaults.name.slice(0, 80) } : {}),
      placeholder: plain('e.g. Platform team alliance', 150),
    }),
    input(SETUP_BLOCKS.channel, 'Channel', {
      type: 'conversations_select',
      action_id: INPUT_ACTION,
      initial_conversation: defaults.channelId,
      filter: { include: ['public', 'private'], exclude_bot_users: true, exclude_external_shared_channels: true },
    }, { hint: plain('Where the agreement, flags and weekly digest are posted.', 2000) }),
    input(SETUP_BLOCKS.members, 'Members', {
      type: 'multi_users_select',
      action_id: INPUT_ACTION,
      ...(defaults.members.length > 0 ? { initial_users: defaults.members.slice(0, MAX_PREFILLED_MEMBERS) } : {}),
      placeholder: plain('Who designs and keeps this alliance?', 150),
    }, { hint: plain('Everyone here answers the prompts and is asked to agree.', 2000) }),
    input(SETUP_BLOCKS.template, 'Template', {
      type: 'radio_buttons',
      action_id: INPUT_ACTION,
      options: templateOptions,
      initial_option: findOption(templateOptions, defaults.templateId) ?? templateOptions[0],
    }),
    { type: 'header', text: plain('Pulse check-ins', 150) },
    input(SETUP_BLOCKS.cadence, 'How often', {
      type: 'static_select',
      action_id: INPUT_ACTION,
      options: cadenceOptions,
      initial_option: findOption(cadenceOptions, defaults.cadence) ?? cadenceOptions[0],
    }),
    input(SETUP_BLOCKS.pulseWeekday, 'On', {
      type: 'static_select',
      action_id: INPUT_ACTION,
      options: weekdayOptions,
      initial_option: findOption(weekdayOptions, String(defaults.pulseWeekday)) ?? weekdayOptions[0],
    }),
    input(SETUP_BLOCKS.pulseTime, 'At', { type: 'timepicker', action_id: INPUT_ACTION, initial_time: defaults.pulseTime }),
    input(SETUP_BLOCKS.timeZone, 'Time zone of the alliance', {
      type: 'static_select',
      action_id: INPUT_ACTION,
      options: zoneOptions,
      initial_option: findOption(zoneOptions, defaults.timeZone) ?? zoneOptions[0],
    }, { hint: plain('Pulses and digests follow this clock, daylight saving included.', 2000) }),
    input(SETUP_BLOCKS.anonymous, 'Anonymity', {
      type: 'checkboxes',
      action_id: INPUT_ACTION,
      options: [anonymousOption],
      ...(defaults.anonymous ? { initial_options: [anonymousOption] } : {}),
    }, { optional: true }),
    input(SETUP_BLOCKS.threshold, 'Fewest answers before results are shown', {
      type: 'number_input',
      action_id: INPUT_ACTION,
      is_decimal_allowed: false,
      min_value: '3',
      max_value: '50',
      initial_value: String(defaults.anonymityThreshold),
    }, { hint: plain('Averages and comments from fewer answers than this stay hidden, so no one can be singled out. At least 3.', 2000) }),
    { type: 'header', text: plain('Weekly digest', 150) },
    input(SETUP_BLOCKS.digestWeekday, 'On', {
      type: 'static_select',
      action_id: INPUT_ACTION,
      options: weekdayOptions,
      initial_option: findOption(weekdayOptions, String(defaults.digestWeekday)) ?? weekdayOptions[0],
    }),
    input(SETUP_BLOCKS.digestTime, 'At', { type: 'timepicker', action_id: INPUT_ACTION, initial_time: defaults.digestTime }),
    { type: 'header', text: plain('Confidentiality', 150) },
    input(SETUP_BLOCKS.visibility, 'The written agreement', {
      type: 'radio_buttons',
      action_id: INPUT_ACTION,
      options: visibilityOptions,
      initial_option: findOption(visibilityOptions, defaults.visibility) ?? visibilityOptions[0],
    }),
  ];

  return {
    type: 'modal',
    callback_id: VIEWS.setup,
    private_metadata: encode({ c: defaults.channelId }),
    title: plain('Start an alliance', 24),
    submit: plain('Start designing', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}
