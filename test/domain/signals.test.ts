import { describe, expect, it } from 'vitest';
import type { PulseRecord, PulseResults } from '../../src/domain/pulse.js';
import { DEFAULT_SIGNALS, type SignalSettings } from '../../src/domain/signal-settings.js';
import {
  type Evidence,
  evaluatePulseSignals,
  evaluateReviewDate,
  isSuppressed,
  membershipFinding,
  withoutCommentsOf,
} from '../../src/domain/signals.js';
import { rulesInForce } from '../../src/domain/visibility.js';

const ASPECTS = [{ id: 'behavior', label: 'Behavioral agreements' }];

/** Only the named signal switched on, with the given parameters. */
function only(kind: keyof SignalSettings, params: Record<string, number> = {}): SignalSettings {
  const off = Object.fromEntries(
    Object.entries(DEFAULT_SIGNALS).map(([k, v]) => [k, typeof v === 'object' ? { ...v, enabled: false } : v]),
  ) as SignalSettings;
  return { ...off, [kind]: { ...(DEFAULT_SIGNALS[kind] as object), enabled: true, ...params } } as SignalSettings;
}

interface PulseSpec {
  behavior?: number | null;
  stdev?: number;
  count?: number;
  answered?: number;
  invited?: number;
  asks?: number;
  reasons?: string[];
  reservation7?: boolean;
  atRisk?: boolean;
}

function pulse(id: number, spec: PulseSpec): PulseRecord {
  const answered = spec.answered ?? 5;
  const results: PulseResults = {
    invited: spec.invited ?? 5,
    answered,
    aspects: {
      behavior: {
        count: spec.count ?? answered,
        mean: spec.behavior ?? null,
        stdev: spec.stdev ?? 0.5,
        distribution: [0, 0, 0, 0, 0],
      },
      overall: { count: answered, mean: 4, stdev: 0.5, distribution: [0, 0, 0, 0, 0] },
    },
    renegotiateCount: spec.asks ?? 0,
    commitments: {
      kept: 0,
      atRisk: spec.atRisk ? 1 : 0,
      needHelp: 0,
      atRiskPromptsByUser: spec.atRisk ? [{ userId: 'UBOB', promptId: 'co.count_on', status: 'at_risk' }] : [],
    },
    reservations:
      spec.reservation7 === undefined
        ? {}
        : { '7': { stillConcern: spec.reservation7 ? 1 : 0, resolved: spec.reservation7 ? 0 : 1 } },
    comments: { working: [], atRisk: [], renegotiateReasons: spec.reasons ?? [] },
  };
  return {
    pulseId: id,
    scheduledAt: new Date(Date.UTC(2026, 0, id * 7)),
    results,
    rules: { anonymous: false, threshold: 1, visibility: 'channel' },
  };
}

/** Every pulse answered under the same rules (anonymous with a threshold, or named). */
function evaluate(
  settings: SignalSettings,
  specs: PulseSpec[],
  options: { threshold?: number; anonymous?: boolean } = {},
) {
  const rules = rulesInForce(
    { anonymous: options.anonymous ?? false, threshold: options.threshold ?? 3, visibility: 'channel' },
    { anonymous: false, anonymityThreshold: 3, visibility: 'channel' },
  );
  return evaluatePulseSignals({
    settings,
    aspects: ASPECTS,
    history: specs.map((s, i) => ({ ...pulse(i + 1, s), rules })),
    openReservations: [{ id: 7, userId: 'UCAROL', concern: 'Deadlines' }],
    commitmentTexts: new Map([['UBOB|co.count_on', 'Reviews within a day']]),
  });
}

const keys = (findings: { key: string }[]) => findings.map((f) => f.key);

