import { createServer, type IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, verifySlackRequest } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSlack } from '../../src/simulator/fake-slack.js';
import { ImpossibleUserAction, SlackSender, signSlackRequest } from '../../src/simulator/slack-sender.js';
import { silentLogger } from '../support/web-client.js';

const SECRET = 'test-signing-secret';

describe('signatures, checked with Bolt’s own verifySlackRequest', () => {
  interface Captured {
    body: string;
    headers: IncomingMessage['headers'];
  }
  let server: Server;
  let captured: Captured[] = [];
  let fake: FakeSlack;
  let sender: SlackSender;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        captured.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = await FakeSlack.start();
    fake.addUser({ id: 'U1', name: 'ana' });
    fake.addChannel({ id: 'C1', name: 'team', members: ['U1'], botIsMember: true });
    const port = (server.address() as AddressInfo).port;
    sender = new SlackSender({ appUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: SECRET, fake });
  });
  beforeEach(() => {
    captured = [];
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fake.close();
  });

  const verify = (c: Captured, secret = SECRET) =>
    verifySlackRequest({
      signingSecret: secret,
      body: c.body,
      headers: {
        'x-slack-signature': String(c.headers['x-slack-signature']),
        'x-slack-request-timestamp': Number(c.headers['x-slack-request-timestamp']),
      },
    });

  it('signs commands, interactions and events so Bolt accepts them, and not with another secret', async () => {
    await sender.command({ userId: 'U1', channelId: 'C1', text: 'hi' });
    await sender.event({ type: 'app_mention', user: 'U1', channel: 'C1', text: '<@UBOT> hi', ts: '1.000001' });
    const withButton = fake.addMessage({
      channel: 'C1',
      user: 'U1',
      text: 'b',
      blocks: [
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'go', value: 'v', text: { type: 'plain_text', text: 'Go' } }],
        },
      ],
    });
    await sender.clickButton({ userId: 'U1', channelId: 'C1', ts: withButton.ts, actionId: 'go' });
    expect(captured).toHaveLength(3);
    for (const c of captured) {
      expect(() => verify(c)).not.toThrow();
      expect(() => verify(c, 'another-secret')).toThrow(/signature mismatch/);
      expect(c.headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    }
    expect(captured[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(captured[1]?.headers['content-type']).toBe('application/json');
    expect(captured[2]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const payload: unknown = JSON.parse(new URLSearchParams(captured[2]?.body ?? '').get('payload') ?? '');
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U1', username: 'ana', name: 'ana', team_id: 'T0ALLIANCE' },
      container: { type: 'message', message_ts: withButton.ts, channel_id: 'C1', is_ephemeral: false },
      channel: { id: 'C1', name: 'team' },
      message: { ts: withButton.ts, text: 'b' },
      actions: [
        { action_id: 'go', value: 'v', type: 'button', block_id: expect.any(String), action_ts: expect.any(String) },
      ],
      state: { values: {} },
      response_url: expect.stringContaining('/response/'),
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]+$/),
    });
  });

  it('sends slash commands with every field Slack sends', async () => {
    const res = await sender.command({ userId: 'U1', channelId: 'C1', text: 'propose tidy desks' });
    const fields = Object.fromEntries(new URLSearchParams(captured[0]?.body ?? ''));
    expect(fields).toEqual({
      token: expect.any(String),
      team_id: 'T0ALLIANCE',
      team_domain: 'alliance',
      channel_id: 'C1',
      channel_name: 'team',
      user_id: 'U1',
      user_name: 'ana',
      command: '/alliance',
      text: 'propose tidy desks',
      api_app_id: fake.appId,
      is_enterprise_install: 'false',
      response_url: res.responseUrl,
      trigger_id: res.triggerId,
    });
  });

  it('sends Events API callbacks with the envelope and retry headers', async () => {
    await sender.event(
      { type: 'member_joined_channel', user: 'U1', channel: 'C1' },
      { eventId: 'Ev1', retryNum: 2, retryReason: 'http_error', eventTime: 1_700_000_000 },
    );
    const c = captured[0];
    const body: unknown = JSON.parse(c?.body ?? '');
    expect(body).toMatchObject({
      type: 'event_callback',
      team_id: 'T0ALLIANCE',
      api_app_id: fake.appId,
      event_id: 'Ev1',
      event_time: 1_700_000_000,
      event: { type: 'member_joined_channel', user: 'U1', channel: 'C1', event_ts: expect.any(String) },
      authorizations: [{ team_id: 'T0ALLIANCE', user_id: 'UBOT', is_bot: true, enterprise_id: null }],
      event_context: expect.stringMatching(/^4-/),
    });
    expect(c?.headers['x-slack-retry-num']).toBe('2');
    expect(c?.headers['x-slack-retry-reason']).toBe('http_error');
  });

  it('signSlackRequest matches the documented scheme', () => {
    // Computed independently: HMAC-SHA256("test-signing-secret", "v0:1531420618:token=x")
    const sig = signSlackRequest(SECRET, 1531420618, 'token=x');
    expect(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        body: 'token=x',
        headers: { 'x-slack-signature': sig, 'x-slack-request-timestamp': 1531420618 },
        nowMilliseconds: 1531420618_000,
      }),
    ).not.toThrow();
  });
});

