import type { ListenerRegistry } from '../registry.js';
import type { SetupField } from '../../../domain/setup.js';
import type { SignalsField } from '../../../domain/signal-settings.js';
import { noticeView } from '../../../services/design.js';
import { slackErrorCode } from '../../clients.js';
import { INPUT_ACTION, SETTINGS_BLOCKS, SETUP_BLOCKS, VIEWS } from '../../ids.js';
import { allianceRefSchema, stateReader, viewSubmissionSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';
import { SOMETHING_WENT_WRONG } from '../failures.js';
import { readSetupForm, readSignalsForm, SETUP_FIELD_BLOCKS, SIGNAL_FIELD_BLOCKS } from './setup.js';

export function registerSettingsView(on: ListenerRegistry, deps: ListenerDeps): void {
  on.view(VIEWS.settings, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const meta = parsed.success ? allianceRefSchema.safeParse(parsed.data.view.private_metadata) : null;
    if (!parsed.success || !meta?.success) {
      await ack({ response_action: 'update', view: noticeView('This form did not come from Alliance as it is now, so nothing was changed.') });
      return;
    }
    const values = parsed.data.view.state.values;
    const read = stateReader(values, INPUT_ACTION);
    let result;
    try {
      result = await deps.settings.submit({
        teamId: parsed.data.team.id,
        userId: parsed.data.user.id,
        allianceId: meta.data.a,
        form: {
          setup: readSetupForm(values),
          signals: readSignalsForm(values),
          openHours: read.option(SETTINGS_BLOCKS.openHours),
          reminderHours: read.option(SETTINGS_BLOCKS.reminderHours),
        },
        now: deps.clock.now(),
      });
    } catch (error) {
      deps.logger.error('settings: saving failed:', slackErrorCode(error) ?? error);
      await ack({ response_action: 'errors', errors: { [SETUP_BLOCKS.members]: SOMETHING_WENT_WRONG } });
      return;
    }
    if (result.kind === 'errors') {
      const errors: Record<string, string> = {};
      for (const [field, message] of Object.entries(result.setup)) errors[SETUP_FIELD_BLOCKS[field as SetupField]] = message;
      for (const [field, message] of Object.entries(result.signals)) errors[SIGNAL_FIELD_BLOCKS[field as SignalsField]] = message;
      if (result.pulse.openHours) errors[SETTINGS_BLOCKS.openHours] = result.pulse.openHours;
      if (result.pulse.reminderHours) errors[SETTINGS_BLOCKS.reminderHours] = result.pulse.reminderHours;
      await ack({ response_action: 'errors', errors });
      return;
    }
    if (result.kind === 'notice') {
      await ack({ response_action: 'update', view: noticeView(result.text) });
      return;
    }
    await ack();
    await result.announce().catch((error: unknown) => deps.logger.error('settings: follow-up failed:', slackErrorCode(error) ?? error));
  });
}
