import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  type Cadence,
  COMMON_TIME_ZONES,
  describeSchedule,
  type IsoWeekday,
  isValidTimeZone,
  type LocalSchedule,
  latestOccurrenceAtOrBefore,
  localScheduleSchema,
  nextOccurrence,
  occurrenceKey,
  timeZoneOptions,
} from '../../src/domain/schedule.js';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const LORD_HOWE = 'Australia/Lord_Howe';

const at = (iso: string): Date => new Date(iso);

function schedule(overrides: Partial<LocalSchedule> = {}): LocalSchedule {
  return {
    cadence: 'weekly',
    weekday: 7,
    localTime: '09:00',
    timeZone: NY,
    anchor: at('2026-01-01T00:00:00.000Z'),
    ...overrides,
  };
}

function wall(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-MM-dd HH:mm 'UTC'ZZ");
}

type Row = [label: string, after: string, expected: string, expectedWall: string];

function nextRuns(s: LocalSchedule, rows: Row[]): void {
  it.each(rows)('%s', (_label, after, expected, expectedWall) => {
    const next = nextOccurrence(s, at(after));
    expect(next.toISOString()).toBe(expected);
    expect(wall(next, s.timeZone)).toBe(expectedWall);
  });
}

describe('DST premises (checked with luxon, not assumed)', () => {
  // Offset at local midnight vs local 23:59 on each change day.
  it.each([
    [NY, '2026-03-08', -300, -240],
    [NY, '2026-11-01', -240, -300],
    [BERLIN, '2026-03-29', 60, 120],
    [BERLIN, '2026-10-25', 120, 60],
    [LORD_HOWE, '2026-04-05', 660, 630],
    [LORD_HOWE, '2026-10-04', 630, 660],
    [NY, '2027-03-14', -300, -240],
    [NY, '2027-11-07', -240, -300],
    [BERLIN, '2027-03-28', 60, 120],
    [BERLIN, '2027-10-31', 120, 60],
    [LORD_HOWE, '2027-04-04', 660, 630],
    [LORD_HOWE, '2027-10-03', 630, 660],
  ])('%s changes on %s (%d -> %d)', (zone, date, before, after) => {
    const start = DateTime.fromISO(`${date}T00:00`, { zone });
    const end = DateTime.fromISO(`${date}T23:59`, { zone });
    expect([start.offset, end.offset]).toEqual([before, after]);
  });
});

describe('nextOccurrence: weekly 09:00 on the DST change Sundays', () => {
  describe('America/New_York', () => {
    nextRuns(schedule({ timeZone: NY }), [
      [
        'week before spring -> change day',
        '2026-03-01T14:00:00.000Z',
        '2026-03-08T13:00:00.000Z',
        '2026-03-08 09:00 UTC-04:00',
      ],
      [
        'spring change day -> week after',
        '2026-03-08T13:00:00.000Z',
        '2026-03-15T13:00:00.000Z',
        '2026-03-15 09:00 UTC-04:00',
      ],
      [
        'early on spring change day',
        '2026-03-08T07:00:00.000Z',
        '2026-03-08T13:00:00.000Z',
        '2026-03-08 09:00 UTC-04:00',
      ],
      [
        'week before autumn -> change day',
        '2026-10-25T13:00:00.000Z',
        '2026-11-01T14:00:00.000Z',
        '2026-11-01 09:00 UTC-05:00',
      ],
      [
        'autumn change day -> week after',
        '2026-11-01T14:00:00.000Z',
        '2026-11-08T14:00:00.000Z',
        '2026-11-08 09:00 UTC-05:00',
      ],
      [
        'during the repeated hour',
        '2026-11-01T06:00:00.000Z',
        '2026-11-01T14:00:00.000Z',
        '2026-11-01 09:00 UTC-05:00',
      ],
    ]);
  });
  describe('Europe/Berlin', () => {
    nextRuns(schedule({ timeZone: BERLIN }), [
      [
        'week before spring -> change day',
        '2026-03-22T08:00:00.000Z',
        '2026-03-29T07:00:00.000Z',
        '2026-03-29 09:00 UTC+02:00',
      ],
      [
        'spring change day -> week after',
        '2026-03-29T07:00:00.000Z',
        '2026-04-05T07:00:00.000Z',
        '2026-04-05 09:00 UTC+02:00',
      ],
      [
        'week before autumn -> change day',
        '2026-10-18T07:00:00.000Z',
        '2026-10-25T08:00:00.000Z',
        '2026-10-25 09:00 UTC+01:00',
      ],
      [
        'autumn change day -> week after',
        '2026-10-25T08:00:00.000Z',
        '2026-11-01T08:00:00.000Z',
        '2026-11-01 09:00 UTC+01:00',
      ],
    ]);
  });
  describe('Australia/Lord_Howe (30-minute shift)', () => {
    nextRuns(schedule({ timeZone: LORD_HOWE }), [
      [
        'week before autumn (April) -> change day',
        '2026-03-28T22:00:00.000Z',
        '2026-04-04T22:30:00.000Z',
        '2026-04-05 09:00 UTC+10:30',
      ],
      [
        'April change day -> week after',
        '2026-04-04T22:30:00.000Z',
        '2026-04-11T22:30:00.000Z',
        '2026-04-12 09:00 UTC+10:30',
      ],
      [
        'week before spring (October) -> change day',
        '2026-09-26T22:30:00.000Z',
        '2026-10-03T22:00:00.000Z',
        '2026-10-04 09:00 UTC+11:00',
      ],
      [
        'October change day -> week after',
        '2026-10-03T22:00:00.000Z',
        '2026-10-10T22:00:00.000Z',
        '2026-10-11 09:00 UTC+11:00',
      ],
    ]);
  });
});

