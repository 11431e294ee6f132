import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getTemplate } from '../../src/domain/templates/index.js';
import { validateMessage, validateView } from '../../src/simulator/block-kit.js';
import type { StoredMessage } from '../../src/simulator/fake-slack.js';
import { ACTIONS, promptBlockId, SETUP_BLOCKS, VIEWS } from '../../src/slack/ids.js';
import { bootAlliance, type Harness } from '../support/boot.js';
import { press } from '../support/flows.js';

const team = getTemplate('team');

/** Answers for every prompt of a step of the team template, with text that says who wrote it. */
function stepAnswers(step: number, who: string, extra = ''): Record<string, string> {
  const section = team.sections[step];
  if (!section) throw new Error(`no step ${step}`);
  return Object.fromEntries(section.prompts.map((p) => [promptBlockId(p.id), `${who} on ${p.id}${extra}`]));
}

const hasAction = (message: StoredMessage, actionId: string) =>
  JSON.stringify(message.blocks).includes(`"action_id":"${actionId}"`);

describe('starting an alliance and designing it together', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootAlliance({
      arrange: (fake) => {
        fake.addUser({ id: 'UALICE', name: 'alice', tz: 'America/New_York' });
        fake.addUser({ id: 'UBOB', name: 'bob' });
        fake.addUser({ id: 'UCAROL', name: 'carol' });
        fake.addUser({ id: 'UDAVE', name: 'dave' });
        fake.addUser({ id: 'UHELPER', name: 'helper', isBot: true });
        fake.addUser({ id: 'UGONE', name: 'gone', deleted: true });
        fake.addChannel({
          id: 'CTEAM',
          name: 'team',
          members: ['UALICE', 'UBOB', 'UCAROL', 'UHELPER', 'UGONE', 'UDAVE'],
          botIsMember: true,
        });
        fake.addChannel({
          id: 'CSECRET',
          name: 'secret',
          isPrivate: true,
          members: ['UALICE', 'UBOB', 'UCAROL'],
          botIsMember: false,
        });
        fake.addChannel({ id: 'COPEN', name: 'open', members: ['UALICE', 'UBOB', 'UCAROL'], botIsMember: false });
      },
    });
  });
  afterEach(async () => h.close());

  async function openSetup(channelId = 'CTEAM', text = 'start Core team') {
    const reply = await h.slack.command({ userId: 'UALICE', channelId, text });
    expect(reply.status).toBe(200);
    const view = h.fake.topView('UALICE');
    expect(view?.callback_id).toBe(VIEWS.setup);
    return view!;
  }

  async function startAlliance(values: Record<string, unknown> = {}) {
    await openSetup();
    const result = await h.slack.submitView({
      userId: 'UALICE',
      values: { [SETUP_BLOCKS.members]: ['UALICE', 'UBOB', 'UCAROL'], ...values },
    });
    expect(result.outcome).toBe('updated');
    expect(h.fake.topView('UALICE')?.callback_id).toBe(VIEWS.setupSignals);
    expect(validateView(h.fake.topView('UALICE')!)).toEqual([]);
    const step2 = await h.slack.submitView({ userId: 'UALICE' });
    expect(step2.outcome).toBe('closed');
    const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM');
    expect(alliance).toBeDefined();
    return alliance!;
  }

  const announcement = () => h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.addAnswers));
  const agreementPost = () => h.fake.messages('CTEAM').find((m) => !m.thread_ts && hasAction(m, ACTIONS.agree));

  async function answerEverything(userId: string, extra = '') {
    const ann = announcement()!;
    await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: ann.ts, actionId: ACTIONS.addAnswers });
    for (let step = 0; step < team.sections.length; step++) {
      const top = h.fake.topView(userId);
      expect(top?.callback_id).toBe(VIEWS.designStep);
      const result = await h.slack.submitView({ userId, values: stepAnswers(step, userId, extra) });
      expect(result.outcome).toBe('updated');
    }
    expect(JSON.stringify(h.fake.topView(userId)?.blocks)).toContain('your answers for');
  }

  it('opens a Slack-valid setup modal with the channel’s people (no bots, no deactivated) and the starter’s time zone', async () => {
    const view = await openSetup();
    const json = JSON.stringify(view.blocks);
    const members = (view.blocks as { block_id?: string; element?: { initial_users?: string[] } }[]).find(
      (b) => b.block_id === SETUP_BLOCKS.members,
    );
    expect(members?.element?.initial_users).toEqual(['UALICE', 'UBOB', 'UCAROL', 'UDAVE']);
    expect(json).toContain('"initial_value":"Core team"');
    expect(json).toContain('"initial_conversation":"CTEAM"');
    const zone = (view.blocks as { block_id?: string; element?: { initial_option?: { value: string } } }[]).find(
      (b) => b.block_id === SETUP_BLOCKS.timeZone,
    );
    expect(zone?.element?.initial_option?.value).toBe('America/New_York');
    // conversations.members was paginated through the fake's page size.
    expect(h.fake.calls('conversations.members').length).toBeGreaterThanOrEqual(1);
  });

  it('takes a team from /alliance start to an active agreement v1', async () => {
    const alliance = await startAlliance();
    expect(alliance).toMatchObject({ name: 'Core team', status: 'designing', starterId: 'UALICE', templateId: 'team' });
    expect(h.app.store.alliances.members(alliance.id)).toEqual(['UALICE', 'UBOB', 'UCAROL']);

    // One announcement in the channel, with the button and "0 of 3".
    const ann = announcement();
    expect(ann).toBeDefined();
    expect(validateMessage(ann!)).toEqual([]);
    expect(JSON.stringify(ann!.blocks)).toContain('0 of 3 have answered so far.');
    // Every member has the same invitation by DM.
    for (const user of ['UALICE', 'UBOB', 'UCAROL']) {
      const dm = h.fake.messages(user);
      expect(dm).toHaveLength(1);
      expect(hasAction(dm[0]!, ACTIONS.addAnswers)).toBe(true);
    }

    // Bob answers step 1, types half of step 2 and closes the modal.
    await h.slack.clickButton({ userId: 'UBOB', channelId: 'CTEAM', ts: ann!.ts, actionId: ACTIONS.addAnswers });
    expect(JSON.stringify(h.fake.topView('UBOB')?.blocks)).toContain('Step 1 of 3');
    await h.slack.submitView({ userId: 'UBOB', values: stepAnswers(0, 'UBOB') });
    expect(JSON.stringify(h.fake.topView('UBOB')?.blocks)).toContain('Step 2 of 3');
    const closed = await h.slack.closeView({
      userId: 'UBOB',
      values: { [promptBlockId('co_responsibility.accountable')]: 'Half-written thought' },
    });
    expect(closed.sent).toBe(true);
    expect(h.fake.topView('UBOB')).toBeUndefined();

    // Reopening from the DM resumes at step 2 with the half-written answer.
    const dm = h.fake.messages('UBOB')[0]!;
    await press(h, 'UBOB', dm, ACTIONS.addAnswers);
    const resumed = JSON.stringify(h.fake.topView('UBOB')?.blocks);
    expect(resumed).toContain('Step 2 of 3');
    expect(resumed).toContain('Half-written thought');
    await h.slack.submitView({ userId: 'UBOB', values: stepAnswers(1, 'UBOB') });
    await h.slack.submitView({ userId: 'UBOB', values: stepAnswers(2, 'UBOB') });
    expect(JSON.stringify(announcement()!.blocks)).toContain('1 of 3 have answered: <@UBOB>.');

    // Alice answers; Carol's text tries to ping the channel.
    await answerEverything('UALICE');
    await answerEverything('UCAROL', ' <!channel> & <@UALICE>');

    // Everyone answered: version 1 is compiled, posted and pinned.
    const versions = h.app.store.agreements.versions(alliance.id);
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ number: 1, status: 'proposed' });
    expect(versions[0]!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const post = agreementPost();
    expect(post).toBeDefined();
    expect(validateMessage(post!)).toEqual([]);
    expect(post!.pinned).toBe(true);
    const text = JSON.stringify(post!.blocks);
    expect(text).toContain('UBOB on atmosphere.culture');
    expect(text).toContain('UCAROL on behavior.ground_rules &lt;!channel&gt; &amp; &lt;@UALICE&gt;');
    expect(text).not.toContain('<!channel>');
    const closedAnnouncement = JSON.stringify(h.fake.message('CTEAM', ann!.ts)?.blocks);
    expect(closedAnnouncement).toContain('version 1 of the agreement has been shared');
    expect(closedAnnouncement).toContain('3 of 3 have answered');
    expect(closedAnnouncement).not.toContain(ACTIONS.addAnswers);
    expect(h.app.store.alliances.get(alliance.id)?.status).toBe('consenting');

    // Alice and Bob agree.
    await h.slack.clickButton({ userId: 'UALICE', channelId: 'CTEAM', ts: post!.ts, actionId: ACTIONS.agree });
    await h.slack.clickButton({ userId: 'UBOB', channelId: 'CTEAM', ts: post!.ts, actionId: ACTIONS.agree });
    expect(JSON.stringify(agreementPost()!.blocks)).toContain('2 of 3 agreed');
    expect(h.fake.ephemerals('UBOB').at(-1)?.text).toContain('you agreed to version 1');

    // Carol records a reservation, then agrees.
    await h.slack.clickButton({ userId: 'UCAROL', channelId: 'CTEAM', ts: post!.ts, actionId: ACTIONS.reservations });
    expect(h.fake.topView('UCAROL')?.callback_id).toBe(VIEWS.reservation);
    // Blank space is not a concern: the modal says so inline and stores nothing.
    const blank = await h.slack.submitView({
      userId: 'UCAROL',
      values: { 'reservation.concern': '   ', 'reservation.watch': 'Ask in each pulse' },
    });
    expect(blank.outcome).toBe('errors');
    expect(blank.errors?.['reservation.concern']).toContain('Say what concerns you');
    expect(h.app.store.agreements.reservations(alliance.id)).toEqual([]);
    await h.slack.submitView({
      userId: 'UCAROL',
      values: { 'reservation.concern': 'We may not keep the review promise', 'reservation.watch': 'Ask in each pulse' },
    });
    const reservations = h.app.store.agreements.reservations(alliance.id);
    expect(reservations).toMatchObject([
      { userId: 'UCAROL', concern: 'We may not keep the review promise', watch: 'Ask in each pulse', status: 'open' },
    ]);
    const notice = h.fake.messages('CTEAM').find((m) => m.thread_ts === post!.ts && m.text.includes('reservation'));
    expect(JSON.stringify(notice?.blocks)).toContain('<@UCAROL> has a reservation');

    await h.slack.clickButton({ userId: 'UCAROL', channelId: 'CTEAM', ts: post!.ts, actionId: ACTIONS.agree });
    const active = h.app.store.alliances.get(alliance.id);
    expect(active?.status).toBe('active');
    expect(active?.activeVersionId).toBe(versions[0]!.id);
    expect(h.app.store.agreements.version(versions[0]!.id)?.status).toBe('active');
    const final = h.fake.message('CTEAM', post!.ts)!;
    expect(JSON.stringify(final.blocks)).toContain('Everyone agreed');
    expect(JSON.stringify(final.blocks)).not.toContain(ACTIONS.agree);
    expect(h.fake.messages('CTEAM').some((m) => m.thread_ts === post!.ts && m.text.includes('Everyone agreed'))).toBe(
      true,
    );
  });

  it('keeps the modal open with inline errors for bad input, and stores nothing', async () => {
    await openSetup();
    const result = await h.slack.submitView({
      userId: 'UALICE',
      values: {
        [SETUP_BLOCKS.name]: '   ',
        [SETUP_BLOCKS.members]: ['UALICE', 'UBOB', 'UCAROL'],
        [SETUP_BLOCKS.anonymous]: ['anonymous'],
        [SETUP_BLOCKS.threshold]: '5',
      },
    });
    expect(result.outcome).toBe('errors');
    expect(result.errors?.[SETUP_BLOCKS.name]).toContain('Give the alliance a name');
    expect(result.errors?.[SETUP_BLOCKS.members]).toContain('Anonymous pulses need at least 5 members');
    expect(h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM')).toBeUndefined();
    expect(h.fake.messages('CTEAM')).toEqual([]);
  });

  it('refuses bots and deactivated people picked as members, inline', async () => {
    await openSetup();
    const result = await h.slack.submitView({
      userId: 'UALICE',
      values: { [SETUP_BLOCKS.members]: ['UALICE', 'UBOB', 'UHELPER'] },
    });
    expect(result.outcome).toBe('errors');
    expect(result.errors?.[SETUP_BLOCKS.members]).toContain('Bots and deactivated accounts cannot take part');
  });

  it('tells someone who is not a member that there is nothing for them to answer, and nothing else', async () => {
    await startAlliance();
    const callsBefore = h.fake.calls('views.open').length;
    await h.slack.clickButton({
      userId: 'UDAVE',
      channelId: 'CTEAM',
      ts: announcement()!.ts,
      actionId: ACTIONS.addAnswers,
    });
    expect(h.fake.calls('views.open')).toHaveLength(callsBefore);
    expect(h.fake.ephemerals('UDAVE').at(-1)?.text).toContain('you are not one of them');
    expect(h.fake.topView('UDAVE')).toBeUndefined();
  });

  it('writes nothing for a step whose private_metadata was tampered with', async () => {
    const alliance = await startAlliance();
    await h.slack.clickButton({
      userId: 'UBOB',
      channelId: 'CTEAM',
      ts: announcement()!.ts,
      actionId: ACTIONS.addAnswers,
    });
    // Point the form at another alliance id, as a crafted payload would.
    h.fake.tamperViewMetadata(h.fake.topView('UBOB')!.id, JSON.stringify({ a: 'al_ffffffffffffffff', r: 1, s: 0 }));
    const result = await h.slack.submitView({ userId: 'UBOB', values: stepAnswers(0, 'UBOB') });
    expect(result.outcome).toBe('updated');
    expect(JSON.stringify(result.view?.blocks)).toContain('out of date');
    const round = h.app.store.design.currentOpenRound(alliance.id)!;
    expect(h.app.store.design.answersOf(round.id, 'UBOB').size).toBe(0);

    // Garbage metadata gets the same treatment.
    await h.slack.clickButton({
      userId: 'UBOB',
      channelId: 'CTEAM',
      ts: announcement()!.ts,
      actionId: ACTIONS.addAnswers,
    });
    h.fake.tamperViewMetadata(h.fake.topView('UBOB')!.id, '{not json');
    const garbage = await h.slack.submitView({ userId: 'UBOB', values: stepAnswers(0, 'UBOB') });
    expect(JSON.stringify(garbage.view?.blocks)).toContain('did not come from Alliance');
    expect(h.app.store.design.answersOf(round.id, 'UBOB').size).toBe(0);
  });

  it('answers a second /alliance start in the same channel with the existing alliance and /alliance show', async () => {
    await startAlliance();
    const opened = h.fake.calls('views.open').length;
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'start Another' });
    expect(h.fake.calls('views.open')).toHaveLength(opened);
    const reply = h.fake.ephemerals('UBOB').at(-1);
    expect(reply?.text).toContain('already has an alliance: *Core team*');
    expect(reply?.text).toContain('/alliance show');
  });

  it('explains the exact fix when the bot is not in the chosen private channel, and joins public ones', async () => {
    await openSetup('CSECRET');
    const result = await h.slack.submitView({
      userId: 'UALICE',
      values: { [SETUP_BLOCKS.members]: ['UALICE', 'UBOB', 'UCAROL'] },
    });
    expect(result.outcome).toBe('errors');
    expect(result.errors?.[SETUP_BLOCKS.channel]).toContain('/invite @Alliance');
    expect(h.app.store.alliances.liveInChannel(h.fake.teamId, 'CSECRET')).toBeUndefined();

    await h.slack.closeView({ userId: 'UALICE' });
    await openSetup('COPEN');
    const ok = await h.slack.submitView({
      userId: 'UALICE',
      values: { [SETUP_BLOCKS.members]: ['UALICE', 'UBOB', 'UCAROL'] },
    });
    expect(ok.outcome).toBe('updated');
    expect((await h.slack.submitView({ userId: 'UALICE' })).outcome).toBe('closed');
    expect(h.fake.calls('conversations.join').map((c) => c.args.channel)).toEqual(['COPEN']);
    expect(h.fake.messages('COPEN').some((m) => hasAction(m, ACTIONS.addAnswers))).toBe(true);
  });

  it('shares a members-only agreement by DM and keeps it from non-members', async () => {
    const alliance = await startAlliance({ [SETUP_BLOCKS.visibility]: 'members' });
    await answerEverything('UALICE');
    await answerEverything('UBOB');
    // Alice compiles early with two answers.
    await h.slack.clickButton({
      userId: 'UALICE',
      channelId: 'CTEAM',
      ts: announcement()!.ts,
      actionId: ACTIONS.compileNow,
    });
    const version = h.app.store.agreements.versions(alliance.id)[0];
    expect(version?.status).toBe('proposed');
    expect(agreementPost()).toBeUndefined();
    for (const user of ['UALICE', 'UBOB', 'UCAROL']) {
      const copy = h.fake.messages(user).find((m) => hasAction(m, ACTIONS.agree));
      expect(copy, `agreement DM for ${user}`).toBeDefined();
      expect(JSON.stringify(copy!.blocks)).toContain('UBOB on atmosphere.culture');
    }
    await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text: 'show' });
    expect(h.fake.ephemerals('UDAVE').at(-1)?.text).toContain('shared with its members only');
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'show' });
    const shown = h.fake.ephemerals('UBOB').at(-1);
    expect(JSON.stringify(shown?.blocks)).toContain('Version 1');
    expect(JSON.stringify(shown?.blocks)).toContain('https://');
  });

  it('lets any member compile early, with at least two answers; no one else', async () => {
    const alliance = await startAlliance();
    await answerEverything('UBOB');
    const compile = (userId: string) =>
      h.slack.clickButton({ userId, channelId: 'CTEAM', ts: announcement()!.ts, actionId: ACTIONS.compileNow });
    await compile('UBOB');
    expect(h.fake.ephemerals('UBOB').at(-1)?.text).toContain('At least two members');
    await compile('UDAVE');
    expect(h.fake.ephemerals('UDAVE').at(-1)?.text).toContain('Only members of');
    expect(h.app.store.agreements.versions(alliance.id)).toEqual([]);
    await answerEverything('UCAROL');
    // Bob did not start the alliance: being a member is enough.
    await compile('UBOB');
    expect(h.app.store.agreements.versions(alliance.id).map((v) => v.compiledBy)).toEqual(['UBOB']);
  });

  it('lets any member reopen the prompts before everyone agreed, and recompiles as version 2', async () => {
    const alliance = await startAlliance();
    await answerEverything('UALICE');
    await answerEverything('UBOB');
    await answerEverything('UCAROL');
    const v1 = agreementPost()!;
    await h.slack.clickButton({ userId: 'UDAVE', channelId: 'CTEAM', ts: v1.ts, actionId: ACTIONS.amend });
    expect(h.fake.ephemerals('UDAVE').at(-1)?.text).toContain('Only members of');
    expect(h.app.store.agreements.versions(alliance.id)[0]?.status).toBe('proposed');
    await h.slack.clickButton({ userId: 'UBOB', channelId: 'CTEAM', ts: v1.ts, actionId: ACTIONS.amend });
    expect(h.app.store.agreements.versions(alliance.id)[0]?.status).toBe('withdrawn');
    expect(JSON.stringify(h.fake.message('CTEAM', v1.ts)?.blocks)).toContain('reopened before everyone agreed');
    // Bob changes an answer; Alice compiles again.
    await h.slack.clickButton({
      userId: 'UBOB',
      channelId: 'CTEAM',
      ts: announcement()!.ts,
      actionId: ACTIONS.addAnswers,
    });
    await h.slack.submitView({
      userId: 'UBOB',
      values: { ...stepAnswers(0, 'UBOB'), [promptBlockId('atmosphere.feel')]: 'Calm and candid' },
    });
    await h.slack.closeView({ userId: 'UBOB' });
    await h.slack.clickButton({
      userId: 'UALICE',
      channelId: 'CTEAM',
      ts: announcement()!.ts,
      actionId: ACTIONS.compileNow,
    });
    const versions = h.app.store.agreements.versions(alliance.id);
    expect(versions.map((v) => [v.number, v.status])).toEqual([
      [1, 'withdrawn'],
      [2, 'proposed'],
    ]);
    expect(JSON.stringify(agreementPost()?.blocks)).toContain('Calm and candid');
  });

  it('creates one alliance when the same setup modal is submitted twice (a double click)', async () => {
    await openSetup();
    await h.slack.submitView({ userId: 'UALICE', values: { [SETUP_BLOCKS.members]: ['UALICE', 'UBOB', 'UCAROL'] } });
    // Both submissions are built from the same open modal before either is answered.
    const results = await Promise.all([
      h.slack.submitView({ userId: 'UALICE' }),
      h.slack.submitView({ userId: 'UALICE' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(h.fake.messages('CTEAM').filter((m) => hasAction(m, ACTIONS.addAnswers))).toHaveLength(1);
    expect(h.fake.messages('UBOB')).toHaveLength(1);
  });

  it('tells the starter when Slack refuses the announcement, and keeps what was stored', async () => {
    await openSetup();
    await h.slack.submitView({ userId: 'UALICE', values: { [SETUP_BLOCKS.members]: ['UALICE', 'UBOB', 'UCAROL'] } });
    h.fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    const result = await h.slack.submitView({ userId: 'UALICE' });
    expect(result.outcome).toBe('closed');
    const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM');
    expect(alliance?.status).toBe('designing');
    expect(h.fake.messages('CTEAM')).toEqual([]);
    const dms = h.fake.messages('UALICE').map((m) => m.text);
    expect(
      dms.some((t) => t.includes('Slack would not let me post its announcement') && t.includes('channel_not_found')),
    ).toBe(true);
    // The invitations still went out.
    expect(h.fake.messages('UBOB').some((m) => hasAction(m, ACTIONS.addAnswers))).toBe(true);
  });

  it('records one consent for a double click on I agree, and shows earlier versions on request', async () => {
    const alliance = await startAlliance();
    await answerEverything('UALICE');
    await answerEverything('UBOB');
    await answerEverything('UCAROL');
    const post = agreementPost()!;
    await Promise.all([
      h.slack.clickButton({ userId: 'UBOB', channelId: 'CTEAM', ts: post.ts, actionId: ACTIONS.agree }),
      h.slack.clickButton({ userId: 'UBOB', channelId: 'CTEAM', ts: post.ts, actionId: ACTIONS.agree }),
    ]);
    const version = h.app.store.agreements.versions(alliance.id)[0]!;
    expect([...h.app.store.agreements.consents(version.id)]).toEqual(['UBOB']);
    expect(JSON.stringify(h.fake.message('CTEAM', post.ts)?.blocks)).toContain('1 of 3 agreed');

    await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text: 'show v1' });
    const shown = h.fake.ephemerals('UDAVE').at(-1);
    expect(JSON.stringify(shown?.blocks)).toContain('*Version 1* is waiting for everyone to agree');
    expect(JSON.stringify(shown?.blocks)).toContain(
      `https://${h.fake.teamDomain}.slack.com/archives/CTEAM/p${post.ts.replace('.', '')}`,
    );
    await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text: 'show v9' });
    expect(h.fake.ephemerals('UDAVE').at(-1)?.text).toContain('There is no version 9 yet');
  });

  it('treats a tampered button value as stale: a clear private answer, nothing written', async () => {
    const alliance = await startAlliance();
    await answerEverything('UALICE');
    await answerEverything('UBOB');
    await answerEverything('UCAROL');
    const post = agreementPost()!;
    const version = h.app.store.agreements.versions(alliance.id)[0]!;
    const send = (value: string) => {
      const payload = {
        type: 'block_actions',
        user: { id: 'UBOB', username: 'bob', name: 'bob', team_id: h.fake.teamId },
        api_app_id: h.fake.appId,
        token: 'verification',
        container: { type: 'message', message_ts: post.ts, channel_id: 'CTEAM', is_ephemeral: false },
        trigger_id: h.fake.mintTriggerId('UBOB'),
        team: { id: h.fake.teamId, domain: h.fake.teamDomain },
        channel: { id: 'CTEAM', name: 'team' },
        message: { ts: post.ts, text: post.text, blocks: post.blocks },
        response_url: h.fake.responseUrl({ channel: 'CTEAM', ts: post.ts, userId: 'UBOB' }),
        actions: [{ action_id: ACTIONS.agree, block_id: 'consent.actions', value, type: 'button', action_ts: '1.2' }],
        state: { values: {} },
      };
      return h.slack.raw({
        body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
        contentType: 'application/x-www-form-urlencoded',
      });
    };
    // Another alliance's id, then a version of this alliance that does not exist, then garbage.
    for (const value of [
      JSON.stringify({ a: 'al_ffffffffffffffff', v: version.id }),
      JSON.stringify({ a: alliance.id, v: 999 }),
      'not json',
    ]) {
      const result = await send(value);
      expect(result.status).toBe(200);
      await h.app.idle();
      const reply = h.fake.responses().at(-1)?.body as { text?: string } | undefined;
      expect(reply?.text).toMatch(/out of date|did not come from Alliance/);
    }
    expect(h.app.store.agreements.consents(version.id).size).toBe(0);
  });
});
