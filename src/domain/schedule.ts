import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * Local recurring schedules for pulses and digests.
 *
 * A schedule is a weekday and wall-clock time in the alliance's own IANA zone. The scheduler
 * stores the next run instant and asks this module for the one after it, so everything here is
 * a pure function of its arguments (no clock, no I/O). All zone arithmetic is done by luxon.
 *
 * Each occurrence belongs to a *scheduled local date*. Turning that date plus `localTime` into
 * an instant follows two rules, applied on DST change days:
 * - Nonexistent time (spring-forward gap, e.g. 02:30 on the US change day): the occurrence fires
 *   later by the length of the gap, i.e. the wall time read with the offset in force before the
 *   change (New York 02:30 -> 03:30 EDT, Lord Howe 02:15 -> 02:45). Still exactly once.
 * - Ambiguous time (fall-back overlap, 01:30 happens twice): the occurrence fires once, at the
 *   earlier of the two instants.
 * No occurrence exists before `anchor`, for every cadence.
 */

export const CADENCES = ['weekly', 'biweekly', 'monthly'] as const;
export type Cadence = (typeof CADENCES)[number];

/** ISO weekday: 1 = Monday … 7 = Sunday (luxon's numbering too). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface LocalSchedule {
  cadence: Cadence;
  weekday: IsoWeekday;
  /** 'HH:mm', 24-hour, zero-padded. */
  localTime: string;
  /** IANA zone name, e.g. 'Europe/Berlin'. */
  timeZone: string;
  /** When the schedule was set. No occurrence precedes it; biweekly parity counts from the first occurrence at/after it. */
  anchor: Date;
}

const LOCAL_TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
// Fixed-offset aliases such as '+05:00' are not IANA names; luxon already rejects them, this keeps the shape explicit.
const ZONE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

// Asking the platform whether a zone exists builds an Intl.DateTimeFormat, which is slow, and
// every alliance read from the database checks its zone: the answers for real zone names are
// remembered (there are a few hundred of them; a name that does not exist is asked again).
const knownZones = new Set<string>();

export function isValidTimeZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  if (!ZONE_NAME_PATTERN.test(zone) || !IANAZone.isValidZone(zone)) return false;
  knownZones.add(zone);
  return true;
}

export const localScheduleSchema = z.object({
  cadence: z.enum(CADENCES),
  weekday: z.literal([1, 2, 3, 4, 5, 6, 7], { error: 'must be an ISO weekday from 1 (Monday) to 7 (Sunday)' }),
  localTime: z.string().regex(LOCAL_TIME_PATTERN, { error: "must be a 24-hour time 'HH:mm' between 00:00 and 23:59" }),
  timeZone: z.string().refine(isValidTimeZone, { error: 'must be a valid IANA time zone such as Europe/Berlin' }),
  anchor: z.date({ error: 'must be a valid date' }),
});

// Compile-time guard: the schema and the interface must describe the same shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesInterface: Same<z.infer<typeof localScheduleSchema>, LocalSchedule> = true;
void schemaMatchesInterface;

/** Validated schedule plus the parsed wall time, so callers cannot loop forever on bad input. */
interface Prepared {
  schedule: LocalSchedule;
  hour: number;
  minute: number;
  anchorMs: number;
}

/** A scheduled local date paired with the instant it resolves to. */
interface Occurrence {
  /** Calendar date only, held as UTC midnight so date arithmetic never meets a DST change. */
  date: DateTime;
  instant: DateTime;
}

function prepare(schedule: LocalSchedule): Prepared {
  const parsed = localScheduleSchema.safeParse(schedule);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RangeError(`Invalid schedule: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'unknown problem'}`);
  }
  const match = LOCAL_TIME_PATTERN.exec(schedule.localTime);
  return {
    schedule,
    hour: Number(match?.[1]),
    minute: Number(match?.[2]),
    anchorMs: schedule.anchor.getTime(),
  };
}