describe('nextOccurrence: biweekly 09:00 across the DST changes', () => {
  describe('America/New_York, anchored Friday 2026-02-20', () => {
    nextRuns(schedule({ cadence: 'biweekly', timeZone: NY, anchor: at('2026-02-20T12:00:00.000Z') }), [
      [
        'first occurrence after the anchor',
        '2026-02-20T12:00:00.000Z',
        '2026-02-22T14:00:00.000Z',
        '2026-02-22 09:00 UTC-05:00',
      ],
      [
        'skips the off week onto the spring change day',
        '2026-02-22T14:00:00.000Z',
        '2026-03-08T13:00:00.000Z',
        '2026-03-08 09:00 UTC-04:00',
      ],
      [
        'after the spring change day',
        '2026-03-08T13:00:00.000Z',
        '2026-03-22T13:00:00.000Z',
        '2026-03-22 09:00 UTC-04:00',
      ],
      [
        'onto the autumn change day',
        '2026-10-18T13:00:00.000Z',
        '2026-11-01T14:00:00.000Z',
        '2026-11-01 09:00 UTC-05:00',
      ],
      [
        'from the middle of a period',
        '2026-10-20T00:00:00.000Z',
        '2026-11-01T14:00:00.000Z',
        '2026-11-01 09:00 UTC-05:00',
      ],
      [
        'after the autumn change day',
        '2026-11-01T14:00:00.000Z',
        '2026-11-15T14:00:00.000Z',
        '2026-11-15 09:00 UTC-05:00',
      ],
    ]);
  });
  describe('Europe/Berlin, anchored Monday 2026-03-23', () => {
    nextRuns(schedule({ cadence: 'biweekly', timeZone: BERLIN, anchor: at('2026-03-23T00:00:00.000Z') }), [
      [
        'first occurrence is the spring change day',
        '2026-03-23T00:00:00.000Z',
        '2026-03-29T07:00:00.000Z',
        '2026-03-29 09:00 UTC+02:00',
      ],
      [
        'after the spring change day',
        '2026-03-29T07:00:00.000Z',
        '2026-04-12T07:00:00.000Z',
        '2026-04-12 09:00 UTC+02:00',
      ],
      [
        'onto the autumn change day',
        '2026-10-11T07:00:00.000Z',
        '2026-10-25T08:00:00.000Z',
        '2026-10-25 09:00 UTC+01:00',
      ],
      [
        'after the autumn change day',
        '2026-10-25T08:00:00.000Z',
        '2026-11-08T08:00:00.000Z',
        '2026-11-08 09:00 UTC+01:00',
      ],
    ]);
  });
  describe('Australia/Lord_Howe, anchored Wednesday 2026-04-01', () => {
    nextRuns(schedule({ cadence: 'biweekly', timeZone: LORD_HOWE, anchor: at('2026-04-01T00:00:00.000Z') }), [
      [
        'first occurrence is the April change day',
        '2026-04-01T00:00:00.000Z',
        '2026-04-04T22:30:00.000Z',
        '2026-04-05 09:00 UTC+10:30',
      ],
      [
        'after the April change day',
        '2026-04-04T22:30:00.000Z',
        '2026-04-18T22:30:00.000Z',
        '2026-04-19 09:00 UTC+10:30',
      ],
      [
        'onto the October change day',
        '2026-09-19T22:30:00.000Z',
        '2026-10-03T22:00:00.000Z',
        '2026-10-04 09:00 UTC+11:00',
      ],
      [
        'after the October change day',
        '2026-10-03T22:00:00.000Z',
        '2026-10-17T22:00:00.000Z',
        '2026-10-18 09:00 UTC+11:00',
      ],
    ]);
  });
});

