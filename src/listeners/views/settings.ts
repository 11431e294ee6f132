import { INPUT_ACTION, SETTINGS_BLOCKS, VIEWS } from '../../slack/ids.js';
import { allianceRef, stateReader } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { errorsOn, onSubmit } from '../on-submit.js';
import type { ListenerRegistry } from '../registry.js';
import { readSetupForm, readSignalsForm, SETUP_FIELD_BLOCKS, SIGNAL_FIELD_BLOCKS } from './setup.js';

export function registerSettingsView(on: ListenerRegistry, deps: ListenerDeps): void {
  onSubmit(on, deps, VIEWS.settings, allianceRef, async (s) => {
    const read = stateReader(s.values, INPUT_ACTION);
    const result = await deps.settings.submit({
      teamId: s.teamId,
      userId: s.userId,
      allianceId: s.meta.allianceId,
      form: {
        setup: readSetupForm(s.values),
        signals: readSignalsForm(s.values),
        openHours: read.option(SETTINGS_BLOCKS.openHours),
        reminderHours: read.option(SETTINGS_BLOCKS.reminderHours),
      },
      now: deps.clock.now(),
    });
    if (result.kind === 'errors') {
      return {
        kind: 'errors',
        errors: {
          ...errorsOn(result.setup, SETUP_FIELD_BLOCKS),
          ...errorsOn(result.signals, SIGNAL_FIELD_BLOCKS),
          ...errorsOn(result.pulse, SETTINGS_BLOCKS),
        },
      };
    }
    if (result.kind === 'notice') return result;
    return { kind: 'close', after: result.announce };
  });
}
