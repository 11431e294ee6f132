/**
 * Slack's side of Socket Mode, on a loopback WebSocket server.
 *
 * As Slack does: `apps.connections.open` (called with the app-level token) answers a single-use
 * `ws://…/link/?ticket=…` URL; on connecting, the app is greeted with a `hello` message; each
 * request Slack would have POSTed to the app arrives instead as an envelope
 * `{ envelope_id, type: 'slash_commands' | 'interactive' | 'events_api', payload,
 * accepts_response_payload }` (events also carry `retry_attempt` and `retry_reason`); the app
 * acknowledges with `{ envelope_id, payload? }` within 3 seconds, the payload playing the part of an
 * HTTP answer's body. Slack recycles connections with `{ type: 'disconnect', reason:
 * 'refresh_requested' }`, and a connection can also just drop.
 *
 * `SocketModeSender` is the SlackSender (every payload, every user rule, every effect of the app's
 * answers on the fake) with envelopes in place of signed HTTP requests.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { isObject } from '../../src/simulator/block-kit.js';
import type { FakeSlack } from '../../src/simulator/fake-slack.js';
import { type SenderResult, SlackSender } from '../../src/simulator/slack-sender.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface Ack {
  envelope_id: string;
  payload?: unknown;
}

/** Slack waits this long for an ack before it gives up on the envelope (and retries events). */
const ACK_TIMEOUT_MS = 3_000;

interface Pending {
  resolve(ack: Ack): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class FakeSocketMode {
  private readonly wss: WebSocketServer;
  private readonly tickets = new Set<string>();
  private readonly open = new Set<WebSocket>();
  private readonly pending = new Map<string, Pending>();
  /** Connections the app has opened so far (reconnections included). */
  connectionsOpened = 0;
  /** Everything the app sent that was not a valid ack of a pending envelope. */
  readonly strayMessages: string[] = [];

  private constructor(
    private readonly fake: FakeSlack,
    private readonly server: Server,
  ) {
    this.wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const ticket = url.searchParams.get('ticket') ?? '';
      // A ticket opens one connection; the app must ask apps.connections.open for each.
      if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  /** Starts the endpoint and makes `fake` answer apps.connections.open with its URLs. */
  static async start(fake: FakeSlack): Promise<FakeSocketMode> {
    const server = createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const endpoint = new FakeSocketMode(fake, server);
    const port = (server.address() as AddressInfo).port;
    fake.socketModeUrl = () => {
      const ticket = randomBytes(16).toString('hex');
      endpoint.tickets.add(ticket);
      return `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${fake.appId}`;
    };
    return endpoint;
  }

  private accept(ws: WebSocket): void {
    this.connectionsOpened += 1;
    this.open.add(ws);
    ws.on('close', () => this.open.delete(ws));
    ws.on('message', (data) => this.receive(String(data)));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.open.size,
        debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.fake.appId },
      }),
    );
  }

  private receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.strayMessages.push(text);
      return;
    }
    const id = isObject(message) ? message.envelope_id : undefined;
    const waiting = typeof id === 'string' ? this.pending.get(id) : undefined;
    if (!waiting || typeof id !== 'string') {
      this.strayMessages.push(text);
      return;
    }
    this.pending.delete(id);
    clearTimeout(waiting.timer);
    waiting.resolve(message as Ack);
  }

  /** Open connections that have been greeted. */
  get connections(): number {
    return [...this.open].filter((ws) => ws.readyState === ws.OPEN).length;
  }

  /**
   * Sends an envelope over the newest open connection and resolves with the app's ack; rejects
   * when none comes within 3 seconds, as Slack gives up then.
   */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, extra: Partial<Envelope> = {}): Promise<Ack> {
    const ws = [...this.open].filter((s) => s.readyState === s.OPEN).at(-1);
    if (!ws) return Promise.reject(new Error('FakeSocketMode: the app has no open Socket Mode connection'));
    const envelope: Envelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: acceptsResponsePayload(type, payload),
      ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
      ...extra,
    };
    return new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope.envelope_id);
        reject(new Error(`FakeSocketMode: no ack for ${type} envelope within ${ACK_TIMEOUT_MS} ms`));
      }, ACK_TIMEOUT_MS);
      this.pending.set(envelope.envelope_id, { resolve, reject, timer });
      ws.send(JSON.stringify(envelope));
    });
  }

  /** The connection drops without a word (a network failure, a restarted proxy). */
  dropConnections(): void {
    for (const ws of this.open) ws.terminate();
    this.open.clear();
  }

  /** Slack recycles the connections: it asks the app to reconnect. */
  requestRefresh(): void {
    for (const ws of this.open) {
      ws.send(
        JSON.stringify({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'applink-fake' } }),
      );
    }
  }

  async close(): Promise<void> {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.fake.socketModeUrl = undefined;
    for (const ws of this.open) ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** Slack accepts a response payload in the ack of slash commands and of view submissions / suggestions. */
function acceptsResponsePayload(type: EnvelopeType, payload: Record<string, unknown>): boolean {
  if (type === 'slash_commands') return true;
  if (type === 'interactive') return payload.type === 'view_submission' || payload.type === 'block_suggestion';
  return false;
}

/**
 * A SlackSender whose requests travel as Socket Mode envelopes. The request it would have POSTed
 * is turned into the envelope Slack sends instead (a slash command's form fields become the
 * payload object; an interaction's `payload` field, parsed; an event callback, as is), and the
 * ack's payload is handed back as the answer's body, so the sender applies it to the fake exactly
 * as it applies an HTTP answer. No signature: the connection itself is authenticated.
 */
export class SocketModeSender extends SlackSender {
  private readonly socket: FakeSocketMode;
  private readonly afterAck: (() => Promise<void>) | undefined;

  constructor(options: { fake: FakeSlack; socket: FakeSocketMode; settle?: () => Promise<void> }) {
    super({ appUrl: 'socket-mode', signingSecret: 'unused-in-socket-mode', fake: options.fake });
    this.socket = options.socket;
    this.afterAck = options.settle;
  }

  override async raw(input: {
    body: string;
    contentType: string;
    headers?: Record<string, string>;
  }): Promise<SenderResult> {
    let type: EnvelopeType;
    let payload: Record<string, unknown>;
    const extra: Partial<Envelope> = {};
    if (input.contentType === 'application/json') {
      type = 'events_api';
      payload = JSON.parse(input.body) as Record<string, unknown>;
      const retry = input.headers?.['x-slack-retry-num'];
      if (retry !== undefined) {
        extra.retry_attempt = Number(retry);
        extra.retry_reason = input.headers?.['x-slack-retry-reason'] ?? '';
      }
    } else {
      const fields = Object.fromEntries(new URLSearchParams(input.body));
      if (typeof fields.payload === 'string') {
        type = 'interactive';
        payload = JSON.parse(fields.payload) as Record<string, unknown>;
      } else {
        type = 'slash_commands';
        payload = fields;
      }
    }
    const started = Date.now();
    const ack = await this.socket.deliver(type, payload, extra);
    const elapsedMs = Date.now() - started;
    await this.afterAck?.();
    const answer = ack.payload;
    const empty = answer === undefined || (isObject(answer) && Object.keys(answer).length === 0);
    return { status: 200, body: empty ? '' : answer, text: empty ? '' : JSON.stringify(answer), elapsedMs };
  }
}
