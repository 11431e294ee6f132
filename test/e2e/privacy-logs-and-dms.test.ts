import { afterEach, describe, expect, it } from 'vitest';
import type { Alliance } from '../../src/domain/alliance.js';
import { ACTIONS, CHECKIN_BLOCKS, PROPOSE_BLOCKS, RESERVATION_BLOCKS, SETUP_BLOCKS } from '../../src/slack/ids.js';
import type { Harness } from '../support/boot.js';
import {
  activateTeam,
  answerRound,
  bootTeam,
  channelText,
  checkInWith,
  daysAfter,
  dmsWith,
  FIRST_WEEK,
  hasAction,
  homeText,
  joinAndAdmit,
  openHomeOf,
  press,
  submitSettings,
  TEAM_MEMBERS,
} from '../support/flows.js';

/**
 * What leaves Alliance besides its answers to people: its logs (no typed words, nothing tying a
 * member to an anonymous answer, also when Slack fails), DMs after someone left, a members-only
 * alliance's newcomers and unreachable members, a digest posted on demand, and proposals to weaken
 * privacy.
 */

describe('privacy of logs, DMs and posts on demand', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function bootOnly() {
    h = await bootTeam({ others: ['UDAVE', 'UOUT'], inChannel: ['UDAVE'] });
  }

  async function boot(setup: Record<string, unknown> = {}, signals: Record<string, unknown> = {}): Promise<Alliance> {
    await bootOnly();
    return activateTeam(h, setup, signals);
  }

  async function tryClick(input: Parameters<Harness['slack']['clickButton']>[0]) {
    try {
      await h.slack.clickButton(input);
    } catch (e) {
      if (!String(e).includes('impossible for a real user')) throw e;
    }
  }

  async function leave(userId: string) {
    await h.slack.command({ userId, channelId: 'CTEAM', text: 'leave' });
    const left = await h.slack.submitView({ userId, values: {} });
    expect(left.outcome).toBe('updated');
  }

  async function agreeToPrivacyChange(users: string[]) {
    const proposal = h.fake
      .messages('CTEAM')
      .filter((m) => hasAction(m, ACTIONS.agreePrivacyChange))
      .at(-1)!;
    expect(proposal).toBeDefined();
    for (const userId of users)
      await tryClick({ userId, channelId: 'CTEAM', ts: proposal.ts, actionId: ACTIONS.agreePrivacyChange });
    return proposal;
  }

  // ---- 1: logs ----------------------------------------------------------------------------------

  it('nothing typed, and nothing tying a user to an anonymous answer, reaches the logs', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.anonymous]: ['anonymous'], [SETUP_BLOCKS.threshold]: '3' });
    // Renegotiation: reason, design answers, a reservation.
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'renegotiate LOGRENEGWORD because' });
    for (const u of TEAM_MEMBERS) await answerRound(h, u, ' LOGDESIGNWORD');
    const v2 = h.app.store.agreements.proposedVersion(alliance.id)!;
    expect(v2.number).toBe(2);
    const v2post = h.app.store.agreements.posts(v2.id).find((p) => p.part === 0)!;
    await h.slack.clickButton({
      userId: 'UCAROL',
      channelId: v2post.channelId,
      ts: v2post.ts,
      actionId: ACTIONS.reservations,
    });
    await h.slack.submitView({
      userId: 'UCAROL',
      values: { [RESERVATION_BLOCKS.concern]: 'LOGRESERVWORD concern', [RESERVATION_BLOCKS.watch]: 'LOGWATCHWORD' },
    });
    for (const u of TEAM_MEMBERS)
      await tryClick({ userId: u, channelId: v2post.channelId, ts: v2post.ts, actionId: ACTIONS.agree });

    const reservationAnswers = () =>
      Object.fromEntries(
        h.app.store.agreements.reservations(alliance.id, 'open').map((r) => [CHECKIN_BLOCKS.reservation(r.id), 'yes']),
      );
    expect(Object.keys(reservationAnswers())).toHaveLength(1);
    // Anonymous pulse.
    await h.tickAt(FIRST_WEEK.pulse);
    const anonFrom = h.logs.length;
    for (const [i, u] of TEAM_MEMBERS.entries()) {
      await checkInWith(h, u, 2 + (i % 3), {
        [CHECKIN_BLOCKS.working]: `LOGANONWORD working ${i}`,
        [CHECKIN_BLOCKS.atRisk]: `LOGANONRISK ${i}`,
        [CHECKIN_BLOCKS.renegotiate]: ['yes'],
        [CHECKIN_BLOCKS.reason]: `LOGANONREASON ${i}`,
        ...reservationAnswers(),
      });
    }
    // Bob edits his anonymous answer.
    const bobEdit = dmsWith(h, 'UBOB', ACTIONS.editCheckIn).at(-1)!;
    await press(h, 'UBOB', bobEdit, ACTIONS.editCheckIn);
    await h.slack.closeView({ userId: 'UBOB' });
    const anonLines = h.logs.slice(anonFrom);
    await h.tickAt(FIRST_WEEK.remind);
    await h.tickAt(FIRST_WEEK.close);
    await h.tickAt(FIRST_WEEK.digest);

    // Privacy change: anonymity off, everyone agrees.
    await submitSettings(h, 'UALICE', 'CTEAM', { [SETUP_BLOCKS.anonymous]: [] });
    await agreeToPrivacyChange(['UBOB', 'UCAROL', 'UERIN']);
    expect(h.app.store.alliances.get(alliance.id)?.settings.anonymous).toBe(false);

    // Named pulse.
    await h.tickAt(daysAfter(FIRST_WEEK.pulse, 7));
    for (const [i, u] of TEAM_MEMBERS.entries()) {
      await checkInWith(h, u, 3, {
        [CHECKIN_BLOCKS.working]: `LOGNAMEDWORD ${i}`,
        [CHECKIN_BLOCKS.renegotiate]: ['yes'],
        [CHECKIN_BLOCKS.reason]: `LOGNAMEDREASON ${i}`,
        ...reservationAnswers(),
      });
    }
    await h.tickAt(daysAfter(FIRST_WEEK.close, 7));
    await h.tickAt(daysAfter(FIRST_WEEK.digest, 7));
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'digest' });
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'export' });
    await openHomeOf(h, 'UBOB');

    // Forget me.
    await h.slack.command({ userId: 'UERIN', channelId: 'CTEAM', text: 'forget me' });
    expect((await h.slack.submitView({ userId: 'UERIN', values: {} })).outcome).toBe('updated');

    // Positive: the words did go where they belong.
    expect(channelText(h, 'CTEAM')).toContain('LOGNAMEDWORD');
    expect(h.logs.length).toBeGreaterThan(0);

    const all = h.logs.join('\n');
    for (const word of [
      'LOGRENEGWORD',
      'LOGDESIGNWORD',
      'LOGRESERVWORD',
      'LOGWATCHWORD',
      'LOGANONWORD',
      'LOGANONRISK',
      'LOGANONREASON',
      'LOGNAMEDWORD',
      'LOGNAMEDREASON',
    ]) {
      const line = h.logs.find((l) => l.includes(word));
      expect(line, `log line carries ${word}`).toBeUndefined();
    }
    expect(all).not.toContain(h.signingSecret);
    // Nothing that ties a user to answering the anonymous pulse.
    const tying = anonLines.filter((l) => TEAM_MEMBERS.some((u) => l.includes(u)));
    expect(tying, 'log lines naming a member while they answered anonymously').toEqual([]);
  });

  it('with Slack failing mid-flow, warnings and errors still carry no words and no anonymous answerer', async () => {
    await boot({ [SETUP_BLOCKS.anonymous]: ['anonymous'], [SETUP_BLOCKS.threshold]: '3' });
    await h.tickAt(FIRST_WEEK.pulse);
    const from = h.logs.length;
    for (const [i, u] of TEAM_MEMBERS.entries()) {
      if (i === 2) {
        h.fake.failNext('*', { error: 'fatal_error' }, 3);
      }
      try {
        await checkInWith(h, u, 2 + (i % 3), {
          [CHECKIN_BLOCKS.working]: `FAILANONWORD ${i}`,
          [CHECKIN_BLOCKS.reason]: `FAILANONREASON ${i}`,
          [CHECKIN_BLOCKS.renegotiate]: ['yes'],
        });
      } catch {
        // a failed ack is fine here
      }
      h.fake.clearFailures();
    }
    h.fake.failNext('chat.postMessage', { error: 'fatal_error' }, 10);
    h.fake.failNext('chat.update', { error: 'fatal_error' }, 10);
    await h.tickAt(FIRST_WEEK.close);
    h.fake.clearFailures();
    await h.tickAt(FIRST_WEEK.digest);
    const lines = h.logs.slice(from);
    expect(lines.length, 'something was logged about the failures').toBeGreaterThan(0);
    for (const w of ['FAILANONWORD', 'FAILANONREASON']) expect(h.logs.find((l) => l.includes(w))).toBeUndefined();
    expect(lines.filter((l) => TEAM_MEMBERS.some((u) => l.includes(u)))).toEqual([]);
    expect(channelText(h, 'CTEAM')).toContain('How we');
  });

  // ---- 2: DMs after leaving ----------------------------------------------------------------------

  it('a member who left or was removed gets no reminder, invitation or content DM afterwards', async () => {
    const alliance = await boot();
    await h.tickAt(FIRST_WEEK.pulse);
    expect(dmsWith(h, 'UERIN', ACTIONS.checkIn)).toHaveLength(1);
    await leave('UERIN');
    await submitSettings(h, 'UALICE', 'CTEAM', { [SETUP_BLOCKS.members]: ['UALICE', 'UBOB'] });
    expect(h.app.store.alliances.members(alliance.id)).toEqual(['UALICE', 'UBOB']);
    const before = { UERIN: h.fake.messages('UERIN').length, UCAROL: -1 };
    // Carol was removed after Alice's submit: count her DMs now (a removal notice is fine).
    before.UCAROL = h.fake.messages('UCAROL').length;
    const carolRemovedNotice = h.fake.messages('UCAROL').slice(-1);

    await checkInWith(h, 'UALICE', 4, { [CHECKIN_BLOCKS.working]: 'AFTERLEAVE words' });
    await h.tickAt(FIRST_WEEK.remind);
    await h.tickAt(FIRST_WEEK.close);
    await h.tickAt(FIRST_WEEK.digest);
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'renegotiate AFTERLEAVE reason' });
    await h.tickAt(daysAfter(FIRST_WEEK.pulse, 7));
    await h.tickAt(daysAfter(FIRST_WEEK.remind, 7));
    await h.tickAt(daysAfter(FIRST_WEEK.close, 7));

    // Positive: Bob (silent) got his reminder, and the design invitation or announcement reached members.
    const bobDms = JSON.stringify(h.fake.messages('UBOB'));
    expect(bobDms).toContain('AFTERLEAVE reason');
    expect(h.fake.messages('UBOB').length).toBeGreaterThan(2);

    for (const u of ['UERIN', 'UCAROL'] as const) {
      const after = h.fake.messages(u).slice(before[u]);
      const shown = JSON.stringify(after.map((m) => [m.text, m.blocks]));
      expect(shown, `${u} DMs after leaving`).not.toContain('AFTERLEAVE');
      expect(
        after.filter((m) => hasAction(m, ACTIONS.checkIn) || hasAction(m, ACTIONS.addAnswers)),
        `${u} got a pulse or design button after leaving`,
      ).toEqual([]);
      expect(
        after.map((m) => m.text),
        `${u} got any DM after leaving`,
      ).toEqual([]);
    }
    void carolRemovedNotice;
  });

  // ---- 3: members-only newcomer proposal and unreachable member -----------------------------------

  it('members-only: a newcomer’s proposal text stays out of the channel', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.visibility]: 'members' });
    await joinAndAdmit(h, 'UDAVE', 'UCAROL');
    const welcome = dmsWith(h, 'UDAVE', ACTIONS.proposeChanges).at(-1)!;
    expect(welcome).toBeDefined();
    await press(h, 'UDAVE', welcome, ACTIONS.proposeChanges);
    await h.slack.submitView({ userId: 'UDAVE', values: { [PROPOSE_BLOCKS.text]: 'NEWCOMERPROPOSAL secret text' } });
    expect(h.app.store.alliances.isMember(alliance.id, 'UDAVE')).toBe(true);
    const channel = channelText(h, 'CTEAM');
    expect(channel, 'proposal text in members-only channel').not.toContain('NEWCOMERPROPOSAL');
    // Positive: a member reads it privately.
    const flag = h.fake
      .messages('CTEAM')
      .filter((m) => hasAction(m, ACTIONS.flagDetails))
      .at(-1);
    expect(flag, 'a flag with details in the channel').toBeDefined();
    h.fake.clearViews('UBOB');
    await h.slack.clickButton({ userId: 'UBOB', channelId: 'CTEAM', ts: flag!.ts, actionId: ACTIONS.flagDetails });
    expect(JSON.stringify(h.fake.openViews('UBOB'))).toContain('NEWCOMERPROPOSAL');
    // An outsider clicking the flag's details sees nothing.
    await tryClick({ userId: 'UOUT', channelId: 'CTEAM', ts: flag!.ts, actionId: ACTIONS.flagDetails });
    expect(JSON.stringify([h.fake.openViews('UOUT'), h.fake.ephemerals('UOUT')])).not.toContain('NEWCOMERPROPOSAL');
  });

  it('members-only: an unreachable member is reported to a member by DM, the channel hears nothing of content', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.visibility]: 'members' });
    await submitSettings(h, 'UALICE', 'CTEAM', { [SETUP_BLOCKS.members]: [...TEAM_MEMBERS, 'UDAVE'] });
    expect(h.app.store.alliances.members(alliance.id)).toContain('UDAVE');
    const channelBefore = h.fake.messages('CTEAM').length;
    h.fake.removeUser('UDAVE');
    await h.tickAt(FIRST_WEEK.pulse);
    for (const u of TEAM_MEMBERS) await checkInWith(h, u, 2, { [CHECKIN_BLOCKS.working]: `UNREACHWORDS ${u}` });
    await h.tickAt(FIRST_WEEK.close);
    await h.tickAt(FIRST_WEEK.digest);
    const reports = h.fake.messages('UALICE').filter((m) => m.text.includes("can't reach a member"));
    expect(reports).toHaveLength(1);
    expect(JSON.stringify(reports[0]!.blocks)).toContain('<@UDAVE>');
    const added = h.fake.messages('CTEAM').slice(channelBefore);
    const shown = JSON.stringify(added.map((m) => [m.text, m.blocks]));
    expect(shown).not.toContain('UNREACHWORDS');
    expect(shown, 'unreachable report in channel').not.toContain("can't reach");
    // Other members did not get the report.
    for (const u of ['UBOB', 'UCAROL', 'UERIN'])
      expect(JSON.stringify(h.fake.messages(u))).not.toContain("can't reach a member");
  });

  // ---- 4: /alliance digest post ---------------------------------------------------------------------

  it('/alliance digest post in a members-only alliance posts only that a digest is ready', async () => {
    await boot({ [SETUP_BLOCKS.visibility]: 'members' });
    await h.tickAt(FIRST_WEEK.pulse);
    for (const [i, u] of TEAM_MEMBERS.entries())
      await checkInWith(h, u, 1 + i, {
        [CHECKIN_BLOCKS.working]: `DIGMOWORD ${u}`,
        [CHECKIN_BLOCKS.renegotiate]: ['yes'],
        [CHECKIN_BLOCKS.reason]: `DIGMOREASON ${u}`,
      });
    await h.tickAt(FIRST_WEEK.close);
    const before = h.fake.messages('CTEAM').length;
    const filesBefore = h.fake.files().length;
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'digest post' });
    const added = h.fake.messages('CTEAM').slice(before);
    const shown = JSON.stringify(added.map((m) => [m.text, m.blocks]));
    expect(added.length).toBeGreaterThan(0);
    expect(shown).toContain('is ready');
    expect(shown).not.toContain('DIGMO');
    expect(shown).not.toMatch(/2\.5|of 4|4 of|answered/);
    expect(
      h.fake
        .files()
        .slice(filesBefore)
        .filter((f) => f.channel === 'CTEAM'),
    ).toEqual([]);
  });

  it('/alliance digest post after an anonymous pulse below the threshold shows no words, figures or chart values', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.anonymous]: ['anonymous'], [SETUP_BLOCKS.threshold]: '4' });
    expect(h.app.store.alliances.get(alliance.id)?.settings.anonymityThreshold).toBe(4);
    await h.tickAt(FIRST_WEEK.pulse);
    for (const [i, u] of ['UALICE', 'UBOB', 'UCAROL'].entries())
      await checkInWith(h, u, 1 + i * 2, {
        [CHECKIN_BLOCKS.working]: `DIGANONWORD ${i}`,
        [CHECKIN_BLOCKS.atRisk]: `DIGANONRISK ${i}`,
        [CHECKIN_BLOCKS.renegotiate]: i === 0 ? ['yes'] : [],
        [CHECKIN_BLOCKS.reason]: i === 0 ? 'DIGANONREASON' : '',
      });
    await h.tickAt(FIRST_WEEK.close);
    const before = h.fake.messages('CTEAM').length;
    const filesBefore = h.fake.files().length;
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'digest post' });
    const added = h.fake.messages('CTEAM').slice(before);
    const threads = h.fake.messages('CTEAM').filter((m) => m.thread_ts && added.some((a) => a.ts === m.thread_ts));
    const shown = JSON.stringify([...added, ...threads].map((m) => [m.text, m.blocks]));
    const files = h.fake.files().slice(filesBefore);
    expect(added.length, 'something was posted').toBeGreaterThan(0);
    expect(shown).not.toContain('DIGANON');
    // Ratings 1, 3, 5: the mean 3 (or its band) must not show.
    expect(shown).not.toMatch(/3\.0|3–3\.5|2\.5–3|Atmosphere\*: `[^·]/);
    expect(shown, 'count of those asking to renegotiate').not.toMatch(/One member asked|1 member/);
    for (const f of files) {
      const svgish = f.bytes?.toString('latin1') ?? '';
      expect(svgish).not.toContain('DIGANON');
    }
  });

  // ---- 5: privacy-change proposals ----------------------------------------------------------------

  it('a proposal to open a members-only alliance reveals nothing of its content, and a later member must agree too', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.visibility]: 'members' });
    await h.tickAt(FIRST_WEEK.pulse);
    for (const u of TEAM_MEMBERS) await checkInWith(h, u, 2, { [CHECKIN_BLOCKS.working]: `PRIVCHWORD ${u}` });
    await h.tickAt(FIRST_WEEK.close);
    await submitSettings(h, 'UALICE', 'CTEAM', { [SETUP_BLOCKS.visibility]: 'channel' });
    const proposal = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.agreePrivacyChange))!;
    expect(proposal).toBeDefined();
    const msg = JSON.stringify([proposal.text, proposal.blocks]);
    expect(msg).not.toContain('PRIVCHWORD');
    expect(msg, 'agreement text in the proposal').not.toContain('UALICE on');
    expect(msg).toMatch(/channel/i);
    // Dave joins the alliance after the proposal was made.
    await submitSettings(h, 'UBOB', 'CTEAM', { [SETUP_BLOCKS.members]: [...TEAM_MEMBERS, 'UDAVE'] });
    expect(h.app.store.alliances.members(alliance.id)).toContain('UDAVE');
    await agreeToPrivacyChange(['UBOB', 'UCAROL', 'UERIN']);
    expect(
      h.app.store.alliances.get(alliance.id)?.settings.visibility,
      'applied without the newer member agreeing',
    ).toBe('members');
    await openHomeOf(h, 'UDAVE');
    const daveSaw = JSON.stringify([h.fake.messages('UDAVE'), homeText(h, 'UDAVE'), h.fake.ephemerals('UDAVE')]);
    expect(daveSaw).not.toContain('PRIVCHWORD');
    // The re-rendered proposal still reveals nothing.
    const now = h.fake.message('CTEAM', proposal.ts)!;
    expect(JSON.stringify([now.text, now.blocks])).not.toContain('PRIVCHWORD');
    expect(JSON.stringify(now.blocks)).toContain('<@UDAVE>');
    await agreeToPrivacyChange(['UDAVE']);
    expect(h.app.store.alliances.get(alliance.id)?.settings.visibility).toBe('channel');
    // Opening up reaches only what comes next.
    await h.tickAt(FIRST_WEEK.digest);
    expect(channelText(h, 'CTEAM')).not.toContain('PRIVCHWORD');
  });
});
