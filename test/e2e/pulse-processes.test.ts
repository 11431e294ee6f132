import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/slack/ids.js';
import { bootAlliance, type Harness } from '../support/boot.js';
import { activateAlliance, dmsWith } from '../support/flows.js';
import { runEntry, waitFor } from '../support/processes.js';

const MEMBERS = Array.from({ length: 16 }, (_, i) => `UMEMBER${String(i).padStart(2, '0')}`);
const FIRST_PULSE = '2026-01-08T09:00:00Z';

/** Pulse fan-out and `npm run tick` as separate operating-system processes on one database. */
describe('pulse fan-out across processes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootAlliance({
      now: '2026-01-05T08:00:00Z',
      logLevel: 'warn',
      arrange: (fake) => {
        for (const id of MEMBERS) fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
        fake.addChannel({ id: 'CTEAM', name: 'team', members: MEMBERS, botIsMember: true });
      },
    });
    await activateAlliance(h, { channelId: 'CTEAM', starter: MEMBERS[0]!, members: MEMBERS });
  });
  afterEach(async () => h.close());

  const tickEnv = () => ({
    DATABASE_PATH: h.databasePath,
    SLACK_BOT_TOKEN: h.fake.botToken,
    SLACK_API_URL: h.fake.apiUrl,
    LOG_LEVEL: 'warn',
  });
  const invitesPerMember = () => MEMBERS.map((m) => dmsWith(h, m, ACTIONS.checkIn).length);

  it('two tick processes at the same instant send each member exactly one invitation', async () => {
    // Slow answers make the two processes overlap for real.
    h.fake.setLatency('chat.postMessage', 40);
    const first = runEntry('dist/cli/tick.js', ['--at', FIRST_PULSE], tickEnv());
    const second = runEntry('dist/cli/tick.js', ['--at', FIRST_PULSE], tickEnv());
    const results = await Promise.all([first.done, second.done]);
    expect(
      results.map((r) => r.code),
      results.map((r) => r.stderr).join('\n'),
    ).toEqual([0, 0]);
    expect(invitesPerMember()).toEqual(MEMBERS.map(() => 1));
    const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM')!;
    expect(h.app.store.pulses.all(alliance.id)).toHaveLength(1);
  });

  it('a tick process killed mid-fan-out and restarted still reaches every member exactly once', async () => {
    h.fake.setLatency('chat.postMessage', 150);
    // Pulse invitations posted so far (design invitations went out earlier through the same outbox).
    const posted = () =>
      h.fake.calls('chat.postMessage').filter((c) => JSON.stringify(c.args.blocks ?? []).includes(ACTIONS.checkIn))
        .length;
    const run = runEntry('dist/cli/tick.js', ['--at', FIRST_PULSE], tickEnv());
    await waitFor(() => posted() >= 5, 20_000, 'five invitations to be posted');
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');
    const before = posted();
    expect(before).toBeLessThan(MEMBERS.length);
    // Let the fake finish answering requests the dead process left in flight.
    await new Promise((resolve) => setTimeout(resolve, 300));
    h.fake.setLatency('chat.postMessage', 0);
    // The crash left claimed rows whose messages Slack had already posted: the dangerous case.
    const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM')!;
    const pulse = h.app.store.pulses.all(alliance.id)[0]!;
    const inFlight = h.app.store.deliveries.forSubject('pulse_invite', pulse.id).filter((d) => d.state === 'sending');
    expect(inFlight.length).toBeGreaterThan(0);
    const alreadyPosted = inFlight.filter((d) => dmsWith(h, d.userId, ACTIONS.checkIn).length === 1);
    expect(alreadyPosted.length).toBeGreaterThan(0);

    // Restarted after the claims of the dead process expired.
    const restart = runEntry('dist/cli/tick.js', ['--at', '2026-01-08T09:11:00Z'], tickEnv());
    const finished = await restart.done;
    expect(finished.code, finished.stderr).toBe(0);
    expect(invitesPerMember()).toEqual(MEMBERS.map(() => 1));
    // The ones the dead process had sent were found in the DM history, not sent again.
    expect(h.fake.calls('conversations.history').length).toBeGreaterThan(0);
  });

  it('a tick process killed mid-fan-out at first contact: the restart finds what was posted and sends the rest once', async () => {
    // Nobody has had a DM from Alliance yet: every invitation is a first message, addressed to the person.
    for (const member of MEMBERS) h.app.store.dmChannels.forget(h.fake.teamId, member);
    h.fake.setLatency('chat.postMessage', 150);
    h.fake.clearCalls();
    const invitations = () =>
      h.fake.calls('chat.postMessage').filter((c) => JSON.stringify(c.args.blocks ?? []).includes(ACTIONS.checkIn));
    const run = runEntry('dist/cli/tick.js', ['--at', FIRST_PULSE], tickEnv());
    await waitFor(() => invitations().length >= 5, 20_000, 'five invitations to be posted');
    run.child.kill('SIGKILL');
    await run.done;
    await new Promise((resolve) => setTimeout(resolve, 300));
    h.fake.setLatency('chat.postMessage', 0);
    const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM')!;
    const pulse = h.app.store.pulses.all(alliance.id)[0]!;
    const inFlight = h.app.store.deliveries.forSubject('pulse_invite', pulse.id).filter((d) => d.state === 'sending');
    // Posted by Slack, but the process died before it heard which DM the message went to.
    const postedUnheard = inFlight.filter((d) => dmsWith(h, d.userId, ACTIONS.checkIn).length === 1);
    expect(postedUnheard.length).toBeGreaterThan(0);
    expect(
      postedUnheard.every((d) => d.dmChannelId === null && !h.app.store.dmChannels.get(h.fake.teamId, d.userId)),
    ).toBe(true);

    // The dead process addressed every message to the person's id, in one call each.
    expect(invitations().every((c) => MEMBERS.includes(String(c.args.channel)))).toBe(true);

    const restart = runEntry('dist/cli/tick.js', ['--at', '2026-01-08T09:11:00Z'], tickEnv());
    const finished = await restart.done;
    expect(finished.code, finished.stderr).toBe(0);
    expect(invitesPerMember()).toEqual(MEMBERS.map(() => 1));
    // The DM's id was asked for only to look up the rows the dead process left in flight; those not
    // found there were then sent to that DM. Every other first message went to the person's id.
    const inFlightUsers = new Set(inFlight.map((d) => d.userId));
    for (const call of invitations()) {
      const to = String(call.args.channel);
      // The fake names a person's DM D<user id>.
      if (!MEMBERS.includes(to)) expect(inFlightUsers.has(to.slice(1)), to).toBe(true);
    }
    expect(
      h.fake
        .calls('conversations.open')
        .map((c) => c.args.users)
        .sort(),
    ).toEqual(inFlight.map((d) => d.userId).sort());
    expect(h.fake.calls('conversations.history').length).toBe(inFlight.length);
    for (const member of MEMBERS)
      expect(h.app.store.dmChannels.get(h.fake.teamId, member)).toBe(h.fake.dmChannelId(member));
  });

  it('two tick processes at the digest instant post one digest', async () => {
    // The first digest is due Monday the 5th at 09:30 Berlin (08:30Z), before any pulse.
    const results = await Promise.all([
      runEntry('dist/cli/tick.js', ['--at', '2026-01-05T08:30:00Z'], tickEnv()).done,
      runEntry('dist/cli/tick.js', ['--at', '2026-01-05T08:30:00Z'], tickEnv()).done,
    ]);
    expect(
      results.map((r) => r.code),
      results.map((r) => r.stderr).join('\n'),
    ).toEqual([0, 0]);
    const digests = h.fake.messages('CTEAM').filter((m) => !m.thread_ts && m.text.startsWith("How we're doing"));
    expect(digests).toHaveLength(1);
  });
});