describe('nextOccurrence: monthly (first weekday) across the DST changes', () => {
  describe('America/New_York, first Sunday', () => {
    nextRuns(schedule({ cadence: 'monthly', timeZone: NY }), [
      [
        'February -> March (still EST)',
        '2026-02-01T14:00:00.000Z',
        '2026-03-01T14:00:00.000Z',
        '2026-03-01 09:00 UTC-05:00',
      ],
      [
        'March -> April (now EDT)',
        '2026-03-01T14:00:00.000Z',
        '2026-04-05T13:00:00.000Z',
        '2026-04-05 09:00 UTC-04:00',
      ],
      [
        'October -> the autumn change day',
        '2026-10-04T13:00:00.000Z',
        '2026-11-01T14:00:00.000Z',
        '2026-11-01 09:00 UTC-05:00',
      ],
    ]);
  });
  describe('Europe/Berlin, first Sunday', () => {
    nextRuns(schedule({ cadence: 'monthly', timeZone: BERLIN }), [
      [
        'March (CET) -> April (CEST)',
        '2026-03-01T08:00:00.000Z',
        '2026-04-05T07:00:00.000Z',
        '2026-04-05 09:00 UTC+02:00',
      ],
      [
        'October (CEST) -> November (CET)',
        '2026-10-04T07:00:00.000Z',
        '2026-11-01T08:00:00.000Z',
        '2026-11-01 09:00 UTC+01:00',
      ],
    ]);
  });
  describe('Australia/Lord_Howe, first Sunday (both change days are first Sundays)', () => {
    nextRuns(schedule({ cadence: 'monthly', timeZone: LORD_HOWE }), [
      [
        'March -> the April change day',
        '2026-02-28T22:00:00.000Z',
        '2026-04-04T22:30:00.000Z',
        '2026-04-05 09:00 UTC+10:30',
      ],
      [
        'September -> the October change day',
        '2026-09-05T22:30:00.000Z',
        '2026-10-03T22:00:00.000Z',
        '2026-10-04 09:00 UTC+11:00',
      ],
    ]);
  });
});

describe('nextOccurrence: monthly across month and year boundaries', () => {
  describe('Asia/Tokyo, first Monday 09:00', () => {
    nextRuns(schedule({ cadence: 'monthly', weekday: 1, timeZone: 'Asia/Tokyo' }), [
      [
        'Dec 1 is a Tuesday: same month, the 7th',
        '2026-12-01T00:00:00.000Z',
        '2026-12-07T00:00:00.000Z',
        '2026-12-07 09:00 UTC+09:00',
      ],
      [
        'one ms before the occurrence',
        '2026-12-06T23:59:59.999Z',
        '2026-12-07T00:00:00.000Z',
        '2026-12-07 09:00 UTC+09:00',
      ],
      [
        'December -> January across the year',
        '2026-12-07T00:00:00.000Z',
        '2027-01-04T00:00:00.000Z',
        '2027-01-04 09:00 UTC+09:00',
      ],
      ['mid-December -> January', '2026-12-20T00:00:00.000Z', '2027-01-04T00:00:00.000Z', '2027-01-04 09:00 UTC+09:00'],
      [
        'January -> February 1st (a Monday)',
        '2027-01-04T00:00:00.000Z',
        '2027-02-01T00:00:00.000Z',
        '2027-02-01 09:00 UTC+09:00',
      ],
      [
        'February (28 days) -> March 1st',
        '2027-02-01T00:00:00.000Z',
        '2027-03-01T00:00:00.000Z',
        '2027-03-01 09:00 UTC+09:00',
      ],
    ]);
  });
  describe('America/New_York, first Friday 17:00', () => {
    nextRuns(schedule({ cadence: 'monthly', weekday: 5, localTime: '17:00', timeZone: NY }), [
      [
        'December -> New Year’s Day 2027 (a Friday)',
        '2026-12-04T22:00:00.000Z',
        '2027-01-01T22:00:00.000Z',
        '2027-01-01 17:00 UTC-05:00',
      ],
      ['January -> February 5th', '2027-01-01T22:00:00.000Z', '2027-02-05T22:00:00.000Z', '2027-02-05 17:00 UTC-05:00'],
    ]);
  });
});

