import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../src/simulator/fake-slack.js';
import { closedPort, type Finished, runEntry, runNpm, waitFor } from '../support/processes.js';
import { FakeSocketMode } from '../support/socket-mode.js';
import { tempDir } from '../support/temp-db.js';

/**
 * What the person running Alliance sees when it cannot start: one sentence on stderr naming the
 * variable or the cause and what to do, exit code 1, no stack trace; and what it says once it runs.
 * Real processes of the compiled app, in an empty directory (no .env).
 */
describe('starting Alliance', () => {
  let dir: ReturnType<typeof tempDir>;
  let fake: FakeSlack;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeEach(async () => {
    dir = tempDir('alliance-startup-');
    fake = await FakeSlack.start();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await fake.close();
    dir.cleanup();
  });

  const env = (extra: Record<string, string> = {}) => ({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
    PORT: '0',
    SLACK_API_URL: fake.apiUrl,
    DATABASE_PATH: dir.file('data/alliance.db'),
    ...extra,
  });
  const start = (extra: Record<string, string> = {}) => runEntry('dist/main.js', [], env(extra), dir.path);

  /** Exit 1, and stderr is exactly the sentence. */
  function expectRefusal(result: Finished, sentence: string): void {
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toBe(`${sentence}\n`);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  }

  async function occupiedPort(): Promise<number> {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return (server.address() as { port: number }).port;
  }

  it('says which port is taken, in HTTP mode', async () => {
    const port = await occupiedPort();
    const result = await start({ PORT: String(port) }).done;
    expectRefusal(
      result,
      `Alliance cannot start: port ${port} (PORT) is already in use by another program; stop that program or set PORT to a free port.`,
    );
  });

  it('says which port is taken, in Socket Mode (where PORT serves /healthz)', async () => {
    const socket = await FakeSocketMode.start(fake);
    cleanups.push(() => socket.close());
    const port = await occupiedPort();
    const result = await start({ PORT: String(port), SLACK_APP_TOKEN: fake.appToken }).done;
    expectRefusal(
      result,
      `Alliance cannot start: port ${port} (PORT) is already in use by another program; stop that program or set PORT to a free port.`,
    );
  });

  it('refuses a DATABASE_PATH under a regular file', async () => {
    writeFileSync(dir.file('notes.txt'), 'not a folder');
    const result = await start({ DATABASE_PATH: dir.file('notes.txt/alliance.db') }).done;
    expectRefusal(
      result,
      `Alliance cannot use DATABASE_PATH (${dir.file('notes.txt/alliance.db')}): ${dir.file('notes.txt')} is a file, not a folder; point DATABASE_PATH at a file inside a folder.`,
    );
  });

  it('refuses a DATABASE_PATH in a folder Alliance may not write to, and one it may not create', async () => {
    const locked = dir.file('locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    // As root every folder is writable, so the app runs as an unprivileged user there.
    const root = process.getuid?.() === 0;
    if (root) chmodSync(dir.path, 0o755);
    const as = root ? { uid: 65534, gid: 65534 } : undefined;
    const run = (path: string) => runEntry('dist/main.js', [], env({ DATABASE_PATH: path }), dir.path, as).done;

    const inLocked = await run(`${locked}/alliance.db`);
    expectRefusal(
      inLocked,
      `Alliance cannot use DATABASE_PATH (${locked}/alliance.db): the user running Alliance may not write in ${locked}; give it write access to that folder, or point DATABASE_PATH elsewhere.`,
    );
    const underLocked = await run(`${locked}/data/alliance.db`);
    expectRefusal(
      underLocked,
      `Alliance cannot use DATABASE_PATH (${locked}/data/alliance.db): it may not create the folder ${locked}/data (permission denied); create it with write access for the user running Alliance, or point DATABASE_PATH elsewhere.`,
    );
  });

  it('explains a SLACK_APP_TOKEN Slack refuses (Socket Mode) in one sentence, without echoing it', async () => {
    const socket = await FakeSocketMode.start(fake);
    cleanups.push(() => socket.close());
    const result = await start({ SLACK_APP_TOKEN: 'xapp-1-A0ALLIANCE-1-revoked' }).done;
    expectRefusal(
      result,
      "Slack refused SLACK_APP_TOKEN (invalid_auth); generate an app-level token with the connections:write scope under Basic Information → App-Level Tokens in your app's settings, or unset SLACK_APP_TOKEN to use HTTP mode.",
    );
    expect(result.stdout).not.toContain('xapp-1-A0ALLIANCE-1-revoked');
    expect(socket.connectionsOpened).toBe(0);
  });

  it('gives up on an unreachable Slack after a bounded wait, saying what it waited for', async () => {
    // Nothing listens on one port; on the other a server takes the connection and never answers.
    const refused = await closedPort();
    const silent = createHttpServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          silent.close(() => resolve());
          silent.closeAllConnections();
        }),
    );
    const silentPort = (silent.address() as { port: number }).port;
    const [closed, hanging] = await Promise.all([
      start({ SLACK_API_URL: `http://127.0.0.1:${refused}/api/` }).done,
      start({ SLACK_API_URL: `http://127.0.0.1:${silentPort}/api/` }).done,
    ]);
    for (const [result, port] of [
      [closed, refused],
      [hanging, silentPort],
    ] as const) {
      const url = `http://127.0.0.1:${port}/api/`;
      expect(result.stdout).toContain(`Waiting for Slack to confirm SLACK_BOT_TOKEN (auth.test at ${url})`);
      expect(result.stdout).toContain('Slack is not answering yet');
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^Alliance could not reach Slack at ${url.replace(/\./g, '\\.')} within 10 s \\(.+\\), so SLACK_BOT_TOKEN could not be checked; check the network, a proxy or firewall, or SLACK_API_URL\\.\\n$`,
        ),
      );
    }
    expect(closed.stderr).toContain('ECONNREFUSED');
    expect(hanging.stderr).toContain('(no answer within 4 s)');
  });

  it('gives up when Slack accepts the app token but the Socket Mode WebSocket cannot be opened', async () => {
    // apps.connections.open answers, but nothing listens where its URL points (a firewall that
    // lets HTTPS out and not WebSockets looks the same from here).
    const nowhere = await closedPort();
    fake.socketModeUrl = () => `ws://127.0.0.1:${nowhere}/link/?ticket=never&app_id=${fake.appId}`;
    const result = await start({ SLACK_APP_TOKEN: fake.appToken }).done;
    expect(result.stdout).toContain('Waiting for the Socket Mode connection to Slack to open');
    expect(result.code).toBe(1);
    // Before it, the Socket Mode client's own log lines about each failed attempt.
    expect(result.stderr.trim().split('\n').at(-1)).toBe(
      'Alliance could not open its Socket Mode connection to Slack within 10 s, though Slack accepted SLACK_APP_TOKEN; check that the network lets WebSocket (wss://) connections out to Slack.',
    );
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops at once on SIGTERM while it waits for Slack', async () => {
    const silent = createHttpServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          silent.close(() => resolve());
          silent.closeAllConnections();
        }),
    );
    const run = start({ SLACK_API_URL: `http://127.0.0.1:${(silent.address() as { port: number }).port}/api/` });
    await waitFor(() => run.output().stdout.includes('Waiting for Slack'), 15_000, 'the app to wait for Slack');
    run.child.kill('SIGTERM');
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SIGTERM received while starting: stopped');
    expect(result.stderr).toBe('');
  });

  it('takes a signing secret by its length, and says so when it is too short', async () => {
    const result = await start({ SLACK_SIGNING_SECRET: 'abc' }).done;
    expectRefusal(
      result,
      "Alliance cannot start: SLACK_SIGNING_SECRET is 3 characters long, but the Signing Secret on your Slack app's Basic Information page has 32 (see 'Quick start' in README.md to create the Slack app from manifest.json).",
    );
  });

  it('once up in HTTP mode, says where the database is, the health URL and the request URL to give Slack', async () => {
    const run = start();
    await waitFor(() => run.output().stdout.includes('Request URL'), 15_000, 'the app to start');
    const port = Number(/HTTP mode on port (\d+)/.exec(run.output().stdout)?.[1]);
    run.child.kill('SIGTERM');
    const { stdout, code } = await run.done;
    expect(code).toBe(0);
    expect(stdout).toContain(`Database: ${dir.file('data/alliance.db')}`);
    expect(stdout).toContain(`Health check: http://localhost:${port}/healthz`);
    expect(stdout).toContain(
      `Request URL to give Slack (slash command, Interactivity, Event Subscriptions): https://<your public host>/slack/events, forwarded to port ${port} here`,
    );
  });

  it("answers /healthz while it still waits for Slack, and Slack's requests 503 until it can take them (HTTP mode)", async () => {
    const port = await closedPort();
    fake.setLatency('auth.test', 1500);
    const run = start({ PORT: String(port) });
    await waitFor(() => run.output().stdout.includes('Waiting for Slack to confirm SLACK_BOT_TOKEN'), 15_000, 'start');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const early = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '{}' });
    expect(early.status).toBe(503);
    expect(run.output().stdout).not.toContain('Alliance is running');
    await waitFor(() => run.output().stdout.includes('Alliance is running'), 15_000, 'the app to start');
    // Now Bolt's receiver takes them: an unsigned request is refused, an unknown path is not found.
    expect((await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('runs in Socket Mode as a process: connects, serves /healthz, stops on SIGTERM', async () => {
    const socket = await FakeSocketMode.start(fake);
    cleanups.push(() => socket.close());
    const run = start({ SLACK_APP_TOKEN: fake.appToken });
    await waitFor(() => run.output().stdout.includes('Health check'), 15_000, 'the app to start');
    const { stdout } = run.output();
    expect(stdout).toContain('Waiting for the Socket Mode connection to Slack to open');
    expect(stdout).toContain('in Socket Mode');
    expect(stdout).toContain('Connected to Slack over Socket Mode: Slack needs no request URL');
    expect(socket.connections).toBe(1);
    const healthUrl = /Health check: (\S+)/.exec(stdout)![1]!;
    expect(await (await fetch(healthUrl)).json()).toEqual({ ok: true });
    run.child.kill('SIGTERM');
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('stopped cleanly');
    await waitFor(() => socket.connections === 0, 5_000, 'the socket to close');
  });

  it('npm run tick -- --help and npm run bench -- --help print their usage and exit 0', async () => {
    const [tick, bench] = await Promise.all([
      runNpm('tick', ['--help'], {}).done,
      runNpm('bench', ['--help'], {}).done,
    ]);
    expect(tick.code, tick.stderr).toBe(0);
    expect(tick.stdout).toMatch(/^usage: npm run tick/);
    expect(tick.stdout).toContain('--at <instant>');
    expect(bench.code, bench.stderr).toBe(0);
    expect(bench.stdout).toMatch(/^usage: npm run bench/);
  });

  it('npm run tick refuses an unusable DATABASE_PATH in one sentence', async () => {
    mkdirSync(dir.file('a-folder'));
    const result = await runEntry(
      'dist/cli/tick.js',
      ['--at', '2026-01-05T09:00:00Z'],
      { DATABASE_PATH: dir.file('a-folder') },
      dir.path,
    ).done;
    expectRefusal(
      result,
      `Alliance cannot use DATABASE_PATH (${dir.file('a-folder')}): it is a folder; point DATABASE_PATH at a file inside it, such as ${dir.file('a-folder/alliance.db')}.`,
    );
  });
});