function instantMs(value: Date, name: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a valid Date`);
  return ms;
}

function calendarDate(year: number, month: number, day: number): DateTime {
  return DateTime.utc(year, month, day);
}

/** The local calendar date of an instant in the schedule's zone. */
function localDateOf(ms: number, zone: string): DateTime {
  const local = DateTime.fromMillis(ms, { zone });
  return calendarDate(local.year, local.month, local.day);
}

function onOrAfterWeekday(date: DateTime, weekday: IsoWeekday): DateTime {
  return date.plus({ days: (weekday - date.weekday + 7) % 7 });
}

/** The instant of `localTime` on a scheduled date, applying the gap and overlap rules. */
function resolve(p: Prepared, date: DateTime): DateTime {
  const local = DateTime.fromObject(
    { year: date.year, month: date.month, day: date.day, hour: p.hour, minute: p.minute },
    { zone: p.schedule.timeZone },
  );
  // In a gap luxon has already moved the time forward by the gap length (offset before the change).
  // In an overlap it lists both instants; the earlier one wins so the occurrence fires once.
  return local.getPossibleOffsets().reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a));
}

/** Weekly-grid occurrence at or after `fromMs`, ignoring cadence and anchor. */
function firstOnWeekdayFrom(p: Prepared, fromMs: number): Occurrence {
  // Start two days early: a gap shift can push a scheduled date's instant past local midnight.
  let date = onOrAfterWeekday(localDateOf(fromMs, p.schedule.timeZone).minus({ days: 2 }), p.schedule.weekday);
  for (;;) {
    const instant = resolve(p, date);
    if (instant.toMillis() >= fromMs) return { date, instant };
    date = date.plus({ weeks: 1 });
  }
}

/** Scheduled local dates in increasing order, starting with the first one on or after `from`. */
function* scheduledDates(p: Prepared, from: DateTime): Generator<DateTime> {
  const { cadence, weekday } = p.schedule;
  switch (cadence) {
    case 'weekly': {
      for (let date = onOrAfterWeekday(from, weekday); ; date = date.plus({ weeks: 1 })) yield date;
    }
    case 'biweekly': {
      const first = firstOnWeekdayFrom(p, p.anchorMs).date;
      const daysPast = Math.max(0, Math.round(from.diff(first, 'days').days));
      const periods = Math.ceil(daysPast / 14);
      for (let date = first.plus({ weeks: 2 * periods }); ; date = date.plus({ weeks: 2 })) yield date;
    }
    case 'monthly': {
      for (let month = from.startOf('month'); ; month = month.plus({ months: 1 })) {
        const date = onOrAfterWeekday(month, weekday);
        if (date >= from) yield date;
      }
    }
  }
}

/** First occurrence whose instant is at or after `fromMs` (and at or after the anchor). */
function firstOccurrenceFrom(p: Prepared, fromMs: number): Occurrence {
  const floor = Math.max(fromMs, p.anchorMs);
  const start = localDateOf(floor, p.schedule.timeZone).minus({ days: 2 });
  for (const date of scheduledDates(p, start)) {
    const instant = resolve(p, date);
    if (instant.toMillis() >= floor) return { date, instant };
  }
  throw new Error('unreachable: scheduled dates are unbounded');
}

/** First occurrence strictly after `after`. */
export function nextOccurrence(schedule: LocalSchedule, after: Date): Date {
  const p = prepare(schedule);
  // Instants are whole milliseconds, so "strictly after t" is "at or after t + 1 ms".
  return firstOccurrenceFrom(p, instantMs(after, 'after') + 1).instant.toJSDate();
}

/** The latest occurrence at or before `at`, or null when none has happened since the anchor. */
export function latestOccurrenceAtOrBefore(schedule: LocalSchedule, at: Date): Date | null {
  const p = prepare(schedule);
  const atMs = instantMs(at, 'at');
  if (atMs < p.anchorMs) return null;
  // Consecutive occurrences are at most 35 days apart (monthly), so six weeks back is enough.
  const start = localDateOf(atMs, schedule.timeZone).minus({ weeks: 6 });
  let latest: DateTime | null = null;
  for (const date of scheduledDates(p, start)) {
    const instant = resolve(p, date);
    if (instant.toMillis() > atMs) break;
    if (instant.toMillis() >= p.anchorMs) latest = instant;
  }
  return latest ? latest.toJSDate() : null;
}

/**
 * Stable period key: the scheduled local date 'YYYY-MM-DD' of an occurrence.
 * Usually the occurrence's local date; when a gap pushed it past midnight (e.g. 23:30 on
 * America/Nuuk's change day) it is still the date it was scheduled for. For an instant that is
 * not an occurrence of this schedule, it is that instant's local date in the schedule's zone.
 */
export function occurrenceKey(schedule: LocalSchedule, occurrence: Date): string {
  const p = prepare(schedule);
  const ms = instantMs(occurrence, 'occurrence');
  const localDate = localDateOf(ms, schedule.timeZone);
  for (const date of [localDate, localDate.minus({ days: 1 })]) {
    if (date.weekday === schedule.weekday && resolve(p, date).toMillis() === ms) return isoDate(date);
  }
  return isoDate(localDate);
}

function isoDate(date: DateTime): string {
  return date.toFormat('yyyy-MM-dd');
}

// Fixed English names: the description must not depend on the process's default locale.
const WEEKDAY_NAMES: Readonly<Record<IsoWeekday, string>> = {
  1: 'Monday',
  2: 'Tuesday',
  3: 'Wednesday',
  4: 'Thursday',
  5: 'Friday',
  6: 'Saturday',
  7: 'Sunday',
};

/** Plain English, e.g. 'every other Thursday at 16:30 (America/New_York)'. */
export function describeSchedule(schedule: LocalSchedule): string {
  const day = WEEKDAY_NAMES[schedule.weekday];
  const when = `at ${schedule.localTime} (${schedule.timeZone})`;
  switch (schedule.cadence) {
    case 'weekly':
      return `every ${day} ${when}`;
    case 'biweekly':
      return `every other ${day} ${when}`;
    case 'monthly':
      return `the first ${day} of each month ${when}`;
  }
}

/**
 * Widely used zones for a Slack static select, roughly west to east. Slack caps static selects
 * at 100 options; staying at or under 90 leaves room to add the user's own zone.
 */
export const COMMON_TIME_ZONES: readonly string[] = Object.freeze([
  'UTC',
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Los_Angeles',
  'America/Vancouver',
  'America/Phoenix',
  'America/Denver',
  'America/Edmonton',
  'America/Chicago',
  'America/Mexico_City',
  'America/Guatemala',
  'America/Costa_Rica',
  'America/New_York',
  'America/Toronto',
  'America/Panama',
  'America/Bogota',
  'America/Lima',
  'America/Caracas',
  'America/Halifax',
  'America/Puerto_Rico',
  'America/La_Paz',
  'America/Santiago',
  'America/St_Johns',
  'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires',
  'America/Montevideo',
  'America/Nuuk',
  'Atlantic/Azores',
  'Atlantic/Reykjavik',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Lisbon',
  'Africa/Casablanca',
  'Africa/Accra',
  'Africa/Lagos',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Madrid',
  'Europe/Rome',
  'Europe/Amsterdam',
  'Europe/Brussels',
  'Europe/Zurich',
  'Europe/Vienna',
  'Europe/Stockholm',
  'Europe/Oslo',
  'Europe/Copenhagen',
  'Europe/Warsaw',
  'Europe/Prague',
  'Europe/Budapest',
  'Africa/Johannesburg',
  'Africa/Cairo',
  'Europe/Athens',
  'Europe/Bucharest',
  'Europe/Helsinki',
  'Europe/Kyiv',
  'Asia/Jerusalem',
  'Europe/Istanbul',
  'Europe/Moscow',
  'Africa/Nairobi',
  'Asia/Riyadh',
  'Asia/Tehran',
  'Asia/Dubai',
  'Asia/Karachi',
  'Asia/Tashkent',
  'Asia/Kolkata',
  'Asia/Colombo',
  'Asia/Kathmandu',
  'Asia/Dhaka',
  'Asia/Yangon',
  'Asia/Bangkok',
  'Asia/Ho_Chi_Minh',
  'Asia/Jakarta',
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Manila',
  'Australia/Perth',
  'Asia/Seoul',
  'Asia/Tokyo',
  'Australia/Darwin',
  'Australia/Adelaide',
  'Australia/Brisbane',
  'Australia/Sydney',
  'Australia/Melbourne',
  'Australia/Lord_Howe',
  'Antarctica/McMurdo',
  'Pacific/Auckland',
  'Pacific/Fiji',
  'Pacific/Tongatapu',
]);

/**
 * Options for a zone picker: the common list, with `preferred` (e.g. the user's Slack zone)
 * first when it is valid and not already listed. At most 91 entries, under Slack's cap of 100.
 */
export function timeZoneOptions(preferred?: string): string[] {
  const options = [...COMMON_TIME_ZONES];
  if (preferred !== undefined && isValidTimeZone(preferred) && !options.includes(preferred)) options.unshift(preferred);
  return options;
}
