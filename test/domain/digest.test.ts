import { describe, expect, it } from 'vitest';
import { celebrationStreak, chartInput, computeDigestFigures, shuffled, sparkline } from '../../src/domain/digest.js';
import { aspectResult, type PulseRecord, type PulseResults } from '../../src/domain/pulse.js';
import type { PulsePrivacy } from '../../src/domain/visibility.js';

const NAMED: PulsePrivacy = { anonymous: false, threshold: 1, visibility: 'channel' };

const ASPECTS = [
  { id: 'atmosphere', label: 'Atmosphere' },
  { id: 'behavior', label: 'Behavioral agreements' },
];

/** A closed pulse from raw ratings, frozen the way the app freezes it. */
function pulse(
  id: number,
  ratings: { atmosphere: number[]; behavior: number[]; overall: number[] },
  extra: Partial<PulseResults> = {},
  rules: PulsePrivacy = NAMED,
): PulseRecord {
  const answered = ratings.overall.length;
  return {
    pulseId: id,
    rules,
    scheduledAt: new Date(Date.UTC(2026, 0, 1 + id * 7, 9)),
    results: {
      invited: 4,
      answered,
      aspects: {
        atmosphere: aspectResult(ratings.atmosphere),
        behavior: aspectResult(ratings.behavior),
        overall: aspectResult(ratings.overall),
      },
      renegotiateCount: 0,
      commitments: { kept: 0, atRisk: 0, needHelp: 0, atRiskPromptsByUser: [] },
      reservations: {},
      comments: { working: [], atRisk: [], renegotiateReasons: [] },
      ...extra,
    },
  };
}

/** The figures a member sees; `rules` (when given) apply to every pulse, as if all were answered under them. */
const figures = (
  pulses: PulseRecord[],
  options: {
    rules?: PulsePrivacy;
    celebration?: { kind: 'off' | 'aspects_at_least' | 'full_participation'; threshold: number; pulses: number };
  } = {},
) =>
  computeDigestFigures({
    pulses: options.rules ? pulses.map((p) => ({ ...p, rules: options.rules! })) : pulses,
    aspects: ASPECTS,
    visibility: 'channel',
    audience: 'member',
    celebration: options.celebration ?? { kind: 'aspects_at_least', threshold: 4, pulses: 2 },
    openReservationIds: [7],
    label: (d) => d.toISOString().slice(5, 10),
  });

describe('sparklines', () => {
  it.each([
    [[1, 2, 3, 4, 5], '▁▃▅▆█'], // (v-1)/4·7 → 0, 1.75, 3.5, 5.25, 7 → rounded 0, 2, 4, 5, 7
    [[1, null, 5], '▁·█'],
    [[0, 9], '▁█'], // clamped to the 1–5 scale
    [[], ''],
  ] as const)('%j → %s', (values, expected) => {
    expect(sparkline(values)).toBe(expected);
  });
});

describe('digest figures, computed by hand', () => {
  // atmosphere: 3.0, then (4+4+5)/3 = 4.33; behaviour: 2.5, then 3.0; overall: 3.0, then 4.0.
  // Bars: index = round((v−1)/4·7): 3.0 → 3.5 → 4 ▅; 4.33 → 5.83 → 6 ▇; 2.5 → 2.63 → 3 ▄; 4.0 → 5.25 → 5 ▆.
  const history = [
    pulse(1, { atmosphere: [3, 3], behavior: [2, 3], overall: [3, 3] }),
    pulse(
      2,
      { atmosphere: [4, 4, 5], behavior: [3, 3, 3], overall: [4, 4, 4] },
      {
        reservations: { '7': { stillConcern: 1, resolved: 2 } },
        commitments: { kept: 1, atRisk: 1, needHelp: 1, atRiskPromptsByUser: [] },
      },
    ),
  ];

  it('averages, deltas since the previous pulse, sparklines and the chart series', () => {
    const f = figures(history);
    expect(f.latest).toEqual({ pulseId: 2, scheduledAt: history[1]!.scheduledAt, answered: 3, invited: 4 });
    expect(f.shown).toBe(true);
    const exact = (value: number) => ({ kind: 'exact', value });
    expect(f.aspects).toEqual([
      { id: 'atmosphere', label: 'Atmosphere', mean: exact(4.33), delta: 1.3, sparkline: '▅▇', series: [3, 4.33] },
      { id: 'behavior', label: 'Behavioral agreements', mean: exact(3), delta: 0.5, sparkline: '▄▅', series: [2.5, 3] },
      { id: 'overall', label: 'Overall', mean: exact(4), delta: 1, sparkline: '▅▆', series: [3, 4] },
    ]);
    expect(f.stillConcerns).toBe(1);
    expect(f.commitmentsAtRisk).toBe(2);
    expect(f.pulseLabels).toEqual(['01-08', '01-15']);
    expect(chartInput('T', f).series.map((s) => s.values)).toEqual([
      [3, 4.33],
      [2.5, 3],
      [3, 4],
    ]);
  });

  it('has no figures before the first pulse closes', () => {
    const f = figures([]);
    expect(f.latest).toBeNull();
    expect(f.aspects.map((a) => a.mean)).toEqual([null, null, null]);
  });

  it('keeps only the last 12 pulses for the chart and the last 8 for the sparkline', () => {
    const many = Array.from({ length: 15 }, (_, i) =>
      pulse(i + 1, { atmosphere: [(i % 5) + 1], behavior: [3], overall: [3] }),
    );
    const f = figures(many);
    expect(f.aspects[0]!.series).toHaveLength(12);
    expect(f.aspects[0]!.sparkline).toHaveLength(8);
    expect(f.pulseLabels).toHaveLength(12);
  });
});

