import { describe, expect, it } from 'vitest';
import {
  aspectResult,
  type CheckInForm,
  isPulseOpen,
  planPulseRun,
  pulseWindow,
  summarizePulse,
  validateCheckIn,
} from '../../src/domain/pulse.js';
import type { LocalSchedule } from '../../src/domain/schedule.js';

const weeklyBerlin: LocalSchedule = {
  cadence: 'weekly',
  weekday: 4,
  localTime: '10:00',
  timeZone: 'Europe/Berlin',
  anchor: new Date('2026-01-05T00:00:00Z'),
};
const at = (iso: string) => new Date(iso);

describe('pulse windows', () => {
  it.each([
    // occurrence, openHours, reminderHours, openedAt, closes, remind
    ['2026-01-08T09:00:00Z', 48, 24, '2026-01-08T09:00:00Z', '2026-01-10T09:00:00.000Z', '2026-01-09T09:00:00.000Z'],
    ['2026-01-08T09:00:00Z', 48, 0, '2026-01-08T09:00:00Z', '2026-01-10T09:00:00.000Z', null],
    // Opened late, after the reminder time: no reminder.
    ['2026-01-08T09:00:00Z', 48, 24, '2026-01-09T10:00:00Z', '2026-01-10T09:00:00.000Z', null],
    // Opened late, before the reminder time: reminder kept.
    ['2026-01-08T09:00:00Z', 48, 12, '2026-01-09T10:00:00Z', '2026-01-10T09:00:00.000Z', '2026-01-09T21:00:00.000Z'],
  ] as const)(
    'occurrence %s open %ih remind %ih opened %s',
    (occurrence, openHours, reminderHoursBefore, openedAt, closes, remind) => {
      const w = pulseWindow(at(occurrence), { openHours, reminderHoursBefore }, at(openedAt));
      expect(w.closesAt.toISOString()).toBe(closes);
      expect(w.remindAt?.toISOString() ?? null).toBe(remind);
      expect(w.opensAt.toISOString()).toBe(at(openedAt).toISOString());
    },
  );

  it('is open strictly before closes_at, and only while its status is open', () => {
    const pulse = { status: 'open' as const, closesAt: at('2026-01-10T09:00:00Z') };
    expect(isPulseOpen(pulse, at('2026-01-10T08:59:59.999Z'))).toBe(true);
    expect(isPulseOpen(pulse, at('2026-01-10T09:00:00Z'))).toBe(false);
    expect(isPulseOpen({ ...pulse, status: 'closed' }, at('2026-01-09T00:00:00Z'))).toBe(false);
  });
});

describe('planning a pulse run', () => {
  const cases: [string, string, string, { skipped: string[]; open: string | null; next: string }][] = [
    [
      'on time',
      '2026-01-08T09:00:00Z',
      '2026-01-08T09:00:00Z',
      { skipped: [], open: '2026-01-08T09:00:00.000Z', next: '2026-01-15T09:00:00.000Z' },
    ],
    [
      'a minute late',
      '2026-01-08T09:00:00Z',
      '2026-01-08T09:01:00Z',
      { skipped: [], open: '2026-01-08T09:00:00.000Z', next: '2026-01-15T09:00:00.000Z' },
    ],
    [
      'late but inside the window',
      '2026-01-08T09:00:00Z',
      '2026-01-10T08:59:00Z',
      { skipped: [], open: '2026-01-08T09:00:00.000Z', next: '2026-01-15T09:00:00.000Z' },
    ],
    [
      'at the end of the window',
      '2026-01-08T09:00:00Z',
      '2026-01-10T09:00:00Z',
      { skipped: ['2026-01-08T09:00:00.000Z'], open: null, next: '2026-01-15T09:00:00.000Z' },
    ],
    [
      'down for two weeks, inside the latest window',
      '2026-01-08T09:00:00Z',
      '2026-01-22T12:00:00Z',
      {
        skipped: ['2026-01-08T09:00:00.000Z', '2026-01-15T09:00:00.000Z'],
        open: '2026-01-22T09:00:00.000Z',
        next: '2026-01-29T09:00:00.000Z',
      },
    ],
    [
      'down for two weeks, outside the latest window',
      '2026-01-08T09:00:00Z',
      '2026-01-26T12:00:00Z',
      {
        skipped: ['2026-01-08T09:00:00.000Z', '2026-01-15T09:00:00.000Z', '2026-01-22T09:00:00.000Z'],
        open: null,
        next: '2026-01-29T09:00:00.000Z',
      },
    ],
    // Summer time in Berlin: 10:00 local is 08:00Z.
    [
      'across the spring change',
      '2026-03-26T09:00:00Z',
      '2026-04-02T08:00:00Z',
      { skipped: ['2026-03-26T09:00:00.000Z'], open: '2026-04-02T08:00:00.000Z', next: '2026-04-09T08:00:00.000Z' },
    ],
  ];
  it.each(cases)('%s', (_name, dueAt, now, expected) => {
    const plan = planPulseRun(weeklyBerlin, { openHours: 48 }, at(dueAt), at(now));
    expect({
      skipped: plan.skipped.map((d) => d.toISOString()),
      open: plan.open?.toISOString() ?? null,
      next: plan.next.toISOString(),
    }).toEqual(expected);
  });

  it('opens nothing for a due run that is not an occurrence of the current schedule', () => {
    const plan = planPulseRun(weeklyBerlin, { openHours: 48 }, at('2026-01-09T09:00:00Z'), at('2026-01-09T09:00:00Z'));
    expect(plan).toEqual({ skipped: [], open: null, next: at('2026-01-15T09:00:00Z') });
  });

  it('records at most 60 missed pulses after a very long downtime', () => {
    const plan = planPulseRun(weeklyBerlin, { openHours: 48 }, at('2026-01-08T09:00:00Z'), at('2028-01-08T12:00:00Z'));
    expect(plan.skipped.length).toBeLessThanOrEqual(61);
    expect(plan.next.getTime()).toBeGreaterThan(at('2028-01-08T12:00:00Z').getTime());
  });
});

