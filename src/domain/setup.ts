import { z } from 'zod';
import {
  type AllianceSettings,
  allianceSettingsSchema,
  MIN_ANONYMITY_THRESHOLD,
  memberCountProblem,
} from './alliance.js';
import { CADENCES, type Cadence } from './schedule.js';
import { isTemplateId, type TemplateId } from './templates/index.js';

/** What the setup modal collected, before validation; every field may be missing or malformed. */
export interface SetupForm {
  name: string;
  channelId: string | null;
  members: readonly string[];
  templateId: string | null;
  cadence: string | null;
  pulseWeekday: string | null;
  pulseTime: string | null;
  timeZone: string | null;
  digestWeekday: string | null;
  digestTime: string | null;
  anonymous: boolean;
  anonymityThreshold: string;
  visibility: string | null;
}

export type SetupField = keyof SetupForm;
export type SetupErrors = Partial<Record<SetupField, string>>;

export interface ValidSetup {
  name: string;
  channelId: string;
  members: string[];
  templateId: TemplateId;
  settings: AllianceSettings;
}

const weekday = z.coerce.number().int().min(1).max(7);

/** An agreement everyone consents to needs a group that can actually talk; also keeps modals small. */
export const MAX_MEMBERS = 100;

/**
 * Checks a setup form. Returns either the alliance to create or, per field, a sentence telling the
 * person what to change. `now` anchors the pulse schedule.
 */
export function validateSetup(
  form: SetupForm,
  now: Date,
): { ok: true; setup: ValidSetup } | { ok: false; errors: SetupErrors } {
  const errors: SetupErrors = {};
  const name = form.name.trim();
  if (name === '') errors.name = 'Give the alliance a name, e.g. "Platform team alliance".';
  else if (name.length > 80) errors.name = 'Please keep the name under 80 characters.';
  if (!form.channelId) errors.channelId = 'Pick the channel the alliance belongs to.';
  if (!form.templateId || !isTemplateId(form.templateId)) errors.templateId = 'Pick one of the templates.';
  if (!form.cadence || !(CADENCES as readonly string[]).includes(form.cadence))
    errors.cadence = 'Pick how often pulses go out.';
  if (!weekday.safeParse(form.pulseWeekday).success) errors.pulseWeekday = 'Pick a day of the week.';
  if (!weekday.safeParse(form.digestWeekday).success) errors.digestWeekday = 'Pick a day of the week.';
  if (!form.pulseTime) errors.pulseTime = 'Pick a time.';
  if (!form.digestTime) errors.digestTime = 'Pick a time.';
  if (!form.visibility) errors.visibility = 'Choose where the written agreement goes.';

  const threshold = Number(form.anonymityThreshold || MIN_ANONYMITY_THRESHOLD);
  if (!Number.isInteger(threshold) || threshold < MIN_ANONYMITY_THRESHOLD || threshold > 50) {
    errors.anonymityThreshold = `Use a whole number from ${MIN_ANONYMITY_THRESHOLD} to 50.`;
  }

  const settings = allianceSettingsSchema.safeParse({
    timeZone: form.timeZone,
    pulse: { cadence: form.cadence, weekday: Number(form.pulseWeekday), localTime: form.pulseTime },
    scheduleAnchor: now.toISOString(),
    digest: { weekday: Number(form.digestWeekday), localTime: form.digestTime },
    anonymous: form.anonymous,
    anonymityThreshold: threshold,
    visibility: form.visibility,
  });
  if (!settings.success) {
    for (const issue of settings.error.issues) {
      const [first, second] = issue.path;
      if (first === 'timeZone') errors.timeZone ??= 'Pick a time zone from the list.';
      else if (first === 'pulse' && second === 'localTime') errors.pulseTime ??= 'Use a time like 09:00.';
      else if (first === 'digest' && second === 'localTime') errors.digestTime ??= 'Use a time like 09:00.';
    }
  }

  const members = [...new Set(form.members)];
  if (members.length === 0) errors.members = 'Pick the people who will design and keep this alliance.';
  else if (members.length > MAX_MEMBERS)
    errors.members = `An alliance works best as a team you can talk with; pick at most ${MAX_MEMBERS} members.`;
  else if (form.templateId && isTemplateId(form.templateId) && settings.success) {
    const problem = memberCountProblem(form.templateId, members.length, settings.data);
    if (problem) errors.members = problem;
  }

  if (
    Object.keys(errors).length > 0 ||
    !settings.success ||
    !form.channelId ||
    !form.templateId ||
    !isTemplateId(form.templateId)
  ) {
    if (Object.keys(errors).length === 0)
      errors.name = 'Something in this form is not right; please check it and submit again.';
    return { ok: false, errors };
  }
  return {
    ok: true,
    setup: { name, channelId: form.channelId, members, templateId: form.templateId, settings: settings.data },
  };
}

export interface ScheduleDefaults {
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

export interface SetupDefaults extends ScheduleDefaults {
  name: string;
  channelId: string;
  members: readonly string[];
  templateId: TemplateId;
}

// A prefilled member list of hundreds is unusable in a modal; past this, the starter picks.
export const MAX_PREFILLED_MEMBERS = 50;

/**
 * What the setup modal starts from: a weekly team alliance, pulses on Thursday morning and the
 * digest on Monday morning in the starter's time zone, named answers, posted in the channel.
 */
export function setupDefaults(input: {
  name: string;
  channelId: string;
  members: readonly string[];
  timeZone: string | null;
}): SetupDefaults {
  return {
    name: input.name,
    channelId: input.channelId,
    members: input.members,
    templateId: 'team',
    cadence: 'weekly',
    pulseWeekday: 4,
    pulseTime: '10:00',
    timeZone: input.timeZone ?? 'UTC',
    digestWeekday: 1,
    digestTime: '09:30',
    anonymous: false,
    anonymityThreshold: MIN_ANONYMITY_THRESHOLD,
    visibility: 'channel',
  };
}