describe('anonymity in the digest', () => {
  const twoAnswers = [
    pulse(1, { atmosphere: [4, 4, 4], behavior: [4, 4, 4], overall: [4, 4, 4] }),
    pulse(
      2,
      { atmosphere: [1, 5], behavior: [2, 2], overall: [1, 2] },
      { comments: { working: ['Mine alone'], atRisk: [], renegotiateReasons: [] } },
    ),
  ];

  it.each([
    ['threshold 3, 2 answers: hidden', 3, false],
    ['threshold 2, 2 answers: shown as a band', 2, true],
    ['a threshold of 4 hides 3 answers', 4, false],
  ] as const)('%s', (_name, threshold, shown) => {
    const pulses = threshold === 4 ? [twoAnswers[0]!] : twoAnswers;
    const f = figures(pulses, { rules: { anonymous: true, threshold, visibility: 'channel' } });
    expect(f.shown).toBe(shown);
    expect(f.aspects[0]!.mean?.kind).toBe(shown ? 'band' : undefined);
    // One person's comment is never shown in an anonymous pulse, whatever the threshold.
    expect(f.comments.working).toEqual(pulses.length === 2 ? null : []);
  });

  it('shows figures from fewer than 10 anonymous answers as half-point bands, with no delta', () => {
    const rules = { anonymous: true, threshold: 3, visibility: 'channel' as const };
    const f = figures([...twoAnswers, pulse(3, { atmosphere: [3, 3, 3], behavior: [3, 3, 3], overall: [3, 3, 3] })], {
      rules,
    });
    // 4.0 → band 4.0–4.5 (bar ▇ at its middle); the 2-answer pulse hidden (·); 3.0 → band 3.0–3.5 (▅).
    expect(f.aspects[0]).toMatchObject({ mean: { kind: 'band', low: 3, high: 3.5 }, delta: null, sparkline: '▇·▅' });
    expect(f.aspects[0]!.series).toEqual([4.25, null, 3.25]);
  });

  it('publishes no count that describes fewer people than the threshold', () => {
    const latest = pulse(
      1,
      { atmosphere: [4, 4, 4, 4], behavior: [4, 4, 4, 4], overall: [4, 4, 4, 4] },
      {
        reservations: { '7': { stillConcern: 1, resolved: 3 } },
        commitments: {
          kept: 3,
          atRisk: 1,
          needHelp: 0,
          atRiskPromptsByUser: [{ userId: 'UBOB', promptId: 'co_responsibility.commit', status: 'at_risk' }],
        },
      },
    );
    const hidden = figures([latest], { rules: { anonymous: true, threshold: 3, visibility: 'channel' as const } });
    expect(hidden.stillConcerns).toBeNull();
    expect(hidden.commitmentsAtRisk).toBeNull();
    const named = figures([latest]);
    expect(named.stillConcerns).toBe(1);
    expect(named.commitmentsAtRisk).toBe(1);
  });

  it('celebrates nothing this audience may not see: pulses answered for the members break the run for the channel', () => {
    const ratings = { atmosphere: [5, 5, 5], behavior: [5, 5, 5], overall: [5, 5, 5] };
    const forMembers = { anonymous: false, threshold: 1, visibility: 'members' as const };
    const pulses = [1, 2].map((id) => ({ ...pulse(id, ratings), rules: forMembers }));
    const celebration = { kind: 'aspects_at_least' as const, threshold: 4, pulses: 2 };
    const seenBy = (audience: 'channel' | 'member' | 'non-member') =>
      computeDigestFigures({
        pulses,
        aspects: ASPECTS,
        visibility: 'channel',
        audience,
        celebration,
        openReservationIds: [],
        label: () => '',
      }).celebration;
    expect(seenBy('member')).toMatchObject({ met: true, streak: 2 });
    expect(seenBy('channel')).toMatchObject({ met: false, streak: 0, streakKey: null });
    expect(seenBy('non-member')).toMatchObject({ met: false, streak: 0 });
  });

  it('counts people, not commitments, against the threshold: two people with three at risk stay hidden', () => {
    const atRisk = (userIds: string[]) =>
      userIds.map((userId, i) => ({ userId, promptId: `p${i}`, status: 'at_risk' as const }));
    const rules = { rules: { anonymous: true, threshold: 3, visibility: 'channel' as const } };
    const ratings = { atmosphere: [4, 4, 4, 4, 4, 4], behavior: [4, 4, 4, 4, 4, 4], overall: [4, 4, 4, 4, 4, 4] };
    const two = pulse(1, ratings, {
      commitments: { kept: 5, atRisk: 3, needHelp: 0, atRiskPromptsByUser: atRisk(['UA', 'UA', 'UB']) },
    });
    expect(figures([two], rules).commitmentsAtRisk).toBeNull();
    const three = pulse(1, ratings, {
      commitments: { kept: 3, atRisk: 3, needHelp: 0, atRiskPromptsByUser: atRisk(['UA', 'UB', 'UC']) },
    });
    expect(figures([three], rules).commitmentsAtRisk).toBe(3);
  });

  it('uses each pulse’s own rules: an anonymous pulse stays hidden among named ones', () => {
    const anonymous = { anonymous: true, threshold: 3, visibility: 'channel' as const };
    const f = figures([
      pulse(1, { atmosphere: [2, 2], behavior: [2, 2], overall: [2, 2] }, {}, anonymous),
      pulse(2, { atmosphere: [4, 4], behavior: [4, 4], overall: [4, 4] }),
    ]);
    expect(f.aspects[0]!.series).toEqual([null, 4]);
    expect(f.aspects[0]!.delta).toBeNull();
  });

  it('caps comments in number and length, and shuffles them in anonymous pulses', () => {
    const working = Array.from({ length: 12 }, (_, i) => `comment ${i} ${'x'.repeat(i === 0 ? 400 : 0)}`);
    const p = pulse(
      1,
      { atmosphere: [4, 4, 4], behavior: [4, 4, 4], overall: [4, 4, 4] },
      { comments: { working, atRisk: [], renegotiateReasons: [] } },
    );
    const named = figures([p]).comments.working ?? [];
    expect(named).toHaveLength(8);
    expect(named[0]!.length).toBe(280);
    expect(named[0]!.endsWith('…')).toBe(true);
    expect(named.slice(1, 3)).toEqual(['comment 1', 'comment 2']);
    const anonymous = figures([p], { rules: { anonymous: true, threshold: 3, visibility: 'channel' as const } })
      .comments.working;
    expect(anonymous).toHaveLength(8);
    expect(anonymous).not.toEqual(named);
    expect(shuffled([1, 2, 3, 4, 5], 42)).toEqual(shuffled([1, 2, 3, 4, 5], 42));
    expect([...shuffled([1, 2, 3, 4, 5], 42)].sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('celebration streaks', () => {
  const good = (id: number) => pulse(id, { atmosphere: [4, 5], behavior: [4, 4], overall: [4, 4] });
  const bad = (id: number) => pulse(id, { atmosphere: [3, 4], behavior: [4, 4], overall: [4, 4] });
  const target = { kind: 'aspects_at_least' as const, threshold: 4, pulses: 2 };

  it.each([
    ['one good pulse', [good(1)], 1, 1],
    ['two good pulses in a row', [bad(1), good(2), good(3)], 2, 2],
    ['a bad pulse ends the streak', [good(1), good(2), bad(3)], 0, null],
    ['a new streak starts after a bad pulse', [good(1), bad(2), good(3), good(4)], 2, 3],
  ] as const)('%s', (_name, pulses, streak, start) => {
    expect(celebrationStreak([...pulses], ['atmosphere', 'behavior'], target)).toEqual({
      streak,
      startPulseId: start,
    });
  });

  it('is met once the streak reaches the target, keyed by the streak’s first pulse', () => {
    expect(figures([good(1)], { celebration: target }).celebration).toMatchObject({ met: false, streak: 1 });
    expect(figures([good(1), good(2)], { celebration: target }).celebration).toMatchObject({
      met: true,
      streak: 2,
      streakKey: 'aspects_at_least:1',
    });
    expect(figures([good(1), good(2), good(3)], { celebration: target }).celebration.streakKey).toBe(
      'aspects_at_least:1',
    );
  });

  it('counts full participation, and hidden pulses never count for scores', () => {
    const full = (id: number) => pulse(id, { atmosphere: [4, 4, 4, 4], behavior: [4, 4, 4, 4], overall: [4, 4, 4, 4] });
    expect(
      celebrationStreak([full(1), full(2)], ['atmosphere'], { kind: 'full_participation', threshold: 4, pulses: 2 })
        .streak,
    ).toBe(2);
    const hidden = (p: PulseRecord) => ({
      ...p,
      rules: { anonymous: true, threshold: 3, visibility: 'channel' as const },
    });
    expect(celebrationStreak([hidden(good(1)), hidden(good(2))], ['atmosphere'], target).streak).toBe(0);
    expect(celebrationStreak([good(1)], ['atmosphere'], { ...target, kind: 'off' })).toEqual({
      streak: 0,
      startPulseId: null,
    });
  });
});
