import { describe, expect, it } from 'vitest';
import { type Action, may, type Standing, weakenedPrivacy } from '../../src/domain/permissions.js';

/** Every action, and whether only current members may do it (typed over all actions, so none is left out). */
const MEMBERS_ONLY: Record<Action, boolean> = {
  'answer-prompts': true,
  'compile-early': true,
  'reopen-prompts': true,
  consent: true,
  'raise-reservation': true,
  'check-in': true,
  'change-settings': true,
  'agree-privacy-change': true,
  'start-renegotiation': true,
  'act-on-flag': true,
  'see-details': true,
  'post-digest': true,
  'admit-newcomer': true,
  leave: true,
  archive: true,
  'see-agreement': false,
  'see-digest': false,
  'ask-to-join': false,
  'commit-as-newcomer': false,
};
const MEMBER_ACTIONS = (Object.keys(MEMBERS_ONLY) as Action[]).filter((action) => MEMBERS_ONLY[action]);

describe('who may do what', () => {
  describe.each(['channel', 'members'] as const)('in a %s alliance', (visibility) => {
    it.each(MEMBER_ACTIONS)('a current member may %s', (action) => {
      expect(may({ action, standing: 'member', visibility })).toEqual({ allowed: true });
    });
    it.each(['see-agreement', 'see-digest'] as Action[])('a current member may %s', (action) => {
      expect(may({ action, standing: 'member', visibility })).toEqual({ allowed: true });
    });
    it.each(['ask-to-join', 'commit-as-newcomer'] as Action[])(
      'a current member is told they already are one (%s)',
      (action) => {
        expect(may({ action, standing: 'member', visibility })).toEqual({ allowed: false, refusal: 'already-member' });
      },
    );
    describe.each(['former-member', 'admitted', 'outsider'] as Standing[])('someone who is %s', (standing) => {
      it.each(MEMBER_ACTIONS)('may not %s, whatever button they hold', (action) => {
        expect(may({ action, standing, visibility })).toEqual({ allowed: false, refusal: 'not-a-member' });
      });
      it('may ask to join', () => {
        expect(may({ action: 'ask-to-join', standing, visibility })).toEqual({ allowed: true });
      });
    });
  });

  it.each([
    ['outsider', 'channel', 'see-agreement', true],
    ['outsider', 'members', 'see-agreement', false],
    ['former-member', 'members', 'see-agreement', false],
    ['admitted', 'members', 'see-agreement', true],
    ['outsider', 'channel', 'see-digest', true],
    ['outsider', 'members', 'see-digest', false],
    ['admitted', 'members', 'see-digest', false],
    ['outsider', 'channel', 'commit-as-newcomer', true],
    ['outsider', 'members', 'commit-as-newcomer', false],
    ['former-member', 'channel', 'commit-as-newcomer', false],
    ['former-member', 'members', 'commit-as-newcomer', false],
    ['admitted', 'channel', 'commit-as-newcomer', true],
    ['admitted', 'members', 'commit-as-newcomer', true],
  ] as const)('%s, %s alliance, %s: %s', (standing, visibility, action, allowed) => {
    // Asked about the version in effect (what a newcomer is asked to commit to).
    expect(may({ action, standing, visibility, inEffect: true }).allowed).toBe(allowed);
  });

  it('someone admitted reads only the version in effect of a members-only agreement, not a proposal or an old one', () => {
    expect(may({ action: 'see-agreement', standing: 'admitted', visibility: 'members', inEffect: false })).toEqual({
      allowed: false,
      refusal: 'members-only',
    });
    expect(may({ action: 'see-agreement', standing: 'admitted', visibility: 'members' }).allowed).toBe(false);
    expect(may({ action: 'see-agreement', standing: 'admitted', visibility: 'channel', inEffect: false }).allowed).toBe(
      true,
    );
  });
});

describe('weakened privacy', () => {
  const base = { anonymous: true, anonymityThreshold: 4, visibility: 'members' as const };
  it.each([
    ['nothing changes', base, []],
    ['anonymity off', { ...base, anonymous: false }, ['anonymous']],
    ['a lower threshold', { ...base, anonymityThreshold: 3 }, ['anonymityThreshold']],
    ['a higher threshold', { ...base, anonymityThreshold: 6 }, []],
    ['members-only to the channel', { ...base, visibility: 'channel' as const }, ['visibility']],
    [
      'all three',
      { anonymous: false, anonymityThreshold: 3, visibility: 'channel' as const },
      ['anonymous', 'visibility'],
    ],
  ])('%s', (_case, after, expected) => {
    expect(weakenedPrivacy(base, after)).toEqual(expected);
  });
  it('never counts a stronger setting as weaker', () => {
    const open = { anonymous: false, anonymityThreshold: 3, visibility: 'channel' as const };
    expect(weakenedPrivacy(open, { anonymous: true, anonymityThreshold: 5, visibility: 'members' })).toEqual([]);
  });
});
