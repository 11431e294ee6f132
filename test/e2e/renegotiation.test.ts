import { afterEach, describe, expect, it } from 'vitest';
import { validateMessage } from '../../src/simulator/block-kit.js';
import {
  ACTIONS,
  CHECKIN_BLOCKS,
  PROPOSE_BLOCKS,
  promptBlockId,
  SETUP_BLOCKS,
  SIGNAL_BLOCKS,
  SNOOZE_BLOCKS,
  VIEWS,
} from '../../src/slack/ids.js';
import { bootAlliance, type Harness } from '../support/boot.js';
import { activateAlliance, dmsWith, hasAction, press, stepAnswers } from '../support/flows.js';

const MEMBERS = ['UALICE', 'UBOB', 'UCAROL'];
const DAY = 86_400_000;
// Weekly pulses on Thursdays 10:00 Berlin (09:00Z in winter), open 48 hours.
const pulseAt = (week: number) => new Date(Date.parse('2026-01-08T09:00:00Z') + week * 7 * DAY);
const closeAt = (week: number) => new Date(pulseAt(week).getTime() + 2 * DAY);

describe('renegotiation', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function boot(signals: string[]) {
    h = await bootAlliance({
      now: '2026-01-05T08:00:00Z',
      arrange: (fake) => {
        for (const id of [...MEMBERS, 'UDAVE', 'UERIN'])
          fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
        fake.addUser({ id: 'UHELPER', name: 'helper', isBot: true });
        fake.addChannel({ id: 'CTEAM', name: 'team', members: MEMBERS, botIsMember: true });
      },
    });
    return activateAlliance(h, {
      channelId: 'CTEAM',
      starter: 'UALICE',
      members: MEMBERS,
      signals: { [SIGNAL_BLOCKS.enabled]: signals },
    });
  }

  /** One whole pulse: opens, each listed member rates behaviour (others 4), closes. */
  async function runPulse(
    week: number,
    behavior: Record<string, number>,
    extra: Record<string, Record<string, unknown>> = {},
  ) {
    await h.tickAt(pulseAt(week));
    for (const [userId, rating] of Object.entries(behavior)) {
      const invite = dmsWith(h, userId, ACTIONS.checkIn).at(-1)!;
      await h.slack.clickButton({ userId, channelId: invite.channel, ts: invite.ts, actionId: ACTIONS.checkIn });
      const result = await h.slack.submitView({
        userId,
        values: {
          [CHECKIN_BLOCKS.rating('atmosphere')]: '4',
          [CHECKIN_BLOCKS.rating('co_responsibility')]: '4',
          [CHECKIN_BLOCKS.rating('behavior')]: String(rating),
          [CHECKIN_BLOCKS.rating('overall')]: '4',
          [CHECKIN_BLOCKS.commitment('co_responsibility.count_on')]: 'kept',
          [CHECKIN_BLOCKS.commitment('co_responsibility.commit')]: 'kept',
          ...extra[userId],
        },
      });
      expect(result.outcome).toBe('updated');
    }
    await h.tickAt(closeAt(week));
  }

  /** A new alliance of the three members, still being designed (nobody has answered yet). */
  async function startDesigning() {
    h = await bootAlliance({
      now: '2026-01-05T08:00:00Z',
      arrange: (fake) => {
        for (const id of MEMBERS) fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
        fake.addChannel({ id: 'CTEAM', name: 'team', members: MEMBERS, botIsMember: true });
      },
    });
    await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'start Core team' });
    await h.slack.submitView({ userId: 'UALICE', values: { [SETUP_BLOCKS.members]: MEMBERS } });
    await h.slack.submitView({ userId: 'UALICE' });
    const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM')!;
    const announcement = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.addAnswers))!;
    return { alliance, announcement };
  }

  const flagPosts = () => h.fake.messages('CTEAM').filter((m) => m.text.startsWith('Renegotiation signal'));

  it('two low pulses raise one flag with its evidence; renegotiating produces v2 with its diff; consent makes v2 active', async () => {
    const alliance = await boot(['lowScores']);
    await runPulse(0, { UALICE: 2, UBOB: 3, UCAROL: 2 }); // behaviour 2.33
    expect(flagPosts()).toEqual([]);
    await runPulse(1, { UALICE: 3, UBOB: 2, UCAROL: 3 }); // behaviour 2.67
    expect(flagPosts()).toHaveLength(1);
    const flag = flagPosts()[0]!;
    expect(validateMessage(flag)).toEqual([]);
    expect(JSON.stringify(flag.blocks)).toContain(
      '*Behavioral agreements* averaged 2.3 and 2.7 in the last two pulses; your threshold is 3.0.',
    );
    // A third low pulse continues the same occurrence: no second flag.
    await runPulse(2, { UALICE: 2, UBOB: 2, UCAROL: 2 });
    expect(flagPosts()).toHaveLength(1);
    const stored = h.app.store.flags.all(alliance.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      kind: 'lowScores',
      state: 'open',
      evidence: {
        kind: 'lowScores',
        means: [
          { kind: 'exact', value: 2.33 },
          { kind: 'exact', value: 2.67 },
        ],
        threshold: 3,
      },
    });

    // Bob starts the renegotiation from the flag.
    await h.slack.clickButton({
      userId: 'UBOB',
      channelId: 'CTEAM',
      ts: flag.ts,
      actionId: ACTIONS.startRenegotiation,
    });
    expect(h.app.store.flags.get(stored[0]!.id)?.state).toBe('renegotiating');
    expect(JSON.stringify(h.fake.message('CTEAM', flag.ts)?.blocks)).toContain('<@UBOB> started a renegotiation');
    const round = h.app.store.design.currentOpenRound(alliance.id)!;
    expect(round).toMatchObject({
      startedBy: 'UBOB',
      reason: 'Signal: low scores',
      baseVersionId: alliance.activeVersionId,
    });
    const announcement = h.fake.messages('CTEAM').find((m) => m.ts > flag.ts && hasAction(m, ACTIONS.addAnswers))!;
    expect(announcement.text).toContain('version 1 is being renegotiated');

    // Each member revisits their answers: prefilled from version 1; Carol changes one.
    for (const userId of MEMBERS) {
      await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: announcement.ts, actionId: ACTIONS.addAnswers });
      expect(JSON.stringify(h.fake.topView(userId)?.blocks)).toContain(`${userId} on atmosphere.culture`);
      await h.slack.submitView({ userId });
      await h.slack.submitView({ userId });
      const last =
        userId === 'UCAROL' ? { [promptBlockId('behavior.ground_rules')]: 'We decide by consent, not by silence' } : {};
      await h.slack.submitView({ userId, values: last });
    }
    const versions = h.app.store.agreements.versions(alliance.id);
    expect(versions.map((v) => [v.number, v.status])).toEqual([
      [1, 'active'],
      [2, 'proposed'],
    ]);
    const v2Post = h.fake.messages('CTEAM').find((m) => !m.thread_ts && hasAction(m, ACTIONS.agree))!;
    expect(validateMessage(v2Post)).toEqual([]);
    const v2Text = JSON.stringify(v2Post.blocks);
    expect(v2Text).toContain('What changed since version 1');
    expect(v2Text).toContain(
      '✏️ <@UCAROL> changed “UCAROL on behavior.ground_rules” to “We decide by consent, not by silence”',
    );
    // Pulses keep running against version 1 meanwhile.
    await h.tickAt(pulseAt(3));
    expect(h.app.store.pulses.openPulse(alliance.id)?.versionId).toBe(versions[0]!.id);

    // A reservation raised back when version 1 was agreed (arranged directly), and one Carol raises
    // now about version 2.
    const v1Reservation = h.app.store.agreements.addReservation({
      teamId: h.fake.teamId,
      allianceId: alliance.id,
      versionId: versions[0]!.id,
      userId: 'UBOB',
      concern: 'Reviews may slip',
      watch: 'Ask in pulses',
      viewId: null,
      now: h.clock.now(),
    })!;
    await h.slack.clickButton({ userId: 'UCAROL', channelId: 'CTEAM', ts: v2Post.ts, actionId: ACTIONS.reservations });
    await h.slack.submitView({
      userId: 'UCAROL',
      values: { 'reservation.concern': 'Consent may be slow', 'reservation.watch': 'Watch decision times' },
    });

    for (const userId of MEMBERS)
      await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: v2Post.ts, actionId: ACTIONS.agree });
    // Version 1's reservation was settled by the renegotiation; version 2's stays open for pulses.
    expect(h.app.store.agreements.reservations(alliance.id, 'resolved').map((r) => r.id)).toEqual([v1Reservation]);
    expect(h.app.store.agreements.reservations(alliance.id, 'open').map((r) => r.concern)).toEqual([
      'Consent may be slow',
    ]);
    const after = h.app.store.agreements.versions(alliance.id);
    expect(after.map((v) => [v.number, v.status])).toEqual([
      [1, 'superseded'],
      [2, 'active'],
    ]);
    expect(h.app.store.alliances.get(alliance.id)?.activeVersionId).toBe(after[1]!.id);
    expect(h.app.store.flags.get(stored[0]!.id)?.state).toBe('resolved');

    // The history stays readable.
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'show v1' });
    const shown = JSON.stringify(h.fake.ephemerals('UBOB').at(-1)?.blocks);
    expect(shown).toContain('*Version 1* is replaced by a later version');
    expect(shown).toContain('v2: in effect');
    expect(shown).toContain('Signal: low scores');
  });

  it('“Not now” quiets a signal, recording who and why, until the snooze ends', async () => {
    const alliance = await boot(['someoneAsks']);
    const ask = { UBOB: { [CHECKIN_BLOCKS.renegotiate]: ['yes'], [CHECKIN_BLOCKS.reason]: 'Our roles changed' } };
    await runPulse(0, { UBOB: 4 }, ask);
    expect(flagPosts()).toHaveLength(1);
    expect(JSON.stringify(flagPosts()[0]!.blocks)).toContain(
      'One member asked to renegotiate the agreement in the last pulse.',
    );
    expect(JSON.stringify(flagPosts()[0]!.blocks)).toContain('Our roles changed');

    // Carol: not now, for two weeks, with a reason.
    await h.slack.clickButton({
      userId: 'UCAROL',
      channelId: 'CTEAM',
      ts: flagPosts()[0]!.ts,
      actionId: ACTIONS.notNow,
    });
    expect(h.fake.topView('UCAROL')?.callback_id).toBe(VIEWS.snooze);
    await h.slack.submitView({
      userId: 'UCAROL',
      values: { [SNOOZE_BLOCKS.weeks]: '2', [SNOOZE_BLOCKS.reason]: 'Wait until the launch is out' },
    });
    const flag = h.app.store.flags.all(alliance.id)[0]!;
    expect(flag).toMatchObject({ state: 'snoozed', snoozedBy: 'UCAROL', snoozeReason: 'Wait until the launch is out' });
    expect(flag.snoozedUntil?.toISOString()).toBe(new Date(closeAt(0).getTime() + 14 * DAY).toISOString());
    expect(JSON.stringify(h.fake.message('CTEAM', flagPosts()[0]!.ts)?.blocks)).toContain('<@UCAROL> chose not now');

    // Asked again next week: quiet.
    await runPulse(1, { UBOB: 4 }, ask);
    expect(flagPosts()).toHaveLength(1);
    // Two weeks on, the snooze has ended: the next ask is flagged.
    await runPulse(2, { UBOB: 4 }, ask);
    expect(flagPosts()).toHaveLength(2);
  });

  it('welcomes a newcomer who joins the channel; “I commit” makes them a member; a duplicate delivery has one effect', async () => {
    const alliance = await boot(['membershipChange']);
    const joined = {
      type: 'member_joined_channel',
      user: 'UDAVE',
      channel: 'CTEAM',
      channel_type: 'C',
      team: h.fake.teamId,
    };
    await h.slack.event(joined, { eventId: 'Ev0JOIN1' });
    // Slack retries the same event: nothing happens twice.
    await h.slack.event(joined, { eventId: 'Ev0JOIN1', retryNum: 1, retryReason: 'http_timeout' });
    const welcomes = dmsWith(h, 'UDAVE', ACTIONS.commit);
    expect(welcomes).toHaveLength(1);
    expect(validateMessage(welcomes[0]!)).toEqual([]);
    expect(JSON.stringify(welcomes[0]!.blocks)).toContain('UBOB on atmosphere.culture');
    expect(flagPosts()).toHaveLength(1);
    expect(JSON.stringify(flagPosts()[0]!.blocks)).toContain('<@UDAVE> joined the channel.');

    await h.slack.clickButton({
      userId: 'UDAVE',
      channelId: welcomes[0]!.channel,
      ts: welcomes[0]!.ts,
      actionId: ACTIONS.commit,
    });
    expect(h.app.store.alliances.members(alliance.id)).toContain('UDAVE');
    expect(h.app.store.agreements.consents(alliance.activeVersionId!).has('UDAVE')).toBe(true);
    expect(h.fake.messages('CTEAM').some((m) => m.text.includes('<@UDAVE> committed'))).toBe(true);
    // Dave gets the next pulse.
    await h.tickAt(pulseAt(0));
    expect(dmsWith(h, 'UDAVE', ACTIONS.checkIn)).toHaveLength(1);
  });

  it('a newcomer can propose changes instead: posted as a signal, and they join', async () => {
    const alliance = await boot([]);
    await h.slack.event(
      { type: 'member_joined_channel', user: 'UERIN', channel: 'CTEAM', channel_type: 'C', team: h.fake.teamId },
      { eventId: 'Ev0JOIN2' },
    );
    const welcome = dmsWith(h, 'UERIN', ACTIONS.proposeChanges)[0]!;
    // Membership changes are not watched in this alliance, so joining alone raised nothing.
    expect(flagPosts()).toEqual([]);
    await press(h, 'UERIN', welcome, ACTIONS.proposeChanges);
    await h.slack.submitView({ userId: 'UERIN', values: { [PROPOSE_BLOCKS.text]: 'Add a rule about <!here> pings' } });
    expect(h.app.store.alliances.members(alliance.id)).toContain('UERIN');
    expect(flagPosts()).toHaveLength(1);
    const text = JSON.stringify(flagPosts()[0]!.blocks);
    expect(text).toContain('<@UERIN> joined the team and proposes changes');
    expect(text).toContain('&lt;!here&gt;');
    expect(text).not.toContain('<!here>');
  });

  it('a member who leaves the channel is flagged and gets no more pulses', async () => {
    const alliance = await boot(['membershipChange']);
    const left = {
      type: 'member_left_channel',
      user: 'UCAROL',
      channel: 'CTEAM',
      channel_type: 'C',
      team: h.fake.teamId,
    };
    await h.slack.event(left, { eventId: 'Ev0LEFT1' });
    await h.slack.event(left, { eventId: 'Ev0LEFT1', retryNum: 2, retryReason: 'http_error' });
    expect(h.app.store.alliances.members(alliance.id)).toEqual(['UALICE', 'UBOB']);
    expect(flagPosts()).toHaveLength(1);
    expect(JSON.stringify(flagPosts()[0]!.blocks)).toContain('<@UCAROL> left the channel and no longer takes part.');
    await h.tickAt(pulseAt(0));
    expect(dmsWith(h, 'UCAROL', ACTIONS.checkIn)).toEqual([]);
    expect(dmsWith(h, 'UBOB', ACTIONS.checkIn)).toHaveLength(1);
  });

  it('flags the review date once, by the daily check', async () => {
    const alliance = await boot(['reviewDate']);
    const activated = h.app.store.agreements.version(alliance.activeVersionId!)!.activatedAt!;
    await h.tickAt(new Date(activated.getTime() + 89 * DAY + 3_600_000));
    expect(flagPosts()).toEqual([]);
    await h.tickAt(new Date(activated.getTime() + 91 * DAY));
    await h.tickAt(new Date(activated.getTime() + 92 * DAY));
    expect(flagPosts()).toHaveLength(1);
    expect(JSON.stringify(flagPosts()[0]!.blocks)).toContain('Version 1 has been in effect since');
  });

  it('refuses /alliance renegotiate from someone outside the alliance, and a second round while one is open', async () => {
    await boot([]);
    await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text: 'renegotiate' });
    expect(h.fake.ephemerals('UDAVE').at(-1)?.text).toContain('Only members');
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'renegotiate our roles changed' });
    expect(h.fake.ephemerals('UBOB').at(-1)?.text).toContain('Renegotiation started');
    await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'renegotiate' });
    expect(h.fake.ephemerals('UALICE').at(-1)?.text).toContain('already under way');
    // Answers from version 1 are the starting point.
    const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM')!;
    const round = h.app.store.design.currentOpenRound(alliance.id)!;
    expect(round.reason).toBe('our roles changed');
    expect(h.app.store.design.answersOf(round.id, 'UBOB').get('atmosphere.culture')).toBe(
      stepAnswers('team', 0, 'UBOB')[promptBlockId('atmosphere.culture')],
    );
  });

  it('when the one member still to agree leaves, the others’ consent is enough', async () => {
    const { alliance, announcement } = await startDesigning();
    for (const userId of ['UALICE', 'UBOB']) {
      await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: announcement.ts, actionId: ACTIONS.addAnswers });
      for (let step = 0; step < 3; step++)
        await h.slack.submitView({ userId, values: stepAnswers('team', step, userId) });
    }
    // Carol never answers and leaves: the two who did are everyone now, so it compiles.
    await h.slack.event(
      { type: 'member_left_channel', user: 'UCAROL', channel: 'CTEAM', channel_type: 'C', team: h.fake.teamId },
      { eventId: 'Ev0LEFT9' },
    );
    const post = h.fake.messages('CTEAM').find((m) => !m.thread_ts && hasAction(m, ACTIONS.agree))!;
    expect(post).toBeDefined();
    await h.slack.clickButton({ userId: 'UALICE', channelId: 'CTEAM', ts: post.ts, actionId: ACTIONS.agree });
    await h.slack.clickButton({ userId: 'UBOB', channelId: 'CTEAM', ts: post.ts, actionId: ACTIONS.agree });
    expect(h.app.store.alliances.get(alliance.id)?.status).toBe('active');
  });

  it('when a member leaves while the others have all agreed, the version takes effect', async () => {
    const { alliance, announcement } = await startDesigning();
    for (const userId of MEMBERS) {
      await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: announcement.ts, actionId: ACTIONS.addAnswers });
      for (let step = 0; step < 3; step++)
        await h.slack.submitView({ userId, values: stepAnswers('team', step, userId) });
    }
    const post = h.fake.messages('CTEAM').find((m) => !m.thread_ts && hasAction(m, ACTIONS.agree))!;
    await h.slack.clickButton({ userId: 'UALICE', channelId: 'CTEAM', ts: post.ts, actionId: ACTIONS.agree });
    await h.slack.clickButton({ userId: 'UBOB', channelId: 'CTEAM', ts: post.ts, actionId: ACTIONS.agree });
    expect(h.app.store.alliances.get(alliance.id)?.status).toBe('consenting');
    await h.slack.event(
      { type: 'member_left_channel', user: 'UCAROL', channel: 'CTEAM', channel_type: 'C', team: h.fake.teamId },
      { eventId: 'Ev0LEFT8' },
    );
    expect(h.app.store.alliances.get(alliance.id)?.status).toBe('active');
    expect(h.fake.messages('CTEAM').some((m) => m.thread_ts === post.ts && m.text.includes('Everyone agreed'))).toBe(
      true,
    );
  });
});
