import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { type RunningAlliance, startAlliance } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import type { OAuthAppConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { FakeSlack, type FakeSlackOptions } from '../../src/simulator/fake-slack.js';
import { FakeSlackHub, type FakeSlackHubOptions } from '../../src/simulator/fake-slack-hub.js';
import { SlackSender } from '../../src/simulator/slack-sender.js';
import type { Harness } from './boot.js';
import { tempDir } from './temp-db.js';

/** One workspace of the many: its own fake Slack and Slack client, the shared app. Usable where a Harness is. */
export type WorkspaceHarness = Harness;

export interface InstallResult {
  /** The app's answer at the end of the flow (its install page). */
  status: number;
  page: string;
  /** Where /slack/install sent the browser. */
  authorizeUrl: URL;
}

export interface ManyHarness {
  hub: FakeSlackHub;
  /** By team id. */
  workspaces: Record<string, WorkspaceHarness>;
  app: RunningAlliance;
  clock: ReturnType<typeof fixedClock>;
  logs: string[];
  config: OAuthAppConfig;
  baseUrl: string;
  /** Runs Slack's OAuth flow in a browser: /slack/install → Slack's authorize page → the redirect. */
  install(teamId: string, options?: { deny?: boolean; user?: string }): Promise<InstallResult>;
  tickAt(at: Date | string): ReturnType<RunningAlliance['tick']>;
  restart(change?: Partial<OAuthAppConfig['oauth']>): Promise<void>;
  close(): Promise<void>;
}

export interface BootManyOptions {
  workspaces: (FakeSlackOptions & { enterpriseId?: string })[];
  arrange?: (fake: FakeSlack) => void;
  hub?: FakeSlackHubOptions;
  now?: Date | string;
  oauth?: Partial<OAuthAppConfig['oauth']>;
}

/**
 * Boots the real app installed in many workspaces (OAuth), in HTTP mode, with a temp SQLite file,
 * one FakeSlack per workspace behind a FakeSlackHub (Slack's OAuth pages, oauth.v2.access,
 * auth.test per token), and one signed Slack client per workspace.
 */
export async function bootMany(options: BootManyOptions): Promise<ManyHarness> {
  const clock = fixedClock(new Date(options.now ?? '2026-01-05T08:00:00Z'));
  const hub = await FakeSlackHub.start({ now: () => clock.now().getTime(), ...options.hub });
  const fakes: FakeSlack[] = [];
  for (const workspace of options.workspaces) {
    const fake = await FakeSlack.start(workspace);
    options.arrange?.(fake);
    hub.addWorkspace(fake, workspace.enterpriseId ? { enterpriseId: workspace.enterpriseId } : {});
    fakes.push(fake);
  }
  const dir = tempDir('alliance-many-');
  const signingSecret = randomBytes(16).toString('hex');
  const logs: string[] = [];
  const logger = createLogger('debug', 'alliance', (line) => logs.push(line));
  let config: OAuthAppConfig = {
    port: 0,
    databasePath: dir.file('alliance.db'),
    slackApiUrl: hub.apiUrl,
    logLevel: 'debug',
    slack: { signingSecret },
    oauth: {
      clientId: hub.clientId,
      clientSecret: hub.clientSecret,
      stateSecret: randomBytes(24).toString('hex'),
      encryptionKey: randomBytes(32),
      previousEncryptionKey: undefined,
      authorizeUrl: hub.authorizeUrl,
      uninstallGraceDays: 30,
      ...options.oauth,
    },
  };
  let app = await startAlliance({ config, clock, logger, scheduler: 'manual' });
  const baseUrl = () => `http://127.0.0.1:${app.port}`;
  hub.setRedirectUrls([`${baseUrl()}/slack/oauth_redirect`]);

  const senders = new Map<string, SlackSender>();
  const workspaces: Record<string, WorkspaceHarness> = {};
  const harness: ManyHarness = {
    hub,
    workspaces,
    get app() {
      return app;
    },
    clock,
    logs,
    get config() {
      return config;
    },
    get baseUrl() {
      return baseUrl();
    },
    async install(teamId, installOptions = {}) {
      const start = await fetch(`${baseUrl()}/slack/install`, { redirect: 'manual' });
      expect(start.status).toBe(302);
      const cookies = start.headers.getSetCookie().map((c) => c.split(';')[0]);
      const authorizeUrl = new URL(start.headers.get('location') ?? '');
      const consent = new URL(authorizeUrl);
      consent.searchParams.set('team', teamId);
      if (installOptions.deny) consent.searchParams.set('decision', 'deny');
      if (installOptions.user) consent.searchParams.set('user', installOptions.user);
      const slackPage = await fetch(consent, { redirect: 'manual' });
      expect(slackPage.status).toBe(302);
      const back = slackPage.headers.get('location') ?? '';
      const done = await fetch(back, { headers: { cookie: cookies.join('; ') }, redirect: 'manual' });
      return { status: done.status, page: await done.text(), authorizeUrl };
    },
    tickAt(at) {
      const instant = new Date(at);
      clock.set(instant);
      return app.tick(instant);
    },
    async restart(change = {}) {
      await app.stop();
      config = { ...config, oauth: { ...config.oauth, ...change } };
      app = await startAlliance({ config, clock, logger, scheduler: 'manual' });
      hub.setRedirectUrls([`${baseUrl()}/slack/oauth_redirect`]);
      for (const sender of senders.values()) sender.appUrl = `${baseUrl()}/slack/events`;
    },
    async close() {
      await app.stop();
      for (const fake of fakes) await fake.close();
      await hub.close();
      dir.cleanup();
    },
  };
  for (const fake of fakes) {
    const slack = new SlackSender({
      appUrl: `${baseUrl()}/slack/events`,
      signingSecret,
      fake,
      settle: () => app.idle(),
    });
    senders.set(fake.teamId, slack);
    workspaces[fake.teamId] = {
      fake,
      slack,
      socket: undefined,
      get app() {
        return app;
      },
      clock,
      logs,
      get appUrl() {
        return `${baseUrl()}/slack/events`;
      },
      databasePath: config.databasePath,
      signingSecret,
      tickAt: (at) => harness.tickAt(at),
      restart: () => harness.restart(),
      close: () => harness.close(),
    };
  }
  return harness;
}
