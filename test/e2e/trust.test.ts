import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alliance } from '../../src/domain/alliance.js';
import { ACTIONS, CHECKIN_BLOCKS, SETUP_BLOCKS, SIGNAL_BLOCKS } from '../../src/slack/ids.js';
import { bootAlliance, type Harness } from '../support/boot.js';
import {
  activateAlliance,
  checkInWith,
  daysAfter,
  dmsWith,
  FIRST_WEEK,
  hasAction,
  press,
  submitSettings,
  TEAM_MEMBERS,
} from '../support/flows.js';

/**
 * The privacy and membership promises, each tested as the attack that used to get around it.
 */

describe('trust, tested as the attacks', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function boot(setup: Record<string, unknown> = {}, signals: Record<string, unknown> = {}): Promise<Alliance> {
    h = await bootAlliance({
      now: '2026-01-05T08:00:00Z',
      arrange: (fake) => {
        for (const id of [...TEAM_MEMBERS, 'UDAVE', 'UOUT'])
          fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
        fake.addChannel({ id: 'CTEAM', name: 'team', members: [...TEAM_MEMBERS, 'UDAVE'], botIsMember: true });
        fake.addChannel({ id: 'COTHER', name: 'other', members: ['UOUT'], botIsMember: false });
        fake.addChannel({ id: 'CFREE', name: 'free', members: ['UBOB', 'UCAROL'], botIsMember: true });
      },
    });
    return activateAlliance(h, { channelId: 'CTEAM', starter: 'UALICE', members: TEAM_MEMBERS, setup, signals });
  }

  const checkIn = (userId: string, rating: number, extra: Record<string, unknown> = {}) =>
    checkInWith(h, userId, rating, extra);
  const changeSettings = (userId: string, values: Record<string, unknown>) =>
    submitSettings(h, userId, 'CTEAM', values);

  const everything = () => JSON.stringify(h.fake.messages('CTEAM'));

  // ---- 1. Anonymity cannot be undone ------------------------------------------------------------

  it('1. unticking anonymity does not reveal an earlier anonymous pulse, even once everyone agreed', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.anonymous]: ['anonymous'] });
    await h.tickAt(FIRST_WEEK.pulse);
    await checkIn('UBOB', 1, { [CHECKIN_BLOCKS.working]: 'Only Bob would write this' });
    await checkIn('UCAROL', 2);
    await h.tickAt(FIRST_WEEK.close);

    // Bob unticks anonymity: the rest of his change applies, anonymity waits for everyone.
    const saved = await changeSettings('UBOB', { [SETUP_BLOCKS.anonymous]: [] });
    expect(saved.outcome).toBe('closed');
    expect(h.app.store.alliances.get(alliance.id)?.settings.anonymous).toBe(true);
    const proposal = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.agreePrivacyChange))!;
    expect(proposal.text).toContain('waiting for every member');

    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'digest' });
    const preview = JSON.stringify(h.fake.ephemerals('UBOB').at(-1)?.blocks);
    expect(preview).not.toContain('Only Bob would write this');
    expect(preview).toContain('Too few members answered');

    // Everyone agrees: pulses from now on are named; the old pulse stays as hidden as it was.
    for (const userId of TEAM_MEMBERS) {
      await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: proposal.ts, actionId: ACTIONS.agreePrivacyChange });
    }
    expect(h.app.store.alliances.get(alliance.id)?.settings.anonymous).toBe(false);
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'digest' });
    const after = JSON.stringify(h.fake.ephemerals('UBOB').at(-1)?.blocks);
    expect(after).not.toContain('Only Bob would write this');
    expect(after).toContain('Too few members answered');
    expect(after).not.toMatch(/Atmosphere\*\\n1\.5/);
  });

  it('1b. a pulse that opened anonymous is judged at its own threshold when it closes after the switch', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.anonymous]: ['anonymous'] });
    await h.tickAt(FIRST_WEEK.pulse);
    await checkIn('UBOB', 2, {
      [CHECKIN_BLOCKS.renegotiate]: ['yes'],
      [CHECKIN_BLOCKS.reason]: 'Private reason from Bob',
    });
    // The team turns anonymity off while the pulse is open (every member agrees).
    await changeSettings('UALICE', { [SETUP_BLOCKS.anonymous]: [] });
    const proposal = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.agreePrivacyChange))!;
    for (const userId of TEAM_MEMBERS.slice(1)) {
      await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: proposal.ts, actionId: ACTIONS.agreePrivacyChange });
    }
    expect(h.app.store.alliances.get(alliance.id)?.settings.anonymous).toBe(false);
    await h.tickAt(FIRST_WEEK.close);
    expect(everything()).not.toContain('Private reason from Bob');
    expect(h.app.store.flags.all(alliance.id).filter((f) => f.kind === 'someoneAsks')).toEqual([]);
  });

  // ---- 2. Members-only stays members-only --------------------------------------------------------

  it('2. a members-only alliance puts no agreement, answer, comment or reason in the channel, and a newcomer’s clicks reveal nothing', async () => {
    const alliance = await boot(
      { [SETUP_BLOCKS.visibility]: 'members' },
      { [SIGNAL_BLOCKS.lowThreshold]: '4', [SIGNAL_BLOCKS.lowPulses]: '1' },
    );
    const secrets = [
      'UALICE on atmosphere',
      'Secret working comment',
      'Secret risk comment',
      'Secret reason to renegotiate',
    ];
    await h.tickAt(FIRST_WEEK.pulse);
    for (const [i, userId] of TEAM_MEMBERS.entries()) {
      await checkIn(userId, 2, {
        [CHECKIN_BLOCKS.working]: `${secrets[1]} ${i}`,
        [CHECKIN_BLOCKS.atRisk]: `${secrets[2]} ${i}`,
        [CHECKIN_BLOCKS.renegotiate]: ['yes'],
        [CHECKIN_BLOCKS.reason]: `${secrets[3]} ${i}`,
      });
    }
    await h.tickAt(FIRST_WEEK.close);
    await h.tickAt(FIRST_WEEK.digest);
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'digest post' });

    // Every post of the run in the channel, threads included: that things happened, nothing more.
    const channel = everything();
    for (const secret of secrets) expect(channel).not.toContain(secret);
    const flags = h.fake.messages('CTEAM').filter((m) => hasAction(m, ACTIONS.flagDetails));
    const asks = flags.find((m) => m.text.includes('Someone asks'))!;
    expect(flags.length).toBeGreaterThan(1);
    const digest = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.viewDigest))!;
    expect(h.fake.files()).toEqual([]);

    // A member sees the details privately.
    await h.slack.clickButton({ userId: 'UBOB', channelId: 'CTEAM', ts: asks.ts, actionId: ACTIONS.flagDetails });
    expect(JSON.stringify(h.fake.topView('UBOB')?.blocks)).toContain('Secret reason to renegotiate');

    // Dave is in the channel but not a member: every click and command is refused, privately.
    await h.slack.clickButton({ userId: 'UDAVE', channelId: 'CTEAM', ts: flags[0]!.ts, actionId: ACTIONS.flagDetails });
    await h.slack.clickButton({ userId: 'UDAVE', channelId: 'CTEAM', ts: digest.ts, actionId: ACTIONS.viewDigest });
    await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text: 'show' });
    await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text: 'digest' });
    const daveSaw = JSON.stringify([h.fake.ephemerals('UDAVE'), h.fake.openViews('UDAVE'), h.fake.messages('UDAVE')]);
    for (const secret of secrets) expect(daveSaw).not.toContain(secret);
    expect(h.fake.ephemerals('UDAVE').every((e) => /members only|Only members of/.test(e.text))).toBe(true);

    // A newcomer to the channel hears only that the alliance exists, asks to join, and a member admits them.
    h.fake.setChannelMembers('CTEAM', [...TEAM_MEMBERS, 'UDAVE', 'UOUT'], { botIsMember: true });
    await h.slack.event({ type: 'member_joined_channel', user: 'UOUT', channel: 'CTEAM', channel_type: 'C' });
    const invitation = dmsWith(h, 'UOUT', ACTIONS.askToJoin)[0]!;
    expect(JSON.stringify(h.fake.messages('UOUT'))).not.toContain('UALICE on atmosphere');
    expect(dmsWith(h, 'UOUT', ACTIONS.commit)).toEqual([]);
    await press(h, 'UOUT', invitation, ACTIONS.askToJoin);
    const request = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.admit))!;
    // Only a member may admit: the newcomer cannot admit themselves.
    await h.slack.clickButton({ userId: 'UOUT', channelId: 'CTEAM', ts: request.ts, actionId: ACTIONS.admit });
    expect(dmsWith(h, 'UOUT', ACTIONS.commit)).toEqual([]);
    await h.slack.clickButton({ userId: 'UCAROL', channelId: 'CTEAM', ts: request.ts, actionId: ACTIONS.admit });
    const welcome = dmsWith(h, 'UOUT', ACTIONS.commit)[0]!;
    expect(JSON.stringify(welcome.blocks)).toContain('UALICE on atmosphere');
    await press(h, 'UOUT', welcome, ACTIONS.commit);
    expect(h.app.store.alliances.isMember(alliance.id, 'UOUT')).toBe(true);
  });

  // ---- 3. Removed people stay out -----------------------------------------------------------------

  it('3. a removed member pressing every old button gets no effect and no pulse; the starter keeps no powers', async () => {
    const alliance = await boot({}, { [SIGNAL_BLOCKS.lowThreshold]: '4', [SIGNAL_BLOCKS.lowPulses]: '1' });
    // Dave joins the channel, commits as a newcomer: he holds the newcomer buttons.
    await h.slack.event({ type: 'member_joined_channel', user: 'UDAVE', channel: 'CTEAM', channel_type: 'C' });
    const welcome = dmsWith(h, 'UDAVE', ACTIONS.commit)[0]!;
    await press(h, 'UDAVE', welcome, ACTIONS.commit);
    expect(h.app.store.alliances.isMember(alliance.id, 'UDAVE')).toBe(true);
    await h.tickAt(FIRST_WEEK.pulse);
    for (const userId of TEAM_MEMBERS) await checkIn(userId, 2);
    await h.tickAt(FIRST_WEEK.close);
    await h.tickAt(daysAfter(FIRST_WEEK.pulse, 7));
    const flag = h.fake.messages('CTEAM').find((m) => hasAction(m, ACTIONS.startRenegotiation))!;
    const pulseDm = dmsWith(h, 'UDAVE', ACTIONS.checkIn).at(-1)!;
    // Alice (who started the alliance) and Bob remove Dave and Alice.
    await changeSettings('UBOB', { [SETUP_BLOCKS.members]: ['UBOB', 'UCAROL', 'UERIN'] });
    expect(h.app.store.alliances.members(alliance.id)).toEqual(['UBOB', 'UCAROL', 'UERIN']);
    const pulse = h.app.store.pulses.openPulse(alliance.id)!;

    const members = () =>
      JSON.stringify(h.app.store.db.prepare('SELECT * FROM alliance_members ORDER BY user_id').all());
    const before = members();
    for (const userId of ['UDAVE', 'UALICE']) h.fake.clearViews(userId);
    // Dave, removed: his newcomer buttons and his pulse invitation.
    await press(h, 'UDAVE', welcome, ACTIONS.commit);
    await press(h, 'UDAVE', welcome, ACTIONS.proposeChanges);
    await press(h, 'UDAVE', pulseDm, ACTIONS.checkIn);
    // Both, removed: the flag's buttons and every command that changes something.
    for (const userId of ['UDAVE', 'UALICE']) {
      await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: flag.ts, actionId: ACTIONS.notNow });
      await h.slack.clickButton({ userId, channelId: 'CTEAM', ts: flag.ts, actionId: ACTIONS.startRenegotiation });
      await h.slack.command({ userId, channelId: 'CTEAM', text: 'settings' });
      await h.slack.command({ userId, channelId: 'CTEAM', text: 'renegotiate' });
      await h.slack.command({ userId, channelId: 'CTEAM', text: 'digest post' });
      await h.slack.command({ userId, channelId: 'CTEAM', text: 'checkin' });
      expect(h.fake.openViews(userId)).toEqual([]);
    }
    expect(members()).toBe(before);
    expect(h.app.store.alliances.members(alliance.id)).toEqual(['UBOB', 'UCAROL', 'UERIN']);
    expect(h.app.store.design.currentOpenRound(alliance.id)).toBeUndefined();
    expect(h.app.store.pulses.invitees(pulse.id)).not.toContain('UDAVE');
    expect(h.app.store.digests.lastManualPostAt(alliance.id)).toBeNull();
    // The next pulse reaches the three members only.
    const invitations = (userId: string) =>
      h.app.store.db
        .prepare("SELECT count(*) FROM deliveries WHERE kind = 'pulse_invite' AND user_id = ? AND state = 'sent'")
        .pluck()
        .get(userId) as number;
    const daveHad = invitations('UDAVE');
    await h.tickAt(daysAfter(FIRST_WEEK.close, 7));
    await h.tickAt(daysAfter(FIRST_WEEK.pulse, 14));
    expect(invitations('UDAVE')).toBe(daveHad);
    expect(invitations('UALICE')).toBe(invitations('UBOB') - 1);
    expect(invitations('UBOB')).toBe(3);
  });

  it('3b. no one starts an alliance in a channel they are not in, and the bot does not join it', async () => {
    await boot();
    await h.slack.command({ userId: 'UBOB', channelId: 'CFREE', text: 'start Elsewhere' });
    const result = await h.slack.submitView({
      userId: 'UBOB',
      values: { [SETUP_BLOCKS.channel]: 'COTHER', [SETUP_BLOCKS.members]: ['UBOB', 'UCAROL'] },
    });
    expect(result.outcome).toBe('errors');
    expect(JSON.stringify(result.errors)).toContain('only in a channel you are in');
    expect(h.fake.channel('COTHER')?.botIsMember).toBe(false);
    expect(h.fake.calls('conversations.join')).toEqual([]);
  });

  // ---- 4. The database alone cannot pair an answer with its author ------------------------------

  it('4. two anonymous check-ins leave no write that holds a response with its author, and the close leaves only figures', async () => {
    const alliance = await boot({ [SETUP_BLOCKS.anonymous]: ['anonymous'] });
    await h.tickAt(FIRST_WEEK.pulse);
    const words = { UBOB: 'Zebra-crossing words from Bob', UCAROL: 'Kingfisher words from Carol' };
    await checkIn('UBOB', 2, { [CHECKIN_BLOCKS.working]: words.UBOB });
    await checkIn('UCAROL', 4, { [CHECKIN_BLOCKS.working]: words.UCAROL });
    const path = h.databasePath;
    const files = () => [readFileSync(path), readFileSync(`${path}-wal`)];

    // While the pulse is open: the words are nowhere in the files, in any page or WAL frame.
    for (const file of files()) {
      for (const text of Object.values(words)) expect(file.includes(Buffer.from(text))).toBe(false);
      expect(file.includes(Buffer.from('Zebra'))).toBe(false);
    }
    // Who answered is there (reminders need it), in writes that carry no answer.
    expect(h.app.store.pulses.participants(h.app.store.pulses.openPulse(alliance.id)!.id).sort()).toEqual([
      'UBOB',
      'UCAROL',
    ]);

    for (const mode of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(mode).mode & 0o777).toBe(0o600);

    const pulse = h.app.store.pulses.openPulse(alliance.id)!;
    const sealed = h.app.store.db.prepare('SELECT sealed, key_hash FROM pulse_sealed_answers').all() as {
      sealed: Buffer;
      key_hash: string;
    }[];
    expect(sealed).toHaveLength(2);
    await h.tickAt(FIRST_WEEK.close);
    // After the close: the figures hold the words (frozen, in no particular order)…
    expect(h.app.store.pulses.get(pulse.id)?.results?.comments.working.sort()).toEqual(Object.values(words).sort());
    // …but nothing pairs them with a person: no participation rows; the sealed answers gone from the
    // database and from the WAL (emptied at the close, so it no longer holds the check-ins in order);
    // and no page of the database holds both a comment and the id of someone who answered.
    expect(h.app.store.pulses.participants(pulse.id)).toEqual([]);
    expect(h.app.store.db.prepare('SELECT count(*) FROM pulse_sealed_answers').pluck().get()).toBe(0);
    for (const file of files()) {
      for (const row of sealed) {
        expect(file.includes(row.sealed.subarray(0, 48))).toBe(false);
        expect(file.includes(Buffer.from(row.key_hash))).toBe(false);
      }
    }
    const db = readFileSync(path);
    const pageSize = h.app.store.db.pragma('page_size', { simple: true }) as number;
    for (let offset = 0; offset < db.length; offset += pageSize) {
      const page = db.subarray(offset, offset + pageSize);
      if (!page.includes(Buffer.from('Zebra-crossing')) && !page.includes(Buffer.from('Kingfisher'))) continue;
      expect(page.includes(Buffer.from('UBOB'))).toBe(false);
      expect(page.includes(Buffer.from('UCAROL'))).toBe(false);
    }
  });

  // ---- 5. Figures below the threshold stay silent ------------------------------------------------

  it('5. one anonymous answer evaluates no content signal, and the digest publishes no small count', async () => {
    const alliance = await boot(
      { [SETUP_BLOCKS.anonymous]: ['anonymous'] },
      { [SIGNAL_BLOCKS.lowThreshold]: '3', [SIGNAL_BLOCKS.lowPulses]: '1' },
    );
    await h.tickAt(FIRST_WEEK.pulse);
    await checkIn('UBOB', 1, { [CHECKIN_BLOCKS.renegotiate]: ['yes'], [CHECKIN_BLOCKS.reason]: 'Bob alone' });
    await h.tickAt(FIRST_WEEK.close);
    const kinds = h.app.store.flags.all(alliance.id).map((f) => f.kind);
    expect(kinds.filter((k) => ['lowScores', 'someoneAsks', 'disagreement', 'sharpDrop'].includes(k))).toEqual([]);
    expect(everything()).not.toContain('scored below');
    expect(everything()).not.toContain('Bob alone');

    // Four anonymous answers: figures as half-point bands; a count of one at-risk commitment stays hidden.
    await h.tickAt(daysAfter(FIRST_WEEK.pulse, 7));
    for (const [i, userId] of TEAM_MEMBERS.entries()) {
      await checkIn(
        userId,
        i === 0 ? 5 : 4,
        i === 0 ? { [CHECKIN_BLOCKS.commitment('co_responsibility.commit')]: 'at_risk' } : {},
      );
    }
    await h.tickAt(daysAfter(FIRST_WEEK.close, 7));
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'digest' });
    const preview = JSON.stringify(h.fake.ephemerals('UBOB').at(-1)?.blocks);
    expect(preview).toContain('4.0–4.5');
    expect(preview).not.toMatch(/4\.2\d?\b/);
    expect(preview).toContain('Commitments at risk or needing help:* not shown');
  });

  // ---- 6. Abuse: floods and forged lines ---------------------------------------------------------

  it('6a. a join/leave loop raises one membership flag, updated in place', async () => {
    const alliance = await boot({}, { [SIGNAL_BLOCKS.enabled]: ['membershipChange'] });
    for (let i = 0; i < 5; i++) {
      await h.slack.event({ type: 'member_joined_channel', user: 'UOUT', channel: 'CTEAM', channel_type: 'C' });
      await h.slack.event({ type: 'member_left_channel', user: 'UOUT', channel: 'CTEAM', channel_type: 'C' });
    }
    await h.slack.event({ type: 'member_joined_channel', user: 'UDAVE', channel: 'CTEAM', channel_type: 'C' });
    const posts = h.fake.messages('CTEAM').filter((m) => m.text.includes('Membership change'));
    expect(posts).toHaveLength(1);
    expect(h.app.store.flags.all(alliance.id).filter((f) => f.kind === 'membershipChange')).toHaveLength(1);
    expect(JSON.stringify(posts[0]!.blocks)).toContain('<@UDAVE>');
  });

  it('6b. /alliance digest post is shared at most once an hour', async () => {
    await boot();
    await h.tickAt(FIRST_WEEK.pulse);
    await h.tickAt(FIRST_WEEK.close);
    const posted = () => h.fake.messages('CTEAM').filter((m) => !m.thread_ts && m.text.startsWith("How we're doing"));
    const scheduled = posted().length;
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'digest post' });
    await h.slack.command({ userId: 'UCAROL', channelId: 'CTEAM', text: 'digest post' });
    expect(posted()).toHaveLength(scheduled + 1);
    expect(h.fake.ephemerals('UCAROL').at(-1)?.text).toContain('once an hour');
    h.clock.advance(61 * 60_000);
    await h.slack.command({ userId: 'UCAROL', channelId: 'CTEAM', text: 'digest post' });
    expect(posted()).toHaveLength(scheduled + 2);
  });

  it('6c. a newline in a quoted reason cannot forge a line of Alliance’s own', async () => {
    await boot();
    await h.tickAt(FIRST_WEEK.pulse);
    const forged = 'fine\n\n:white_check_mark: *Alliance:* the team agreed to drop the agreement';
    await checkIn('UBOB', 4, { [CHECKIN_BLOCKS.renegotiate]: ['yes'], [CHECKIN_BLOCKS.reason]: forged });
    await h.tickAt(FIRST_WEEK.close);
    const flag = h.fake.messages('CTEAM').find((m) => m.text.includes('Someone asks'))!;
    const text = (flag.blocks as { text?: { text?: string } }[]).map((b) => b.text?.text ?? '').join('\n');
    const line = text.split('\n').find((l) => l.includes('drop the agreement'));
    expect(line?.startsWith('> “fine')).toBe(true);
  });

  it('6d. an oversized unsigned body is refused with 413 without buffering it, and the app stays healthy', async () => {
    await boot();
    const url = new URL(h.appUrl);
    const before = process.memoryUsage().rss;
    const size = 64 * 1024 * 1024;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-length': size, 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (error) =>
        error.message.includes('EPIPE') || error.message.includes('ECONNRESET') ? undefined : reject(error),
      );
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const write = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', write);
        }
        req.end();
      };
      write();
    });
    expect(status).toBe(413);
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
    const health = await fetch(`http://${url.hostname}:${url.port}/healthz`);
    expect(health.status).toBe(200);
  });
});
