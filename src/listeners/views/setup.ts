import type { SetupField, SetupForm } from '../../domain/setup.js';
import type { SignalsField, SignalsForm } from '../../domain/signal-settings.js';
import { DEFAULT_CELEBRATION, DEFAULT_SIGNALS, validateSignalsForm } from '../../domain/signal-settings.js';
import { buildSetupSignalsModal } from '../../slack/blocks/setup-modal.js';
import { INPUT_ACTION, SETUP_BLOCKS, SIGNAL_BLOCKS, VIEWS } from '../../slack/ids.js';
import { carriedSetup, type StateValues, setupRef, stateReader } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { errorsOn, onSubmit, type SubmitOutcome } from '../on-submit.js';
import type { ListenerRegistry } from '../registry.js';

export const SETUP_FIELD_BLOCKS: Record<SetupField, string> = {
  name: SETUP_BLOCKS.name,
  channelId: SETUP_BLOCKS.channel,
  members: SETUP_BLOCKS.members,
  templateId: SETUP_BLOCKS.template,
  cadence: SETUP_BLOCKS.cadence,
  pulseWeekday: SETUP_BLOCKS.pulseWeekday,
  pulseTime: SETUP_BLOCKS.pulseTime,
  timeZone: SETUP_BLOCKS.timeZone,
  digestWeekday: SETUP_BLOCKS.digestWeekday,
  digestTime: SETUP_BLOCKS.digestTime,
  anonymous: SETUP_BLOCKS.anonymous,
  anonymityThreshold: SETUP_BLOCKS.threshold,
  visibility: SETUP_BLOCKS.visibility,
};

export const SIGNAL_FIELD_BLOCKS: Record<SignalsField, string> = {
  enabled: SIGNAL_BLOCKS.enabled,
  lowThreshold: SIGNAL_BLOCKS.lowThreshold,
  lowPulses: SIGNAL_BLOCKS.lowPulses,
  drop: SIGNAL_BLOCKS.drop,
  stdev: SIGNAL_BLOCKS.stdev,
  participationPercent: SIGNAL_BLOCKS.participationPercent,
  participationPulses: SIGNAL_BLOCKS.participationPulses,
  asksCount: SIGNAL_BLOCKS.asksCount,
  reviewDays: SIGNAL_BLOCKS.reviewDays,
  lingeringPulses: SIGNAL_BLOCKS.lingeringPulses,
  snoozeWeeks: SIGNAL_BLOCKS.snoozeWeeks,
  celebrationKind: SIGNAL_BLOCKS.celebrationKind,
  celebrationThreshold: SIGNAL_BLOCKS.celebrationThreshold,
  celebrationPulses: SIGNAL_BLOCKS.celebrationPulses,
};

export function readSetupForm(values: StateValues): SetupForm {
  const read = stateReader(values, INPUT_ACTION);
  return {
    name: read.text(SETUP_BLOCKS.name),
    channelId: read.conversation(SETUP_BLOCKS.channel),
    members: read.users(SETUP_BLOCKS.members),
    templateId: read.option(SETUP_BLOCKS.template),
    cadence: read.option(SETUP_BLOCKS.cadence),
    pulseWeekday: read.option(SETUP_BLOCKS.pulseWeekday),
    pulseTime: read.time(SETUP_BLOCKS.pulseTime),
    timeZone: read.option(SETUP_BLOCKS.timeZone),
    digestWeekday: read.option(SETUP_BLOCKS.digestWeekday),
    digestTime: read.time(SETUP_BLOCKS.digestTime),
    anonymous: read.options(SETUP_BLOCKS.anonymous).includes('anonymous'),
    anonymityThreshold: read.text(SETUP_BLOCKS.threshold),
    visibility: read.option(SETUP_BLOCKS.visibility),
  };
}

export function readSignalsForm(values: StateValues): SignalsForm {
  const read = stateReader(values, INPUT_ACTION);
  return {
    enabled: read.options(SIGNAL_BLOCKS.enabled),
    lowThreshold: read.text(SIGNAL_BLOCKS.lowThreshold),
    lowPulses: read.text(SIGNAL_BLOCKS.lowPulses),
    drop: read.text(SIGNAL_BLOCKS.drop),
    stdev: read.text(SIGNAL_BLOCKS.stdev),
    participationPercent: read.text(SIGNAL_BLOCKS.participationPercent),
    participationPulses: read.text(SIGNAL_BLOCKS.participationPulses),
    asksCount: read.text(SIGNAL_BLOCKS.asksCount),
    reviewDays: read.text(SIGNAL_BLOCKS.reviewDays),
    lingeringPulses: read.text(SIGNAL_BLOCKS.lingeringPulses),
    snoozeWeeks: read.text(SIGNAL_BLOCKS.snoozeWeeks),
    celebrationKind: read.option(SIGNAL_BLOCKS.celebrationKind),
    celebrationThreshold: read.text(SIGNAL_BLOCKS.celebrationThreshold),
    celebrationPulses: read.text(SIGNAL_BLOCKS.celebrationPulses),
  };
}

export function registerSetupView(on: ListenerRegistry, deps: ListenerDeps): void {
  // Step 1: check everything (Slack included), then move on to the signals without storing anything.
  onSubmit(on, deps, VIEWS.setup, setupRef, async (s): Promise<SubmitOutcome> => {
    const form = readSetupForm(s.values);
    const outcome = await deps.setup.checkSetup({ teamId: s.teamId, userId: s.userId, form, now: deps.clock.now() });
    if (!outcome.ok) return { kind: 'errors', errors: errorsOn(outcome.errors, SETUP_FIELD_BLOCKS) };
    return {
      kind: 'update',
      view: buildSetupSignalsModal({
        allianceName: outcome.setup.name,
        carried: carriedSetup.encode({ channelId: s.meta.channelId, form }),
        signals: DEFAULT_SIGNALS,
        celebration: DEFAULT_CELEBRATION,
      }),
    };
  });

  // Step 2: the signals and celebration; now the alliance is created, then announced.
  onSubmit(on, deps, VIEWS.setupSignals, carriedSetup, async (s): Promise<SubmitOutcome> => {
    const signals = validateSignalsForm(readSignalsForm(s.values));
    if (!signals.ok) return { kind: 'errors', errors: errorsOn(signals.errors, SIGNAL_FIELD_BLOCKS) };
    const created = await deps.setup.createCheckedAlliance({
      teamId: s.teamId,
      userId: s.userId,
      viewId: s.viewId,
      form: s.meta.form,
      signals: signals.signals,
      celebration: signals.celebration,
      now: deps.clock.now(),
    });
    if (!created.ok) return { kind: 'notice', text: created.problem };
    return {
      kind: 'close',
      ...(created.fresh ? { after: () => deps.events.publish(created.events, deps.clock.now()) } : {}),
    };
  });
}
