import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateMessage } from '../../src/simulator/block-kit.js';
import { signSlackRequest } from '../../src/simulator/slack-sender.js';
import { bootAlliance, type Harness } from '../support/boot.js';

describe('the running app (HTTP mode, fake Slack)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootAlliance({
      arrange: (fake) => {
        fake.addUser({ id: 'UALICE', name: 'alice' });
        fake.addChannel({ id: 'CTEAM', name: 'team', members: ['UALICE'], botIsMember: true });
      },
    });
  });
  afterEach(async () => h.close());

  it('calls auth.test at start and records the workspace', () => {
    expect(h.fake.calls('auth.test')).toHaveLength(1);
    expect(h.app.store.workspaces.get(h.fake.teamId)).toMatchObject({
      teamId: h.fake.teamId,
      botUserId: h.fake.botUserId,
    });
  });

  it('answers a signed /alliance help with an ephemeral list of subcommands', async () => {
    const reply = await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'help' });
    expect(reply.status).toBe(200);
    const body = reply.body as { response_type: string; text: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    expect(validateMessage(body)).toEqual([]);
    const shown = JSON.stringify(body.blocks);
    for (const sub of ['start', 'checkin', 'show', 'digest', 'renegotiate', 'settings', 'help']) {
      expect(shown).toContain(`/alliance ${sub}`);
    }
    expect(h.fake.ephemerals('UALICE').at(-1)).toMatchObject({ via: 'command_response' });
  });

  it('answers /alliance with no argument with the same help', async () => {
    const reply = await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: '' });
    expect(JSON.stringify((reply.body as { blocks: unknown[] }).blocks)).toContain('/alliance start');
  });

  it('answers an unknown subcommand with the help and names what was typed, escaped', async () => {
    const reply = await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'dance <!channel>' });
    const body = reply.body as { text: string; blocks: { text?: { text: string } }[] };
    expect(body.text).toContain('Unknown subcommand ‘dance’');
    expect(JSON.stringify(body.blocks)).toContain('/alliance start');
  });

  it('answers a command it cannot read with a note to try again, and stores nothing; the help still answers', async () => {
    // Signed as Slack signs, but without the trigger id and response URL a command needs.
    const send = (text: string) => {
      const body = `token=x&team_id=${h.fake.teamId}&user_id=UALICE&channel_id=CTEAM&command=%2Falliance&text=${text}`;
      return h.slack.raw({ body, contentType: 'application/x-www-form-urlencoded' });
    };
    h.fake.clearCalls();
    const start = await send('start');
    expect(start.status).toBe(200);
    expect(start.body).toEqual({
      response_type: 'ephemeral',
      text: 'Alliance could not read that command. Please try again.',
    });
    expect(h.fake.calls()).toEqual([]);
    expect(h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM')).toBeUndefined();

    // The help reads nothing but the subcommand, so it answers all the same.
    const help = await send('help');
    expect(JSON.stringify((help.body as { blocks: unknown[] }).blocks)).toContain('/alliance start');
  });

  it('rejects a request with a bad signature with 401 and makes no Web API call', async () => {
    h.fake.clearCalls();
    const body =
      'token=x&team_id=T0ALLIANCE&user_id=UALICE&channel_id=CTEAM&command=%2Falliance&text=help&trigger_id=1.2.3&response_url=http%3A%2F%2Fexample.com';
    const ts = Math.floor(Date.now() / 1000);
    const result = await h.slack.raw({
      body,
      contentType: 'application/x-www-form-urlencoded',
      timestamp: ts,
      signature: signSlackRequest('0'.repeat(32), ts, body),
    });
    expect(result.status).toBe(401);
    expect(h.fake.calls()).toEqual([]);
  });

  it('rejects a correctly signed request older than five minutes with 401', async () => {
    h.fake.clearCalls();
    const body =
      'token=x&team_id=T0ALLIANCE&user_id=UALICE&channel_id=CTEAM&command=%2Falliance&text=help&trigger_id=1.2.3&response_url=http%3A%2F%2Fexample.com';
    const ts = Math.floor(Date.now() / 1000) - 5 * 60 - 10;
    const result = await h.slack.raw({
      body,
      contentType: 'application/x-www-form-urlencoded',
      timestamp: ts,
      signature: signSlackRequest(h.signingSecret, ts, body),
    });
    expect(result.status).toBe(401);
    expect(h.fake.calls()).toEqual([]);
  });

  it('serves /healthz with 200 {"ok":true} while the database answers', async () => {
    const response = await fetch(h.appUrl.replace('/slack/events', '/healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    // A probe may add a query string; the path alone picks the route.
    const probed = await fetch(h.appUrl.replace('/slack/events', '/healthz?from=probe'));
    expect(probed.status).toBe(200);
    expect((await fetch(h.appUrl.replace('/slack/events', '/healthzz'))).status).toBe(404);
  });

  it('answers 503 on /healthz when the database does not answer', async () => {
    h.app.store.db.close();
    const response = await fetch(h.appUrl.replace('/slack/events', '/healthz'));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ok: false });
  });

  it('answers the Events API url_verification challenge', async () => {
    const result = await h.slack.urlVerification('challenge-123');
    expect(result.status).toBe(200);
    expect(result.text).toContain('challenge-123');
  });
});
