import { describe, expect, it } from 'vitest';
import { validateStep } from '../../src/domain/design.js';
import { type SetupForm, validateSetup } from '../../src/domain/setup.js';
import { DEFAULT_SIGNALS, validateSignalsForm } from '../../src/domain/signal-settings.js';
import { TEMPLATES } from '../../src/domain/templates/index.js';
import { setupForm } from '../support/forms.js';

const now = new Date('2026-03-02T12:00:00Z');
const form: SetupForm = setupForm({ channelId: 'C1', members: ['UA', 'UB', 'UC'], timeZone: 'Europe/Berlin' });

describe('setup validation', () => {
  it('accepts a complete form and anchors the schedule at now', () => {
    const result = validateSetup(form, now);
    expect(result).toEqual({
      ok: true,
      setup: {
        name: 'Core team',
        channelId: 'C1',
        members: ['UA', 'UB', 'UC'],
        templateId: 'team',
        settings: {
          timeZone: 'Europe/Berlin',
          pulse: { cadence: 'weekly', weekday: 4, localTime: '10:00', openHours: 48, reminderHoursBefore: 24 },
          scheduleAnchor: '2026-03-02T12:00:00.000Z',
          digest: { weekday: 1, localTime: '09:30' },
          anonymous: false,
          anonymityThreshold: 3,
          visibility: 'channel',
          signals: DEFAULT_SIGNALS,
          celebration: { kind: 'aspects_at_least', threshold: 4, pulses: 4 },
        },
      },
    });
  });

  const cases: [string, Partial<SetupForm>, Partial<Record<keyof SetupForm, RegExp>>][] = [
    ['a blank name', { name: '  ' }, { name: /Give the alliance a name/ }],
    ['a long name', { name: 'x'.repeat(81) }, { name: /under 80 characters/ }],
    ['no members', { members: [] }, { members: /Pick the people/ }],
    ['one member', { members: ['UA'] }, { members: /at least 2 members/ }],
    ['three people in a 1-1 alliance', { templateId: 'one_on_one' }, { members: /exactly 2 people/ }],
    [
      'anonymity with fewer members than the threshold',
      { anonymous: true, anonymityThreshold: '4' },
      { members: /at least 4 members/ },
    ],
    ['a threshold below 3', { anonymityThreshold: '2' }, { anonymityThreshold: /from 3 to 50/ }],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, { timeZone: /time zone/ }],
    ['a malformed time', { pulseTime: '25:00' }, { pulseTime: /09:00/ }],
    ['an unknown template', { templateId: 'nope' }, { templateId: /Pick one of the templates/ }],
  ];

  it.each(cases)('rejects %s on the right field', (_name, change, expected) => {
    const result = validateSetup({ ...form, ...change }, now);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    for (const [field, pattern] of Object.entries(expected))
      expect(result.errors[field as keyof SetupForm]).toMatch(pattern as RegExp);
  });
});

describe('step validation', () => {
  const section = TEMPLATES[0]!.sections[0]!;
  it('requires the required prompts and caps lengths, trimming answers', () => {
    const { answers, errors } = validateStep(section, {
      'atmosphere.culture': '  ok  ',
      'atmosphere.feel': '',
      'atmosphere.flourish': 'x'.repeat(801),
    });
    expect(answers['atmosphere.culture']).toBe('ok');
    expect(errors).toEqual({
      'atmosphere.feel': 'This one needs an answer; a sentence is enough.',
      'atmosphere.flourish': 'Please keep this under 800 characters (it has 801).',
    });
  });
});

describe('templates', () => {
  it('ship three templates with stable, unique prompt ids and at least one commitment prompt each', () => {
    expect(TEMPLATES.map((t) => t.id)).toEqual(['team', 'one_on_one', 'peer_contract']);
    for (const t of TEMPLATES) {
      const ids = t.sections.flatMap((s) => s.prompts.map((p) => p.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(t.sections.flatMap((s) => s.prompts).some((p) => p.kind === 'commitment')).toBe(true);
    }
    expect(TEMPLATES[1]!.sections.flatMap((s) => s.prompts)).toHaveLength(12);
    expect(TEMPLATES[0]!.aspects.map((a) => a.id)).toEqual(['atmosphere', 'co_responsibility', 'behavior']);
  });
});

describe('signals and celebration validation', () => {
  const form = {
    enabled: ['lowScores', 'someoneAsks'],
    lowThreshold: '2,5',
    lowPulses: '3',
    drop: '1.0',
    stdev: '1.5',
    participationPercent: '50',
    participationPulses: '2',
    asksCount: '1',
    reviewDays: '90',
    lingeringPulses: '3',
    snoozeWeeks: '2',
    celebrationKind: 'full_participation',
    celebrationThreshold: '4.0',
    celebrationPulses: '4',
  };

  it('turns the form into settings: switched on only what was ticked, decimals with a comma accepted', () => {
    const result = validateSignalsForm(form);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.signals.lowScores).toEqual({ enabled: true, threshold: 2.5, pulses: 3 });
    expect(result.signals.sharpDrop.enabled).toBe(false);
    expect(result.signals.someoneAsks).toEqual({ enabled: true, count: 1 });
    expect(result.celebration).toEqual({ kind: 'full_participation', threshold: 4, pulses: 4 });
  });

  it.each([
    ['a threshold above 5', { lowThreshold: '5.5' }, 'lowThreshold', /from 1 to 5/],
    ['a fractional pulse count', { lowPulses: '2.5' }, 'lowPulses', /whole number from 1 to 12/],
    ['an empty review period', { reviewDays: '' }, 'reviewDays', /whole number from 7 to 730/],
    ['a percentage over 100', { participationPercent: '120' }, 'participationPercent', /1 to 100/],
    ['no celebration choice', { celebrationKind: null }, 'celebrationKind', /Choose when the team celebrates/],
  ] as const)('rejects %s on its field', (_name, change, field, message) => {
    const result = validateSignalsForm({ ...form, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field]).toMatch(message);
  });
});
