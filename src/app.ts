import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import type { Clock } from './clock.js';
import type { AppConfig } from './config.js';
import { registerListeners } from './listeners/index.js';
import type { AppLogger } from './logger.js';
import { type MinuteTicker, startMinuteTicker } from './scheduler/cron.js';
import { buildJobHandlers } from './scheduler/jobs.js';
import { type RunDueReport, runDue, type SchedulerDeps } from './scheduler/run-due.js';
import { createAnswerSealer } from './services/answer-sealer.js';
import { buildServices, type ServiceDeps } from './services/index.js';
import {
  createSlackClient,
  type SlackClient,
  singleWorkspaceClients,
  slackErrorCode,
  webClientOptions,
} from './slack/clients.js';
import { isDatabaseHealthy, openDatabase } from './store/db.js';
import { createStore, type Store } from './store/index.js';
import { migrate } from './store/migrate.js';

export interface StartOptions {
  config: AppConfig;
  clock: Clock;
  logger: AppLogger;
  /** 'cron' ticks every minute in-process; 'manual' leaves ticking to the caller (tests, tick CLI). */
  scheduler: 'cron' | 'manual';
}

export interface RunningAlliance {
  /** The HTTP port actually bound (HTTP mode), or the health-check port (Socket Mode). */
  port: number;
  store: Store;
  tick(now: Date): Promise<RunDueReport>;
  /** Resolves once the work listeners started after acking Slack has finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Raised when Slack refuses the credentials at start; the message is for the person running the app. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * The composition root: config → database → Slack client → services → listeners → scheduler.
 * It holds no behaviour of its own.
 */
export async function startAlliance({ config, clock, logger, scheduler }: StartOptions): Promise<RunningAlliance> {
  const db = openDatabase(config.databasePath);
  try {
    migrate(db, clock.now());
  } catch (error) {
    db.close();
    throw error;
  }
  const store = createStore(db);

  // Bolt's and the Web API client's debug output dumps whole payloads and API responses (people's
  // answers, profiles); it never reaches the logs, whatever LOG_LEVEL says.
  const slackLogger = logger.child('slack', 'info');
  const clientOptions = webClientOptions({ slackApiUrl: config.slackApiUrl, logger: slackLogger });
  const client = createSlackClient(config.slack.botToken, clientOptions);
  const identity = await identify(client).catch((error: unknown) => {
    db.close();
    throw error;
  });
  store.workspaces.register({
    teamId: identity.teamId,
    teamName: identity.teamName,
    botUserId: identity.botUserId,
    now: clock.now(),
  });
  const clients = singleWorkspaceClients(identity.teamId, client);

  const socketMode = config.slack.appToken !== undefined;
  const healthz = {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      const ok = isDatabaseHealthy(db);
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok }));
    },
  };
  const app = new App({
    token: config.slack.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    tokenVerificationEnabled: false,
    signingSecret: config.slack.signingSecret,
    ...(socketMode
      ? { socketMode: true, appToken: config.slack.appToken, installerOptions: { port: config.port } }
      : {}),
    customRoutes: [healthz],
    logger: slackLogger,
    // Without an explicit level Bolt resets the logger it is given to INFO.
    logLevel: slackLogger.getLevel(),
    clientOptions,
    convoStore: false,
  });

  // Bolt answers Slack as soon as a listener acks and carries on; remember the work still running so
  // shutdown can let it finish.
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    return work.finally(() => inFlight.delete(work));
  };

  const sealer = createAnswerSealer(config.slack.signingSecret);
  const core = composeCore({ store, clock, logger, clients, sealer });
  registerListeners(app, { clock, logger, ...core.services }, track);
  const tick = core.tick;

  let port = config.port;
  if (socketMode) {
    await app.start();
  } else {
    const server = await app.start(config.host ? { port: config.port, host: config.host } : config.port);
    port = (server.address() as AddressInfo).port;
  }
  logger.info(
    `Alliance is running for workspace ${identity.teamId} in ${socketMode ? 'Socket Mode' : `HTTP mode on port ${port}`}`,
  );

  const ticker: MinuteTicker | undefined = scheduler === 'cron' ? startMinuteTicker(clock, tick, logger) : undefined;

  let stopped = false;
  return {
    port,
    store,
    tick,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await ticker?.stop();
      await app.stop();
      await Promise.allSettled([...inFlight]);
      db.close();
    },
  };
}

/**
 * Services and the scheduler over a store and Slack clients. Shared by the running app and the
 * tick command, so both run exactly the same jobs.
 */
export function composeCore(input: Omit<ServiceDeps, 'owner'>) {
  const deps: ServiceDeps = { ...input, owner: `alliance-${process.pid}-${randomUUID().slice(0, 8)}` };
  const services = buildServices(deps);
  const schedulerDeps: SchedulerDeps = {
    jobs: deps.store.jobs,
    handlers: buildJobHandlers(services),
    steps: [
      { name: 'outbox', run: async (now) => void (await services.outbox.drain(now)) },
      { name: 'forget old event ids', run: async (now) => services.workspace.forgetOldEvents(now) },
    ],
    logger: deps.logger.child('scheduler'),
    owner: deps.owner,
  };
  return { services, tick: (now: Date) => runDue(schedulerDeps, now) };
}

interface Identity {
  teamId: string;
  teamName: string | null;
  botUserId: string;
  botId: string;
}

async function identify(client: SlackClient): Promise<Identity> {
  try {
    const result = await client.auth.test();
    if (!result.team_id || !result.user_id || !result.bot_id) {
      throw new StartupError(
        'Slack did not say which workspace SLACK_BOT_TOKEN belongs to; check that it is a bot token (xoxb-…).',
      );
    }
    return { teamId: result.team_id, teamName: result.team ?? null, botUserId: result.user_id, botId: result.bot_id };
  } catch (error) {
    if (error instanceof StartupError) throw error;
    const code = slackErrorCode(error);
    if (code) {
      throw new StartupError(
        `Slack refused SLACK_BOT_TOKEN (${code}); copy the Bot User OAuth Token again from your app's OAuth & Permissions page (see 'Quick start' in README.md).`,
      );
    }
    throw new StartupError(
      `Alliance could not reach Slack to check SLACK_BOT_TOKEN (${error instanceof Error ? error.message : String(error)}); check the network or SLACK_API_URL.`,
    );
  }
}
