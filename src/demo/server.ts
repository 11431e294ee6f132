/**
 * The demo page's server, on 127.0.0.1 only: the static page (`public/`), the files Slack stores
 * (the digest's chart) and a small JSON API the page calls for what a Slack client would do.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { buildPage, DEFAULT_CONVERSATION } from './page.js';
import type { Story } from './story.js';
import { MOODS, type Mood } from './team.js';
import type { ClockStep, DemoWorkspace, Outcome } from './workspace.js';

const PUBLIC = fileURLToPath(new URL('./public/', import.meta.url));
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};
const MAX_BODY = 1_000_000;
const CLOCK_STEPS: readonly ClockStep[] = ['day', 'pulse', 'close', 'digest'];

class BadRequest extends Error {}

type Body = Record<string, unknown>;

function readJson(req: IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new BadRequest('request too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
        resolve(parsed as Body);
      } catch {
        reject(new BadRequest('the body must be a JSON object'));
      }
    });
    req.on('error', reject);
  });
}

function text(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') throw new BadRequest(`${key} is missing`);
  return value;
}

function optionalText(body: Body, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function values(body: Body): Record<string, unknown> {
  const v = body.values;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(payload));
}

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

export async function startDemoServer(
  demo: DemoWorkspace,
  options: { port: number; story?: () => Story | undefined },
): Promise<DemoServer> {
  const person = (body: Body, key = 'as') => {
    const id = text(body, key);
    if (!demo.person(id)) throw new BadRequest(`${id} is not someone in this workspace`);
    return id;
  };
  const conversationChannel = (viewer: string, conversation: string) =>
    conversation === 'app-messages' ? demo.fake.dmChannelId(viewer) : conversation;

  const actions: Record<string, (body: Body) => Promise<Outcome>> = {
    type: (b) => {
      const viewer = person(b);
      const thread = optionalText(b, 'thread');
      return demo.type({
        userId: viewer,
        channelId: conversationChannel(viewer, text(b, 'conversation')),
        text: text(b, 'text'),
        ...(thread ? { threadTs: thread } : {}),
      });
    },
    click: (b) => {
      const value = optionalText(b, 'value');
      return demo.click({
        userId: person(b),
        channelId: text(b, 'channel'),
        ts: text(b, 'ts'),
        actionId: text(b, 'actionId'),
        ...(value !== undefined ? { value } : {}),
      });
    },
    'view-click': (b) => {
      const value = optionalText(b, 'value');
      return demo.clickInView({
        userId: person(b),
        viewId: text(b, 'viewId'),
        actionId: text(b, 'actionId'),
        ...(value !== undefined ? { value } : {}),
        values: values(b),
      });
    },
    submit: (b) => demo.submit({ userId: person(b), viewId: text(b, 'viewId'), values: values(b) }),
    close: (b) => demo.closeView({ userId: person(b), viewId: text(b, 'viewId'), values: values(b) }),
    home: (b) => demo.openHome(person(b)),
    clock: (b) => {
      const step = text(b, 'step') as ClockStep;
      if (!CLOCK_STEPS.includes(step)) throw new BadRequest(`unknown clock step ${step}`);
      return demo.advance(step);
    },
    teammates: (b) => {
      const viewer = person(b);
      const what = text(b, 'do');
      if (what === 'answer') return demo.teammatesAnswer(viewer);
      if (what === 'agree') return demo.teammatesAgree(viewer);
      if (what === 'checkin') {
        const mood = text(b, 'mood') as Mood;
        if (!MOODS.includes(mood)) throw new BadRequest(`unknown mood ${mood}`);
        return demo.teammatesCheckIn(mood, viewer);
      }
      throw new BadRequest(`teammates cannot ${what}`);
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const asset = STATIC[url.pathname];
    if (req.method === 'GET' && asset) {
      const content = await readFile(`${PUBLIC}${asset.file}`);
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' });
      res.end(content);
      return;
    }
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
      const id = decodeURIComponent(url.pathname.slice('/files/'.length));
      const file = demo.fake.files().find((f) => f.id === id && f.bytes !== null);
      if (!file?.bytes) return send(res, 404, { error: 'no such file' });
      const type = /\.png$/i.test(file.filename) ? 'image/png' : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(file.bytes);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/state') {
      const viewer = url.searchParams.get('as') ?? demo.people[0]!.id;
      if (!demo.person(viewer)) return send(res, 400, { error: 'unknown person' });
      const thread = url.searchParams.get('thread');
      const page = buildPage(demo, {
        viewer,
        conversation: url.searchParams.get('conversation') || DEFAULT_CONVERSATION,
        ...(thread ? { thread } : {}),
      });
      const story = options.story?.();
      return send(res, 200, { ...page, story: story ? { steps: story.steps, finished: story.finished } : null });
    }
    const action =
      req.method === 'POST' && url.pathname.startsWith('/api/') ? actions[url.pathname.slice(5)] : undefined;
    if (action) {
      const outcome = await action(await readJson(req));
      return send(res, 200, outcome);
    }
    send(res, 404, { error: 'not found' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.end();
      if (error instanceof BadRequest) return send(res, 400, { ok: false, message: error.message });
      send(res, 500, { ok: false, message: error instanceof Error ? error.message : String(error) });
    });
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(options.port);
  } catch (error) {
    // The usual port is taken (another demo?): any free one will do.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port === 0) throw error;
    await listen(0);
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