describe('low scores (threshold 3.0, 2 pulses)', () => {
  const s = only('lowScores', { threshold: 3, pulses: 2 });
  it.each([
    ['one low pulse is not enough', [{ behavior: 2 }], []],
    ['two pulses just below', [{ behavior: 2.99 }, { behavior: 2.99 }], ['lowScores:behavior:1']],
    ['exactly at the threshold is not low', [{ behavior: 3 }, { behavior: 2.5 }], []],
    ['interrupted by a good pulse', [{ behavior: 2 }, { behavior: 3.5 }, { behavior: 2 }], []],
    [
      'a new streak after recovery is a new occurrence',
      [{ behavior: 2 }, { behavior: 2 }, { behavior: 4 }, { behavior: 2 }, { behavior: 2 }],
      ['lowScores:behavior:4'],
    ],
    [
      'a longer streak keeps its first key',
      [{ behavior: 2 }, { behavior: 2 }, { behavior: 2 }],
      ['lowScores:behavior:1'],
    ],
    [
      'no answers is not low',
      [
        { behavior: null, answered: 0 },
        { behavior: null, answered: 0 },
      ],
      [],
    ],
  ] as const)('%s', (_name, specs, expected) => {
    expect(keys(evaluate(s, [...specs]).filter((f) => f.kind === 'lowScores'))).toEqual(expected);
  });

  it('reports the last N averages as evidence', () => {
    const [finding] = evaluate(s, [{ behavior: 2 }, { behavior: 2.4 }, { behavior: 2.6 }]);
    expect(finding?.evidence).toEqual({
      kind: 'lowScores',
      aspect: ASPECTS[0],
      means: [
        { kind: 'exact', value: 2.4 },
        { kind: 'exact', value: 2.6 },
      ],
      threshold: 3,
      pulses: [2, 3],
    });
  });

  it.each([
    ['2 answers under a threshold of 3: not evaluated at all', 2, 3, null],
    ['3 answers at a threshold of 3: half-point bands', 3, 3, [{ kind: 'band', low: 2, high: 2.5 }]],
    ['3 answers under a threshold of 4: not evaluated', 3, 4, null],
    ['10 answers: exact', 10, 3, [{ kind: 'exact', value: 2 }]],
  ] as const)('anonymity: %s', (_name, answered, threshold, mean) => {
    const findings = evaluate(
      s,
      [
        { behavior: 2, answered, invited: 10 },
        { behavior: 2, answered, invited: 10 },
      ],
      { threshold, anonymous: true },
    );
    if (mean === null) expect(findings).toEqual([]);
    else expect(findings[0]?.evidence).toMatchObject({ means: [mean[0], mean[0]] });
  });
});

describe('sharp drop (1.0)', () => {
  const s = only('sharpDrop', { drop: 1 });
  it.each([
    ['a drop of exactly 1.0', [{ behavior: 4 }, { behavior: 3 }], ['sharpDrop:behavior:2']],
    ['a drop of 0.99', [{ behavior: 4 }, { behavior: 3.01 }], []],
    ['a rise', [{ behavior: 2 }, { behavior: 4 }], []],
    ['only one pulse', [{ behavior: 1 }], []],
    ['the drop must be between the last two pulses', [{ behavior: 5 }, { behavior: 3 }, { behavior: 3 }], []],
  ] as const)('%s', (_name, specs, expected) => {
    expect(keys(evaluate(s, [...specs]))).toEqual(expected);
  });
  it('is not evaluated when either pulse had too few answers, and shows bands from a few', () => {
    const tooFew = evaluate(
      s,
      [
        { behavior: 4, answered: 3 },
        { behavior: 2, answered: 2 },
      ],
      { threshold: 3, anonymous: true },
    );
    expect(tooFew).toEqual([]);
    const [finding] = evaluate(
      s,
      [
        { behavior: 4, answered: 3 },
        { behavior: 2, answered: 3 },
      ],
      { threshold: 3, anonymous: true },
    );
    expect(finding?.evidence).toMatchObject({
      from: { kind: 'band', low: 4, high: 4.5 },
      to: { kind: 'band', low: 2, high: 2.5 },
      drop: 1,
    });
  });
});

