import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTIONS, CHECKIN_BLOCKS, VIEWS } from '../../src/slack/ids.js';
import { bootAlliance, type Harness } from '../support/boot.js';
import { activateAlliance, dmsWith, press } from '../support/flows.js';
import { waitFor } from '../support/processes.js';

const MEMBERS = ['UALICE', 'UBOB', 'UCAROL'];
const FIRST_PULSE = '2026-01-08T09:00:00Z';

/**
 * Socket Mode, the manifest's default: the same app, reached over the WebSocket Slack hands out,
 * every request an envelope the app must ack, its answers carried in the acks.
 */
describe('Socket Mode', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootAlliance({
      socketMode: true,
      now: '2026-01-05T08:00:00Z',
      logLevel: 'info',
      arrange: (fake) => {
        for (const id of MEMBERS) fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
        fake.addUser({ id: 'UDAVE', name: 'dave', tz: 'Europe/Berlin' });
        fake.addChannel({ id: 'CTEAM', name: 'team', members: [...MEMBERS, 'UDAVE'], botIsMember: true });
      },
    });
  });
  afterEach(async () => h.close());

  const socket = () => h.socket!;

  it('connects with the app-level token and answers /alliance help in the ack; /healthz is served on PORT', async () => {
    expect(h.fake.calls('apps.connections.open').length).toBeGreaterThan(0);
    expect(socket().connections).toBe(1);
    const reply = await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'help' });
    expect(reply.delivered).toEqual({ ok: true });
    const shown = h.fake.ephemerals('UALICE').at(-1)!;
    expect(JSON.stringify(shown.blocks)).toContain('/alliance start');
    expect(shown.via).toBe('command_response');
    expect(socket().strayMessages).toEqual([]);

    const health = await fetch(`http://127.0.0.1:${h.app.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    expect((await fetch(`http://127.0.0.1:${h.app.port}/slack/events`, { method: 'POST' })).status).toBe(404);
    expect(h.logs.some((l) => l.includes('Connected to Slack over Socket Mode'))).toBe(true);
  });

  it('runs modal submissions over the socket: setup, inline errors, and a check-in with its writes', async () => {
    // The whole design flow: /alliance start, the setup modal (updated in place by the ack), the
    // members' answer modals, their consent buttons.
    const alliance = await activateAlliance(h, { channelId: 'CTEAM', starter: 'UALICE', members: MEMBERS });
    expect(alliance.status).toBe('active');

    // An invalid submission is refused inline: the errors travel in the ack.
    await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'settings' });
    expect(h.fake.topView('UBOB')?.callback_id).toBe(VIEWS.settings);
    const bad = await h.slack.submitView({
      userId: 'UBOB',
      values: { 'settings.open_hours': '24', 'settings.reminder_hours': '48' },
    });
    expect(bad.outcome).toBe('errors');
    expect(bad.errors?.['settings.reminder_hours']).toContain('before the pulse closes');
    await h.slack.closeView({ userId: 'UBOB' });

    // A pulse: the check-in button opens the modal; the submission is stored.
    await h.tickAt(FIRST_PULSE);
    const invite = dmsWith(h, 'UBOB', ACTIONS.checkIn)[0]!;
    await press(h, 'UBOB', invite, ACTIONS.checkIn);
    expect(h.fake.topView('UBOB')?.callback_id).toBe(VIEWS.checkIn);
    const submitted = await h.slack.submitView({
      userId: 'UBOB',
      values: {
        [CHECKIN_BLOCKS.rating('atmosphere')]: '4',
        [CHECKIN_BLOCKS.rating('co_responsibility')]: '3',
        [CHECKIN_BLOCKS.rating('behavior')]: '2',
        [CHECKIN_BLOCKS.rating('overall')]: '3',
        [CHECKIN_BLOCKS.commitment('co_responsibility.count_on')]: 'kept',
        [CHECKIN_BLOCKS.commitment('co_responsibility.commit')]: 'at_risk',
      },
    });
    expect(submitted.outcome).toBe('updated');
    const pulse = h.app.store.pulses.openPulse(alliance.id)!;
    expect(h.app.store.pulses.namedResponse(pulse.id, 'UBOB')?.answers.ratings).toEqual({
      atmosphere: 4,
      co_responsibility: 3,
      behavior: 2,
      overall: 3,
    });
    expect(socket().strayMessages).toEqual([]);
  });

  it('handles events over the socket: App Home opened, a member joining', async () => {
    await h.slack.event({ type: 'app_home_opened', user: 'UDAVE', channel: 'D0DAVE', tab: 'home' });
    expect(JSON.stringify(h.fake.homeView('UDAVE')?.blocks)).toContain('You are not part of an alliance yet');

    const alliance = await activateAlliance(h, { channelId: 'CTEAM', starter: 'UALICE', members: MEMBERS });
    h.fake.addUser({ id: 'UERIN', name: 'erin', tz: 'Europe/Berlin' });
    h.fake.setChannelMembers('CTEAM', [...MEMBERS, 'UDAVE', 'UERIN'], { botIsMember: true });
    const joined = { type: 'member_joined_channel', user: 'UERIN', channel: 'CTEAM', channel_type: 'C' };
    await h.slack.event(joined, { eventId: 'Ev0SOCKETJOIN' });
    // Slack redelivers an event it thinks was missed (retry_attempt in the envelope): nothing twice.
    await h.slack.event(joined, { eventId: 'Ev0SOCKETJOIN', retryNum: 1, retryReason: 'timeout' });
    const welcomes = h.fake.messages('UERIN');
    expect(welcomes).toHaveLength(1);
    expect(JSON.stringify(welcomes[0]!.blocks)).toContain('Core team');
    expect(h.app.store.alliances.get(alliance.id)?.status).toBe('active');
    expect(socket().strayMessages).toEqual([]);
  });

  it('reconnects after the connection drops, and when Slack asks it to refresh', async () => {
    const opened = socket().connectionsOpened;
    socket().dropConnections();
    // The Socket Mode client notices, asks apps.connections.open for a new URL and reconnects.
    await waitFor(() => socket().connections === 1, 20_000, 'the app to reconnect');
    expect(socket().connectionsOpened).toBe(opened + 1);
    const afterDrop = await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'help' });
    expect(afterDrop.delivered).toEqual({ ok: true });

    socket().requestRefresh();
    await waitFor(() => socket().connectionsOpened === opened + 2 && socket().connections === 1, 20_000, 'a refresh');
    const afterRefresh = await h.slack.command({ userId: 'UBOB', channelId: 'CTEAM', text: 'help' });
    expect(afterRefresh.delivered).toEqual({ ok: true });
    expect(JSON.stringify(h.fake.ephemerals('UBOB').at(-1)?.blocks)).toContain('/alliance start');
  });
});
