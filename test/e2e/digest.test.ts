import { afterEach, describe, expect, it } from 'vitest';
import { validateMessage } from '../../src/simulator/block-kit.js';
import { ACTIONS, CHECKIN_BLOCKS, SETUP_BLOCKS } from '../../src/slack/ids.js';
import { bootAlliance, type Harness } from '../support/boot.js';
import { activateAlliance, dmsWith } from '../support/flows.js';

const MEMBERS = ['UALICE', 'UBOB', 'UCAROL'];
const DAY = 86_400_000;
const week = (n: number, iso: string) => new Date(Date.parse(iso) + n * 7 * DAY);
// Pulses Thursday 10:00 Berlin (09:00Z), open 48 h; digests Monday 09:30 Berlin (08:30Z).
const PULSE = '2026-01-08T09:00:00Z';
const CLOSE = '2026-01-10T09:00:00Z';
const DIGEST = '2026-01-12T08:30:00Z';

describe('weekly digest', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function boot(setup: Record<string, unknown> = {}, members = MEMBERS) {
    h = await bootAlliance({
      now: '2026-01-05T08:00:00Z',
      arrange: (fake) => {
        for (const id of [...members, 'UDAVE']) fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
        fake.addChannel({ id: 'CTEAM', name: 'team', members: [...members, 'UDAVE'], botIsMember: true });
      },
    });
    return activateAlliance(h, { channelId: 'CTEAM', starter: members[0]!, members, setup });
  }

  async function pulseWeek(n: number, atmosphere: Record<string, number>, comments: Record<string, string> = {}) {
    await h.tickAt(week(n, PULSE));
    for (const [userId, rating] of Object.entries(atmosphere)) {
      const invite = dmsWith(h, userId, ACTIONS.checkIn).at(-1)!;
      await h.slack.clickButton({ userId, channelId: invite.channel, ts: invite.ts, actionId: ACTIONS.checkIn });
      await h.slack.submitView({
        userId,
        values: {
          [CHECKIN_BLOCKS.rating('atmosphere')]: String(rating),
          [CHECKIN_BLOCKS.rating('co_responsibility')]: '4',
          [CHECKIN_BLOCKS.rating('behavior')]: '4',
          [CHECKIN_BLOCKS.rating('overall')]: '4',
          [CHECKIN_BLOCKS.commitment('co_responsibility.count_on')]: 'kept',
          [CHECKIN_BLOCKS.commitment('co_responsibility.commit')]: 'kept',
          ...(comments[userId] ? { [CHECKIN_BLOCKS.working]: comments[userId] } : {}),
        },
      });
    }
    await h.tickAt(week(n, CLOSE));
  }

  const digests = () => h.fake.messages('CTEAM').filter((m) => !m.thread_ts && m.text.startsWith("How we're doing"));
  const fieldsOf = (message: { blocks: unknown[] }) =>
    JSON.stringify(message.blocks.filter((b) => (b as { fields?: unknown }).fields));

  it('posts three weekly digests with the right figures, details and a trend chart in each thread', async () => {
    await boot();
    // The first digest comes before any pulse: it says when the first one opens.
    await h.tickAt('2026-01-05T08:30:00Z');
    expect(digests()).toHaveLength(1);
    expect(JSON.stringify(digests()[0]!.blocks)).toContain('Your first pulse opens');

    await pulseWeek(0, { UALICE: 4, UBOB: 4, UCAROL: 4 }, { UBOB: 'Quick reviews <!channel>' });
    await h.tickAt(week(0, DIGEST));
    await pulseWeek(1, { UALICE: 5, UBOB: 5, UCAROL: 4 });
    await h.tickAt(week(1, DIGEST));
    await pulseWeek(2, { UALICE: 3, UBOB: 3 });
    await h.tickAt(week(2, DIGEST));

    const posted = digests();
    expect(posted).toHaveLength(4);
    for (const digest of posted) expect(validateMessage(digest)).toEqual([]);
    const [, first, second, third] = posted;
    expect(JSON.stringify(first!.blocks)).toContain('3 of 3 answered');
    expect(fieldsOf(first!)).toContain('*Atmosphere*\\n4.0   `▆`');
    expect(fieldsOf(second!)).toContain('*Atmosphere*\\n4.7 ▲ 0.7   `▆▇`');
    expect(JSON.stringify(third!.blocks)).toContain('2 of 3 answered');
    expect(fieldsOf(third!)).toContain('*Atmosphere*\\n3.0 ▼ 1.7   `▆▇▅`');

    // Details and the chart are in each digest's thread, not the main post.
    const thread = h.fake.messages('CTEAM').filter((m) => m.thread_ts === first!.ts && m.text.startsWith('Details'));
    expect(thread).toHaveLength(1);
    const details = JSON.stringify(thread[0]!.blocks);
    expect(details).toContain('Quick reviews &lt;!channel&gt;');
    expect(JSON.stringify(first!.blocks)).not.toContain('Quick reviews');
    const charts = h.fake.files().filter((f) => f.completed);
    expect(charts.map((f) => f.thread_ts)).toEqual([first!.ts, second!.ts, third!.ts]);
    for (const chart of charts) {
      expect(chart.channel).toBe('CTEAM');
      expect(chart.bytes?.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    }
  });

  it('posts only the latest missed digest, once, after downtime; a second tick posts nothing', async () => {
    await boot();
    await h.tickAt('2026-01-05T08:30:00Z');
    await pulseWeek(0, { UALICE: 4, UBOB: 4, UCAROL: 4 });
    // Down from the 10th until the 27th: the digests of the 12th, 19th and 26th were missed.
    await h.tickAt('2026-01-27T10:00:00Z');
    await h.tickAt('2026-01-27T10:01:00Z');
    expect(digests()).toHaveLength(2);
    const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM')!;
    expect(
      h.app.store.digests
        .all(alliance.id)
        .filter((d) => d.kind === 'scheduled')
        .map((d) => d.periodKey),
    ).toEqual(['2026-01-05', '2026-01-26']);
    expect(h.app.store.jobs.nextPending(alliance.id, 'digest.post')?.runAt.toISOString()).toBe(
      '2026-02-02T08:30:00.000Z',
    );
  });

  it('shows the digest privately with /alliance digest, and lets members post it', async () => {
    await boot();
    await pulseWeek(0, { UALICE: 4, UBOB: 2, UCAROL: 3 });
    const before = digests().length;
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'digest' });
    const preview = h.fake.ephemerals('UBOB').at(-1)!;
    expect(validateMessage(preview)).toEqual([]);
    expect(JSON.stringify(preview.blocks)).toContain('*Atmosphere*\\n3.0');
    expect(digests()).toHaveLength(before);

    await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text: 'digest post' });
    expect(h.fake.ephemerals('UDAVE').at(-1)?.text).toContain('Only members');
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'digest post' });
    expect(digests()).toHaveLength(before + 1);
  });

  it('hides figures and comments of an anonymous alliance when fewer than its threshold answered', async () => {
    const members = ['UALICE', 'UBOB', 'UCAROL', 'UERIN'];
    await boot({ [SETUP_BLOCKS.anonymous]: ['anonymous'], [SETUP_BLOCKS.threshold]: '3' }, members);
    await pulseWeek(0, { UALICE: 1, UBOB: 5 }, { UALICE: 'Only I would write this' });
    await h.tickAt(week(0, DIGEST));
    const digest = digests().at(-1)!;
    expect(JSON.stringify(digest.blocks)).toContain('2 of 4 answered');
    expect(JSON.stringify(digest.blocks)).toContain('Too few members answered');
    expect(fieldsOf(digest)).toBe('[]');
    const details = JSON.stringify(
      h.fake
        .messages('CTEAM')
        .filter((m) => m.thread_ts === digest.ts)
        .map((m) => m.blocks),
    );
    expect(details).not.toContain('Only I would write this');
    expect(details).toContain('Comments written by fewer than 3 people are not shown');
  });

  it('celebrates once per streak when the agreed target is met', async () => {
    await boot();
    // Target: every part 4.0 or more for 2 pulses (set in settings).
    await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'settings' });
    const saved = await h.slack.submitView({
      userId: 'UALICE',
      values: { 'celebration.threshold': '4.0', 'celebration.pulses': '2' },
    });
    expect(saved.outcome, JSON.stringify(saved.errors)).toBe('closed');
    await pulseWeek(0, { UALICE: 4, UBOB: 5, UCAROL: 4 });
    await h.tickAt(week(0, DIGEST));
    expect(JSON.stringify(digests().at(-1)!.blocks)).not.toContain('Time to celebrate');
    await pulseWeek(1, { UALICE: 5, UBOB: 4, UCAROL: 4 });
    await h.tickAt(week(1, DIGEST));
    expect(JSON.stringify(digests().at(-1)!.blocks)).toContain('Time to celebrate');
    await pulseWeek(2, { UALICE: 5, UBOB: 5, UCAROL: 5 });
    await h.tickAt(week(2, DIGEST));
    // Same streak: not celebrated again.
    expect(JSON.stringify(digests().at(-1)!.blocks)).not.toContain('Time to celebrate');
  });
});
