import { randomBytes } from 'node:crypto';
import { type RunningAlliance, startAlliance } from '../../src/app.js';
import { fixedClock } from '../../src/clock.js';
import type { AppConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { FakeSlack, type FakeSlackOptions } from '../../src/simulator/fake-slack.js';
import { SlackSender } from '../../src/simulator/slack-sender.js';
import { FakeSocketMode, SocketModeSender } from './socket-mode.js';
import { tempDir } from './temp-db.js';

export interface Harness {
  fake: FakeSlack;
  slack: SlackSender;
  /** Socket Mode only: Slack's end of the app's WebSocket. */
  socket: FakeSocketMode | undefined;
  app: RunningAlliance;
  clock: ReturnType<typeof fixedClock>;
  /** Every line the app logged (all levels), for assertions about what is and is not logged. */
  logs: string[];
  appUrl: string;
  databasePath: string;
  signingSecret: string;
  /** Moves the app's clock to `at` and runs one scheduler tick there, as the minute cron would. */
  tickAt(at: Date | string): ReturnType<RunningAlliance['tick']>;
  /** Stops the app (keeping the database) and starts it again on the same file. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface BootOptions {
  fake?: FakeSlackOptions;
  /** The app's clock starts here. */
  now?: Date | string;
  /** Arrange users and channels before the app starts. */
  arrange?: (fake: FakeSlack) => void;
  logLevel?: AppConfig['logLevel'];
  /** Connect over Socket Mode (SLACK_APP_TOKEN set) instead of serving HTTP requests. */
  socketMode?: boolean;
}

/**
 * Boots the real app in HTTP mode (or Socket Mode) on an ephemeral port, with a temp SQLite file and a fake Slack
 * Web API, and a SlackSender that signs requests exactly as Slack does.
 */
export async function bootAlliance(options: BootOptions = {}): Promise<Harness> {
  const fake = await FakeSlack.start(options.fake);
  options.arrange?.(fake);
  const socket = options.socketMode ? await FakeSocketMode.start(fake) : undefined;
  const dir = tempDir('alliance-e2e-');
  const signingSecret = randomBytes(16).toString('hex');
  const clock = fixedClock(new Date(options.now ?? '2026-01-05T08:00:00Z'));
  const logs: string[] = [];
  const config: AppConfig = {
    port: 0,
    databasePath: dir.file('alliance.db'),
    slackApiUrl: fake.apiUrl,
    logLevel: options.logLevel ?? 'debug',
    slack: { botToken: fake.botToken, signingSecret, appToken: socket ? fake.appToken : undefined },
  };
  const logger = createLogger(config.logLevel, 'alliance', (line) => logs.push(line));
  let app = await startAlliance({ config, clock, logger, scheduler: 'manual' });
  let appUrl = `http://127.0.0.1:${app.port}/slack/events`;
  const slack = socket
    ? new SocketModeSender({ fake, socket, settle: () => app.idle() })
    : new SlackSender({ appUrl, signingSecret, fake, settle: () => app.idle() });

  const harness: Harness = {
    fake,
    slack,
    socket,
    get app() {
      return app;
    },
    clock,
    logs,
    get appUrl() {
      return appUrl;
    },
    databasePath: config.databasePath,
    signingSecret,
    tickAt(at) {
      const instant = new Date(at);
      clock.set(instant);
      return app.tick(instant);
    },
    async restart() {
      await app.stop();
      app = await startAlliance({ config: { ...config }, clock, logger, scheduler: 'manual' });
      appUrl = `http://127.0.0.1:${app.port}/slack/events`;
      slack.appUrl = appUrl;
    },
    async close() {
      await app.stop();
      await socket?.close();
      await fake.close();
      dir.cleanup();
    },
  };
  return harness;
}
