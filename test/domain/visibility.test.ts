import { describe, expect, it } from 'vitest';
import {
  type Audience,
  type Decision,
  type Disclosure,
  decide,
  figureValue,
  heldFromChannel,
  mayReadContent,
  type PulsePrivacy,
  rulesInForce,
  shownFigure,
  visibilityInForce,
  wordsWrittenFor,
} from '../../src/domain/visibility.js';

const named: PulsePrivacy = { anonymous: false, threshold: 1, visibility: 'channel' };
const anon3: PulsePrivacy = { anonymous: true, threshold: 3, visibility: 'channel' };
const anon5: PulsePrivacy = { anonymous: true, threshold: 5, visibility: 'channel' };

describe('the rules in force for a pulse', () => {
  it.each([
    [
      'named, still named',
      { anonymous: false, threshold: 3, visibility: 'channel' as const },
      { anonymous: false, anonymityThreshold: 3, visibility: 'channel' as const },
      named,
    ],
    [
      'anonymous, anonymity since turned off',
      anon3,
      { anonymous: false, anonymityThreshold: 3, visibility: 'channel' as const },
      anon3,
    ],
    [
      'anonymous at 5, threshold since lowered to 3',
      anon5,
      { anonymous: true, anonymityThreshold: 3, visibility: 'channel' as const },
      anon5,
    ],
    [
      'anonymous at 3, threshold since raised to 6',
      anon3,
      { anonymous: true, anonymityThreshold: 6, visibility: 'channel' as const },
      { anonymous: true, threshold: 6, visibility: 'channel' },
    ],
    [
      'named, pulses since made anonymous',
      { anonymous: false, threshold: 1, visibility: 'channel' as const },
      { anonymous: true, anonymityThreshold: 4, visibility: 'channel' as const },
      { anonymous: true, threshold: 4, visibility: 'channel' },
    ],
    [
      'a threshold stored below the floor',
      { anonymous: true, threshold: 1, visibility: 'channel' as const },
      { anonymous: false, anonymityThreshold: 1, visibility: 'channel' as const },
      anon3,
    ],
  ])('%s', (_case, pulse, current, expected) => {
    expect(rulesInForce(pulse, current)).toEqual(expected);
  });
});

describe('what an audience may see', () => {
  const audiences: Audience[] = ['channel', 'member', 'non-member'];
  const cases: [string, PulsePrivacy, Disclosure, Decision][] = [
    ['participation, named', named, { kind: 'participation' }, 'show'],
    ['participation, anonymous', anon3, { kind: 'participation' }, 'show'],
    ['a figure from 1 named answer', named, { kind: 'figure', answered: 1 }, 'show'],
    ['a figure from 2 anonymous answers (threshold 3)', anon3, { kind: 'figure', answered: 2 }, 'hide'],
    ['a figure from 3 anonymous answers', anon3, { kind: 'figure', answered: 3 }, 'coarsen'],
    ['a figure from 9 anonymous answers', anon3, { kind: 'figure', answered: 9 }, 'coarsen'],
    ['a figure from 10 anonymous answers', anon3, { kind: 'figure', answered: 10 }, 'show'],
    ['a figure from 4 answers at threshold 5', anon5, { kind: 'figure', answered: 4 }, 'hide'],
    ['a count of 1, named', named, { kind: 'count', count: 1, answered: 4 }, 'show'],
    ['a count of 1 of 6, anonymous', anon3, { kind: 'count', count: 1, answered: 6 }, 'hide'],
    ['a count of 0 of 6, anonymous', anon3, { kind: 'count', count: 0, answered: 6 }, 'show'],
    ['a count of 3 of 6, anonymous', anon3, { kind: 'count', count: 3, answered: 6 }, 'show'],
    ['a count of 4 of 5 (the other one stands out)', anon3, { kind: 'count', count: 4, answered: 5 }, 'hide'],
    ['a count of 5 of 5', anon3, { kind: 'count', count: 5, answered: 5 }, 'show'],
    ['a count from too few answers', anon3, { kind: 'count', count: 0, answered: 2 }, 'hide'],
    ['words of 1 named commenter', named, { kind: 'words', commenters: 1, answered: 5 }, 'show'],
    ['words of 2 anonymous commenters', anon3, { kind: 'words', commenters: 2, answered: 5 }, 'hide'],
    ['words of 3 anonymous commenters', anon3, { kind: 'words', commenters: 3, answered: 5 }, 'show'],
    ['a named answer, named pulse', named, { kind: 'named-answer' }, 'show'],
    ['a named answer, anonymous pulse', anon3, { kind: 'named-answer' }, 'hide'],
    ['the agreement text', anon3, { kind: 'agreement-text' }, 'show'],
  ];

  describe.each(audiences)('in a channel alliance, to %s', (audience) => {
    it.each(cases)('%s', (_case, rules, item, expected) => {
      expect(decide({ rules, visibility: 'channel', audience, item })).toBe(expected);
    });
  });

  describe('in a members-only alliance', () => {
    it.each(cases)('to a member, %s: as in a channel alliance', (_case, rules, item, expected) => {
      expect(decide({ rules, visibility: 'members', audience: 'member', item })).toBe(expected);
    });
    it.each(cases)('to the channel and to non-members, %s: hidden', (_case, rules, item) => {
      expect(decide({ rules, visibility: 'members', audience: 'channel', item })).toBe('hide');
      expect(decide({ rules, visibility: 'members', audience: 'non-member', item })).toBe('hide');
    });
  });
});

