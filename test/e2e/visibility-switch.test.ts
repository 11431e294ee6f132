import { afterEach, describe, expect, it } from 'vitest';
import type { Alliance } from '../../src/domain/alliance.js';
import { getTemplate } from '../../src/domain/templates/index.js';
import { ACTIONS, CHECKIN_BLOCKS, RESERVATION_BLOCKS, SETUP_BLOCKS, SIGNAL_BLOCKS } from '../../src/slack/ids.js';
import type { Harness } from '../support/boot.js';
import {
  activateTeam,
  bootTeam,
  checkInWith,
  dmsWith,
  FIRST_WEEK,
  hasAction,
  stepAnswers,
  submitSettings,
  TEAM_MEMBERS,
} from '../support/flows.js';

/**
 * An alliance's visibility can change (members-only to channel with every member's agreement, or
 * back at once). What was written or answered for the members stays with them: agreement versions,
 * pulses and what flags read from them keep the visibility they were made under, and a reservation
 * raised while the alliance is members-only goes to the members, not the channel.
 */
describe('what was written for the members stays with them when the visibility changes', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function bootOnly() {
    h = await bootTeam({ others: ['UOUT'] });
  }

  async function boot(setup: Record<string, unknown> = {}, signals: Record<string, unknown> = {}): Promise<Alliance> {
    await bootOnly();
    return activateTeam(h, setup, signals);
  }

  const checkIn = (userId: string, rating: number, extra: Record<string, unknown> = {}) =>
    checkInWith(h, userId, rating, extra);
  const changeSettings = (userId: string, values: Record<string, unknown>) =>
    submitSettings(h, userId, 'CTEAM', values);

  /** Members-only → channel, with every member's agreement. */
  async function openToChannel(alliance: Alliance) {
    await changeSettings('UALICE', { [SETUP_BLOCKS.visibility]: 'channel' });
    const proposal = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.agreePrivacyChange))!;
    for (const userId of TEAM_MEMBERS.slice(1)) {
      await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: proposal.ts, actionId: ACTIONS.agreePrivacyChange });
    }
    expect(h.app.store.alliances.get(alliance.id)?.settings.visibility).toBe('channel');
  }

  it('a newcomer after the switch is asked to ask to join, not sent the version written for the members', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.visibility]: 'members' });
    await openToChannel(alliance);
    h.fake.setChannelMembers('CTEAM', [...TEAM_MEMBERS, 'UOUT'], { botIsMember: true });
    await h.slack.event({ type: 'member_joined_channel', user: 'UOUT', channel: 'CTEAM', channel_type: 'C' });
    await h.slack.command({ userId: 'UOUT', channelId: 'CTEAM', text: 'show' });
    expect(JSON.stringify(h.fake.ephemerals('UOUT').at(-1))).toContain('members only');
    expect(JSON.stringify(h.fake.messages('UOUT'))).not.toContain('UALICE on atmosphere');
    expect(dmsWith(h, 'UOUT', ACTIONS.askToJoin)).toHaveLength(1);
    expect(dmsWith(h, 'UOUT', ACTIONS.commit)).toHaveLength(0);
  });

  async function membersOnlyPulse() {
    const alliance = await boot(
      { [SETUP_BLOCKS.visibility]: 'members' },
      { [SIGNAL_BLOCKS.lowThreshold]: '4', [SIGNAL_BLOCKS.lowPulses]: '1' },
    );
    await h.tickAt(FIRST_WEEK.pulse);
    for (const [i, userId] of TEAM_MEMBERS.entries()) {
      await checkIn(userId, 2, {
        [CHECKIN_BLOCKS.working]: `Members-only comment ${i}`,
        [CHECKIN_BLOCKS.renegotiate]: ['yes'],
        [CHECKIN_BLOCKS.reason]: `Members-only reason ${i}`,
      });
    }
    await h.tickAt(FIRST_WEEK.close);
    expect(JSON.stringify(h.fake.messages('CTEAM'))).not.toContain('Members-only');
    return alliance;
  }

  it('a digest posted in the channel after the switch shows nothing of a pulse answered for the members', async () => {
    const alliance = await membersOnlyPulse();
    await openToChannel(alliance);
    const before = h.fake.messages('CTEAM').length;
    await h.tickAt(FIRST_WEEK.digest);
    const posted = h.fake.messages('CTEAM').slice(before);
    expect(posted.map((m) => m.text).join('\n')).toMatch(
      /How we're doing: .*The last pulse's figures are for the members only/,
    );
    expect(JSON.stringify(posted)).not.toContain('Members-only comment');
  });

  it('a flag read from a pulse answered for the members keeps its evidence for them when refreshed after the switch', async () => {
    const alliance = await membersOnlyPulse();
    await openToChannel(alliance);
    const asks = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.flagDetails) && m.text.includes('asks'))!;
    await h.slack.clickButton({ userId: 'UBOB', channelId: 'CTEAM', ts: asks.ts, actionId: ACTIONS.notNow });
    await h.slack.submitView({ userId: 'UBOB', values: {} });
    expect(JSON.stringify(h.fake.message('CTEAM', asks.ts)?.blocks)).toContain('chose not now');
    expect(JSON.stringify(h.fake.messages('CTEAM'))).not.toContain('Members-only reason');
    expect(hasAction(h.fake.message('CTEAM', asks.ts)!, ACTIONS.flagDetails)).toBe(true);
  });

  it('a reservation raised after the alliance went members-only goes to the members by DM, and the channel only hears it exists', async () => {
    await bootOnly();
    await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'start Core team' });
    await h.slack.submitView({
      userId: 'UALICE',
      values: { [SETUP_BLOCKS.members]: TEAM_MEMBERS, [SETUP_BLOCKS.template]: 'team' },
    });
    await h.slack.submitView({ userId: 'UALICE', values: {} });
    const announcement = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.addAnswers))!;
    for (const userId of TEAM_MEMBERS) {
      await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: announcement.ts, actionId: ACTIONS.addAnswers });
      for (let step = 0; step < getTemplate('team').sections.length; step++) {
        await h.slack.submitView({ userId, values: stepAnswers('team', step, userId) });
      }
      await h.slack.closeView({ userId });
    }
    const post = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.agree))!;
    await changeSettings('UALICE', { [SETUP_BLOCKS.visibility]: 'members' });
    const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM')!;
    expect(alliance.settings.visibility).toBe('members');
    await h.slack.clickButton({ userId: 'UBOB', channelId: 'CTEAM', ts: post.ts, actionId: ACTIONS.reservations });
    await h.slack.submitView({
      userId: 'UBOB',
      values: { [RESERVATION_BLOCKS.concern]: 'Bob private concern', [RESERVATION_BLOCKS.watch]: 'Ask me' },
    });
    expect(h.app.store.agreements.reservations(alliance.id)).toHaveLength(1);
    expect(JSON.stringify(h.fake.messages('CTEAM'))).not.toContain('Bob private concern');
    const thread = h.fake.messages('CTEAM').filter((m) => m.thread_ts === post.ts);
    expect(thread.some((m) => m.text.includes('reservation'))).toBe(true);
    for (const userId of TEAM_MEMBERS) {
      expect(JSON.stringify(h.fake.messages(userId)), userId).toContain('Bob private concern');
    }
  });
});