describe('disagreement (spread 1.5)', () => {
  const s = only('disagreement', { stdev: 1.5 });
  it.each([
    ['a spread of exactly 1.5', [{ behavior: 3, stdev: 1.5 }], ['disagreement:behavior:1']],
    ['a spread of 1.49', [{ behavior: 3, stdev: 1.49 }], []],
    ['a single answer has no spread', [{ behavior: 3, stdev: 2, count: 1 }], []],
    [
      'an ongoing disagreement keeps its key',
      [
        { behavior: 3, stdev: 1.6 },
        { behavior: 3, stdev: 1.8 },
      ],
      ['disagreement:behavior:1'],
    ],
  ] as const)('%s', (_name, specs, expected) => {
    expect(keys(evaluate(s, [...specs]))).toEqual(expected);
  });
});

describe('low participation (50%, 2 pulses)', () => {
  const s = only('lowParticipation', { percent: 50, pulses: 2 });
  it.each([
    ['2 of 5 twice', [{ answered: 2 }, { answered: 2 }], ['lowParticipation:1']],
    [
      'exactly half is enough',
      [
        { answered: 2, invited: 4 },
        { answered: 2, invited: 4 },
      ],
      [],
    ],
    ['once is not a trend', [{ answered: 5 }, { answered: 1 }], []],
    [
      'nobody invited is not low participation',
      [
        { answered: 0, invited: 0 },
        { answered: 0, invited: 0 },
      ],
      [],
    ],
  ] as const)('%s', (_name, specs, expected) => {
    expect(keys(evaluate(s, [...specs]))).toEqual(expected);
  });
});

describe('someone asks (1 member)', () => {
  it.each([
    ['one ask', 1, { count: 1 }, ['someoneAsks:1']],
    ['no ask', 0, { count: 1 }, []],
    ['one ask when the team wants two', 1, { count: 2 }, []],
    ['two asks when the team wants two', 2, { count: 2 }, ['someoneAsks:1']],
  ] as const)('%s', (_name, asks, params, expected) => {
    expect(keys(evaluate(only('someoneAsks', params), [{ asks, reasons: asks > 0 ? ['Roles changed'] : [] }]))).toEqual(
      expected,
    );
  });
  it.each([
    ['too few answered: not evaluated', { asks: 1, answered: 2, reasons: ['Roles changed'] }, null],
    ['one ask of five would point at one person: not raised', { asks: 1, answered: 5, reasons: ['x'] }, null],
    ['three asks of six, two reasons: raised, reasons withheld', { asks: 3, answered: 6, reasons: ['a', 'b'] }, []],
    [
      'three asks of six, three reasons: raised with them',
      { asks: 3, answered: 6, reasons: ['c', 'a', 'b'] },
      ['a', 'b', 'c'],
    ],
  ] as const)('anonymous: %s', (_name, spec, reasons) => {
    const findings = evaluate(only('someoneAsks'), [{ ...spec, reasons: [...spec.reasons] }], {
      threshold: 3,
      anonymous: true,
    });
    if (reasons === null) expect(findings).toEqual([]);
    else expect(findings[0]?.evidence).toMatchObject({ count: spec.asks, reasons });
  });
});

describe('lingering reservation or commitment (3 pulses)', () => {
  const s = only('lingering', { pulses: 3 });
  it.each([
    [
      'a reservation still a concern three times',
      [{ reservation7: true }, { reservation7: true }, { reservation7: true }],
      ['lingering:reservation:7:1'],
    ],
    ['twice is not lingering', [{ reservation7: true }, { reservation7: true }], []],
    [
      'interrupted',
      [{ reservation7: true }, { reservation7: false }, { reservation7: true }, { reservation7: true }],
      [],
    ],
    [
      'a commitment at risk three times',
      [{ atRisk: true }, { atRisk: true }, { atRisk: true }],
      ['lingering:commitment:UBOB|co.count_on:1'],
    ],
  ] as const)('%s', (_name, specs, expected) => {
    expect(keys(evaluate(s, [...specs]))).toEqual(expected);
  });
  it('never flags one person’s commitment from anonymous pulses', () => {
    expect(evaluate(s, [{ atRisk: true }, { atRisk: true }, { atRisk: true }], { anonymous: true })).toEqual([]);
  });
  it('flags a lingering reservation in anonymous pulses only when enough people keep calling it a concern', () => {
    const one = { reservation7: true };
    expect(evaluate(s, [one, one, one], { anonymous: true })).toEqual([]);
  });
});

