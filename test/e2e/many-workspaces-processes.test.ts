import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenVault } from '../../src/services/token-vault.js';
import type { FakeSlack } from '../../src/simulator/fake-slack.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { bootMany, type ManyHarness, type WorkspaceHarness } from '../support/boot-many.js';
import { activateAlliance, dmsWith } from '../support/flows.js';
import { type Finished, runEntry, runNpm, waitFor } from '../support/processes.js';
import { migratedStore, tempDir } from '../support/temp-db.js';

const ACME = 'T0ACME';
const TEAMS = { CONE: ['UANNA', 'UARNE'], CTWO: ['UAVA', 'UAXEL'] };
const PEOPLE = [...TEAMS.CONE, ...TEAMS.CTWO];
const PULSE = '2026-01-08T09:00:00Z';

function arrange(fake: FakeSlack): void {
  for (const id of PEOPLE) fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
  for (const [channel, members] of Object.entries(TEAMS)) {
    fake.addChannel({ id: channel, name: channel.toLowerCase(), members, botIsMember: true });
  }
}

describe('many workspaces, across processes', () => {
  let h: ManyHarness | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    dir?.cleanup();
    dir = undefined;
  });

  /** The environment `npm start` would have, for a command run against the same database. */
  function environment(harness: ManyHarness): Record<string, string> {
    const { config } = harness;
    return {
      DATABASE_PATH: config.databasePath,
      SLACK_API_URL: harness.hub.apiUrl,
      SLACK_SIGNING_SECRET: config.slack.signingSecret,
      SLACK_CLIENT_ID: config.oauth.clientId,
      SLACK_CLIENT_SECRET: config.oauth.clientSecret,
      SLACK_STATE_SECRET: config.oauth.stateSecret,
      INSTALLATION_ENCRYPTION_KEY: config.oauth.encryptionKey.toString('base64'),
      LOG_LEVEL: 'info',
    };
  }

  it('two tick processes that both need the expired token renew it once; neither locks the workspace out', async () => {
    h = await bootMany({
      workspaces: [{ teamId: ACME, teamName: 'Acme', botUserId: 'UBOTACME', botToken: 'xoxb-acme-fake' }],
      arrange,
      hub: { tokenRotation: { expiresInSeconds: 43_200 } },
    });
    expect((await h.install(ACME)).status).toBe(200);
    const a = h.workspaces[ACME] as WorkspaceHarness;
    for (const [channelId, members] of Object.entries(TEAMS)) {
      await activateAlliance(a, { channelId, starter: members[0] ?? '', members, name: `Team ${channelId}` });
    }
    await h.app.stop();
    h.hub.clearCalls();
    // Slow answers to the refresh: the second process starts while the first one's is in flight.
    h.hub.setRefreshLatency(4000);
    h.clock.set(new Date(PULSE));
    dir = tempDir('alliance-tick-');
    const tick = () => runEntry('dist/cli/tick.js', ['--at', PULSE], environment(h as ManyHarness), dir?.path);
    const first = tick();
    await waitFor(() => (h?.hub.calls('oauth.v2.access').length ?? 0) > 0, 20_000, 'the first refresh');
    const second = tick();
    const results: Finished[] = [await first.done, await second.done];
    for (const result of results) expect(result.code, result.stderr).toBe(0);

    const refreshes = h.hub.calls('oauth.v2.access').filter((c) => c.grantType === 'refresh_token');
    expect(refreshes.map((c) => c.error)).toEqual([undefined]);
    // One process renewed the token; the other needed it meanwhile and waited for it instead.
    const outputs = results.map((r) => r.stdout + r.stderr);
    expect(outputs.filter((o) => o.includes(`workspace ${ACME}: bot token renewed`))).toHaveLength(1);
    expect(
      outputs.filter((o) => o.includes(`workspace ${ACME}: another process is renewing the expired bot token`)),
    ).toHaveLength(1);
    const renewed = h.hub.tokensOf(ACME).at(-1);
    const sent = h.hub.calls().filter((c) => c.method !== 'oauth.v2.access');
    expect(sent.every((c) => c.error === undefined && c.token === renewed?.token)).toBe(true);
    for (const id of PEOPLE) expect(dmsWith(a, id, ACTIONS.checkIn)).toHaveLength(1);
    // Not locked out: the refresh token the database holds is the one Slack accepts now.
    const { db, store } = migratedStore(h.config.databasePath);
    const stored = store.installations.forTeam(ACME, null);
    db.close();
    const vault = createTokenVault({ current: h.config.oauth.encryptionKey });
    expect(vault.open(stored?.refreshToken ?? Buffer.alloc(0), stored?.keyId ?? '', `-/${ACME}:refresh`)).toBe(
      h.hub.currentRefreshToken(ACME),
    );
  });

  it('npm run rotate-key re-seals every token under the new key; the app then starts with the new key alone', async () => {
    h = await bootMany({
      workspaces: [{ teamId: ACME, teamName: 'Acme', botUserId: 'UBOTACME', botToken: 'xoxb-acme-fake' }],
      arrange,
    });
    expect((await h.install(ACME)).status).toBe(200);
    await h.app.stop();
    const oldKey = h.config.oauth.encryptionKey;
    const newKey = randomBytes(32);
    const env = environment(h);

    // The new key alone cannot open what the old one sealed: start-up says so in one sentence.
    await expect(h.restart({ encryptionKey: newKey })).rejects.toThrow(
      /1 installation\(s\) in the database were sealed under a key that is neither INSTALLATION_ENCRYPTION_KEY nor INSTALLATION_ENCRYPTION_KEY_PREVIOUS/,
    );

    const wrong = await runNpm('rotate-key', [], { ...env, INSTALLATION_ENCRYPTION_KEY: newKey.toString('hex') }).done;
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/1 installation\(s\) are sealed under a key that is neither/);

    const rotated = await runNpm('rotate-key', [], {
      ...env,
      INSTALLATION_ENCRYPTION_KEY: newKey.toString('base64'),
      INSTALLATION_ENCRYPTION_KEY_PREVIOUS: oldKey.toString('base64'),
    }).done;
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain(
      'Re-sealed 1 installation(s) under the current INSTALLATION_ENCRYPTION_KEY; 0 already were. INSTALLATION_ENCRYPTION_KEY_PREVIOUS can now be removed.',
    );
    expect(rotated.stdout + rotated.stderr).not.toContain(newKey.toString('base64'));

    // The new key alone now works: Alliance starts, and a person's command is answered in Acme.
    await h.restart({ encryptionKey: newKey });
    const a = h.workspaces[ACME] as WorkspaceHarness;
    const reply = await a.slack.command({ userId: 'UANNA', channelId: 'CONE', text: 'help' });
    expect(reply.status).toBe(200);
    // Bolt answered only because the installation opened: the reply is the help text.
    expect(reply.delivered?.ok).toBe(true);
    expect(JSON.stringify(a.fake.ephemerals('UANNA').at(-1))).toContain('/alliance start');
  });

  it('the compiled app started with the OAuth variables serves the install flow, and stops cleanly on SIGTERM', async () => {
    h = await bootMany({
      workspaces: [{ teamId: ACME, teamName: 'Acme', botUserId: 'UBOTACME', botToken: 'xoxb-acme-fake' }],
      arrange,
    });
    await h.app.stop();
    dir = tempDir('alliance-start-');
    const run = runEntry(
      'dist/main.js',
      [],
      { ...environment(h), SLACK_OAUTH_AUTHORIZE_URL: h.hub.authorizeUrl, PORT: '0' },
      dir.path,
    );
    await waitFor(() => /HTTP mode on port \d+/.test(run.output().stdout), 15_000, 'the app to report its port');
    const { stdout } = run.output();
    expect(stdout).toContain('Alliance is running for the workspaces that install it (0 installed so far)');
    const port = Number(/HTTP mode on port (\d+)/.exec(stdout)?.[1]);
    const install = await fetch(`http://127.0.0.1:${port}/slack/install`, { redirect: 'manual' });
    expect(install.status).toBe(302);
    expect(install.headers.get('location')).toMatch(new RegExp(`^${h.hub.authorizeUrl}\\?`));
    expect(install.headers.getSetCookie().join(';')).toContain('slack-app-oauth-state=');
    run.child.kill('SIGTERM');
    const result = await run.done;
    expect(result.code).toBe(0);
    const all = result.stdout + result.stderr;
    expect(all).not.toContain(h.config.oauth.clientSecret);
    expect(all).not.toContain(h.config.oauth.encryptionKey.toString('base64'));
  });
});
