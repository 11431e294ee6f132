import { randomBytes } from 'node:crypto';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, type Timer } from '../../src/clock.js';
import type { Installation } from '../../src/domain/installation.js';
import { createLogger } from '../../src/logger.js';
import {
  createInstallationService,
  type InstallationService,
  NotInstalled,
  rekeyInstallations,
} from '../../src/services/installations.js';
import { createTokenVault, keyIdOf, VaultError } from '../../src/services/token-vault.js';
import { FakeSlack } from '../../src/simulator/fake-slack.js';
import { FakeSlackHub } from '../../src/simulator/fake-slack-hub.js';
import { createTokenRenewer } from '../../src/slack/token-renewer.js';
import type { Store } from '../../src/store/index.js';
import { migratedStore, tempDir } from '../support/temp-db.js';

const HOUR = 3_600_000;
const TEAM = 'T0ACME';

describe('the token vault', () => {
  const key = randomBytes(32);
  const vault = createTokenVault({ current: key });

  it('seals with AES-256-GCM: the token is not in the sealed bytes, and it opens again', () => {
    const sealed = vault.seal('xoxb-secret-token', 'T1:bot');
    expect(sealed.includes(Buffer.from('xoxb-secret-token'))).toBe(false);
    expect(vault.open(sealed, vault.currentKeyId, 'T1:bot')).toBe('xoxb-secret-token');
    // A fresh IV each time.
    expect(vault.seal('xoxb-secret-token', 'T1:bot').equals(sealed)).toBe(false);
  });

  it('does not open a token moved to another installation or field, or altered', () => {
    const sealed = vault.seal('xoxb-secret-token', 'T1:bot');
    expect(() => vault.open(sealed, vault.currentKeyId, 'T2:bot')).toThrow(VaultError);
    expect(() => vault.open(sealed, vault.currentKeyId, 'T1:refresh')).toThrow(VaultError);
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => vault.open(altered, vault.currentKeyId, 'T1:bot')).toThrow(VaultError);
  });

  it('opens what the previous key sealed while the key is rotated, and names an unknown key', () => {
    const next = randomBytes(32);
    const rotating = createTokenVault({ current: next, previous: key });
    const old = vault.seal('xoxb-old', 'T1:bot');
    expect(rotating.open(old, keyIdOf(key), 'T1:bot')).toBe('xoxb-old');
    expect(rotating.currentKeyId).toBe(keyIdOf(next));
    const after = createTokenVault({ current: next });
    expect(() => after.open(old, keyIdOf(key), 'T1:bot')).toThrow(/neither INSTALLATION_ENCRYPTION_KEY nor/);
    // The key id says nothing of the key.
    expect(keyIdOf(key)).not.toContain(key.toString('hex').slice(0, 8));
  });
});