describe('review date (90 days)', () => {
  const activatedAt = new Date('2026-01-01T00:00:00Z');
  it.each([
    ['a day early', '2026-03-31T23:59:59Z', null],
    ['on the day', '2026-04-01T00:00:00Z', 'reviewDate:5'],
    ['long after, still the same occurrence', '2026-09-01T00:00:00Z', 'reviewDate:5'],
  ] as const)('%s', (_name, now, key) => {
    const finding = evaluateReviewDate({
      settings: only('reviewDate', { days: 90 }),
      versionId: 5,
      versionNumber: 2,
      activatedAt,
      now: new Date(now),
    });
    expect(finding?.key ?? null).toBe(key);
  });
  it('is off when switched off', () => {
    expect(
      evaluateReviewDate({
        settings: only('lowScores'),
        versionId: 5,
        versionNumber: 2,
        activatedAt,
        now: new Date('2027-01-01T00:00:00Z'),
      }),
    ).toBeNull();
  });
});

describe('membership change', () => {
  it('is its own occurrence, named by what triggered it', () => {
    expect(
      membershipFinding(
        only('membershipChange'),
        { joined: ['UDAVE'], left: [], cause: 'channel', byUserId: null },
        'joined:Ev1',
      )?.key,
    ).toBe('membershipChange:joined:Ev1');
    expect(
      membershipFinding(
        only('lowScores'),
        { joined: ['UDAVE'], left: [], cause: 'channel', byUserId: null },
        'joined:Ev1',
      ),
    ).toBeNull();
    // A newcomer's proposal is always raised: it is a request, not a watched signal.
    expect(
      membershipFinding(
        only('lowScores'),
        { joined: ['UDAVE'], left: [], cause: 'proposal', byUserId: 'UDAVE', proposal: 'x' },
        'p:1',
      )?.kind,
    ).toBe('membershipChange');
  });
});

describe('thresholds and snoozes', () => {
  it('quiets a kind until its snooze ends', () => {
    const until = new Date('2026-02-01T00:00:00Z');
    const snoozed = new Map([['lowScores' as const, until]]);
    expect(isSuppressed('lowScores', snoozed, new Date('2026-01-31T23:59:59Z'))).toBe(true);
    expect(isSuppressed('lowScores', snoozed, until)).toBe(false);
    expect(isSuppressed('sharpDrop', snoozed, new Date('2026-01-15T00:00:00Z'))).toBe(false);
  });
});

describe('comments past retention', () => {
  const asks: Evidence = { kind: 'someoneAsks', count: 2, reasons: ['Too many meetings'], threshold: 1, pulses: [7] };

  it('drops the reasons a signal quotes from a cleared pulse, and keeps its count', () => {
    expect(withoutCommentsOf(asks, [6, 7])).toEqual({ ...asks, reasons: [] });
  });

  it('leaves alone a signal about other pulses, one without words, and figures', () => {
    expect(withoutCommentsOf(asks, [8])).toBeNull();
    expect(withoutCommentsOf({ ...asks, reasons: [] }, [7])).toBeNull();
    const low: Evidence = { kind: 'lowScores', aspect: { id: 'a', label: 'A' }, means: [], threshold: 3, pulses: [7] };
    expect(withoutCommentsOf(low, [7])).toBeNull();
  });
});