describe('driving a real Bolt app', () => {
  let fake: FakeSlack;
  let app: App;
  let sender: SlackSender;
  const seen: { closed: string[]; retries: (number | undefined)[]; clicks: string[] } = {
    closed: [],
    retries: [],
    clicks: [],
  };

  const proposeView = (over: Record<string, unknown> = {}) => ({
    type: 'modal' as const,
    callback_id: 'propose',
    notify_on_close: true,
    title: { type: 'plain_text' as const, text: 'Propose' },
    submit: { type: 'plain_text' as const, text: 'Propose' },
    blocks: [
      {
        type: 'input',
        block_id: 'text_block',
        label: { type: 'plain_text', text: 'Agreement' },
        element: { type: 'plain_text_input', action_id: 'text', max_length: 200 },
      },
      {
        type: 'input',
        block_id: 'cadence_block',
        label: { type: 'plain_text', text: 'Review' },
        element: {
          type: 'static_select',
          action_id: 'cadence',
          options: [
            { text: { type: 'plain_text', text: 'Monthly' }, value: 'monthly' },
            { text: { type: 'plain_text', text: 'Quarterly' }, value: 'quarterly' },
          ],
          initial_option: { text: { type: 'plain_text', text: 'Monthly' }, value: 'monthly' },
        },
      },
      {
        type: 'input',
        block_id: 'who_block',
        optional: true,
        label: { type: 'plain_text', text: 'Who' },
        element: { type: 'multi_users_select', action_id: 'who' },
      },
      {
        type: 'actions',
        block_id: 'more',
        elements: [{ type: 'button', action_id: 'preview', text: { type: 'plain_text', text: 'Preview' } }],
      },
    ],
    ...over,
  });

  beforeAll(async () => {
    fake = await FakeSlack.start();
    fake.addUser({ id: 'U1', name: 'ana' });
    fake.addUser({ id: 'U2', name: 'ben' });
    fake.addUser({ id: 'U3', name: 'cy' });
    fake.addChannel({ id: 'C1', name: 'team', members: ['U1', 'U2'], botIsMember: true });
    fake.addChannel({ id: 'CSECRET', name: 'secret', isPrivate: true, members: ['U1'], botIsMember: true });

    app = new App({
      token: fake.botToken,
      signingSecret: SECRET,
      logger: silentLogger(),
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/alliance', async ({ command, ack, client, respond }) => {
      if (command.text === 'open') {
        await ack();
        await client.views.open({ trigger_id: command.trigger_id, view: proposeView() });
      } else if (command.text === 'reply') {
        await ack({ text: 'Right away' });
      } else if (command.text === 'later') {
        await ack();
        await respond({ text: 'Done later' });
      } else {
        await ack();
      }
    });
    app.view('propose', async ({ ack, view, body, client }) => {
      const text = view.state.values.text_block?.text?.value ?? '';
      const cadence = view.state.values.cadence_block?.cadence?.selected_option?.value ?? '';
      if (text === 'bad') return ack({ response_action: 'errors', errors: { text_block: 'Say more' } });
      if (text === 'update')
        return ack({
          response_action: 'update',
          view: proposeView({ title: { type: 'plain_text', text: 'Updated' } }),
        });
      if (text === 'invalid update')
        return ack({
          response_action: 'update',
          view: proposeView({ title: { type: 'plain_text', text: 'x'.repeat(30) } }),
        });
      if (text === 'push')
        return ack({ response_action: 'push', view: proposeView({ title: { type: 'plain_text', text: 'Second' } }) });
      if (text === 'clear') return ack({ response_action: 'clear' });
      await ack();
      await client.chat.postMessage({
        channel: 'C1',
        text: `${body.user.id} proposes: ${text} (${cadence})`,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
          {
            type: 'actions',
            elements: [
              { type: 'button', action_id: 'agree', value: 'yes', text: { type: 'plain_text', text: 'Agree' } },
            ],
          },
        ],
      });
    });
    app.view({ type: 'view_closed', callback_id: 'propose' }, async ({ ack, view }) => {
      await ack();
      seen.closed.push(view.id);
    });
    app.action('agree', async ({ ack, respond, body }) => {
      await ack();
      seen.clicks.push(body.user.id);
      await respond({ replace_original: true, text: 'Agreed by you' });
    });
    app.action('preview', async ({ ack, body, client }) => {
      await ack();
      seen.clicks.push(`preview:${body.user.id}`);
      if (body.type === 'block_actions') {
        await client.views.push({
          trigger_id: body.trigger_id,
          view: proposeView({ callback_id: 'preview', title: { type: 'plain_text', text: 'Preview' } }),
        });
      }
    });
    app.action('home_open', async ({ ack, body, client }) => {
      await ack();
      if (body.type === 'block_actions')
        await client.views.open({
          trigger_id: body.trigger_id,
          view: proposeView({ title: { type: 'plain_text', text: 'From Home' } }),
        });
    });
    app.event('app_mention', async ({ event, client, context }) => {
      seen.retries.push(context.retryNum);
      await client.chat.postMessage({ channel: event.channel, thread_ts: event.ts, text: 'You called?' });
    });

    const server = await app.start(0);
    if (!(server instanceof Server)) throw new Error('expected Bolt’s HTTPReceiver to return an http.Server');
    const port = (server.address() as AddressInfo).port;
    sender = new SlackSender({ appUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: SECRET, fake });
  });

  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  afterEach(() => {
    fake.clearCalls();
    fake.clearViews('U1');
  });

  async function openModal(): Promise<string> {
    const res = await sender.command({ userId: 'U1', channelId: 'C1', text: 'open' });
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(fake.topView('U1')).toBeDefined());
    return fake.topView('U1')?.id ?? '';
  }

  it('a command opens a modal with its trigger; submission reaches the app with Slack’s state shape', async () => {
    const viewId = await openModal();
    expect(fake.calls('views.open')[0]?.response).toMatchObject({ ok: true });
    const res = await sender.submitView({ userId: 'U1', values: { text: 'Tidy desks', who: ['U2'] } });
    expect(res.outcome).toBe('closed');
    expect(fake.openViews('U1')).toEqual([]);
    await vi.waitFor(() =>
      expect(fake.messages('C1').some((m) => m.text === 'U1 proposes: Tidy desks (monthly)')).toBe(true),
    );
    const submitted = fake.closedViewHistory().find((v) => v.id === viewId);
    expect(submitted?.state.values).toEqual({
      text_block: { text: { type: 'plain_text_input', value: 'Tidy desks' } },
      cadence_block: {
        cadence: {
          type: 'static_select',
          selected_option: { text: { type: 'plain_text', text: 'Monthly' }, value: 'monthly' },
        },
      },
      who_block: { who: { type: 'multi_users_select', selected_users: ['U2'] } },
    });
  });

  it('refuses submissions a real user could not make', async () => {
    await openModal();
    await expect(sender.submitView({ userId: 'U1' })).rejects.toThrow(ImpossibleUserAction);
    await expect(sender.submitView({ userId: 'U1', values: { text: 'x', cadence: 'weekly' } })).rejects.toThrow(
      /not an option/,
    );
    await expect(sender.submitView({ userId: 'U1', values: { text: 'x'.repeat(201) } })).rejects.toThrow(/at most 200/);
    await expect(sender.submitView({ userId: 'U1', values: { nope: 'x' } })).rejects.toThrow(
      /no input with action_id or block_id=nope/,
    );
    await expect(sender.submitView({ userId: 'U2' })).rejects.toThrow(/no open modal/);
  });

  it('applies response_action errors, update, push and clear as Slack does', async () => {
    await openModal();
    const errors = await sender.submitView({ userId: 'U1', values: { text: 'bad' } });
    expect(errors.outcome).toBe('errors');
    expect(errors.errors).toEqual({ text_block: 'Say more' });
    expect(fake.openViews('U1')).toHaveLength(1);

    const updated = await sender.submitView({ userId: 'U1', values: { text: 'update' } });
    expect(updated.outcome).toBe('updated');
    expect(updated.view?.title?.text).toBe('Updated');
    expect(fake.openViews('U1')).toHaveLength(1);

    const pushed = await sender.submitView({ userId: 'U1', values: { text: 'push' } });
    expect(pushed.outcome).toBe('pushed');
    expect(fake.openViews('U1').map((v) => v.title?.text)).toEqual(['Updated', 'Second']);

    const cleared = await sender.submitView({ userId: 'U1', values: { text: 'clear' } });
    expect(cleared.outcome).toBe('cleared');
    expect(fake.openViews('U1')).toEqual([]);
  });

  it('an invalid response_action update view makes the submission throw', async () => {
    await openModal();
    await expect(sender.submitView({ userId: 'U1', values: { text: 'invalid update' } })).rejects.toThrow(
      /must be less than 25 characters/,
    );
  });

  it('buttons in a modal get a trigger that views.push accepts', async () => {
    const viewId = await openModal();
    const res = await sender.clickInView({ userId: 'U1', viewId, actionId: 'preview' });
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(fake.openViews('U1')).toHaveLength(2));
    expect(fake.topView('U1')?.previous_view_id).toBe(viewId);
    await expect(sender.clickInView({ userId: 'U1', viewId, actionId: 'preview' })).rejects.toThrow(/only the top one/);
  });

  it('closing a notify_on_close modal sends view_closed; others close silently', async () => {
    const viewId = await openModal();
    const res = await sender.closeView({ userId: 'U1' });
    expect(res.sent).toBe(true);
    await vi.waitFor(() => expect(seen.closed).toContain(viewId));
    expect(fake.openViews('U1')).toEqual([]);
    const silentTrigger = fake.mintTriggerId('U1');
    const client = app.client;
    await client.views.open({ trigger_id: silentTrigger, view: proposeView({ notify_on_close: false }) });
    expect(await sender.closeView({ userId: 'U1' })).toEqual({ sent: false });
  });

  it('clicking a message button sends block_actions; respond() replaces the message through its response_url', async () => {
    const posted = await app.client.chat.postMessage({
      channel: 'C1',
      text: 'Vote',
      blocks: [
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'agree', value: 'yes', text: { type: 'plain_text', text: 'Agree' } }],
        },
      ],
    });
    const ts = posted.ts ?? '';
    const res = await sender.clickButton({ userId: 'U2', channelId: 'C1', ts, actionId: 'agree', value: 'yes' });
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(fake.message('C1', ts)?.text).toBe('Agreed by you'));
    expect(seen.clicks).toContain('U2');
    expect(fake.responses().at(-1)).toMatchObject({
      status: 200,
      body: { replace_original: true, text: 'Agreed by you' },
    });
  });

  it('refuses clicks on buttons that are not there or messages the user cannot see', async () => {
    const posted = await app.client.chat.postMessage({
      channel: 'CSECRET',
      text: 'Secret',
      blocks: [
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'agree', text: { type: 'plain_text', text: 'Agree' } }],
        },
      ],
    });
    const ts = posted.ts ?? '';
    await expect(sender.clickButton({ userId: 'U1', channelId: 'CSECRET', ts, actionId: 'disagree' })).rejects.toThrow(
      /no button action_id=disagree.*buttons there: agree/,
    );
    await expect(sender.clickButton({ userId: 'U2', channelId: 'CSECRET', ts, actionId: 'agree' })).rejects.toThrow(
      /cannot see private channel/,
    );
    await expect(
      sender.clickButton({ userId: 'U1', channelId: 'C1', ts: '1.000001', actionId: 'agree' }),
    ).rejects.toThrow(/no message/);
  });

  it('clicking a button on an ephemeral message: no message in the payload, and respond() replaces the ephemeral', async () => {
    const eph = await app.client.chat.postEphemeral({
      channel: 'C1',
      user: 'U1',
      text: 'Only you',
      blocks: [
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'agree', text: { type: 'plain_text', text: 'Agree' } }],
        },
      ],
    });
    const ts = eph.message_ts ?? '';
    await expect(sender.clickButton({ userId: 'U2', channelId: 'C1', ts, actionId: 'agree' })).rejects.toThrow(
      /no message/,
    );
    await sender.clickButton({ userId: 'U1', channelId: 'C1', ts, actionId: 'agree' });
    await vi.waitFor(() =>
      expect(fake.ephemerals('U1').find((e) => e.ts === ts)).toMatchObject({ text: 'Agreed by you', replaced: true }),
    );
  });

  it('buttons on the App Home carry a trigger that opens a modal', async () => {
    const home = await app.client.views.publish({
      user_id: 'U1',
      view: {
        type: 'home',
        blocks: [
          {
            type: 'actions',
            elements: [{ type: 'button', action_id: 'home_open', text: { type: 'plain_text', text: 'Propose' } }],
          },
        ],
      },
    });
    const res = await sender.clickInView({ userId: 'U1', viewId: home.view?.id ?? '', actionId: 'home_open' });
    expect(res.responseUrl).toBeUndefined();
    await vi.waitFor(() => expect(fake.topView('U1')?.title?.text).toBe('From Home'));
  });

  it('shows a command’s ack body to the user as an ephemeral, and respond() posts via the response_url', async () => {
    const reply = await sender.command({ userId: 'U1', channelId: 'C1', text: 'reply' });
    expect(reply.body).toEqual({ text: 'Right away' });
    expect(reply.delivered).toEqual({ ok: true });
    expect(fake.ephemerals('U1').some((e) => e.text === 'Right away' && e.via === 'command_response')).toBe(true);
    const later = await sender.command({ userId: 'U1', channelId: 'C1', text: 'later' });
    await vi.waitFor(() =>
      expect(fake.ephemerals('U1').some((e) => e.text === 'Done later' && e.via === 'response_url')).toBe(true),
    );
    expect(fake.responses().some((r) => r.url === later.responseUrl)).toBe(true);
  });

  it('delivers events (with retry numbers) and url_verification', async () => {
    const mention = await sender.userMessage({ userId: 'U1', channelId: 'C1', text: 'hello' });
    const res = await sender.event(
      { type: 'app_mention', user: 'U1', channel: 'C1', text: '<@UBOT> hi', ts: mention.ts },
      { retryNum: 1, retryReason: 'http_timeout' },
    );
    expect(res.status).toBe(200);
    await vi.waitFor(() =>
      expect(fake.messages('C1').some((m) => m.text === 'You called?' && m.thread_ts === mention.ts)).toBe(true),
    );
    expect(seen.retries).toContain(1);
    const challenge = await sender.urlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P');
    expect(challenge.body).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('Bolt rejects bad signatures and stale timestamps', async () => {
    const body = 'token=x&command=%2Falliance';
    const forged = await sender.raw({
      body,
      contentType: 'application/x-www-form-urlencoded',
      signature: 'v0=deadbeef',
    });
    expect(forged.status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const old = await sender.raw({ body, contentType: 'application/x-www-form-urlencoded', timestamp: stale });
    expect(old.status).toBe(401);
  });
});
