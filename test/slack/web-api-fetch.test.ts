import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, WebClient, WebClientEvent } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { webApiFetch } from '../../src/slack/web-api-fetch.js';

interface Received {
  method: string | undefined;
  path: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A small stand-in for Slack's API: answers each request with the next scripted answer. */
async function slackLike(answers: Array<(res: ServerResponse) => void>): Promise<{
  url: string;
  received: Received[];
  server: Server;
}> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method,
        path: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const answer = answers[Math.min(received.length, answers.length) - 1];
      answer?.(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, received, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const json =
  (status: number, body: unknown, headers: Record<string, string | string[]> = {}) =>
  (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

describe("the Web API client's transport", () => {
  it('sends the form body the client built, with its headers, and gives the client the JSON answer and the scopes', async () => {
    const slack = await slackLike([
      json(200, { ok: true, channel: 'D1', ts: '1.2' }, { 'X-OAuth-Scopes': 'chat:write,im:write' }),
    ]);
    const client = new WebClient('xoxb-test', { slackApiUrl: slack.url, fetch: webApiFetch, logLevel: LogLevel.ERROR });
    const result = await client.chat.update({
      channel: 'D1',
      ts: '1.2',
      text: 'Thank you — “checked in”',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Thank you' } }],
    });
    expect(result).toMatchObject({ ok: true, channel: 'D1', ts: '1.2' });
    expect(result.response_metadata?.scopes).toEqual(['chat:write', 'im:write']);
    const [call] = slack.received;
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe('/api/chat.update');
    expect(call?.headers.authorization).toBe('Bearer xoxb-test');
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(call?.body);
    expect(form.get('text')).toBe('Thank you — “checked in”');
    expect(JSON.parse(form.get('blocks') ?? 'null')).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Thank you' } },
    ]);
  });

  it("lets the client wait out a 429's Retry-After and try again", async () => {
    const slack = await slackLike([
      json(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '0' }),
      json(200, { ok: true }),
    ]);
    const client = new WebClient('xoxb-test', {
      slackApiUrl: slack.url,
      fetch: webApiFetch,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 2, minTimeout: 1, maxTimeout: 1 },
    });
    const waits: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    await expect(client.chat.postMessage({ channel: 'U1', text: 'hi' })).resolves.toMatchObject({ ok: true });
    expect(waits).toEqual([0]);
    expect(slack.received).toHaveLength(2);
  });

  it("turns Slack's error answer into the client's platform error, and a 5xx into an HTTP error with its status", async () => {
    const slack = await slackLike([
      json(200, { ok: false, error: 'channel_not_found' }),
      (res) => {
        res.writeHead(503, { 'x-slack-req-id': 'abc' });
        res.end('down for a moment');
      },
    ]);
    const client = new WebClient('xoxb-test', {
      slackApiUrl: slack.url,
      fetch: webApiFetch,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 0 },
    });
    await expect(client.chat.postMessage({ channel: 'C404', text: 'hi' })).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { error: 'channel_not_found' },
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'hi' })).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 503,
      statusMessage: 'Service Unavailable',
      headers: { 'x-slack-req-id': 'abc' },
      body: 'down for a moment',
    });
  });

  it('reads headers whatever their case, joins a repeated one, and refuses a redirect', async () => {
    const slack = await slackLike([
      json(200, { ok: true }, { 'Set-Cookie': ['a=1', 'b=2'] }),
      (res) => {
        res.writeHead(302, { location: 'http://elsewhere.invalid/' });
        res.end();
      },
    ]);
    const answer = await webApiFetch(`${slack.url}auth.test`, { method: 'POST', body: 'token=x', redirect: 'error' });
    expect(answer.ok).toBe(true);
    expect(answer.headers.get('Content-Type')).toBe('application/json');
    expect(answer.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(answer.url).toBe(`${slack.url}auth.test`);
    expect(await answer.json()).toEqual({ ok: true });
    await expect(
      webApiFetch(`${slack.url}auth.test`, { method: 'POST', body: 'token=x', redirect: 'error' }),
    ).rejects.toThrow(/redirect \(302\)/);
  });

  it('sends a file upload (a multipart body) through the standard fetch', async () => {
    const slack = await slackLike([json(200, { ok: true })]);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([1, 2, 3])]), 'export.md');
    const answer = await webApiFetch(`${slack.url}upload`, { method: 'POST', body: form });
    expect(answer.status).toBe(200);
    expect(slack.received[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(slack.received[0]?.body).toContain('filename="export.md"');
  });
});
