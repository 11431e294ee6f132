import type { ListenerRegistry } from '../registry.js';
import type { SetupField, SetupForm } from '../../../domain/setup.js';
import type { SignalsField, SignalsForm } from '../../../domain/signal-settings.js';
import { DEFAULT_CELEBRATION, DEFAULT_SIGNALS, validateSignalsForm } from '../../../domain/signal-settings.js';
import { noticeView } from '../../../services/design.js';
import { buildSetupSignalsModal } from '../../blocks/setup-modal.js';
import { slackErrorCode } from '../../clients.js';
import { INPUT_ACTION, SETUP_BLOCKS, SIGNAL_BLOCKS, VIEWS } from '../../ids.js';
import { carriedSetupSchema, encode, setupMetadataSchema, stateReader, type StateValues, viewSubmissionSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';
import { SOMETHING_WENT_WRONG } from '../failures.js';

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

const TAMPERED = 'Alliance could not read this form. Please close it and run `/alliance start` again.';

export function registerSetupView(on: ListenerRegistry, deps: ListenerDeps): void {
  // Step 1: check everything (Slack included), then move on to the signals without storing anything.
  on.view(VIEWS.setup, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const meta = parsed.success ? setupMetadataSchema.safeParse(parsed.data.view.private_metadata) : null;
    if (!parsed.success || !meta?.success) {
      await ack({ response_action: 'errors', errors: { [SETUP_BLOCKS.name]: TAMPERED } });
      return;
    }
    const form = readSetupForm(parsed.data.view.state.values);
    let outcome;
    try {
      outcome = await deps.design.checkSetup({ teamId: parsed.data.team.id, form, now: deps.clock.now() });
    } catch (error) {
      // Nothing was saved; keep the modal open with everything the person typed.
      deps.logger.error('setup: checking failed:', slackErrorCode(error) ?? error);
      await ack({ response_action: 'errors', errors: { [SETUP_BLOCKS.name]: SOMETHING_WENT_WRONG } });
      return;
    }
    if (!outcome.ok) {
      const errors = Object.fromEntries(Object.entries(outcome.errors).map(([field, message]) => [SETUP_FIELD_BLOCKS[field as SetupField], message]));
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack({
      response_action: 'update',
      view: buildSetupSignalsModal({ allianceName: outcome.setup.name, carried: encode({ c: meta.data.c, f: form }), signals: DEFAULT_SIGNALS, celebration: DEFAULT_CELEBRATION }),
    });
  });

  // Step 2: the signals and celebration; now the alliance is created and announced.
  on.view(VIEWS.setupSignals, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const carried = parsed.success ? carriedSetupSchema.safeParse(parsed.data.view.private_metadata) : null;
    if (!parsed.success || !carried?.success) {
      await ack({ response_action: 'update', view: noticeView(TAMPERED) });
      return;
    }
    const signals = validateSignalsForm(readSignalsForm(parsed.data.view.state.values));
    if (!signals.ok) {
      await ack({ response_action: 'errors', errors: Object.fromEntries(Object.entries(signals.errors).map(([f, m]) => [SIGNAL_FIELD_BLOCKS[f as SignalsField], m])) });
      return;
    }
    let created;
    try {
      created = deps.design.createAlliance({
        teamId: parsed.data.team.id,
        userId: parsed.data.user.id,
        viewId: parsed.data.view.id,
        form: carried.data.f,
        signals: signals.signals,
        celebration: signals.celebration,
        now: deps.clock.now(),
      });
    } catch (error) {
      deps.logger.error('setup: creating the alliance failed:', error);
      await ack({ response_action: 'errors', errors: { [SIGNAL_BLOCKS.enabled]: SOMETHING_WENT_WRONG } });
      return;
    }
    if (!created.ok) {
      await ack({ response_action: 'update', view: noticeView(created.problem) });
      return;
    }
    await ack();
    if (!created.fresh) return;
    try {
      await deps.design.announceRound(created.roundId, deps.clock.now());
    } catch (error) {
      deps.logger.error('setup: announcing the new alliance failed:', slackErrorCode(error) ?? error);
    }
  });
}
