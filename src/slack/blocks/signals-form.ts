import type { types } from '@slack/bolt';
import {
  type CelebrationTarget,
  describeSignal,
  SIGNAL_KINDS,
  SIGNAL_NAMES,
  type SignalSettings,
} from '../../domain/signal-settings.js';
import { INPUT_ACTION, SIGNAL_BLOCKS } from '../ids.js';
import { type Block, context, option, plain, section } from './kit.js';

const numberInput = (
  blockId: string,
  label: string,
  value: number,
  opts: { decimal: boolean; min: number; max: number; hint?: string },
): types.InputBlock => ({
  type: 'input',
  block_id: blockId,
  label: plain(label, 2000),
  ...(opts.hint ? { hint: plain(opts.hint, 2000) } : {}),
  element: {
    type: 'number_input',
    action_id: INPUT_ACTION,
    is_decimal_allowed: opts.decimal,
    min_value: String(opts.min),
    max_value: String(opts.max),
    initial_value: opts.decimal ? value.toFixed(1) : String(value),
  },
});

/**
 * The signals the team agrees will tell it to renegotiate, and when it will celebrate. Used by the
 * second step of setup and by the settings modal, with the current values filled in.
 */
export function buildSignalsBlocks(signals: SignalSettings, celebration: CelebrationTarget): Block[] {
  const signalOptions = SIGNAL_KINDS.map((kind) => option(SIGNAL_NAMES[kind], kind, describeSignal(kind, signals)));
  const enabled = signalOptions.filter((_o, i) => signals[SIGNAL_KINDS[i]!].enabled);
  const celebrationOptions = [
    option(
      'Every part is going well',
      'aspects_at_least',
      'Every rated part averages at least the score below, for the pulses below',
    ),
    option('Everyone answers', 'full_participation', 'Every member answers, for the pulses below'),
    option('No target', 'off'),
  ];
  return [
    { type: 'header', text: plain('When should we renegotiate?', 150) },
    section(
      'Agree now on the signals that would tell you the agreement no longer holds. When one shows ' +
        'up, Alliance posts it in the channel with its evidence and offers to start a ' +
        'renegotiation.',
    ),
    {
      type: 'input',
      block_id: SIGNAL_BLOCKS.enabled,
      optional: true,
      label: plain('Signals to watch', 2000),
      element: {
        type: 'checkboxes',
        action_id: INPUT_ACTION,
        options: signalOptions,
        ...(enabled.length > 0 ? { initial_options: enabled } : {}),
      },
    },
    numberInput(SIGNAL_BLOCKS.lowThreshold, 'Low scores: an average below', signals.lowScores.threshold, {
      decimal: true,
      min: 1,
      max: 5,
    }),
    numberInput(SIGNAL_BLOCKS.lowPulses, 'Low scores: for this many pulses in a row', signals.lowScores.pulses, {
      decimal: false,
      min: 1,
      max: 12,
    }),
    numberInput(SIGNAL_BLOCKS.drop, 'Sharp drop: an average falling by at least', signals.sharpDrop.drop, {
      decimal: true,
      min: 0.1,
      max: 4,
    }),
    numberInput(
      SIGNAL_BLOCKS.stdev,
      'Disagreement: a spread (standard deviation) of at least',
      signals.disagreement.stdev,
      {
        decimal: true,
        min: 0.5,
        max: 2,
        hint: '1.5 means ratings are all over the place, even if the average looks fine.',
      },
    ),
    numberInput(
      SIGNAL_BLOCKS.participationPercent,
      'Low participation: fewer than this % answering',
      signals.lowParticipation.percent,
      { decimal: false, min: 1, max: 100 },
    ),
    numberInput(
      SIGNAL_BLOCKS.participationPulses,
      'Low participation: for this many pulses in a row',
      signals.lowParticipation.pulses,
      { decimal: false, min: 1, max: 12 },
    ),
    numberInput(
      SIGNAL_BLOCKS.asksCount,
      'Someone asks: when at least this many members ask to renegotiate',
      signals.someoneAsks.count,
      { decimal: false, min: 1, max: 50 },
    ),
    numberInput(
      SIGNAL_BLOCKS.reviewDays,
      'Review date: days after the agreement takes effect',
      signals.reviewDate.days,
      { decimal: false, min: 7, max: 730 },
    ),
    numberInput(
      SIGNAL_BLOCKS.lingeringPulses,
      'Lingering concern: pulses in a row still at risk',
      signals.lingering.pulses,
      { decimal: false, min: 1, max: 12 },
    ),
    numberInput(SIGNAL_BLOCKS.snoozeWeeks, '“Not now” quiets a signal for this many weeks', signals.snoozeWeeks, {
      decimal: false,
      min: 1,
      max: 12,
    }),
    { type: 'header', text: plain('When do we celebrate?', 150) },
    context([
      'Decide up front what success looks like, so you notice it when it comes. The weekly digest ' +
        'says so, once per streak.',
    ]),
    {
      type: 'input',
      block_id: SIGNAL_BLOCKS.celebrationKind,
      label: plain('We celebrate when', 2000),
      element: {
        type: 'radio_buttons',
        action_id: INPUT_ACTION,
        options: celebrationOptions,
        initial_option: celebrationOptions.find((o) => o.value === celebration.kind) ?? celebrationOptions[0]!,
      },
    },
    numberInput(SIGNAL_BLOCKS.celebrationThreshold, 'Score every part must reach', celebration.threshold, {
      decimal: true,
      min: 1,
      max: 5,
    }),
    numberInput(SIGNAL_BLOCKS.celebrationPulses, 'For this many pulses in a row', celebration.pulses, {
      decimal: false,
      min: 1,
      max: 12,
    }),
  ];
}
