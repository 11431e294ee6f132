import { afterEach, describe, expect, it } from 'vitest';
import type { Alliance } from '../../src/domain/alliance.js';
import { ACTIONS, CHECKIN_BLOCKS, RESERVATION_BLOCKS, SETUP_BLOCKS } from '../../src/slack/ids.js';
import type { Harness } from '../support/boot.js';
import {
  activateTeam,
  answerRound,
  bootTeam,
  channelText,
  checkInWith,
  daysAfter,
  dmFilesText,
  dmsWith,
  FIRST_WEEK,
  hasAction,
  homeText,
  openHomeOf,
  press,
  submitSettings,
  TEAM_MEMBERS,
} from '../support/flows.js';

/**
 * Privacy at the edges: an archived members-only alliance, an anonymous answer's edit key in the
 * wrong hands, a members-only renegotiation's announcement, and a weakening of privacy that one
 * member declines.
 */

describe('privacy at the edges', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function bootOnly() {
    h = await bootTeam({
      others: ['UDAVE', 'UOUT'],
      inChannel: ['UDAVE', 'UADMIN'],
      arrange: (fake) => fake.addUser({ id: 'UADMIN', name: 'admin', isAdmin: true }),
    });
  }

  async function boot(setup: Record<string, unknown> = {}, signals: Record<string, unknown> = {}): Promise<Alliance> {
    await bootOnly();
    return activateTeam(h, setup, signals);
  }

  it('forget me re-renders the signals and design announcements that quoted or named the person, and withdraws their reservation notices', async () => {
    await boot();
    await h.tickAt(FIRST_WEEK.pulse);
    await checkInWith(h, 'UERIN', 2, {
      [CHECKIN_BLOCKS.renegotiate]: ['yes'],
      [CHECKIN_BLOCKS.reason]: 'ERINPULSEREASON words',
    });
    for (const userId of ['UALICE', 'UBOB', 'UCAROL']) await checkInWith(h, userId, 4);
    await h.tickAt(FIRST_WEEK.close);
    await h.slack.command({ userId: 'UERIN', channelId: 'CTEAM', text: 'renegotiate ERINRENEGREASON words' });
    const flag = h.fake.messages('CTEAM').find((m) => JSON.stringify(m.blocks).includes('ERINPULSEREASON'));
    const announcement = h.fake.messages('CTEAM').find((m) => JSON.stringify(m.blocks).includes('ERINRENEGREASON'));
    expect(flag, 'the signal quoted her reason').toBeDefined();
    expect(announcement, 'the announcement quoted her reason').toBeDefined();
    expect(JSON.stringify(announcement?.blocks)).toContain('<@UERIN>');
    const invitation = h.fake.messages('UALICE').find((m) => JSON.stringify(m.blocks).includes('ERINRENEGREASON'));
    expect(invitation, 'Alice’s invitation quoted her reason').toBeDefined();
    // Everyone answers again; Erin raises a reservation about version 2 in its thread.
    for (const userId of TEAM_MEMBERS) await answerRound(h, userId, ' v2');
    const v2 = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.agree) && m.text.includes('2'));
    expect(v2, 'version 2 was posted').toBeDefined();
    await h.slack.clickButton({ userId: 'UERIN', channelId: 'CTEAM', ts: v2!.ts, actionId: ACTIONS.reservations });
    await h.slack.submitView({
      userId: 'UERIN',
      values: { [RESERVATION_BLOCKS.concern]: 'ERINCONCERN words', [RESERVATION_BLOCKS.watch]: 'ERINWATCH words' },
    });
    const notice = h.fake.messages('CTEAM').find((m) => JSON.stringify(m.blocks).includes('ERINCONCERN'));
    expect(notice, 'her reservation was shared in the thread').toBeDefined();

    await h.slack.command({ userId: 'UERIN', channelId: 'CTEAM', text: 'forget me' });
    expect((await h.slack.submitView({ userId: 'UERIN', values: {} })).outcome).toBe('updated');

    expect(JSON.stringify(h.fake.message('CTEAM', notice!.ts)?.blocks)).toContain('asked Alliance to forget');
    const invitationNow = JSON.stringify(h.fake.message(invitation!.channel, invitation!.ts)?.blocks);
    expect(invitationNow).not.toContain('ERINRENEGREASON');
    expect(invitationNow).toContain('The answers are in');
    for (const posted of [flag!, announcement!, notice!]) {
      const now = h.fake.message('CTEAM', posted.ts);
      expect(now).toBeDefined();
      const shown = JSON.stringify([now?.text, now?.blocks]);
      expect(shown).not.toContain('ERINPULSEREASON');
      expect(shown).not.toContain('ERINRENEGREASON');
      expect(shown).not.toContain('ERINCONCERN');
      expect(shown).not.toContain('ERINWATCH');
      expect(shown).not.toContain('<@UERIN>');
    }
    expect(JSON.stringify(h.fake.message('CTEAM', announcement!.ts)?.blocks)).toContain('Renegotiating');
  });

  it('forget me re-renders the digest threads that quoted their comments; the others’ comments stay', async () => {
    await boot();
    await h.tickAt(FIRST_WEEK.pulse);
    await checkInWith(h, 'UERIN', 3, { [CHECKIN_BLOCKS.working]: 'ERINWORKING words' });
    await checkInWith(h, 'UBOB', 4, { [CHECKIN_BLOCKS.working]: 'BOBWORKING words' });
    for (const userId of ['UALICE', 'UCAROL']) await checkInWith(h, userId, 4);
    await h.tickAt(FIRST_WEEK.close);
    await h.tickAt(FIRST_WEEK.digest);
    const thread = h.fake.messages('CTEAM').find((m) => JSON.stringify(m.blocks).includes('ERINWORKING'));
    expect(thread?.thread_ts, 'the digest thread quoted her comment').toBeDefined();

    await h.slack.command({ userId: 'UERIN', channelId: 'CTEAM', text: 'forget me' });
    expect((await h.slack.submitView({ userId: 'UERIN', values: {} })).outcome).toBe('updated');

    const now = JSON.stringify(h.fake.message('CTEAM', thread!.ts)?.blocks);
    expect(now).not.toContain('ERINWORKING');
    expect(now).toContain('BOBWORKING');
    expect(channelText(h, 'CTEAM')).not.toContain('ERINWORKING');
  });

  it('archive of a members-only alliance: a non-member still reads nothing with show or digest', async () => {
    await boot({ [SETUP_BLOCKS.visibility]: 'members' });
    await h.tickAt(FIRST_WEEK.pulse);
    for (const u of TEAM_MEMBERS) await checkInWith(h, u, 3, { [CHECKIN_BLOCKS.working]: `ARCHWORDS ${u}` });
    await h.tickAt(FIRST_WEEK.close);
    await h.tickAt(FIRST_WEEK.digest);
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'archive' });
    await h.slack.submitView({ userId: 'UBOB', values: {} });
    for (const text of ['show', 'show v1', 'digest', 'export']) {
      await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text });
      await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text });
    }
    await openHomeOf(h, 'UDAVE');
    const dave = JSON.stringify([h.fake.ephemerals('UDAVE'), dmFilesText(h, 'UDAVE'), homeText(h, 'UDAVE')]);
    expect(h.fake.ephemerals('UDAVE').length).toBeGreaterThan(0);
    expect(dave).not.toContain('UALICE on');
    expect(dave).not.toContain('ARCHWORDS');
    expect(channelText(h, 'CTEAM')).not.toContain('ARCHWORDS');
    // A member still reads the history.
    expect(JSON.stringify(h.fake.ephemerals('UBOB'))).toContain('Core team: version 1');
  });

  // ---- edit keys -----------------------------------------------------------------------------

  it('Bob’s edit key replayed by Alice shows and changes nothing of Bob’s answer', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.anonymous]: ['anonymous'], [SETUP_BLOCKS.threshold]: '3' });
    await h.tickAt(FIRST_WEEK.pulse);
    await checkInWith(h, 'UBOB', 1, { [CHECKIN_BLOCKS.working]: 'BOBANONSECRET' });
    await checkInWith(h, 'UALICE', 5, { [CHECKIN_BLOCKS.working]: 'ALICEWORDS' });
    const bobEdit = dmsWith(h, 'UBOB', ACTIONS.editCheckIn).at(-1)!;
    expect(bobEdit).toBeDefined();
    // Bob himself sees his answer through it (sanity).
    await press(h, 'UBOB', bobEdit, ACTIONS.editCheckIn);
    expect(JSON.stringify(h.fake.openViews('UBOB'))).toContain('BOBANONSECRET');
    h.fake.clearViews('UBOB');
    // Alice replays the same button (same value) from her own DM.
    const forged = h.fake.addMessage({
      channel: h.fake.dmChannelId('UALICE'),
      user: bobEdit.user,
      text: 'forged',
      blocks: bobEdit.blocks,
    });
    h.fake.clearViews('UALICE');
    await h.slack.clickButton({
      userId: 'UALICE',
      channelId: h.fake.dmChannelId('UALICE'),
      ts: forged.ts,
      actionId: ACTIONS.editCheckIn,
    });
    const aliceSaw = JSON.stringify([h.fake.openViews('UALICE'), h.fake.ephemerals('UALICE')]);
    expect(aliceSaw, 'Alice sees Bob’s answer via his key').not.toContain('BOBANONSECRET');
    if (h.fake.topView('UALICE')) {
      await h.slack.submitView({
        userId: 'UALICE',
        values: {
          [CHECKIN_BLOCKS.rating('atmosphere')]: '5',
          [CHECKIN_BLOCKS.rating('co_responsibility')]: '5',
          [CHECKIN_BLOCKS.rating('behavior')]: '5',
          [CHECKIN_BLOCKS.rating('overall')]: '5',
          [CHECKIN_BLOCKS.commitment('co_responsibility.count_on')]: 'kept',
          [CHECKIN_BLOCKS.commitment('co_responsibility.commit')]: 'kept',
          [CHECKIN_BLOCKS.working]: 'ALICEOVERWROTE',
        },
      });
    }
    await checkInWith(h, 'UCAROL', 3, { [CHECKIN_BLOCKS.working]: 'CAROLWORDS' });
    await h.tickAt(FIRST_WEEK.close);
    const results = JSON.stringify(h.app.store.pulses.all(alliance.id)[0]?.results);
    expect(results).toContain('CAROLWORDS');
    expect(results, 'Bob’s answer still his').toContain('BOBANONSECRET');
    expect(results, 'Alice overwrote Bob’s answer').not.toContain('ALICEOVERWROTE');
  });

  // ---- members-only design round --------------------------------------------------------------

  it('members-only renegotiation: the channel sees no draft answers and no names of who answered', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.visibility]: 'members' });
    await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'renegotiate MORENEGREASON words' });
    expect(channelText(h, 'CTEAM'), 'members-only renegotiation reason in channel').not.toContain('MORENEGREASON');
    // The channel hears that the agreement is being renegotiated; each member has the reason by DM.
    expect(channelText(h, 'CTEAM')).toContain('is being renegotiated by its members');
    for (const userId of TEAM_MEMBERS)
      expect(JSON.stringify(h.fake.messages(userId)), userId).toContain('MORENEGREASON');
    const channelBefore = h.fake.messages('CTEAM').map((m) => m.ts);
    await answerRound(h, 'UBOB', ' BOBDRAFT5');
    // Alice opens her answers: does she see Bob's before compile?
    const button = [...h.fake.messages('UALICE'), ...h.fake.messages('CTEAM')]
      .filter((m) => hasAction(m, ACTIONS.addAnswers))
      .at(-1)!;
    h.fake.clearViews('UALICE');
    await press(h, 'UALICE', button, ACTIONS.addAnswers);
    const aliceView = JSON.stringify(h.fake.openViews('UALICE'));
    expect(aliceView).toContain('UALICE on');
    expect(aliceView, 'Alice sees Bob’s draft before compile').not.toContain('BOBDRAFT5');
    await h.slack.closeView({ userId: 'UALICE' });
    const channel = channelText(h, 'CTEAM');
    expect(h.fake.messages('CTEAM').length).toBeGreaterThan(0);
    expect(channel).not.toContain('BOBDRAFT5');
    // Messages posted or re-rendered since the round opened: who answered is not for the channel.
    const touched = h.fake
      .messages('CTEAM')
      .filter((m) => !channelBefore.includes(m.ts) || m.edited)
      .map((m) => JSON.stringify([m.text, m.blocks]))
      .join('\n');
    expect(touched, 'names who answered in channel').not.toContain('<@UBOB>');
    for (const u of ['UALICE', 'UCAROL', 'UERIN']) await answerRound(h, u, ' v2');
    expect(h.app.store.agreements.proposedVersion(alliance.id)?.number).toBe(2);
    expect(channelText(h, 'CTEAM')).not.toContain('BOBDRAFT5');
  });

  // ---- declined privacy change ----------------------------------------------------------------

  it('anonymity off declined by one member: nothing changes, earlier anonymous pulse stays anonymous', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.anonymous]: ['anonymous'], [SETUP_BLOCKS.threshold]: '3' });
    await h.tickAt(FIRST_WEEK.pulse);
    await checkInWith(h, 'UALICE', 3, { [CHECKIN_BLOCKS.working]: 'ANON6 A' });
    await checkInWith(h, 'UBOB', 3, { [CHECKIN_BLOCKS.working]: 'ANON6 B' });
    await checkInWith(h, 'UCAROL', 3);
    await h.tickAt(FIRST_WEEK.close);
    await submitSettings(h, 'UALICE', 'CTEAM', { [SETUP_BLOCKS.anonymous]: [] });
    const proposal = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.agreePrivacyChange))!;
    expect(proposal).toBeDefined();
    await h.slack.clickButton({
      userId: 'UBOB',
      channelId: 'CTEAM',
      ts: proposal.ts,
      actionId: ACTIONS.agreePrivacyChange,
    });
    await h.slack.clickButton({ userId: 'UCAROL', channelId: 'CTEAM', ts: proposal.ts, actionId: ACTIONS.keepPrivacy });
    // Erin tries to agree after the decline.
    try {
      await h.slack.clickButton({
        userId: 'UERIN',
        channelId: 'CTEAM',
        ts: proposal.ts,
        actionId: ACTIONS.agreePrivacyChange,
      });
    } catch (e) {
      if (!String(e).includes('impossible for a real user')) throw e;
    }
    expect(h.app.store.alliances.get(alliance.id)?.settings.anonymous).toBe(true);
    await h.tickAt(FIRST_WEEK.digest);
    await h.tickAt(daysAfter(FIRST_WEEK.pulse, 7));
    const second = h.app.store.pulses.openPulse(alliance.id);
    expect(second?.anonymous, 'next pulse anonymous').toBe(true);
    for (const u of ['UBOB', 'UDAVE']) await h.slack.command({ userId: u, channelId: 'CTEAM', text: 'digest' });
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'export' });
    await openHomeOf(h, 'UBOB');
    const everywhere = JSON.stringify([
      channelText(h, 'CTEAM'),
      h.fake.ephemerals(),
      dmFilesText(h, 'UBOB'),
      homeText(h, 'UBOB'),
    ]);
    expect(everywhere).toMatch(/How we're doing/);
    expect(everywhere).not.toContain('ANON6');
  });
});