/** A timer whose sleeps pass at once, counted. */
function instantTimer(): Timer & { slept: number } {
  let now = 0;
  const timer = {
    slept: 0,
    now: () => now,
    sleep: async (ms: number) => {
      timer.slept += ms;
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return timer;
}

describe('installations with token rotation', () => {
  let hub: FakeSlackHub;
  let fake: FakeSlack;
  let dir: ReturnType<typeof tempDir>;
  const clock = fixedClock(new Date('2026-01-05T08:00:00Z'));
  const key = randomBytes(32);
  const logs: string[] = [];
  const opened: { close(): void }[] = [];

  beforeEach(async () => {
    clock.set(new Date('2026-01-05T08:00:00Z'));
    hub = await FakeSlackHub.start({ now: () => clock.now().getTime(), tokenRotation: { expiresInSeconds: 43_200 } });
    fake = await FakeSlack.start({ teamId: TEAM, teamName: 'Acme', botUserId: 'UBOTACME', botToken: 'xoxb-acme' });
    hub.addWorkspace(fake);
    hub.setRedirectUrls(['http://127.0.0.1:9/slack/oauth_redirect']);
    dir = tempDir();
  });
  afterEach(async () => {
    for (const db of opened.splice(0)) db.close();
    await fake.close();
    await hub.close();
    dir.cleanup();
  });

  /** One process: its own connection to the database, its own owner name. */
  function process(owner: string, timer?: Timer): { store: Store; service: InstallationService } {
    const { db, store } = migratedStore(dir.file('alliance.db'));
    opened.push(db);
    const service = createInstallationService({
      store,
      vault: createTokenVault({ current: key }),
      renewer: createTokenRenewer({
        clientId: hub.clientId,
        clientSecret: hub.clientSecret,
        options: { slackApiUrl: hub.apiUrl, retryConfig: { retries: 0 } },
      }),
      clock,
      logger: createLogger('debug', owner, (line) => logs.push(line)),
      owner,
      ...(timer ? { timer } : {}),
    });
    return { store, service };
  }

  /** Slack's OAuth flow at the hub, as Bolt runs it: the installation it yields. */
  async function installAtSlack(): Promise<Omit<Installation, 'installedAt'>> {
    const page = await fetch(`${hub.authorizeUrl}?client_id=${hub.clientId}&scope=chat:write&team=${TEAM}`, {
      redirect: 'manual',
    });
    const code = new URL(page.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const answer = await new webApi.WebClient(undefined, { slackApiUrl: hub.apiUrl }).oauth.v2.access({
      client_id: hub.clientId,
      client_secret: hub.clientSecret,
      code,
    });
    return {
      enterpriseId: null,
      teamId: TEAM,
      isEnterpriseInstall: false,
      teamName: 'Acme',
      enterpriseName: null,
      appId: 'A0ALLIANCE',
      botId: 'BACME',
      botUserId: 'UBOTACME',
      botScopes: ['chat:write'],
      installerUserId: 'UINSTALLER',
      botToken: answer.access_token ?? '',
      refreshToken: answer.refresh_token ?? null,
      expiresAt: new Date(clock.now().getTime() + (answer.expires_in ?? 0) * 1000),
    };
  }

  const refreshes = () => hub.calls('oauth.v2.access').filter((c) => c.grantType === 'refresh_token');
  const usable = (token: string) => hub.tokensOf(TEAM).find((t) => t.token === token)?.usable ?? false;

  it('keeps the tokens sealed, and hands the same token out until it is due for renewal', async () => {
    const one = process('one');
    const installation = await installAtSlack();
    one.service.save(installation);
    const row = one.store.db.prepare('SELECT * FROM installations').get() as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain(installation.botToken.slice(10));
    expect((row.bot_token as Buffer).includes(Buffer.from(installation.botToken))).toBe(false);
    expect((row.refresh_token as Buffer).includes(Buffer.from(installation.refreshToken ?? '-'))).toBe(false);
    expect(logs.join('\n')).not.toContain(installation.botToken);

    clock.advance(9 * HOUR);
    expect(await one.service.tokenFor(TEAM)).toBe(installation.botToken);
    expect(refreshes()).toHaveLength(0);
    await expect(one.service.tokenFor('T0OTHER')).rejects.toBeInstanceOf(NotInstalled);
  });

  it('renews a token two hours before it expires, once, even when two processes ask at the same moment', async () => {
    const one = process('one');
    const two = process('two');
    const installation = await installAtSlack();
    one.service.save(installation);
    hub.setRefreshLatency(150);

    clock.advance(11 * HOUR);
    const [a, b] = await Promise.all([one.service.tokenFor(TEAM), two.service.tokenFor(TEAM)]);
    expect(refreshes()).toHaveLength(1);
    expect(refreshes()[0]?.error).toBeUndefined();
    // The loser of the race used the token being replaced, which works until it expires.
    expect(new Set([a, b]).size).toBe(2);
    expect(usable(a) && usable(b)).toBe(true);
    const renewed = [a, b].find((t) => t !== installation.botToken) ?? '';
    expect(await two.service.tokenFor(TEAM)).toBe(renewed);

    // Not locked out: the stored refresh token is the one Slack accepts, so the next renewal works.
    clock.advance(11 * HOUR);
    const next = await two.service.tokenFor(TEAM);
    expect(refreshes()).toHaveLength(2);
    expect(refreshes().every((c) => c.error === undefined)).toBe(true);
    expect(usable(next)).toBe(true);
    expect(next).not.toBe(renewed);
    expect(logs.join('\n')).not.toContain(next);
  });

  it('with the token already expired, the process that lost the race waits for the renewed one', async () => {
    const one = process('one');
    const two = process('two');
    one.service.save(await installAtSlack());
    hub.setRefreshLatency(100);

    clock.advance(13 * HOUR);
    const [a, b] = await Promise.all([one.service.tokenFor(TEAM), two.service.tokenFor(TEAM)]);
    expect(refreshes()).toHaveLength(1);
    expect(a).toBe(b);
    expect(usable(a)).toBe(true);
  });

  it('takes over the renewal from a process that died holding the claim, once its claim runs out', async () => {
    const one = process('one');
    const timer = instantTimer();
    const two = process('two', timer);
    const installation = await installAtSlack();
    one.service.save(installation);
    clock.advance(13 * HOUR);
    // "one" claimed the refresh, then died before asking Slack.
    expect(
      one.store.installations.claimRefresh(
        { enterpriseId: null, teamId: TEAM },
        { generation: 0, owner: 'one', now: clock.now(), claimMs: 30_000 },
      ),
    ).toBe(true);
    await expect(two.service.tokenFor(TEAM)).rejects.toThrow(/another process did not finish renewing it/);
    expect(timer.slept).toBeGreaterThanOrEqual(30_000);
    expect(refreshes()).toHaveLength(0);

    clock.advance(31_000);
    const token = await two.service.tokenFor(TEAM);
    expect(usable(token)).toBe(true);
    expect(refreshes()).toHaveLength(1);
  });

  it('a refusal to renew keeps the working token until it expires, then says so', async () => {
    const one = process('one');
    const installation = await installAtSlack();
    one.service.save(installation);
    // Slack no longer accepts the stored refresh token (say it was spent elsewhere).
    hub.uninstall(TEAM);
    clock.advance(11 * HOUR);
    expect(await one.service.tokenFor(TEAM)).toBe(installation.botToken);
    expect(logs.join('\n')).toContain('could not be renewed (invalid_refresh_token)');
    clock.advance(2 * HOUR);
    await expect(one.service.tokenFor(TEAM)).rejects.toThrow(/invalid_refresh_token/);
  });

  it('re-seals every token under a new key; the old key can then go', async () => {
    const one = process('one');
    const installation = await installAtSlack();
    one.service.save(installation);
    const next = randomBytes(32);
    const rotating = createTokenVault({ current: next, previous: key });
    expect(rekeyInstallations(one.store, rotating)).toEqual({ resealed: 1, current: 0 });
    expect(rekeyInstallations(one.store, rotating)).toEqual({ resealed: 0, current: 1 });
    const withNewKeyOnly = createInstallationService({
      store: one.store,
      vault: createTokenVault({ current: next }),
      renewer: { renew: () => Promise.reject(new Error('not expected')) },
      clock,
      logger: createLogger('error', 'x', () => {}),
      owner: 'three',
    });
    expect(withNewKeyOnly.unopenable()).toBe(0);
    expect(await withNewKeyOnly.tokenFor(TEAM)).toBe(installation.botToken);
    // A key that sealed nothing here cannot re-seal anything.
    expect(() => rekeyInstallations(one.store, createTokenVault({ current: randomBytes(32) }))).toThrow(
      /1 installation\(s\) are sealed under a key that is neither/,
    );
  });
});
