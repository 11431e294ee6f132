import type { AllianceSettings } from '../../domain/alliance.js';
import { SETTINGS_BLOCKS, VIEWS } from '../ids.js';
import { allianceRef } from '../payloads.js';
import { type Block, context, escapeText, type ModalView, option, plain, section } from './kit.js';
import { membersInput, scheduleBlocks, select } from './setup-modal.js';
import { buildSignalsBlocks } from './signals-form.js';

export const OPEN_HOURS = [24, 48, 72, 96, 168] as const;
export const REMINDER_HOURS = [0, 2, 4, 12, 24, 48] as const;

const hours = (h: number) =>
  h === 168 ? 'A week' : h % 24 === 0 ? `${h / 24} day${h === 24 ? '' : 's'}` : `${h} hours`;

export interface SettingsModalModel {
  allianceId: string;
  allianceName: string;
  members: readonly string[];
  settings: AllianceSettings;
}

/** `/alliance settings`: everything chosen at start, editable, with the current values filled in. */
export function buildSettingsModal(model: SettingsModalModel): ModalView {
  const s = model.settings;
  const openOptions = OPEN_HOURS.map((h) => option(hours(h), String(h)));
  const reminderOptions = REMINDER_HOURS.map((h) =>
    option(h === 0 ? 'No reminder' : `${hours(h)} before it closes`, String(h)),
  );
  const blocks: Block[] = [
    section(
      `Settings of *${escapeText(model.allianceName)}*. Changes apply from the next pulse; the ` +
        `channel is told what changed.`,
    ),
    membersInput(
      model.members,
      'People you add get the next pulse; people you remove get no more pulses. Their past answers ' +
        'stay in earlier versions.',
    ),
    ...scheduleBlocks(
      {
        cadence: s.pulse.cadence,
        pulseWeekday: s.pulse.weekday,
        pulseTime: s.pulse.localTime,
        timeZone: s.timeZone,
        digestWeekday: s.digest.weekday,
        digestTime: s.digest.localTime,
        anonymous: s.anonymous,
        anonymityThreshold: s.anonymityThreshold,
        visibility: s.visibility,
      },
      [
        select(SETTINGS_BLOCKS.openHours, 'Each pulse stays open for', openOptions, String(s.pulse.openHours)),
        select(
          SETTINGS_BLOCKS.reminderHours,
          'Remind those who have not answered',
          reminderOptions,
          String(s.pulse.reminderHoursBefore),
        ),
      ],
    ),
    ...buildSignalsBlocks(s.signals, s.celebration),
    context(['Only members of the alliance can change its settings.']),
  ];
  return {
    type: 'modal',
    callback_id: VIEWS.settings,
    private_metadata: allianceRef.encode({ allianceId: model.allianceId }),
    title: plain('Alliance settings', 24),
    submit: plain('Save settings', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}
