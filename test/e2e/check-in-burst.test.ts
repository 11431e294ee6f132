import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, CHECKIN_BLOCKS } from '../../src/slack/ids.js';
import type { Harness } from '../support/boot.js';
import { activateTeam, bootTeam, checkInValues, dmsWith, FIRST_WEEK, TEAM_MEMBERS } from '../support/flows.js';

/**
 * After a pulse, members answer together. Their submissions arrive at once and are written in one
 * transaction (a group commit); each must still get exactly what one alone gets.
 */
describe('check-ins arriving together', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('stores and thanks each answer, and one member’s mistake touches nobody else’s', async () => {
    h = await bootTeam();
    const alliance = await activateTeam(h);
    await h.tickAt(FIRST_WEEK.pulse);
    const pulse = h.app.store.pulses.openPulse(alliance.id);
    if (!pulse) throw new Error('no pulse opened');
    const invitations = new Map(TEAM_MEMBERS.map((userId) => [userId, dmsWith(h, userId, ACTIONS.checkIn).at(-1)]));
    for (const [userId, invite] of invitations) {
      if (!invite) throw new Error(`${userId} has no invitation`);
      await h.slack.clickButton({ userId, channelId: invite.channel, ts: invite.ts, actionId: ACTIONS.checkIn });
    }

    // All four submit at once; Erin gave a reason to renegotiate without ticking the box.
    const [alice, bob, carol, erin] = await Promise.all(
      TEAM_MEMBERS.map((userId, i) => {
        const values = checkInValues(i + 2, { [CHECKIN_BLOCKS.working]: `${userId} words` });
        if (userId === 'UERIN') values[CHECKIN_BLOCKS.reason] = 'Decisions drag on';
        return h.slack.submitView({ userId, values });
      }),
    );
    expect([alice, bob, carol].map((r) => r?.outcome)).toEqual(['updated', 'updated', 'updated']);
    expect(JSON.stringify(alice?.view?.blocks)).toContain('your check-in on');
    expect(erin?.outcome).toBe('errors');
    expect(Object.keys(erin?.errors ?? {})).toEqual([CHECKIN_BLOCKS.reason]);

    // Each answer is stored under its own member, with its own words; Erin's is not, yet.
    TEAM_MEMBERS.slice(0, 3).forEach((userId, i) => {
      const stored = h.app.store.pulses.namedResponse(pulse.id, userId);
      expect(stored?.answers.ratings.overall).toBe(i + 2);
      expect(stored?.answers.working).toBe(`${userId} words`);
    });
    expect(h.app.store.pulses.namedResponse(pulse.id, 'UERIN')).toBeUndefined();
    expect(h.app.store.pulses.participants(pulse.id).sort()).toEqual(['UALICE', 'UBOB', 'UCAROL']);

    // Each DM thanks its own member; Erin's still asks her to check in.
    for (const userId of ['UALICE', 'UBOB', 'UCAROL']) {
      const invite = invitations.get(userId);
      expect(h.fake.message(invite?.channel ?? '', invite?.ts ?? '')?.text).toContain('Thanks — you checked in');
    }
    const erinInvite = invitations.get('UERIN');
    expect(JSON.stringify(h.fake.message(erinInvite?.channel ?? '', erinInvite?.ts ?? '')?.blocks)).toContain(
      ACTIONS.checkIn,
    );

    // Her modal is still open; she ticks the box and sends it again.
    const fixed = await h.slack.submitView({
      userId: 'UERIN',
      values: checkInValues(5, {
        [CHECKIN_BLOCKS.working]: 'UERIN words',
        [CHECKIN_BLOCKS.reason]: 'Decisions drag on',
        [CHECKIN_BLOCKS.renegotiate]: ['yes'],
      }),
    });
    expect(fixed.outcome).toBe('updated');
    expect(h.app.store.pulses.namedResponse(pulse.id, 'UERIN')?.answers).toMatchObject({
      working: 'UERIN words',
      renegotiate: true,
      renegotiateReason: 'Decisions drag on',
      ratings: { overall: 5 },
    });
  });
});
