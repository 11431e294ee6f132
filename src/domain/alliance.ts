import { z } from 'zod';
import { CADENCES, isValidTimeZone, type LocalSchedule } from './schedule.js';
import { celebrationSchema, signalSettingsSchema } from './signal-settings.js';
import { getTemplate, type TemplateId } from './templates/index.js';

/**
 * An alliance's settings, chosen at start and changed later in settings. Stored as JSON and parsed
 * with this schema on every read, so fields added later take their defaults for older alliances.
 */

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'Use a time like 09:00.' });
const weekday = z.literal([1, 2, 3, 4, 5, 6, 7], { error: 'Pick a day of the week.' });

export const MIN_ANONYMITY_THRESHOLD = 3;

export const pulseSettingsSchema = z
  .object({
    cadence: z.enum(CADENCES),
    weekday,
    localTime,
    /** How long a pulse stays open for answers. */
    openHours: z
      .number()
      .int()
      .min(4)
      .max(14 * 24)
      .default(48),
    /** Members who have not answered get one reminder this long before the pulse closes; 0 = none. */
    reminderHoursBefore: z
      .number()
      .int()
      .min(0)
      .max(14 * 24)
      .default(24),
  })
  .refine((p) => p.reminderHoursBefore < p.openHours, {
    error: 'The reminder has to come before the pulse closes.',
    path: ['reminderHoursBefore'],
  });

export const allianceSettingsSchema = z.object({
  timeZone: z.string().refine(isValidTimeZone, { error: 'Pick a time zone from the list.' }),
  pulse: pulseSettingsSchema,
  /** ISO instant the pulse schedule counts from (every-other-week parity). */
  scheduleAnchor: z.iso.datetime(),
  digest: z.object({ weekday, localTime }),
  anonymous: z.boolean(),
  anonymityThreshold: z.number().int().min(MIN_ANONYMITY_THRESHOLD).max(50).default(MIN_ANONYMITY_THRESHOLD),
  /** `channel`: the agreement is posted in the channel; `members`: it is sent to members only. */
  visibility: z.enum(['channel', 'members']),
  signals: signalSettingsSchema.default(signalSettingsSchema.parse({})),
  celebration: celebrationSchema,
});

export type AllianceSettings = z.infer<typeof allianceSettingsSchema>;
export type PulseSettings = z.infer<typeof pulseSettingsSchema>;

export type AllianceStatus = 'designing' | 'consenting' | 'active' | 'archived';

export interface Alliance {
  id: string;
  teamId: string;
  channelId: string;
  name: string;
  templateId: TemplateId;
  starterId: string;
  status: AllianceStatus;
  settings: AllianceSettings;
  activeVersionId: number | null;
  createdAt: Date;
  activatedAt: Date | null;
}

export function pulseSchedule(alliance: Pick<Alliance, 'settings'>): LocalSchedule {
  const { pulse, timeZone, scheduleAnchor } = alliance.settings;
  return {
    cadence: pulse.cadence,
    weekday: pulse.weekday,
    localTime: pulse.localTime,
    timeZone,
    anchor: new Date(scheduleAnchor),
  };
}

export function digestSchedule(alliance: Pick<Alliance, 'settings'>): LocalSchedule {
  const { digest, timeZone, scheduleAnchor } = alliance.settings;
  return {
    cadence: 'weekly',
    weekday: digest.weekday,
    localTime: digest.localTime,
    timeZone,
    anchor: new Date(scheduleAnchor),
  };
}

/** The member-count rules a template and the anonymity setting put on an alliance. */
export function memberCountProblem(
  templateId: TemplateId,
  memberCount: number,
  settings: Pick<AllianceSettings, 'anonymous' | 'anonymityThreshold'>,
): string | null {
  const template = getTemplate(templateId);
  if (memberCount < template.minMembers)
    return `A ${template.name.toLowerCase()} needs at least ${template.minMembers} members.`;
  if (template.maxMembers !== undefined && memberCount > template.maxMembers) {
    return (
      `A ${template.name.toLowerCase()} is for exactly ${template.maxMembers} people; pick ` +
      `${template.maxMembers} members or another template.`
    );
  }
  if (settings.anonymous && memberCount < settings.anonymityThreshold) {
    return (
      `Anonymous pulses need at least ${settings.anonymityThreshold} members, so no answer can ` +
      `be traced back to one person.`
    );
  }
  return null;
}

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
