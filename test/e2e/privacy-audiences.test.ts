import { afterEach, describe, expect, it } from 'vitest';
import type { Alliance } from '../../src/domain/alliance.js';
import { ACTIONS, CHECKIN_BLOCKS, SETUP_BLOCKS, SIGNAL_BLOCKS } from '../../src/slack/ids.js';
import type { Harness } from '../support/boot.js';
import {
  activateAlliance,
  activateTeam,
  answerRound,
  bootTeam,
  channelText,
  checkInWith,
  dmFilesText,
  dmsWith,
  FIRST_WEEK,
  hasAction,
  homeText,
  joinAndAdmit,
  openHomeOf,
  submitSettings,
  TEAM_MEMBERS,
} from '../support/flows.js';

/**
 * Each audience sees only what the rules let it: a member who left, an admitted newcomer who has not
 * committed, an outsider in the channel, a member of another alliance, and the channel after an
 * alliance opened up. Every promise is checked through every surface that could break it: the
 * channel, private digests, flag details, App Home, `/alliance show` and `/alliance export`.
 */

describe('what each audience may see', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function bootOnly() {
    h = await bootTeam({
      others: ['UDAVE', 'UOUT', 'UFRANK', 'UHANK'],
      inChannel: ['UDAVE'],
      arrange: (fake) =>
        fake.addChannel({ id: 'COTHER', name: 'other', members: ['UALICE', 'UFRANK', 'UHANK'], botIsMember: true }),
    });
  }

  async function boot(setup: Record<string, unknown> = {}, signals: Record<string, unknown> = {}): Promise<Alliance> {
    await bootOnly();
    return activateTeam(h, setup, signals);
  }

  /** Members-only → channel, with every current member's agreement. */
  async function openToChannel(alliance: Alliance, members = TEAM_MEMBERS) {
    await submitSettings(h, members[0]!, 'CTEAM', { [SETUP_BLOCKS.visibility]: 'channel' });
    const proposal = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.agreePrivacyChange))!;
    for (const userId of members.slice(1)) {
      await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: proposal.ts, actionId: ACTIONS.agreePrivacyChange });
    }
    expect(h.app.store.alliances.get(alliance.id)?.settings.visibility).toBe('channel');
  }

  /** A click that a real user could not make (the button is gone) is no leak: skipped. */
  async function tryClick(input: Parameters<Harness['slack']['clickButton']>[0]) {
    try {
      await h.slack.clickButton(input);
    } catch (e) {
      if (!String(e).includes('impossible for a real user')) throw e;
    }
  }

  async function leave(userId: string, channelId = 'CTEAM') {
    await h.slack.command({ userId, channelId, text: 'leave' });
    const left = await h.slack.submitView({ userId, values: {} });
    expect(left.outcome).toBe('updated');
  }

  // ---- 1 + 3: a member who left, holding old buttons ----------------------------------------------

  it('a member who left a members-only alliance sees no comment, reason or evidence through old buttons, commands, Home or export', async () => {
    const alliance = await boot(
      { [SETUP_BLOCKS.visibility]: 'members' },
      { [SIGNAL_BLOCKS.lowThreshold]: '4', [SIGNAL_BLOCKS.lowPulses]: '1' },
    );
    await h.tickAt(FIRST_WEEK.pulse);
    // Erin answers, then leaves while the pulse is open.
    const erinInvite = { ...dmsWith(h, 'UERIN', ACTIONS.checkIn).at(-1)! };
    await checkInWith(h, 'UERIN', 2, { [CHECKIN_BLOCKS.working]: 'Erin own words' });
    const erinEdit = dmsWith(h, 'UERIN', ACTIONS.editCheckIn).at(-1);
    await leave('UERIN');
    expect(h.app.store.alliances.membershipOf(alliance.id, 'UERIN')).toBe('former');
    for (const [i, userId] of ['UALICE', 'UBOB', 'UCAROL'].entries()) {
      await checkInWith(h, userId, 2, {
        [CHECKIN_BLOCKS.working]: `Secret comment ${i}`,
        [CHECKIN_BLOCKS.atRisk]: `Secret risk ${i}`,
        [CHECKIN_BLOCKS.renegotiate]: ['yes'],
        [CHECKIN_BLOCKS.reason]: `Secret reason ${i}`,
      });
    }
    await h.tickAt(FIRST_WEEK.close);
    await h.tickAt(FIRST_WEEK.digest);
    const flags = h.fake.messages('CTEAM').filter((m) => hasAction(m, ACTIONS.flagDetails));
    const digest = h.fake.messages('CTEAM').filter((m) => hasAction(m, ACTIONS.viewDigest));
    expect(flags.length).toBeGreaterThan(0);
    expect(digest.length).toBeGreaterThan(0);
    // A member does see them (sanity).
    await h.slack.clickButton({
      userId: 'UBOB',
      channelId: 'CTEAM',
      ts: flags.at(-1)!.ts,
      actionId: ACTIONS.flagDetails,
    });
    const bobDigest = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.viewDigest))!;
    await h.slack.clickButton({ userId: 'UBOB', channelId: 'CTEAM', ts: bobDigest.ts, actionId: ACTIONS.viewDigest });
    expect(JSON.stringify(h.fake.openViews('UBOB'))).toContain('Secret');

    const erinMessagesBefore = h.fake.messages('UERIN').length;
    h.fake.clearViews('UERIN');
    for (const flag of flags) {
      await tryClick({ userId: 'UERIN', channelId: 'CTEAM', ts: flag.ts, actionId: ACTIONS.flagDetails });
    }
    for (const d of digest) {
      await tryClick({ userId: 'UERIN', channelId: 'CTEAM', ts: d.ts, actionId: ACTIONS.viewDigest });
    }
    await tryClick({
      userId: 'UERIN',
      channelId: erinInvite.channel,
      ts: erinInvite.ts,
      actionId: ACTIONS.checkIn,
    });
    if (erinEdit) {
      await tryClick({
        userId: 'UERIN',
        channelId: erinEdit.channel,
        ts: erinEdit.ts,
        actionId: ACTIONS.editCheckIn,
      });
    }
    for (const text of ['show', 'show v1', 'digest', 'checkin', 'export']) {
      await h.slack.command({ userId: 'UERIN', channelId: 'CTEAM', text });
    }
    await openHomeOf(h, 'UERIN');
    const erinSaw = JSON.stringify([
      h.fake.ephemerals('UERIN'),
      h.fake.openViews('UERIN'),
      h.fake.messages('UERIN').slice(erinMessagesBefore),
      h.fake.homeView('UERIN')?.blocks ?? [],
      dmFilesText(h, 'UERIN'),
    ]);
    for (const secret of ['Secret comment', 'Secret risk', 'Secret reason']) expect(erinSaw).not.toContain(secret);
    // Her export holds no pulse that closed after she left, nor its figures.
    const exported = dmFilesText(h, 'UERIN');
    expect(exported).not.toMatch(/"averages"/);
    // App Home of a former member: the alliance is no longer listed as hers.
    expect(homeText(h, 'UERIN')).not.toContain('Core team');
  });

  // ---- 2: anonymous pulses, threshold - 1 commenters ----------------------------------------------

  it('an anonymous pulse with threshold-1 commenters shows no comment anywhere, and no count from fewer people than the threshold', async () => {
    await boot({ [SETUP_BLOCKS.anonymous]: ['anonymous'], [SETUP_BLOCKS.threshold]: '3' });
    await h.tickAt(FIRST_WEEK.pulse);
    // Two commenters (threshold - 1); Alice marks both commitments at risk, Bob one: 3 checks from 2 people.
    await checkInWith(h, 'UALICE', 4, {
      [CHECKIN_BLOCKS.working]: 'Anon working A',
      [CHECKIN_BLOCKS.atRisk]: 'Anon risk A',
      [CHECKIN_BLOCKS.commitment('co_responsibility.count_on')]: 'at_risk',
      [CHECKIN_BLOCKS.commitment('co_responsibility.commit')]: 'need_help',
    });
    await checkInWith(h, 'UBOB', 4, {
      [CHECKIN_BLOCKS.working]: 'Anon working B',
      [CHECKIN_BLOCKS.atRisk]: 'Anon risk B',
      [CHECKIN_BLOCKS.commitment('co_responsibility.count_on')]: 'at_risk',
    });
    await checkInWith(h, 'UCAROL', 4);
    await checkInWith(h, 'UERIN', 4);
    await h.tickAt(FIRST_WEEK.close);
    await h.tickAt(FIRST_WEEK.digest);
    await h.slack.command({ userId: 'UCAROL', channelId: 'CTEAM', text: 'digest' });
    await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text: 'digest' });
    await h.slack.command({ userId: 'UCAROL', channelId: 'CTEAM', text: 'export' });
    for (const u of ['UCAROL', 'UDAVE']) await openHomeOf(h, u);
    const everywhere = JSON.stringify([
      channelText(h, 'CTEAM'),
      h.fake.ephemerals(),
      dmFilesText(h, 'UCAROL'),
      homeText(h, 'UCAROL'),
      homeText(h, 'UDAVE'),
      TEAM_MEMBERS.map((u) => h.fake.messages(u)),
    ]);
    for (const secret of ['Anon working A', 'Anon working B', 'Anon risk A', 'Anon risk B']) {
      expect(everywhere).not.toContain(secret);
    }
    // "Commitments at risk or needing help: 3" would describe Alice and Bob, two people, under a threshold of 3.
    const digestText = channelText(h, 'CTEAM') + JSON.stringify(h.fake.ephemerals('UCAROL'));
    expect(digestText).not.toMatch(/Commitments at risk or needing help:\*\s*\d/);
    expect(digestText).toMatch(/How we're doing/);
  });

  it('turning anonymity off later (everyone agrees) exposes no comment of the earlier anonymous pulse', async () => {
    await boot({ [SETUP_BLOCKS.anonymous]: ['anonymous'], [SETUP_BLOCKS.threshold]: '3' });
    await h.tickAt(FIRST_WEEK.pulse);
    await checkInWith(h, 'UALICE', 3, { [CHECKIN_BLOCKS.working]: 'Anon early A' });
    await checkInWith(h, 'UBOB', 3, { [CHECKIN_BLOCKS.working]: 'Anon early B' });
    await checkInWith(h, 'UCAROL', 3);
    await h.tickAt(FIRST_WEEK.close);
    await submitSettings(h, 'UALICE', 'CTEAM', { [SETUP_BLOCKS.anonymous]: [] });
    const proposal = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.agreePrivacyChange));
    if (proposal) {
      for (const userId of TEAM_MEMBERS.slice(1)) {
        await tryClick({ userId, channelId: 'CTEAM', ts: proposal.ts, actionId: ACTIONS.agreePrivacyChange });
      }
    }
    const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM')!;
    expect(alliance.settings.anonymous).toBe(false);
    await h.tickAt(FIRST_WEEK.digest);
    for (const u of ['UBOB', 'UDAVE']) await h.slack.command({ userId: u, channelId: 'CTEAM', text: 'digest' });
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'export' });
    await openHomeOf(h, 'UBOB');
    const everywhere = JSON.stringify([
      channelText(h, 'CTEAM'),
      h.fake.ephemerals(),
      dmFilesText(h, 'UBOB'),
      homeText(h, 'UBOB'),
    ]);
    expect(everywhere).not.toContain('Anon early');
  });

  // ---- 4: show / digest by outsider and former member; celebration from members-only pulses -------

  it('after members-only → channel, an outsider’s /alliance digest and the channel digest reveal nothing of a members-only pulse (not even a celebration), and v1 stays with the members', async () => {
    const alliance = await boot(
      { [SETUP_BLOCKS.visibility]: 'members' },
      {
        [SIGNAL_BLOCKS.celebrationKind]: 'aspects_at_least',
        [SIGNAL_BLOCKS.celebrationThreshold]: '4',
        [SIGNAL_BLOCKS.celebrationPulses]: '1',
      },
    );
    expect(h.app.store.alliances.get(alliance.id)?.settings.celebration).toMatchObject({ pulses: 1, threshold: 4 });
    await h.tickAt(FIRST_WEEK.pulse);
    for (const userId of TEAM_MEMBERS)
      await checkInWith(h, userId, 5, { [CHECKIN_BLOCKS.working]: `MO comment ${userId}` });
    await h.tickAt(FIRST_WEEK.close);
    await openToChannel(alliance);
    // Erin leaves; Dave was never a member.
    await leave('UERIN');
    for (const userId of ['UDAVE', 'UERIN']) {
      await h.slack.command({ userId, channelId: 'CTEAM', text: 'show v1' });
      await h.slack.command({ userId, channelId: 'CTEAM', text: 'show' });
      await h.slack.command({ userId, channelId: 'CTEAM', text: 'digest' });
    }
    const outsiders = JSON.stringify([h.fake.ephemerals('UDAVE'), h.fake.ephemerals('UERIN')]);
    expect(outsiders).not.toContain('UALICE on atmosphere');
    expect(outsiders).not.toContain('MO comment');
    expect.soft(outsiders).not.toContain('celebrate');
    expect.soft(outsiders).not.toMatch(/4 of 4|4\/4/);
    await h.tickAt(FIRST_WEEK.digest);
    const channel = channelText(h, 'CTEAM');
    expect(channel).not.toContain('MO comment');
    expect.soft(channel).not.toContain('Time to celebrate');
    // The digest was posted, and the members still get their celebration privately.
    expect(channel).toMatch(/How we're doing/);
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'digest' });
    expect(JSON.stringify(h.fake.ephemerals('UBOB'))).toContain('celebrate');
  });

  // ---- 5: App Home across two alliances ------------------------------------------------------------

  it('App Home and export: a members-only alliance shows nothing to its channel’s non-members or to members of another alliance', async () => {
    await boot();
    // A second, members-only alliance in #other (1-1 template, so its words differ), Alice and Frank.
    const other = await activateAlliance(h, {
      channelId: 'COTHER',
      starter: 'UALICE',
      members: ['UALICE', 'UFRANK'],
      name: 'Hidden pair',
      templateId: 'one_on_one',
      setup: { [SETUP_BLOCKS.visibility]: 'members' },
    });
    expect(other.settings.visibility).toBe('members');
    await h.tickAt(FIRST_WEEK.pulse);
    for (const u of ['UALICE', 'UBOB', 'UFRANK', 'UHANK', 'UDAVE']) await openHomeOf(h, u);
    expect(homeText(h, 'UALICE')).toContain('Hidden pair');
    expect(homeText(h, 'UFRANK')).toContain('Hidden pair');
    for (const u of ['UBOB', 'UHANK', 'UDAVE']) expect(homeText(h, u), u).not.toContain('Hidden pair');
    expect(homeText(h, 'UFRANK')).not.toContain('Core team');
    await h.slack.command({ userId: 'UFRANK', channelId: 'COTHER', text: 'export' });
    await h.slack.command({ userId: 'UHANK', channelId: 'COTHER', text: 'export' });
    expect(dmFilesText(h, 'UFRANK')).not.toContain('on atmosphere');
    expect(dmFilesText(h, 'UFRANK')).not.toContain('Core team');
    expect(dmFilesText(h, 'UHANK')).not.toContain('Hidden pair');
    expect(dmFilesText(h, 'UHANK')).not.toContain('UALICE on');
  });

  // ---- 6: the admitted newcomer ----------------------------------------------------------------------

  it('an admitted newcomer reads the version in effect only: no proposed draft, no digest, no flag evidence', async () => {
    const alliance = await boot(
      { [SETUP_BLOCKS.visibility]: 'members' },
      { [SIGNAL_BLOCKS.lowThreshold]: '4', [SIGNAL_BLOCKS.lowPulses]: '1' },
    );
    await h.tickAt(FIRST_WEEK.pulse);
    for (const [i, userId] of TEAM_MEMBERS.entries()) {
      await checkInWith(h, userId, 2, {
        [CHECKIN_BLOCKS.working]: `Pre-commit comment ${i}`,
        [CHECKIN_BLOCKS.renegotiate]: ['yes'],
        [CHECKIN_BLOCKS.reason]: `Pre-commit reason ${i}`,
      });
    }
    await h.tickAt(FIRST_WEEK.close);
    await h.tickAt(FIRST_WEEK.digest);
    // A renegotiation: every member answers again with new words; version 2 is proposed.
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'renegotiate' });
    const round = h.app.store.design.currentOpenRound(alliance.id);
    expect(round).toBeDefined();
    for (const userId of TEAM_MEMBERS) await answerRound(h, userId, ' DRAFT-V2');
    const proposed = h.app.store.agreements.proposedVersion(alliance.id);
    expect(proposed?.number).toBe(2);

    // UOUT joins the channel, asks to join, Carol admits.
    h.fake.setChannelMembers('CTEAM', [...TEAM_MEMBERS, 'UDAVE', 'UOUT'], { botIsMember: true });
    await joinAndAdmit(h, 'UOUT', 'UCAROL');
    expect(h.app.store.admissions.get(alliance.id, 'UOUT')?.status).toBe('admitted');
    const welcome = dmsWith(h, 'UOUT', ACTIONS.commit);
    expect(welcome.length).toBeGreaterThan(0);
    expect(JSON.stringify(welcome)).toContain('UALICE on atmosphere');

    h.fake.clearViews('UOUT');
    for (const text of ['show', 'show v2', 'digest', 'checkin', 'export']) {
      await h.slack.command({ userId: 'UOUT', channelId: 'CTEAM', text });
    }
    for (const m of h.fake.messages('CTEAM').filter((x) => hasAction(x, ACTIONS.flagDetails))) {
      await h.slack.clickButton({ userId: 'UOUT', channelId: 'CTEAM', ts: m.ts, actionId: ACTIONS.flagDetails });
    }
    for (const m of h.fake.messages('CTEAM').filter((x) => hasAction(x, ACTIONS.viewDigest))) {
      await h.slack.clickButton({ userId: 'UOUT', channelId: 'CTEAM', ts: m.ts, actionId: ACTIONS.viewDigest });
    }
    await openHomeOf(h, 'UOUT');
    const saw = JSON.stringify([
      h.fake.ephemerals('UOUT'),
      h.fake.openViews('UOUT'),
      h.fake.messages('UOUT'),
      homeText(h, 'UOUT'),
      dmFilesText(h, 'UOUT'),
    ]);
    expect(saw).not.toContain('Pre-commit comment');
    expect(saw).not.toContain('Pre-commit reason');
    expect(saw).not.toContain('DRAFT-V2');
    // `/alliance show` gives someone admitted the version in effect, not the proposal the members
    // have not agreed yet (its consent progress, who has not agreed).
    expect(JSON.stringify(h.fake.ephemerals('UOUT'))).not.toContain('Version 2* is waiting');
  });
  it('a former member re-admitted (not yet committed) gets no proposed draft through /alliance export', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.visibility]: 'members' });
    await leave('UERIN');
    const rest = ['UALICE', 'UBOB', 'UCAROL'];
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'renegotiate' });
    for (const userId of rest) await answerRound(h, userId, ' DRAFT-V2');
    expect(h.app.store.agreements.proposedVersion(alliance.id)?.number).toBe(2);
    // Erin asks to join again; Carol admits her; she has not committed yet.
    await joinAndAdmit(h, 'UERIN', 'UCAROL');
    expect(h.app.store.admissions.get(alliance.id, 'UERIN')?.status).toBe('admitted');
    await h.slack.command({ userId: 'UERIN', channelId: 'CTEAM', text: 'export' });
    await h.slack.command({ userId: 'UERIN', channelId: 'CTEAM', text: 'show v2' });
    expect(dmFilesText(h, 'UERIN')).not.toContain('DRAFT-V2');
    expect(JSON.stringify(h.fake.ephemerals('UERIN'))).not.toContain('DRAFT-V2');
    // What she may read is there: the version in effect, in the export and with /alliance show.
    expect(dmFilesText(h, 'UERIN')).toContain('Version 1');
    await h.slack.command({ userId: 'UERIN', channelId: 'CTEAM', text: 'show' });
    expect(JSON.stringify(h.fake.ephemerals('UERIN').at(-1))).toContain('*Version 1* is in effect');
  });
});