describe('check-in validation', () => {
  const asked = { aspects: ['atmosphere', 'behavior'], commitments: ['co.count_on'], reservations: ['7'] };
  const form: CheckInForm = {
    ratings: { atmosphere: '4', behavior: '2', overall: '3' },
    commitments: { 'co.count_on': 'at_risk' },
    reservations: { '7': 'yes' },
    working: ' Quick reviews ',
    atRisk: '',
    renegotiate: true,
    renegotiateReason: 'Roles changed',
  };

  it('accepts a complete answer and trims text', () => {
    expect(validateCheckIn(form, asked)).toEqual({
      ok: true,
      answers: {
        ratings: { atmosphere: 4, behavior: 2, overall: 3 },
        commitments: { 'co.count_on': 'at_risk' },
        reservations: { '7': true },
        working: 'Quick reviews',
        atRisk: '',
        renegotiate: true,
        renegotiateReason: 'Roles changed',
      },
    });
  });

  it.each([
    ['a missing rating', { ratings: { atmosphere: '4', behavior: null, overall: '3' } }, 'rating:behavior'],
    ['a rating out of range', { ratings: { atmosphere: '6', behavior: '2', overall: '3' } }, 'rating:atmosphere'],
    ['no overall', { ratings: { atmosphere: '4', behavior: '2' } }, 'rating:overall'],
    ['a commitment without status', { commitments: {} }, 'commitment:co.count_on'],
    ['an unknown commitment status', { commitments: { 'co.count_on': 'maybe' } }, 'commitment:co.count_on'],
    ['a reservation without answer', { reservations: {} }, 'reservation:7'],
    ['a long comment', { working: 'x'.repeat(501) }, 'working'],
    ['a reason without the box ticked', { renegotiate: false }, 'reason'],
  ] as const)('rejects %s', (_name, change, key) => {
    const result = validateCheckIn({ ...form, ...change } as CheckInForm, asked);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors)).toEqual([key]);
  });
});

describe('pulse results', () => {
  it('computes counts, means, population standard deviation and distribution by hand', () => {
    // ratings 1, 3, 5: mean 3, variance (4+0+4)/3 = 2.667, stdev 1.633 → 1.63
    expect(aspectResult([1, 3, 5])).toEqual({ count: 3, mean: 3, stdev: 1.63, distribution: [1, 0, 1, 0, 1] });
    expect(aspectResult([4, 4])).toEqual({ count: 2, mean: 4, stdev: 0, distribution: [0, 0, 0, 2, 0] });
    expect(aspectResult([])).toEqual({ count: 0, mean: null, stdev: null, distribution: [0, 0, 0, 0, 0] });
  });

  it('freezes a pulse: participation, aspects and overall, renegotiation asks, commitments, reservations, comments', () => {
    const results = summarizePulse({
      invited: 4,
      aspects: ['atmosphere'],
      responses: [
        {
          ratings: { atmosphere: 2, overall: 3 },
          renegotiate: true,
          renegotiateReason: 'Roles changed',
          working: '',
          atRisk: 'Deadlines',
          reservations: { '7': true },
        },
        {
          ratings: { atmosphere: 4, overall: 4 },
          renegotiate: false,
          renegotiateReason: '',
          working: 'Pairing',
          atRisk: ' ',
          reservations: { '7': false },
        },
      ],
      commitmentChecks: [
        { userId: 'UA', promptId: 'p', status: 'kept' },
        { userId: 'UB', promptId: 'p', status: 'need_help' },
      ],
    });
    expect(results).toEqual({
      invited: 4,
      answered: 2,
      aspects: {
        atmosphere: { count: 2, mean: 3, stdev: 1, distribution: [0, 1, 0, 1, 0] },
        overall: { count: 2, mean: 3.5, stdev: 0.5, distribution: [0, 0, 1, 1, 0] },
      },
      renegotiateCount: 1,
      commitments: {
        kept: 1,
        atRisk: 0,
        needHelp: 1,
        atRiskPromptsByUser: [{ userId: 'UB', promptId: 'p', status: 'need_help' }],
      },
      reservations: { '7': { stillConcern: 1, resolved: 1 } },
      comments: { working: ['Pairing'], atRisk: ['Deadlines'], renegotiateReasons: ['Roles changed'] },
    });
  });
});
