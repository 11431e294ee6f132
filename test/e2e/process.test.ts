import { randomBytes } from 'node:crypto';
import { cpSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../src/simulator/fake-slack.js';
import { SlackSender } from '../../src/simulator/slack-sender.js';
import { PROJECT_ROOT, portInUse, runEntry, runInstalled, runNpm, waitFor } from '../support/processes.js';
import { tempDir } from '../support/temp-db.js';

/** The README's promises, checked on real processes in an empty directory (no .env). */
describe('running Alliance as a process', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('alliance-process-');
  });
  afterEach(() => dir.cleanup());

  // How fast it exits is measured, not asserted: timings belong in benchmarks, not tests.
  it('npm start without configuration exits 1 with one sentence saying what to set, and a line pointing to the demo', async () => {
    const run = runEntry('dist/main.js', [], {}, dir.path);
    const result = await run.done;
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      "Alliance cannot start: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in the environment or in .env (see 'Quick start' in README.md to create the Slack app from manifest.json).",
      'To try Alliance without a Slack workspace, run `npm run demo` and open the page it prints.',
    ]);
    expect(result.stdout).toBe('');
  });

  it('a production install (no sources, as in the container image) says what to set and does not point to a demo it cannot run', async () => {
    const app = dir.file('app');
    for (const part of ['dist', 'migrations', 'package.json']) {
      cpSync(join(PROJECT_ROOT, part), join(app, part), { recursive: true });
    }
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(app, 'node_modules'));
    const result = await runInstalled(app, {}, dir.path).done;
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      "Alliance cannot start: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in the environment or in .env (see 'Quick start' in README.md to create the Slack app from manifest.json).",
    ]);
  });

  it('a malformed token is named without echoing it, and no stack trace is printed', async () => {
    const result = await runEntry(
      'dist/main.js',
      [],
      { SLACK_BOT_TOKEN: 'xoxp-secret-user-token', SLACK_SIGNING_SECRET: 'abc' },
      dir.path,
    ).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
    expect(result.stderr).not.toContain('xoxp-secret-user-token');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // Credentials that are there but wrong are not a reason to suggest the demo.
    expect(result.stderr).not.toContain('npm run demo');
  });

  it('with credentials and a fake Slack, serves /healthz and a signed /alliance help, and stops cleanly on SIGTERM', async () => {
    const fake = await FakeSlack.start();
    fake.addUser({ id: 'UALICE', name: 'alice' });
    fake.addChannel({ id: 'CTEAM', name: 'team', members: ['UALICE'], botIsMember: true });
    const signingSecret = randomBytes(16).toString('hex');
    // PORT=0 lets the system pick a free port; the app says which one it bound.
    const run = runEntry(
      'dist/main.js',
      [],
      {
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: signingSecret,
        PORT: '0',
        SLACK_API_URL: fake.apiUrl,
        DATABASE_PATH: dir.file('data/alliance.db'),
        LOG_LEVEL: 'info',
      },
      dir.path,
    );
    let output = '';
    run.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => /HTTP mode on port \d+/.test(output), 15_000, 'the app to report its port');
    const port = Number(/HTTP mode on port (\d+)/.exec(output)![1]);
    const status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status);
    expect(status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ ok: true });

    const slack = new SlackSender({ appUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret, fake });
    const reply = await slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'help' });
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.body)).toContain('/alliance start');

    run.child.kill('SIGTERM');
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('stopped cleanly');
    // The token never reaches the logs.
    expect(result.stdout + result.stderr).not.toContain(fake.botToken);
    await fake.close();
  });

  it('SIGTERM to the process `npm start` started stops the app, leaving nothing on its port', async () => {
    const fake = await FakeSlack.start();
    const run = runNpm('start', [], {
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
      PORT: '0',
      SLACK_API_URL: fake.apiUrl,
      DATABASE_PATH: dir.file('data/alliance.db'),
    });
    await waitFor(() => /HTTP mode on port \d+/.test(run.output().stdout), 15_000, 'the app to report its port');
    const port = Number(/HTTP mode on port (\d+)/.exec(run.output().stdout)![1]);
    expect(await portInUse(port)).toBe(true);

    // The signal goes to npm, as a process manager or a terminal's kill would send it.
    run.child.kill('SIGTERM');
    const result = await run.done;
    await fake.close();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('SIGTERM received');
    expect(result.stdout).toContain('stopped cleanly');
    expect(await portInUse(port)).toBe(false);
  });

  it('npm run tick exits 0 on a fresh database, and 2 on an invalid instant', async () => {
    const fresh = await runEntry(
      'dist/cli/tick.js',
      ['--at', '2026-01-05T09:00:00Z'],
      { DATABASE_PATH: dir.file('fresh.db') },
      dir.path,
    ).done;
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain('nothing was due');
    const invalid = await runEntry(
      'dist/cli/tick.js',
      ['--at', 'next tuesday'],
      { DATABASE_PATH: dir.file('fresh.db') },
      dir.path,
    ).done;
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('--at must be an ISO-8601 instant');
  });

  it('refuses to start on a database holding a migration this build does not know, with one sentence', async () => {
    const { migratedStore } = await import('../support/temp-db.js');
    const { db } = migratedStore(dir.file('newer.db'));
    db.prepare(
      "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, '9999_future.sql', 'x', 'now')",
    ).run();
    db.close();
    const result = await runEntry(
      'dist/cli/tick.js',
      ['--at', '2026-01-05T09:00:00Z'],
      { DATABASE_PATH: dir.file('newer.db') },
      dir.path,
    ).done;
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'The database at this DATABASE_PATH has migration 9999_future.sql, which this build of Alliance does not know; run a newer build or point DATABASE_PATH at another database.',
    );
  });

  it('explains a token Slack refuses in one sentence, without echoing it', async () => {
    const fake = await FakeSlack.start();
    const result = await runEntry(
      'dist/main.js',
      [],
      {
        SLACK_BOT_TOKEN: 'xoxb-not-the-right-one',
        SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
        PORT: '0',
        SLACK_API_URL: fake.apiUrl,
        DATABASE_PATH: dir.file('refused.db'),
      },
      dir.path,
    ).done;
    await fake.close();
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      "Slack refused SLACK_BOT_TOKEN (invalid_auth); copy the Bot User OAuth Token again from your app's OAuth & Permissions page (see 'Quick start' in README.md).",
    );
  });

  it('npm run tick without a bot token refuses, in one sentence, when work that talks to Slack is due', async () => {
    const { migratedStore } = await import('../support/temp-db.js');
    const { store, db } = migratedStore(dir.file('due.db'));
    store.workspaces.register({
      teamId: 'T1',
      teamName: 'Team',
      botUserId: 'UBOT',
      now: new Date('2026-01-01T00:00:00Z'),
    });
    store.jobs.schedule({
      teamId: 'T1',
      kind: 'digest.post',
      subjectId: 'al_0000000001',
      runAt: new Date('2026-01-05T08:30:00Z'),
      now: new Date('2026-01-01T00:00:00Z'),
    });
    db.close();
    const result = await runEntry(
      'dist/cli/tick.js',
      ['--at', '2026-01-05T09:00:00Z'],
      { DATABASE_PATH: dir.file('due.db') },
      dir.path,
    ).done;
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Work is due that talks to Slack, but SLACK_BOT_TOKEN is not set: set it as for npm start (see Configuration in README.md).',
    );
  });
});
