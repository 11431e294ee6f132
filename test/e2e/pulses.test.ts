import { afterEach, describe, expect, it } from 'vitest';
import { validateMessage, validateView } from '../../src/simulator/block-kit.js';
import { ACTIONS, CHECKIN_BLOCKS, SETUP_BLOCKS, VIEWS } from '../../src/slack/ids.js';
import { bootAlliance, type Harness } from '../support/boot.js';
import { activateAlliance, checkInValues, dmsWith, press } from '../support/flows.js';

const MEMBERS = ['UALICE', 'UBOB', 'UCAROL'];
// Thursday 2026-01-08 10:00 in Berlin is 09:00Z; the alliance is set up on Monday the 5th.
const FIRST_PULSE = '2026-01-08T09:00:00Z';

// These tests' members mark their second commitment at risk.
const AT_RISK = { [CHECKIN_BLOCKS.commitment('co_responsibility.commit')]: 'at_risk' };

describe('pulse check-ins', () => {
  let h: Harness;
  async function boot(anonymous: boolean) {
    h = await bootAlliance({
      now: '2026-01-05T08:00:00Z',
      arrange: (fake) => {
        for (const id of MEMBERS) fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
        fake.addUser({ id: 'UDAVE', name: 'dave' });
        fake.addChannel({ id: 'CTEAM', name: 'team', members: [...MEMBERS, 'UDAVE'], botIsMember: true });
      },
    });
    return activateAlliance(h, {
      channelId: 'CTEAM',
      starter: 'UALICE',
      members: MEMBERS,
      setup: anonymous ? { [SETUP_BLOCKS.anonymous]: ['anonymous'] } : {},
    });
  }
  afterEach(async () => h?.close());

  async function checkIn(
    userId: string,
    ratings: [number, number, number, number],
    extra: Record<string, unknown> = {},
  ) {
    const invite = dmsWith(h, userId, ACTIONS.checkIn)[0]!;
    await h.slack.clickButton({ userId, channelId: invite.channel, ts: invite.ts, actionId: ACTIONS.checkIn });
    expect(h.fake.topView(userId)?.callback_id).toBe(VIEWS.checkIn);
    const result = await h.slack.submitView({ userId, values: checkInValues(ratings, { ...AT_RISK, ...extra }) });
    expect(result.outcome).toBe('updated');
    return result;
  }

  it('runs a whole pulse: DMs at the instant, check-in, edit, reminder to the silent only, close, late click', async () => {
    const alliance = await boot(false);
    expect(h.app.store.jobs.nextPending(alliance.id, 'pulse.open')?.runAt.toISOString()).toBe(
      '2026-01-08T09:00:00.000Z',
    );

    // A minute early: nothing.
    await h.tickAt('2026-01-08T08:59:00Z');
    expect(dmsWith(h, 'UBOB', ACTIONS.checkIn)).toEqual([]);

    await h.tickAt(FIRST_PULSE);
    const pulse = h.app.store.pulses.openPulse(alliance.id)!;
    expect(pulse).toMatchObject({ status: 'open', periodKey: '2026-01-08' });
    expect(pulse.closesAt.toISOString()).toBe('2026-01-10T09:00:00.000Z');
    for (const user of MEMBERS) {
      const dms = dmsWith(h, user, ACTIONS.checkIn);
      expect(dms).toHaveLength(1);
      expect(validateMessage(dms[0]!)).toEqual([]);
      expect(dms[0]!.text).toContain('How is the alliance going?');
      // The closing time is Slack date formatting: each reader sees their own time zone.
      expect(JSON.stringify(dms[0]!.blocks)).toContain(`<!date^${pulse.closesAt.getTime() / 1000}^`);
    }
    expect(dmsWith(h, 'UDAVE', ACTIONS.checkIn)).toEqual([]);

    // Bob checks in; the modal is Slack-valid and asks about his own commitments.
    const invite = dmsWith(h, 'UBOB', ACTIONS.checkIn)[0]!;
    await press(h, 'UBOB', invite, ACTIONS.checkIn);
    const modal = h.fake.topView('UBOB')!;
    expect(validateView(modal)).toEqual([]);
    expect(JSON.stringify(modal.blocks)).toContain('UBOB on co_responsibility.count_on');
    expect(JSON.stringify(modal.blocks)).not.toContain('UALICE on co_responsibility.count_on');
    await h.slack.submitView({
      userId: 'UBOB',
      values: checkInValues([4, 3, 2, 3], { ...AT_RISK, [CHECKIN_BLOCKS.working]: 'Reviews are quick' }),
    });
    const stored = h.app.store.pulses.namedResponse(pulse.id, 'UBOB');
    expect(stored?.answers.ratings).toEqual({ atmosphere: 4, co_responsibility: 3, behavior: 2, overall: 3 });
    expect(stored?.answers.working).toBe('Reviews are quick');
    expect(h.app.store.pulses.commitmentChecks(pulse.id)).toEqual(
      expect.arrayContaining([{ userId: 'UBOB', promptId: 'co_responsibility.count_on', status: 'kept' }]),
    );

    // The DM now thanks him and offers an edit.
    const thanked = h.fake.message(invite.channel, invite.ts)!;
    expect(thanked.text).toContain('Thanks — you checked in');
    expect(JSON.stringify(thanked.blocks)).toContain(ACTIONS.editCheckIn);

    // He edits: the modal reopens prefilled and the answer is replaced, not doubled.
    await press(h, 'UBOB', invite, ACTIONS.editCheckIn);
    expect(JSON.stringify(h.fake.topView('UBOB')?.blocks)).toContain('Reviews are quick');
    await h.slack.submitView({ userId: 'UBOB', values: { [CHECKIN_BLOCKS.rating('behavior')]: '4' } });
    expect(h.app.store.pulses.namedResponse(pulse.id, 'UBOB')?.answers.ratings.behavior).toBe(4);
    expect(h.app.store.pulses.responsesForResults(pulse.id)).toHaveLength(1);

    await checkIn('UALICE', [5, 4, 4, 4]);

    // Carol opens the pulse from the channel instead of her DM, then leaves it for later.
    await h.slack.command({ userId: 'UCAROL', channelId: 'CTEAM', text: 'checkin' });
    expect(h.fake.topView('UCAROL')?.callback_id).toBe(VIEWS.checkIn);
    await h.slack.closeView({ userId: 'UCAROL' });

    // The reminder goes 24 hours before closing, only to Carol.
    await h.tickAt('2026-01-09T09:00:00Z');
    for (const [user, count] of [
      ['UALICE', 1],
      ['UBOB', 1],
      ['UCAROL', 2],
    ] as const) {
      expect(dmsWith(h, user, ACTIONS.checkIn).length + dmsWith(h, user, ACTIONS.editCheckIn).length).toBe(count);
    }
    const reminder = h.fake.messages('UCAROL').at(-1)!;
    expect(reminder.text).toContain('A reminder');
    // Ticking again does not remind twice.
    const carolBefore = h.fake.messages('UCAROL').length;
    await h.tickAt('2026-01-09T09:05:00Z');
    expect(h.fake.messages('UCAROL')).toHaveLength(carolBefore);
    expect(dmsWith(h, 'UCAROL', ACTIONS.checkIn)).toHaveLength(2);

    // Close: results frozen. (Slack refuses to update the DMs this time, so Carol's reminder keeps
    // its button: a late click must still get a clear answer.)
    h.fake.failNext('chat.update', { error: 'message_not_found' }, 10);
    await h.tickAt('2026-01-10T09:00:00Z');
    const closed = h.app.store.pulses.get(pulse.id)!;
    expect(closed.status).toBe('closed');
    expect(closed.results).toMatchObject({
      invited: 3,
      answered: 2,
      aspects: { behavior: { count: 2, mean: 4 }, overall: { mean: 3.5 } },
    });

    // Carol clicks late: told it closed and when the next one opens.
    await press(h, 'UCAROL', reminder, ACTIONS.checkIn);
    const late = h.fake.ephemerals('UCAROL').at(-1)?.text ?? h.fake.responses().at(-1)?.body;
    expect(JSON.stringify(late)).toContain('This pulse closed');
    expect(JSON.stringify(late)).toContain(`<!date^${Date.parse('2026-01-15T09:00:00Z') / 1000}^`);
    expect(h.fake.topView('UCAROL')).toBeUndefined();

    // /alliance checkin between pulses says when the next one is.
    await h.slack.command({ userId: 'UCAROL', channelId: 'CTEAM', text: 'checkin' });
    expect(h.fake.ephemerals('UCAROL').at(-1)?.text).toContain('No pulse is open');
  });

  it('keeps anonymous answers free of user ids, and still lets members edit with their own key', async () => {
    const alliance = await boot(true);
    await h.tickAt(FIRST_PULSE);
    const pulse = h.app.store.pulses.openPulse(alliance.id)!;
    expect(pulse.anonymous).toBe(true);
    await checkIn('UBOB', [2, 2, 2, 2], { [CHECKIN_BLOCKS.atRisk]: 'Deadlines' });
    await checkIn('UCAROL', [4, 4, 4, 4]);

    // No plain answer is stored while the pulse is open: each is sealed, under the hash of an edit key.
    expect(h.app.store.db.prepare('SELECT count(*) FROM pulse_responses').pluck().get()).toBe(0);
    const rows = h.app.store.db
      .prepare('SELECT * FROM pulse_sealed_answers WHERE pulse_id = ?')
      .all(pulse.id) as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['key_hash', 'pulse_id', 'sealed', 'team_id']);
      expect((row.sealed as Buffer).toString('latin1')).not.toMatch(/UBOB|UCAROL|Deadlines/);
    }
    // Every sealed answer has the same size, whatever was written.
    expect(new Set(rows.map((r) => (r.sealed as Buffer).length)).size).toBe(1);
    expect(h.app.store.pulses.participants(pulse.id).sort()).toEqual(['UBOB', 'UCAROL']);
    // Nothing anonymous in the logs: no log line mentions a member with this pulse's answers.
    expect(h.logs.filter((l) => /UBOB|UCAROL/.test(l) && /pulse|check-in|response/i.test(l))).toEqual([]);

    // A second check-in from the command is refused; the edit button finds the answer.
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'checkin' });
    expect(h.fake.ephemerals('UBOB').at(-1)?.text).toContain('already checked in');
    const dm = dmsWith(h, 'UBOB', ACTIONS.editCheckIn)[0]!;
    await press(h, 'UBOB', dm, ACTIONS.editCheckIn);
    expect(JSON.stringify(h.fake.topView('UBOB')?.blocks)).toContain('Deadlines');
    await h.slack.submitView({ userId: 'UBOB', values: { [CHECKIN_BLOCKS.rating('overall')]: '3' } });
    // The edit key lives only in Bob's DM button, never in the database in the clear.
    const editButton = (
      h.fake.message(dm.channel, dm.ts)!.blocks as { elements?: { action_id?: string; value?: string }[] }[]
    )
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === ACTIONS.editCheckIn);
    const key = (JSON.parse(editButton?.value ?? '{}') as { k?: string }).k;
    expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const dump = JSON.stringify(h.app.store.db.prepare('SELECT key_hash FROM pulse_sealed_answers').all());
    expect(dump).not.toContain(key!);

    // When the pulse closes, the DMs lose their buttons, and with them the edit keys; the edit counted.
    await h.tickAt('2026-01-10T09:00:00Z');
    const results = h.app.store.pulses.get(pulse.id)?.results;
    expect(results?.aspects.overall?.distribution).toEqual([0, 0, 1, 1, 0]);
    expect(results?.comments.atRisk).toEqual(['Deadlines']);
    // What is left of the anonymous pulse: its figures. Not who answered, not the sealed answers.
    expect(h.app.store.pulses.participants(pulse.id)).toEqual([]);
    expect(h.app.store.db.prepare('SELECT count(*) FROM pulse_sealed_answers').pluck().get()).toBe(0);
    const closed = h.fake.message(dm.channel, dm.ts)!;
    expect(closed.text).toContain('has closed');
    expect(JSON.stringify(closed.blocks)).not.toContain(ACTIONS.editCheckIn);
    expect(JSON.stringify(closed.blocks)).not.toContain(key!);
  });

  it('opens one pulse when the same instant is ticked twice', async () => {
    const alliance = await boot(false);
    await h.tickAt(FIRST_PULSE);
    await h.tickAt(FIRST_PULSE);
    await h.tickAt('2026-01-08T09:01:00Z');
    expect(h.app.store.pulses.all(alliance.id)).toHaveLength(1);
    for (const user of MEMBERS) expect(dmsWith(h, user, ACTIONS.checkIn)).toHaveLength(1);
  });

  it('loses nothing when Slack answers 429 with Retry-After or 500', async () => {
    const alliance = await boot(false);
    // The first digest is due before the pulse; post it first so the failures meet the invitations.
    await h.tickAt('2026-01-05T08:30:00Z');
    h.fake.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 }, 2);
    h.fake.failNext('chat.postMessage', { status: 500 }, 1);
    await h.tickAt(FIRST_PULSE);
    for (const user of MEMBERS) expect(dmsWith(h, user, ACTIONS.checkIn)).toHaveLength(1);
    expect(h.fake.calls('chat.postMessage').filter((c) => c.status === 429)).toHaveLength(2);
    expect(
      h.app.store.deliveries
        .forSubject('pulse_invite', h.app.store.pulses.openPulse(alliance.id)!.id)
        .map((d) => d.state),
    ).toEqual(['sent', 'sent', 'sent']);
  });

  it('sends each direct message in one call: the first to the person, later ones to the DM Slack answered with', async () => {
    await boot(false);
    // The design invitations were the members' first messages: each went to their user id, and the
    // DM's id that Slack answered with was remembered. No conversations.open.
    expect(h.fake.calls('conversations.open')).toEqual([]);
    const posts = () =>
      h.fake.calls('chat.postMessage').filter((c) => (c.response as { ok?: boolean } | undefined)?.ok === true);
    for (const user of MEMBERS) {
      const first = posts().find((c) => c.args.channel === user);
      expect(first?.response).toMatchObject({ ok: true, channel: h.fake.dmChannelId(user) });
      expect(h.app.store.dmChannels.get(h.fake.teamId, user)).toBe(h.fake.dmChannelId(user));
    }
    const before = posts().length;
    await h.tickAt(FIRST_PULSE);
    await h.tickAt('2026-01-15T09:00:00Z');
    expect(h.fake.calls('conversations.open')).toEqual([]);
    const pulsePosts = posts().slice(before);
    expect(pulsePosts.filter((c) => MEMBERS.includes(String(c.args.channel)))).toEqual([]);
    for (const user of MEMBERS) {
      expect(dmsWith(h, user, ACTIONS.checkIn).length).toBeGreaterThanOrEqual(1);
      expect(pulsePosts.some((c) => c.args.channel === h.fake.dmChannelId(user))).toBe(true);
    }
    // A remembered channel that stops working is forgotten; the retry looks for the message first
    // (in the DM Slack names now) and then sends it once. (Close the second pulse and post the
    // Monday digest first, so the failure meets an invitation.)
    await h.tickAt('2026-01-17T09:00:00Z');
    await h.tickAt('2026-01-19T08:30:00Z');
    h.fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    await h.tickAt('2026-01-22T09:00:00Z');
    await h.tickAt('2026-01-22T09:01:00Z');
    expect(h.fake.calls('conversations.open')).toHaveLength(1);
    const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM')!;
    const pulse = h.app.store.pulses.openPulse(alliance.id)!;
    expect(h.app.store.deliveries.forSubject('pulse_invite', pulse.id).map((d) => d.state)).toEqual([
      'sent',
      'sent',
      'sent',
    ]);
    for (const user of MEMBERS) {
      expect(h.app.store.dmChannels.get(h.fake.teamId, user)).toBe(h.fake.dmChannelId(user));
      // Three pulses, one invitation each: nothing lost, nothing sent twice.
      const invitations = posts().filter(
        (c) =>
          c.args.channel === h.fake.dmChannelId(user) && String(c.args.text).includes('How is the alliance going?'),
      );
      expect(invitations).toHaveLength(3);
    }
  });

  it('takes a deactivated account out of the alliance when Slack says so', async () => {
    const alliance = await boot(false);
    h.fake.setUserDeleted('UCAROL', true);
    await h.slack.event(
      { type: 'user_change', user: { id: 'UCAROL', deleted: true, is_bot: false } },
      { eventId: 'Ev0USER1' },
    );
    expect(h.app.store.alliances.members(alliance.id)).toEqual(['UALICE', 'UBOB']);
    expect(
      h.fake
        .messages('CTEAM')
        .some((m) => JSON.stringify(m.blocks).includes('<@UCAROL> has been deactivated and no longer takes part.')),
    ).toBe(true);
    await h.tickAt(FIRST_PULSE);
    expect(dmsWith(h, 'UCAROL', ACTIONS.checkIn)).toEqual([]);
    // Anyone else's profile change is not news.
    await h.slack.event(
      { type: 'user_change', user: { id: 'UBOB', deleted: false, is_bot: false } },
      { eventId: 'Ev0USER2' },
    );
    expect(h.app.store.alliances.members(alliance.id)).toEqual(['UALICE', 'UBOB']);
  });

  it('records a member Slack cannot reach, tells the starter once, and does not retry forever', async () => {
    const alliance = await boot(false);
    // Dave joins through the settings; before his first DM his account leaves the workspace, and no
    // event said so: the first DM, addressed to his user id, is where Alliance finds out.
    await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'settings' });
    await h.slack.submitView({ userId: 'UALICE', values: { [SETUP_BLOCKS.members]: [...MEMBERS, 'UDAVE'] } });
    h.fake.removeUser('UDAVE');
    await h.tickAt(FIRST_PULSE);
    const pulse = h.app.store.pulses.openPulse(alliance.id)!;
    expect(h.app.store.deliveries.find('pulse_invite', pulse.id, 'UDAVE')?.state).toBe('unreachable');
    const reports = () => h.fake.messages('UALICE').filter((m) => m.text.includes("can't reach a member"));
    expect(reports()).toHaveLength(1);
    expect(JSON.stringify(reports()[0]!.blocks)).toContain('<@UDAVE>');
    expect(h.app.store.alliances.members(alliance.id)).toEqual(MEMBERS);
    // The reminder and the next pulse neither retry nor report again.
    const toDave = () => h.fake.calls('chat.postMessage').filter((c) => c.args.channel === 'UDAVE').length;
    expect(toDave()).toBe(1);
    await h.tickAt('2026-01-09T09:00:00Z');
    await h.tickAt('2026-01-15T09:00:00Z');
    expect(reports()).toHaveLength(1);
    expect(toDave()).toBe(1);
  });

  it('catches up after downtime inside the window, and skips a pulse whose window passed', async () => {
    const alliance = await boot(false);
    // Down from before the first pulse until 30 hours after it: still open, so it goes out now.
    await h.tickAt('2026-01-09T15:00:00Z');
    const first = h.app.store.pulses.all(alliance.id);
    expect(first.map((p) => [p.periodKey, p.status])).toEqual([['2026-01-08', 'open']]);
    expect(first[0]!.closesAt.toISOString()).toBe('2026-01-10T09:00:00.000Z');
    for (const user of MEMBERS) expect(dmsWith(h, user, ACTIONS.checkIn)).toHaveLength(1);

    // Down again from the 10th to the 22nd at 12:00: the 15th's window passed (skipped), the 22nd's is still open.
    await h.tickAt('2026-01-10T09:00:00Z');
    await h.tickAt('2026-01-22T12:00:00Z');
    const pulses = h.app.store.pulses.all(alliance.id).map((p) => [p.periodKey, p.status]);
    expect(pulses).toEqual([
      ['2026-01-08', 'closed'],
      ['2026-01-15', 'skipped'],
      ['2026-01-22', 'open'],
    ]);
    // Back after the 29th's window closed entirely: recorded skipped, nothing sent, next scheduled.
    await h.tickAt('2026-01-24T09:00:00Z');
    const invitations = () =>
      h.fake.calls('chat.postMessage').filter((c) => JSON.stringify(c.args.blocks ?? []).includes(ACTIONS.checkIn))
        .length;
    const sentBefore = invitations();
    await h.tickAt('2026-02-02T08:00:00Z');
    expect(
      h.app.store.pulses
        .all(alliance.id)
        .map((p) => [p.periodKey, p.status])
        .at(-1),
    ).toEqual(['2026-01-29', 'skipped']);
    expect(invitations()).toBe(sentBefore);
    expect(h.app.store.jobs.nextPending(alliance.id, 'pulse.open')?.runAt.toISOString()).toBe(
      '2026-02-05T09:00:00.000Z',
    );
  });

  it('lets members change the schedule and the members in /alliance settings; removed members get no more pulses, added ones the next', async () => {
    const alliance = await boot(false);
    await h.tickAt(FIRST_PULSE);
    const pulse = h.app.store.pulses.openPulse(alliance.id)!;

    // Dave is not a member: refused.
    await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text: 'settings' });
    expect(h.fake.ephemerals('UDAVE').at(-1)?.text).toContain('Only members of');

    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'settings' });
    const modal = h.fake.topView('UBOB')!;
    expect(modal.callback_id).toBe(VIEWS.settings);
    expect(validateView(modal)).toEqual([]);

    // A reminder longer than the pulse is open is refused inline.
    const bad = await h.slack.submitView({
      userId: 'UBOB',
      values: { 'settings.open_hours': '24', 'settings.reminder_hours': '48' },
    });
    expect(bad.outcome).toBe('errors');
    expect(bad.errors?.['settings.reminder_hours']).toContain('before the pulse closes');

    const saved = await h.slack.submitView({
      userId: 'UBOB',
      values: {
        'settings.open_hours': '48',
        'settings.reminder_hours': '24',
        [SETUP_BLOCKS.members]: ['UALICE', 'UBOB', 'UDAVE'],
        [SETUP_BLOCKS.cadence]: 'biweekly',
        [SETUP_BLOCKS.pulseWeekday]: '5',
        [SETUP_BLOCKS.pulseTime]: '15:00',
        [SETUP_BLOCKS.timeZone]: 'America/New_York',
      },
    });
    expect(saved.outcome).toBe('closed');
    const updated = h.app.store.alliances.get(alliance.id)!;
    expect(updated.settings.pulse).toMatchObject({ cadence: 'biweekly', weekday: 5, localTime: '15:00' });
    expect(updated.settings.timeZone).toBe('America/New_York');
    expect(h.app.store.alliances.members(alliance.id)).toEqual(['UALICE', 'UBOB', 'UDAVE']);
    // The next pulse: Friday the 9th, 15:00 in New York (20:00Z), counted from today.
    expect(h.app.store.jobs.nextPending(alliance.id, 'pulse.open')?.runAt.toISOString()).toBe(
      '2026-01-09T20:00:00.000Z',
    );
    const note = h.fake.messages('CTEAM').at(-1)!;
    expect(note.text).toContain('<@UBOB> updated the settings');
    expect(note.text).toContain('every other Friday at 15:00 (America/New_York)');
    expect(note.text).toContain('welcomed <@UDAVE>');
    expect(note.text).toContain('removed <@UCAROL>');

    // Carol left the open pulse: no reminder for her.
    expect(h.app.store.pulses.invitees(pulse.id)).toEqual(['UALICE', 'UBOB']);
    await h.tickAt('2026-01-09T09:00:00Z');
    expect(h.fake.messages('UCAROL').filter((m) => m.text.includes('A reminder'))).toEqual([]);

    // The next pulse goes to Dave, not to Carol.
    await h.tickAt('2026-01-09T20:00:00Z');
    expect(dmsWith(h, 'UDAVE', ACTIONS.checkIn)).toHaveLength(1);
    expect(dmsWith(h, 'UCAROL', ACTIONS.checkIn)).toHaveLength(1);
  });

  it('shows each member their alliances and the open pulse on the App Home tab', async () => {
    await boot(false);
    await h.tickAt(FIRST_PULSE);
    await h.slack.event(
      { type: 'app_home_opened', user: 'UBOB', channel: 'D0BOB', tab: 'home' },
      { eventId: 'Ev0HOME1' },
    );
    const home = h.fake.homeView('UBOB')!;
    expect(validateView(h.fake.calls('views.publish').at(-1)!.args.view)).toEqual([]);
    const text = JSON.stringify(home.blocks);
    expect(text).toContain('*Core team* in <#CTEAM>: in effect, version 1.');
    expect(text).toContain('A pulse is open until');
    await h.slack.event(
      { type: 'app_home_opened', user: 'UDAVE', channel: 'D0DAVE', tab: 'home' },
      { eventId: 'Ev0HOME2' },
    );
    expect(JSON.stringify(h.fake.homeView('UDAVE')?.blocks)).toContain('You are not part of an alliance yet');
  });

  it('stops scheduled work when the app is uninstalled or its bot token revoked, not for user tokens', async () => {
    const alliance = await boot(false);
    // Only user tokens revoked: Alliance holds none, nothing changes.
    await h.slack.event({ type: 'tokens_revoked', tokens: { oauth: ['UALICE'] } }, { eventId: 'Ev0REVOKE1' });
    expect(h.app.store.workspaces.get(h.fake.teamId)?.uninstalledAt).toBeNull();
    await h.slack.event({ type: 'tokens_revoked', tokens: { bot: [h.fake.botUserId] } }, { eventId: 'Ev0REVOKE2' });
    expect(h.app.store.workspaces.get(h.fake.teamId)?.uninstalledAt).not.toBeNull();
    const calls = h.fake.calls().length;
    const report = await h.tickAt(FIRST_PULSE);
    expect(report.ran).toEqual([]);
    expect(h.fake.calls()).toHaveLength(calls);
    expect(h.app.store.pulses.all(alliance.id)).toEqual([]);
    // Starting again with a valid token (a reinstall) resumes, and the missed pulse still opens.
    await h.restart();
    await h.tickAt('2026-01-08T10:00:00Z');
    for (const user of MEMBERS) expect(dmsWith(h, user, ACTIONS.checkIn)).toHaveLength(1);
  });

  it('stops scheduled work on app_uninstalled', async () => {
    await boot(false);
    await h.slack.event({ type: 'app_uninstalled' }, { eventId: 'Ev0UNINSTALL' });
    expect(h.app.store.workspaces.get(h.fake.teamId)?.uninstalledAt).not.toBeNull();
    expect((await h.tickAt(FIRST_PULSE)).ran).toEqual([]);
  });
});
