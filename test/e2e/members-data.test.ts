import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alliance } from '../../src/domain/alliance.js';
import { getTemplate } from '../../src/domain/templates/index.js';
import { validateView } from '../../src/simulator/block-kit.js';
import { ACTIONS, CHECKIN_BLOCKS, promptBlockId, SIGNAL_BLOCKS } from '../../src/slack/ids.js';
import { bootAlliance, type Harness } from '../support/boot.js';
import {
  activateAlliance,
  channelText,
  checkInValues,
  daysAfter,
  dmsWith,
  FIRST_WEEK,
  hasAction,
  stepAnswers,
} from '../support/flows.js';

const MEMBERS = ['UALICE', 'UBOB', 'UCAROL'];

describe('App Home and members’ data', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function boot(setup: Record<string, unknown> = {}, signals: Record<string, unknown> = {}): Promise<Alliance> {
    h = await bootAlliance({
      now: '2026-01-05T08:00:00Z',
      arrange: (fake) => {
        for (const id of [...MEMBERS, 'UDAVE'])
          fake.addUser({ id, name: id.slice(1).toLowerCase(), tz: 'Europe/Berlin' });
        fake.addUser({ id: 'UADMIN', name: 'admin', isAdmin: true });
        fake.addChannel({ id: 'CTEAM', name: 'team', members: [...MEMBERS, 'UDAVE', 'UADMIN'], botIsMember: true });
      },
    });
    return activateAlliance(h, { channelId: 'CTEAM', starter: 'UALICE', members: MEMBERS, setup, signals });
  }

  async function checkIn(userId: string, working: string, extra: Record<string, unknown> = {}) {
    const invite = dmsWith(h, userId, ACTIONS.checkIn).at(-1)!;
    await h.slack.clickButton({ userId, channelId: invite.channel, ts: invite.ts, actionId: ACTIONS.checkIn });
    const result = await h.slack.submitView({
      userId,
      values: checkInValues(4, { [CHECKIN_BLOCKS.working]: working, ...extra }),
    });
    expect(result.outcome).toBe('updated');
  }

  const openHome = (userId: string) =>
    h.slack.event({ type: 'app_home_opened', user: userId, channel: `D0${userId.slice(1)}`, tab: 'home' });
  const home = (userId: string) => JSON.stringify(h.fake.homeView(userId)?.blocks ?? []);

  it('the App Home shows each person what waits for them, and is not published again unchanged', async () => {
    await boot();
    await h.tickAt(FIRST_WEEK.pulse);
    await checkIn('UCAROL', 'Fine');
    await openHome('UBOB');
    await openHome('UCAROL');
    await openHome('UDAVE');
    for (const call of h.fake.calls('views.publish')) expect(validateView(call.args.view)).toEqual([]);

    // Bob has a pulse to check in on, with its button; Carol checked in: nothing waits for her.
    expect(home('UBOB')).toContain('Waiting for you');
    expect(home('UBOB')).toContain(ACTIONS.checkIn);
    expect(home('UBOB')).toContain('A pulse of *Core team* is open until');
    expect(home('UCAROL')).toContain('Nothing right now');
    expect(home('UCAROL')).not.toContain(ACTIONS.checkIn);
    expect(home('UCAROL')).toContain('You checked in on the open pulse.');
    // Dave belongs to no alliance: a short how-to.
    expect(home('UDAVE')).toContain('You are not part of an alliance yet');

    // Opening it again with nothing changed publishes nothing.
    const published = h.fake.calls('views.publish').length;
    await openHome('UCAROL');
    expect(h.fake.calls('views.publish')).toHaveLength(published);

    // Bob checks in from his Home: his Home follows (no second opening needed).
    const bobHome = h.fake.homeView('UBOB')!;
    await h.slack.clickInView({ userId: 'UBOB', viewId: bobHome.id, actionId: ACTIONS.checkIn });
    await h.slack.submitView({
      userId: 'UBOB',
      values: {
        [CHECKIN_BLOCKS.rating('atmosphere')]: '3',
        [CHECKIN_BLOCKS.rating('co_responsibility')]: '3',
        [CHECKIN_BLOCKS.rating('behavior')]: '3',
        [CHECKIN_BLOCKS.rating('overall')]: '3',
        [CHECKIN_BLOCKS.commitment('co_responsibility.count_on')]: 'kept',
        [CHECKIN_BLOCKS.commitment('co_responsibility.commit')]: 'kept',
      },
    });
    expect(home('UBOB')).toContain('Nothing right now');
  });

  it('/alliance leave: after a confirmation, no more pulses and one membership flag', async () => {
    const alliance = await boot({}, { [SIGNAL_BLOCKS.enabled]: ['membershipChange'] });
    await h.slack.command({ userId: 'UCAROL', channelId: 'CTEAM', text: 'leave' });
    expect(h.fake.topView('UCAROL')?.title?.text).toBe('Leave the alliance');
    const left = await h.slack.submitView({ userId: 'UCAROL', values: {} });
    expect(left.outcome).toBe('updated');
    expect(h.app.store.alliances.members(alliance.id)).toEqual(['UALICE', 'UBOB']);
    const flags = h.fake.messages('CTEAM').filter((m) => m.text.includes('Membership change'));
    expect(flags).toHaveLength(1);
    expect(JSON.stringify(flags[0]!.blocks)).toContain('<@UCAROL> left the alliance');
    await h.tickAt(FIRST_WEEK.pulse);
    expect(dmsWith(h, 'UCAROL', ACTIONS.checkIn)).toEqual([]);
    expect(dmsWith(h, 'UBOB', ACTIONS.checkIn)).toHaveLength(1);
    // Her name stays on the version she agreed to.
    const version = h.app.store.agreements.version(alliance.activeVersionId!)!;
    expect(version.content.members).toContain('UCAROL');
  });

  it('/alliance export: one file, to the caller’s DM only, with their answers and none of the others’ check-ins', async () => {
    await boot();
    await h.tickAt(FIRST_WEEK.pulse);
    await checkIn('UBOB', 'Bob’s own check-in words');
    await checkIn('UCAROL', 'Carol’s private check-in words');
    await h.tickAt(FIRST_WEEK.close);
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'export' });
    expect(h.fake.ephemerals('UBOB').at(-1)?.text).toContain('Only you received it');
    const files = h.fake.files();
    expect(files).toHaveLength(1);
    expect(files[0]!.channel).toBe(h.fake.dmChannelId('UBOB'));
    const text = files[0]!.bytes!.toString('utf8');
    expect(text).toContain('Bob’s own check-in words');
    expect(text).toContain(`UBOB on ${getTemplate('team').sections[0]!.prompts[0]!.id}`);
    expect(text).not.toContain('Carol’s private check-in words');
    const json = JSON.parse(text.slice(text.indexOf('```json') + 7, text.lastIndexOf('```'))) as {
      user: string;
      alliances: { consents: unknown[]; checkIns: unknown[] }[];
    };
    expect(json.user).toBe('UBOB');
    expect(json.alliances[0]?.consents).toHaveLength(1);
    expect(json.alliances[0]?.checkIns).toHaveLength(1);
  });

  it('/alliance forget me: nothing with their id or their words remains in any table or in the file; others intact', async () => {
    const alliance = await boot();
    await h.tickAt(FIRST_WEEK.pulse);
    await checkIn('UBOB', 'Bob-words-in-a-pulse');
    await checkIn('UCAROL', 'Carol-words-in-a-pulse');
    await h.tickAt(FIRST_WEEK.close);
    const bobWords = [
      'Bob-words-in-a-pulse',
      ...Object.values(stepAnswers('team', 0, 'UBOB')).map(String),
      ...Object.values(stepAnswers('team', 1, 'UBOB')).map(String),
    ];
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'forget me' });
    expect(h.fake.topView('UBOB')?.title?.text).toBe('Forget me');
    const forgotten = await h.slack.submitView({ userId: 'UBOB', values: {} });
    expect(forgotten.outcome, JSON.stringify([forgotten, h.logs.filter((l) => l.includes('ERROR'))])).toBe('updated');
    expect(JSON.stringify(h.fake.topView('UBOB')?.blocks)).toContain('are deleted');

    const db = h.app.store.db;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    for (const table of tables) {
      const dump = JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all());
      expect(dump, table).not.toContain('UBOB');
      for (const word of bobWords) expect(dump, `${table}: ${word}`).not.toContain(word);
    }
    const file = Buffer.concat([readFileSync(h.databasePath), readFileSync(`${h.databasePath}-wal`)]);
    expect(file.includes(Buffer.from('UBOB'))).toBe(false);
    for (const word of bobWords) expect(file.includes(Buffer.from(word))).toBe(false);

    // The others' data is intact, and the agreement reads as a whole with a placeholder.
    expect(h.app.store.alliances.members(alliance.id)).toEqual(['UALICE', 'UCAROL']);
    const version = h.app.store.agreements.version(alliance.activeVersionId!)!;
    expect(JSON.stringify(version.content)).toContain('UCAROL on');
    expect(JSON.stringify(version.content)).toContain('a former member');
    expect(JSON.stringify(h.app.store.pulses.all(alliance.id)[0]?.results)).toContain('Carol-words-in-a-pulse');
  });

  it('/alliance archive: no due jobs and nothing posted over three weeks of ticks; history readable; a new alliance can start', async () => {
    const alliance = await boot();
    await h.tickAt(FIRST_WEEK.pulse);
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'archive' });
    await h.slack.submitView({ userId: 'UBOB', values: {} });
    expect(h.app.store.alliances.get(alliance.id)?.status).toBe('archived');
    expect(h.app.store.pulses.openPulse(alliance.id)).toBeUndefined();
    const pending = h.app.store.jobs.forSubject(alliance.id).filter((j) => j.state === 'pending');
    expect(pending).toEqual([]);
    const calls = h.fake.calls('chat.postMessage').length;
    for (let day = 1; day <= 21; day++) await h.tickAt(daysAfter(FIRST_WEEK.pulse, day));
    expect(h.fake.calls('chat.postMessage')).toHaveLength(calls);
    // Its members are told it is archived and where its history is, not that there is no alliance.
    for (const text of ['digest', 'checkin', 'settings', 'renegotiate', 'leave', 'archive']) {
      await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text });
      const answer = h.fake.ephemerals('UBOB').at(-1)?.text ?? '';
      expect(answer, text).toContain('is archived');
      expect(answer, text).toContain('/alliance show');
      expect(answer, text).not.toContain('no alliance yet');
    }
    await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text: 'show' });
    expect(JSON.stringify(h.fake.ephemerals('UDAVE').at(-1)?.blocks)).toContain('Version 1');
    await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text: 'start Next' });
    expect(h.fake.topView('UDAVE')?.callback_id).toBe('alliance.setup');
  });

  it('retention: only the comments past their age are cleared, the figures stay; only admins change it', async () => {
    const alliance = await boot();
    await h.tickAt(FIRST_WEEK.pulse);
    await checkIn('UBOB', 'Old words', {
      [CHECKIN_BLOCKS.renegotiate]: ['yes'],
      [CHECKIN_BLOCKS.reason]: 'Old reason',
    });
    await h.tickAt(FIRST_WEEK.close);
    await h.tickAt(FIRST_WEEK.digest);
    await h.tickAt(daysAfter(FIRST_WEEK.pulse, 7));
    await checkIn('UBOB', 'Recent words');
    await h.tickAt(daysAfter(FIRST_WEEK.close, 7));
    await h.tickAt(daysAfter(FIRST_WEEK.digest, 7));
    // The channel's digest threads quote each pulse's comments, and a signal quotes the reason.
    const channel = () => channelText(h, 'CTEAM');
    expect(channel()).toContain('Old words');
    expect(channel()).toContain('Old reason');
    expect(channel()).toContain('Recent words');

    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'retention 30' });
    expect(h.fake.ephemerals('UBOB').at(-1)?.text).toContain('Only workspace admins');
    await h.slack.command({ userId: 'UADMIN', channelId: 'CTEAM', text: 'retention 30' });
    expect(h.fake.ephemerals('UADMIN').at(-1)?.text).toContain('kept 30 days');

    // 33 days after the first pulse closed, 26 after the second: only the first is past 30 days.
    await h.tickAt(daysAfter(FIRST_WEEK.close, 33));
    const [first, second] = h.app.store.pulses.all(alliance.id);
    expect(first?.results?.comments.working).toEqual([]);
    expect(first?.results?.aspects.overall?.mean).toBe(4);
    expect(second?.results?.comments.working).toEqual(['Recent words']);
    const words = h.app.store.db.prepare('SELECT working FROM pulse_responses ORDER BY pulse_id').pluck().all();
    expect(words).toEqual(['', 'Recent words']);
    // What Slack shows loses the cleared words too; the second pulse's digest keeps its own.
    expect(channel()).not.toContain('Old words');
    expect(channel()).not.toContain('Old reason');
    expect(channel()).toContain('Recent words');
  });

  it('a renegotiation compiled while a member has an unsaved draft leaves the draft out of the version', async () => {
    const alliance = await boot();
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'renegotiate' });
    const announcement = h.fake
      .messages('CTEAM')
      .filter((m) => hasAction(m, ACTIONS.addAnswers))
      .at(-1)!;
    const first = getTemplate('team').sections[0]!.prompts[0]!.id;
    // Carol changes an answer and closes the modal without submitting ("Save for later").
    await h.slack.clickButton({
      userId: 'UCAROL',
      channelId: 'CTEAM',
      ts: announcement.ts,
      actionId: ACTIONS.addAnswers,
    });
    await h.slack.closeView({ userId: 'UCAROL', values: { [promptBlockId(first)]: 'Carol’s unsaved draft' } });
    // Alice and Bob revisit and submit; Bob compiles early.
    for (const userId of ['UALICE', 'UBOB']) {
      await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: announcement.ts, actionId: ACTIONS.addAnswers });
      for (let step = 0; step < getTemplate('team').sections.length; step++) {
        await h.slack.submitView({ userId, values: stepAnswers('team', step, userId, ' (revised)') });
      }
      await h.slack.closeView({ userId });
    }
    await h.slack.clickButton({
      userId: 'UBOB',
      channelId: 'CTEAM',
      ts: announcement.ts,
      actionId: ACTIONS.compileNow,
    });
    const v2 = h.app.store.agreements.versions(alliance.id).at(-1)!;
    expect(v2.number).toBe(2);
    const text = JSON.stringify(v2.content);
    expect(text).not.toContain('Carol’s unsaved draft');
    // Carol keeps the answer she had agreed to.
    expect(text).toContain(`UCAROL on ${first}`);
    expect(h.app.store.db.prepare('SELECT count(*) FROM answer_drafts').pluck().get()).toBe(0);
  });
});