describe('figures as shown', () => {
  it.each([
    [3.14, 'show', { kind: 'exact', value: 3.14 }, 3.14],
    [3.14, 'coarsen', { kind: 'band', low: 3, high: 3.5 }, 3.25],
    [2.5, 'coarsen', { kind: 'band', low: 2.5, high: 3 }, 2.75],
    [5, 'coarsen', { kind: 'band', low: 4.5, high: 5 }, 4.75],
    [1, 'coarsen', { kind: 'band', low: 1, high: 1.5 }, 1.25],
    [3.14, 'hide', null, null],
    [null, 'show', null, null],
  ] as const)('%s, %s', (value, decision, shown, number) => {
    expect(shownFigure(value, decision)).toEqual(shown);
    expect(figureValue(shownFigure(value, decision))).toBe(number);
  });

  it('lets content signals read a pulse only when its figures could be shown', () => {
    expect(mayReadContent(anon3, 2)).toBe(false);
    expect(mayReadContent(anon3, 3)).toBe(true);
    expect(mayReadContent(named, 1)).toBe(true);
  });
});

describe('what was written or answered for the members', () => {
  const forMembers: PulsePrivacy = { anonymous: false, threshold: 1, visibility: 'members' };
  const words: Disclosure = { kind: 'words', commenters: 4, answered: 4 };

  it('is members-only if either the alliance now or the thing itself is', () => {
    expect(visibilityInForce('channel')).toBe('channel');
    expect(visibilityInForce('channel', 'channel', 'channel')).toBe('channel');
    expect(visibilityInForce('channel', 'channel', 'members')).toBe('members');
    expect(visibilityInForce('members', 'channel')).toBe('members');
  });

  it('stays with the members after the alliance opens up to its channel', () => {
    const rules = rulesInForce(forMembers, { anonymous: false, anonymityThreshold: 3, visibility: 'channel' });
    expect(rules).toEqual(forMembers);
    expect(decide({ rules, visibility: 'channel', audience: 'member', item: words })).toBe('show');
    for (const audience of ['channel', 'non-member'] as const) {
      for (const item of [words, { kind: 'participation' } as const, { kind: 'agreement-text' } as const]) {
        expect(decide({ rules, visibility: 'channel', audience, item })).toBe('hide');
      }
    }
  });

  it('a pulse answered for the channel is for the members while the alliance is members-only', () => {
    const rules = rulesInForce(named, { anonymous: false, anonymityThreshold: 3, visibility: 'members' });
    expect(rules.visibility).toBe('members');
    expect(decide({ rules, visibility: 'members', audience: 'channel', item: words })).toBe('hide');
  });

  it('the channel hears only that something happened while the alliance, or what it is about, is for the members', () => {
    expect(heldFromChannel('channel')).toBe(false);
    expect(heldFromChannel('channel', 'channel')).toBe(false);
    expect(heldFromChannel('members')).toBe(true);
    expect(heldFromChannel('channel', 'channel', 'members')).toBe(true);
  });

  it('words a member wrote under their name follow who they were written for', () => {
    const item: Disclosure = { kind: 'agreement-text' };
    expect(decide({ rules: wordsWrittenFor('channel'), visibility: 'channel', audience: 'channel', item })).toBe(
      'show',
    );
    expect(decide({ rules: wordsWrittenFor('members'), visibility: 'channel', audience: 'channel', item })).toBe(
      'hide',
    );
    expect(decide({ rules: wordsWrittenFor('channel'), visibility: 'members', audience: 'channel', item })).toBe(
      'hide',
    );
    expect(decide({ rules: wordsWrittenFor('members'), visibility: 'channel', audience: 'member', item })).toBe('show');
  });
});
