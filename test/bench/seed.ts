import { compileAgreement, contentHash } from '../../src/domain/agreement.js';
import { type AllianceSettings, allianceSettingsSchema } from '../../src/domain/alliance.js';
import { DEFAULT_SIGNALS } from '../../src/domain/signal-settings.js';
import { getTemplate } from '../../src/domain/templates/index.js';
import type { Store } from '../../src/store/index.js';

/**
 * The benchmarks' alliance settings: a weekly pulse on Thursdays 10:00 Berlin (open 48 h, a reminder
 * 24 h before it closes), a digest on Mondays, named and visible to the channel.
 */
export function weeklySettings(setupAt: Date): AllianceSettings {
  return allianceSettingsSchema.parse({
    timeZone: 'Europe/Berlin',
    pulse: { cadence: 'weekly', weekday: 4, localTime: '10:00', openHours: 48, reminderHoursBefore: 24 },
    scheduleAnchor: setupAt.toISOString(),
    digest: { weekday: 1, localTime: '09:30' },
    anonymous: false,
    anonymityThreshold: 3,
    visibility: 'channel',
    signals: DEFAULT_SIGNALS,
    celebration: { kind: 'aspects_at_least', threshold: 4, pulses: 4 },
  });
}

/**
 * Writes an alliance as the design and consent services leave it: designed, compiled (no answers)
 * and agreed to by every member, its version in effect. Benchmarks seed hundreds this way, inside
 * one transaction of the caller's.
 */
export function seedAgreedAlliance(
  store: Store,
  input: {
    id: string;
    teamId: string;
    channelId: string;
    name: string;
    members: string[];
    settings: AllianceSettings;
    at: Date;
  },
): void {
  const { id, teamId, members, at } = input;
  const template = getTemplate('team');
  const starter = members[0];
  if (starter === undefined) throw new Error('an alliance needs members');
  store.alliances.create({
    id,
    teamId,
    channelId: input.channelId,
    name: input.name,
    templateId: template.id,
    starterId: starter,
    settings: input.settings,
    setupViewId: null,
    members,
    now: at,
  });
  const roundId = store.design.openRound({
    teamId,
    allianceId: id,
    baseVersionId: null,
    reason: null,
    startedBy: starter,
    now: at,
  });
  const content = compileAgreement({ template, name: input.name, members, answers: new Map() });
  const version = store.agreements.insertVersion({
    teamId,
    allianceId: id,
    roundId,
    content,
    hash: contentHash(content),
    compiledBy: starter,
    visibility: 'channel',
    now: at,
  });
  store.design.closeRound(roundId, 'compiled', at);
  for (const member of members) store.agreements.consent(version.id, teamId, member, at);
  store.agreements.activate(version.id, at);
  store.alliances.activate(id, version.id, at);
}
