import type { App } from '@slack/bolt';
import type { SetupField, SetupForm } from '../../../domain/setup.js';
import { INPUT_ACTION, SETUP_BLOCKS, VIEWS } from '../../ids.js';
import { stateReader, type StateValues, viewSubmissionSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';
import { SOMETHING_WENT_WRONG } from '../failures.js';
import { slackErrorCode } from '../../clients.js';

const FIELD_BLOCKS: Record<SetupField, string> = {
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

export function registerSetupView(app: App, deps: ListenerDeps): void {
  app.view(VIEWS.setup, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    if (!parsed.success) {
      await ack({ response_action: 'errors', errors: { [SETUP_BLOCKS.name]: 'Alliance could not read this form. Please close it and run `/alliance start` again.' } });
      return;
    }
    const { team, user, view } = parsed.data;
    let outcome;
    try {
      outcome = await deps.design.submitSetup({ teamId: team.id, userId: user.id, viewId: view.id, form: readSetupForm(view.state.values), now: deps.clock.now() });
    } catch (error) {
      // Nothing was saved; keep the modal open with everything the person typed.
      deps.logger.error('setup: submission failed:', slackErrorCode(error) ?? error);
      await ack({ response_action: 'errors', errors: { [SETUP_BLOCKS.name]: SOMETHING_WENT_WRONG } });
      return;
    }
    if (!outcome.ok) {
      const errors = Object.fromEntries(Object.entries(outcome.errors).map(([field, message]) => [FIELD_BLOCKS[field as SetupField], message]));
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    if (!outcome.fresh) return;
    try {
      await deps.design.announceRound(outcome.roundId, deps.clock.now());
    } catch (error) {
      deps.logger.error('setup: announcing the new alliance failed:', slackErrorCode(error) ?? error);
    }
  });
}
