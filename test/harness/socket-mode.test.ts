import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FakeSlack } from '../../src/simulator/fake-slack.js';
import { FakeSocketMode } from '../support/socket-mode.js';
import { fakeWebClient, slackError } from '../support/web-client.js';

/** The fake Socket Mode endpoint behaves as Slack's: tokens, tickets, hello, envelopes and acks. */
describe('fake Socket Mode endpoint', () => {
  let fake: FakeSlack;
  let socket: FakeSocketMode;
  const open: WebSocket[] = [];
  beforeEach(async () => {
    fake = await FakeSlack.start();
    socket = await FakeSocketMode.start(fake);
  });
  afterEach(async () => {
    for (const ws of open.splice(0)) ws.terminate();
    await socket.close();
    await fake.close();
  });

  const connectionsOpen = (token: string) => fakeWebClient(fake, { token }).apps.connections.open();

  /** Connects like the Socket Mode client and resolves with the first message (hello). */
  function connect(url: string): Promise<{ ws: WebSocket; first: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      open.push(ws);
      ws.once('message', (data) => resolve({ ws, first: JSON.parse(String(data)) }));
      ws.once('error', reject);
    });
  }

  it('apps.connections.open takes the app-level token only', async () => {
    expect(await slackError(connectionsOpen(fake.botToken))).toBe('not_allowed_token_type');
    expect(await slackError(connectionsOpen('xapp-1-A0ALLIANCE-1-wrong'))).toBe('invalid_auth');
    const answer = await connectionsOpen(fake.appToken);
    expect(answer.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]+&app_id=A0ALLIANCE$/);
  });

  it('greets a connection with hello; a ticket opens one connection only', async () => {
    const { url } = await connectionsOpen(fake.appToken);
    const { first } = await connect(url!);
    expect(first).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0ALLIANCE' } });
    await expect(connect(url!)).rejects.toThrow(/401/);
    expect(socket.connectionsOpened).toBe(1);
  });

  it('sends envelopes as Slack does and resolves with the ack; no ack within 3 s is an error', async () => {
    const { url } = await connectionsOpen(fake.appToken);
    const { ws } = await connect(url!);
    const received: Record<string, unknown>[] = [];
    ws.on('message', (data) => {
      const envelope = JSON.parse(String(data));
      received.push(envelope);
      if (envelope.type === 'slash_commands') {
        ws.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: { text: 'Hello' } }));
      }
    });
    const ack = await socket.deliver('slash_commands', { command: '/alliance', text: 'help' });
    expect(ack.payload).toEqual({ text: 'Hello' });
    expect(received[0]).toMatchObject({
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: { command: '/alliance', text: 'help' },
    });
    expect(received[0]?.envelope_id).toBe(ack.envelope_id);

    const unanswered = socket.deliver('events_api', { type: 'event_callback', event: { type: 'app_home_opened' } });
    await expect(unanswered).rejects.toThrow('no ack for events_api envelope within 3000 ms');
    expect(received[1]).toMatchObject({ type: 'events_api', accepts_response_payload: false, retry_attempt: 0 });
  });
});