describe('biweekly parity counts from the first occurrence at/after the anchor', () => {
  const onOccurrence = schedule({ cadence: 'biweekly', anchor: at('2026-03-01T14:00:00.000Z') });

  it('an anchor exactly at an occurrence makes that occurrence the first', () => {
    expect(nextOccurrence(onOccurrence, at('2026-03-01T13:59:59.999Z')).toISOString()).toBe('2026-03-01T14:00:00.000Z');
    expect(nextOccurrence(onOccurrence, at('2026-03-01T14:00:00.000Z')).toISOString()).toBe('2026-03-15T13:00:00.000Z');
  });

  it('before the anchor, the next run is the first occurrence', () => {
    expect(nextOccurrence(onOccurrence, at('2025-06-01T00:00:00.000Z')).toISOString()).toBe('2026-03-01T14:00:00.000Z');
  });

  it('an anchor one millisecond later shifts the parity by a week', () => {
    const later = schedule({ cadence: 'biweekly', anchor: at('2026-03-01T14:00:00.001Z') });
    expect(nextOccurrence(later, at('2026-02-01T00:00:00.000Z')).toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(nextOccurrence(later, at('2026-03-08T13:00:00.000Z')).toISOString()).toBe('2026-03-22T13:00:00.000Z');
  });

  it('an anchor mid-week starts at the next matching weekday', () => {
    const monday = schedule({ cadence: 'biweekly', anchor: at('2026-03-02T15:00:00.000Z') });
    expect(nextOccurrence(monday, at('2026-03-02T15:00:00.000Z')).toISOString()).toBe('2026-03-08T13:00:00.000Z');
  });

  it('keeps the parity a year later (2026-03-01 + 26 × 14 days = 2027-02-28, then the 2027 change day)', () => {
    expect(nextOccurrence(onOccurrence, at('2027-02-27T00:00:00.000Z')).toISOString()).toBe('2027-02-28T14:00:00.000Z');
    expect(nextOccurrence(onOccurrence, at('2027-03-01T00:00:00.000Z')).toISOString()).toBe('2027-03-14T13:00:00.000Z');
  });
});

describe('nonexistent local times (spring-forward gap) fire later by the gap length, once', () => {
  describe('America/New_York 02:30 (gap 02:00-03:00 on 2026-03-08)', () => {
    nextRuns(schedule({ localTime: '02:30', timeZone: NY }), [
      ['week before', '2026-03-01T07:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-08 03:30 UTC-04:00'],
      [
        'after the gap moment on the change day',
        '2026-03-08T07:00:00.000Z',
        '2026-03-08T07:30:00.000Z',
        '2026-03-08 03:30 UTC-04:00',
      ],
      [
        'from the shifted occurrence',
        '2026-03-08T07:30:00.000Z',
        '2026-03-15T06:30:00.000Z',
        '2026-03-15 02:30 UTC-04:00',
      ],
    ]);
  });
  describe('Europe/Berlin 02:30 (gap 02:00-03:00 on 2026-03-29)', () => {
    nextRuns(schedule({ localTime: '02:30', timeZone: BERLIN }), [
      ['week before', '2026-03-22T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-29 03:30 UTC+02:00'],
      [
        'from the shifted occurrence',
        '2026-03-29T01:30:00.000Z',
        '2026-04-05T00:30:00.000Z',
        '2026-04-05 02:30 UTC+02:00',
      ],
    ]);
  });
  describe('Australia/Lord_Howe 02:15 (gap 02:00-02:30 on 2026-10-04)', () => {
    nextRuns(schedule({ localTime: '02:15', timeZone: LORD_HOWE }), [
      ['week before', '2026-09-26T15:45:00.000Z', '2026-10-03T15:45:00.000Z', '2026-10-04 02:45 UTC+11:00'],
      [
        'from the shifted occurrence',
        '2026-10-03T15:45:00.000Z',
        '2026-10-10T15:15:00.000Z',
        '2026-10-11 02:15 UTC+11:00',
      ],
    ]);
  });
  describe('monthly: Lord Howe first Sunday of October 02:15', () => {
    nextRuns(schedule({ cadence: 'monthly', localTime: '02:15', timeZone: LORD_HOWE }), [
      [
        'September -> the shifted October occurrence',
        '2026-09-05T15:45:00.000Z',
        '2026-10-03T15:45:00.000Z',
        '2026-10-04 02:45 UTC+11:00',
      ],
    ]);
  });

  it('the shifted occurrence keeps its scheduled date as the key and is its own latest occurrence', () => {
    const s = schedule({ localTime: '02:30', timeZone: NY });
    const shifted = at('2026-03-08T07:30:00.000Z');
    expect(occurrenceKey(s, shifted)).toBe('2026-03-08');
    expect(latestOccurrenceAtOrBefore(s, shifted)?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(latestOccurrenceAtOrBefore(s, at('2026-03-08T07:29:59.999Z'))?.toISOString()).toBe(
      '2026-03-01T07:30:00.000Z',
    );
  });

  it('a gap that pushes the time past midnight keeps the scheduled date (America/Nuuk Saturday 23:30)', () => {
    // Nuuk (UTC-2) springs forward at 23:00 local on Saturday 2026-03-28, so 23:30 becomes Sunday 00:30.
    const s = schedule({ weekday: 6, localTime: '23:30', timeZone: 'America/Nuuk' });
    const shifted = nextOccurrence(s, at('2026-03-27T00:00:00.000Z'));
    expect(shifted.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(wall(shifted, 'America/Nuuk')).toBe('2026-03-29 00:30 UTC-01:00');
    expect(occurrenceKey(s, shifted)).toBe('2026-03-28');
    expect(nextOccurrence(s, at('2026-03-29T01:00:00.000Z')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    const following = nextOccurrence(s, shifted);
    expect(following.toISOString()).toBe('2026-04-05T00:30:00.000Z');
    expect(occurrenceKey(s, following)).toBe('2026-04-04');
  });
});

describe('ambiguous local times (fall-back overlap) fire once, at the earlier instant', () => {
  describe('America/New_York 01:30 (repeated on 2026-11-01)', () => {
    nextRuns(schedule({ localTime: '01:30', timeZone: NY }), [
      [
        'week before -> first 01:30 (EDT)',
        '2026-10-25T05:30:00.000Z',
        '2026-11-01T05:30:00.000Z',
        '2026-11-01 01:30 UTC-04:00',
      ],
      [
        'from the first 01:30: the second one is skipped',
        '2026-11-01T05:30:00.000Z',
        '2026-11-08T06:30:00.000Z',
        '2026-11-08 01:30 UTC-05:00',
      ],
      ['between the two 01:30s', '2026-11-01T06:00:00.000Z', '2026-11-08T06:30:00.000Z', '2026-11-08 01:30 UTC-05:00'],
    ]);
  });
  describe('Europe/Berlin 02:30 (repeated on 2026-10-25)', () => {
    nextRuns(schedule({ localTime: '02:30', timeZone: BERLIN }), [
      [
        'week before -> first 02:30 (CEST)',
        '2026-10-18T00:30:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-25 02:30 UTC+02:00',
      ],
      ['from the first 02:30', '2026-10-25T00:30:00.000Z', '2026-11-01T01:30:00.000Z', '2026-11-01 02:30 UTC+01:00'],
    ]);
  });
  describe('Australia/Lord_Howe 01:45 (01:30-02:00 repeated on 2026-04-05)', () => {
    nextRuns(schedule({ localTime: '01:45', timeZone: LORD_HOWE }), [
      [
        'week before -> first 01:45 (+11:00)',
        '2026-03-28T14:45:00.000Z',
        '2026-04-04T14:45:00.000Z',
        '2026-04-05 01:45 UTC+11:00',
      ],
      ['from the first 01:45', '2026-04-04T14:45:00.000Z', '2026-04-11T15:15:00.000Z', '2026-04-12 01:45 UTC+10:30'],
    ]);
  });
  describe('biweekly: New York 01:30 anchored 2026-02-20', () => {
    nextRuns(
      schedule({ cadence: 'biweekly', localTime: '01:30', timeZone: NY, anchor: at('2026-02-20T12:00:00.000Z') }),
      [
        [
          'onto the first 01:30 of the change day',
          '2026-10-25T00:00:00.000Z',
          '2026-11-01T05:30:00.000Z',
          '2026-11-01 01:30 UTC-04:00',
        ],
      ],
    );
  });

  it('the second 01:30 is not an occurrence: latest at/before it is the first one', () => {
    const s = schedule({ localTime: '01:30', timeZone: NY });
    expect(latestOccurrenceAtOrBefore(s, at('2026-11-01T06:30:00.000Z'))?.toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(occurrenceKey(s, at('2026-11-01T05:30:00.000Z'))).toBe('2026-11-01');
  });
});

describe('strictness at an occurrence instant', () => {
  const cases: [Cadence, string, string][] = [
    ['weekly', '2026-03-08T13:00:00.000Z', '2026-03-15T13:00:00.000Z'],
    ['biweekly', '2026-03-01T14:00:00.000Z', '2026-03-15T13:00:00.000Z'],
    ['monthly', '2026-03-01T14:00:00.000Z', '2026-04-05T13:00:00.000Z'],
  ];
  it.each(cases)('%s: at %s', (cadence, occurrence, following) => {
    const s = schedule({ cadence, anchor: at('2026-03-01T14:00:00.000Z') });
    expect(nextOccurrence(s, at(occurrence)).toISOString()).toBe(following);
    expect(nextOccurrence(s, new Date(at(occurrence).getTime() - 1)).toISOString()).toBe(occurrence);
    expect(latestOccurrenceAtOrBefore(s, at(occurrence))?.toISOString()).toBe(occurrence);
    expect(latestOccurrenceAtOrBefore(s, at(following))?.toISOString()).toBe(following);
    expect(latestOccurrenceAtOrBefore(s, new Date(at(following).getTime() - 1))?.toISOString()).toBe(occurrence);
  });
});

describe('two years of iteration: one occurrence per expected local date, at the right wall time', () => {
  const DAY_MS = 86_400_000;
  const FIRST_DAY = Date.UTC(2026, 0, 1);
  const LAST_DAY = Date.UTC(2027, 11, 31);

  // Independent of the module: plain calendar arithmetic on UTC dates (no zones involved).
  function expectedDates(cadence: Cadence, weekday: IsoWeekday, biweeklyFirst: string): string[] {
    const firstBiweekly = Date.parse(`${biweeklyFirst}T00:00:00.000Z`);
    const dates: string[] = [];
    for (let day = FIRST_DAY; day <= LAST_DAY; day += DAY_MS) {
      const d = new Date(day);
      if (d.getUTCDay() !== weekday % 7) continue;
      if (cadence === 'monthly' && d.getUTCDate() > 7) continue;
      if (cadence === 'biweekly' && (day < firstBiweekly || (day - firstBiweekly) % (14 * DAY_MS) !== 0)) continue;
      dates.push(d.toISOString().slice(0, 10));
    }
    return dates;
  }

  // Sundays whose scheduled wall time falls in a gap, and the wall time it fires at instead.
  const GAPS: Record<string, Record<string, Record<string, string>>> = {
    [NY]: { '02:30': { '2026-03-08': '03:30', '2027-03-14': '03:30' } },
    [BERLIN]: { '02:30': { '2026-03-29': '03:30', '2027-03-28': '03:30' } },
    [LORD_HOWE]: { '02:15': { '2026-10-04': '02:45', '2027-10-03': '02:45' } },
  };
  // Sundays whose wall time happens twice, and the (earlier, pre-change) offset expected.
  const OVERLAPS: Record<string, Record<string, Record<string, number>>> = {
    [NY]: { '01:30': { '2026-11-01': -240, '2027-11-07': -240 } },
    [BERLIN]: { '02:30': { '2026-10-25': 120, '2027-10-31': 120 } },
    [LORD_HOWE]: { '01:45': { '2026-04-05': 660, '2027-04-04': 660 } },
  };

  const cases: [string, string, Cadence][] = [];
  for (const zone of [NY, BERLIN, LORD_HOWE]) {
    const times = ['09:00', ...Object.keys(GAPS[zone] ?? {}), ...Object.keys(OVERLAPS[zone] ?? {})];
    for (const localTime of times) {
      for (const cadence of ['weekly', 'biweekly', 'monthly'] as const) cases.push([zone, localTime, cadence]);
    }
  }

  it.each(cases)('%s %s %s', (zone, localTime, cadence) => {
    // Anchored 2026-01-01T00:00Z, which is before Sunday 2026-01-04 in all three zones.
    const s = schedule({ cadence, localTime, timeZone: zone, anchor: at('2026-01-01T00:00:00.000Z') });
    const expected = expectedDates(cadence, 7, '2026-01-04');
    const gaps = GAPS[zone]?.[localTime] ?? {};
    const overlaps = OVERLAPS[zone]?.[localTime] ?? {};

    const seen: string[] = [];
    let previous: Date | null = null;
    let t = at('2025-12-31T00:00:00.000Z');
    for (;;) {
      const next = nextOccurrence(s, t);
      expect(next.getTime()).toBeGreaterThan(t.getTime());
      const key = occurrenceKey(s, next);
      if (key > '2027-12-31') break;
      const local = DateTime.fromJSDate(next, { zone });
      expect(local.toISODate()).toBe(key);
      expect(local.toFormat('HH:mm')).toBe(gaps[key] ?? localTime);
      if (overlaps[key] !== undefined) expect(local.offset).toBe(overlaps[key]);
      expect(latestOccurrenceAtOrBefore(s, next)?.getTime()).toBe(next.getTime());
      expect(latestOccurrenceAtOrBefore(s, new Date(next.getTime() - 1))?.getTime() ?? null).toBe(
        previous?.getTime() ?? null,
      );
      seen.push(key);
      previous = next;
      t = next;
    }
    expect(seen).toEqual(expected);
    expect(seen.length).toBe(cadence === 'weekly' ? 104 : cadence === 'biweekly' ? 52 : 24);
    // Every gap and overlap day in range was actually exercised (not applicable to biweekly/monthly on off days).
    for (const day of [...Object.keys(gaps), ...Object.keys(overlaps)])
      expect(seen.includes(day)).toBe(expected.includes(day));
  });
});

describe('latestOccurrenceAtOrBefore', () => {
  const berlin = schedule({ timeZone: BERLIN, anchor: at('2026-01-01T00:00:00.000Z') });
  const tokyoMonthly = schedule({ cadence: 'monthly', weekday: 1, timeZone: 'Asia/Tokyo' });
  const nyBiweekly = schedule({ cadence: 'biweekly', anchor: at('2026-03-01T14:00:00.000Z') });

  it.each([
    ['before the anchor', berlin, '2025-12-01T00:00:00.000Z', null],
    ['at the anchor, before the first occurrence', berlin, '2026-01-01T00:00:00.000Z', null],
    ['exactly at the first occurrence', berlin, '2026-01-04T08:00:00.000Z', '2026-01-04T08:00:00.000Z'],
    ['exactly at the spring change-day occurrence', berlin, '2026-03-29T07:00:00.000Z', '2026-03-29T07:00:00.000Z'],
    ['one ms before it', berlin, '2026-03-29T06:59:59.999Z', '2026-03-22T08:00:00.000Z'],
    ['mid-week', berlin, '2026-03-31T12:00:00.000Z', '2026-03-29T07:00:00.000Z'],
    ['monthly, before January’s first Monday', tokyoMonthly, '2027-01-03T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
    ['monthly, mid-January', tokyoMonthly, '2027-01-20T00:00:00.000Z', '2027-01-04T00:00:00.000Z'],
    ['biweekly, on the off-week occurrence time', nyBiweekly, '2026-03-08T13:00:00.000Z', '2026-03-01T14:00:00.000Z'],
    ['biweekly, at an occurrence', nyBiweekly, '2026-03-15T13:00:00.000Z', '2026-03-15T13:00:00.000Z'],
  ] as const)('%s', (_label, s, instant, expected) => {
    expect(latestOccurrenceAtOrBefore(s, at(instant))?.toISOString() ?? null).toBe(expected);
  });

  it('ignores occurrences before an anchor set mid-week', () => {
    const s = schedule({ anchor: at('2026-03-04T00:00:00.000Z') });
    expect(latestOccurrenceAtOrBefore(s, at('2026-03-07T00:00:00.000Z'))).toBeNull();
    expect(latestOccurrenceAtOrBefore(s, at('2026-03-09T00:00:00.000Z'))?.toISOString()).toBe(
      '2026-03-08T13:00:00.000Z',
    );
    expect(nextOccurrence(s, at('2026-02-01T00:00:00.000Z')).toISOString()).toBe('2026-03-08T13:00:00.000Z');
  });
});

describe('occurrenceKey is the local date of the occurrence', () => {
  it.each([
    [
      'Tokyo Monday 08:00 is Sunday in UTC',
      schedule({ weekday: 1, localTime: '08:00', timeZone: 'Asia/Tokyo' }),
      '2026-12-06T23:00:00.000Z',
      '2026-12-07',
    ],
    [
      'New York Monday 20:00 is Tuesday in UTC',
      schedule({ weekday: 1, localTime: '20:00', timeZone: NY }),
      '2026-12-08T01:00:00.000Z',
      '2026-12-07',
    ],
    ['Lord Howe change day', schedule({ timeZone: LORD_HOWE }), '2026-04-04T22:30:00.000Z', '2026-04-05'],
    [
      'an instant that is not an occurrence: its local date',
      schedule({ timeZone: BERLIN }),
      '2026-06-30T23:30:00.000Z',
      '2026-07-01',
    ],
  ] as const)('%s', (_label, s, instant, key) => {
    expect(occurrenceKey(s, at(instant))).toBe(key);
  });
});

describe('describeSchedule', () => {
  it.each([
    [schedule({ weekday: 1, timeZone: BERLIN }), 'every Monday at 09:00 (Europe/Berlin)'],
    [
      schedule({ cadence: 'biweekly', weekday: 4, localTime: '16:30', timeZone: NY }),
      'every other Thursday at 16:30 (America/New_York)',
    ],
    [
      schedule({ cadence: 'monthly', weekday: 1, timeZone: 'Asia/Tokyo' }),
      'the first Monday of each month at 09:00 (Asia/Tokyo)',
    ],
    [schedule({ weekday: 7, localTime: '00:00', timeZone: 'UTC' }), 'every Sunday at 00:00 (UTC)'],
    [
      schedule({ cadence: 'monthly', weekday: 6, localTime: '23:59', timeZone: LORD_HOWE }),
      'the first Saturday of each month at 23:59 (Australia/Lord_Howe)',
    ],
  ])('%o -> %s', (s, text) => {
    expect(describeSchedule(s)).toBe(text);
  });
});

describe('localScheduleSchema', () => {
  const valid = schedule({ timeZone: 'Asia/Kathmandu' });

  it('accepts a valid schedule unchanged', () => {
    expect(localScheduleSchema.parse(valid)).toEqual(valid);
  });

  it.each(['00:00', '09:05', '23:59'])('accepts localTime %s', (localTime) => {
    expect(localScheduleSchema.safeParse({ ...valid, localTime }).success).toBe(true);
  });

  it.each([
    ['localTime', '24:00'],
    ['localTime', '9:00'],
    ['localTime', '09:60'],
    ['localTime', '09:00:00'],
    ['localTime', '0900'],
    ['localTime', ' 09:00'],
    ['localTime', '9am'],
    ['timeZone', 'Mars/Olympus'],
    ['timeZone', ''],
    ['timeZone', '+05:00'],
    ['timeZone', 'UTC+5'],
    ['timeZone', 'Europe/Berlin '],
    ['weekday', 0],
    ['weekday', 8],
    ['weekday', 1.5],
    ['weekday', '1'],
    ['cadence', 'daily'],
    ['anchor', new Date(Number.NaN)],
    ['anchor', '2026-01-01T00:00:00.000Z'],
  ] as const)('rejects %s = %j', (field, value) => {
    const result = localScheduleSchema.safeParse({ ...valid, [field]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([field]);
  });

  it('the functions refuse invalid schedules and dates instead of looping', () => {
    expect(() => nextOccurrence({ ...valid, timeZone: 'Mars/Olympus' }, at('2026-01-01T00:00:00.000Z'))).toThrow(
      RangeError,
    );
    expect(() => latestOccurrenceAtOrBefore({ ...valid, localTime: '24:00' }, at('2026-01-01T00:00:00.000Z'))).toThrow(
      RangeError,
    );
    expect(() => nextOccurrence(valid, new Date(Number.NaN))).toThrow(RangeError);
    expect(() => occurrenceKey(valid, new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['Europe/Berlin', true],
    ['America/Argentina/Buenos_Aires', true],
    ['UTC', true],
    ['Etc/GMT+5', true],
    ['Mars/Olympus', false],
    ['', false],
    ['+05:00', false],
    ['Europe/Berlin\n', false],
  ])('%j -> %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});

describe('COMMON_TIME_ZONES', () => {
  it('has at most 90 unique zones, all valid', () => {
    expect(COMMON_TIME_ZONES.length).toBeLessThanOrEqual(90);
    expect(new Set(COMMON_TIME_ZONES).size).toBe(COMMON_TIME_ZONES.length);
    expect(COMMON_TIME_ZONES.filter((zone) => !isValidTimeZone(zone))).toEqual([]);
  });

  it('includes the zones with unusual offsets and UTC', () => {
    for (const zone of ['UTC', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns']) {
      expect(COMMON_TIME_ZONES).toContain(zone);
    }
  });

  it('covers every continent', () => {
    const regions = new Set(COMMON_TIME_ZONES.map((zone) => zone.split('/')[0]));
    for (const region of ['Africa', 'America', 'Antarctica', 'Asia', 'Australia', 'Europe', 'Pacific']) {
      expect(regions.has(region)).toBe(true);
    }
  });

  it('timeZoneOptions puts a valid unlisted zone first, within Slack’s 100-option cap', () => {
    const options = timeZoneOptions('Asia/Yerevan');
    expect(options[0]).toBe('Asia/Yerevan');
    expect(options.length).toBe(COMMON_TIME_ZONES.length + 1);
    expect(options.length).toBeLessThanOrEqual(100);
    expect(timeZoneOptions('Europe/Berlin')).toEqual([...COMMON_TIME_ZONES]);
    expect(timeZoneOptions('Mars/Olympus')).toEqual([...COMMON_TIME_ZONES]);
    expect(timeZoneOptions()).toEqual([...COMMON_TIME_ZONES]);
  });
});
