import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import type { Clock } from './clock.js';
import type { AppConfig } from './config.js';
import { composeCore } from './core.js';
import { type HealthServer, operatorRoutes, startHealthServer } from './health.js';
import { registerListeners } from './listeners/index.js';
import type { AppLogger } from './logger.js';
import { createPrometheusMetrics } from './prometheus.js';
import { type MinuteTicker, startMinuteTicker } from './scheduler/cron.js';
import type { RunDueReport } from './scheduler/run-due.js';
import { createAnswerSealer } from './services/answer-sealer.js';
import { createSlackClient, singleWorkspaceClients, webClientOptions } from './slack/clients.js';
import {
  checkSlackTokens,
  listenFailure,
  prepareDatabase,
  runningDetails,
  socketModeConnected,
} from './startup-checks.js';
import { createStore, type Store } from './store/index.js';

export { StartupError } from './startup-checks.js';

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

/**
 * The composition root: config → database → Slack client → services → listeners → scheduler.
 * It holds no behaviour of its own.
 */
export async function startAlliance({ config, clock, logger, scheduler }: StartOptions): Promise<RunningAlliance> {
  // Each step that can fail for a reason the operator can fix says so in one sentence (StartupError).
  logger.info(`Opening the database at ${config.databasePath}`);
  const db = prepareDatabase(config.databasePath, clock.now());
  const store = createStore(db);

  // Bolt's and the Web API client's debug output dumps whole payloads and API responses (people's
  // answers, profiles); it never reaches the logs, whatever LOG_LEVEL says.
  const slackLogger = logger.child('slack', 'info');
  // The operator's counters, for GET /metrics; one registry per running app.
  const { metrics, registry } = createPrometheusMetrics();
  const clientOptions = webClientOptions({
    slackApiUrl: config.slackApiUrl,
    logger: slackLogger,
    onRateLimited: metrics.rateLimited,
  });
  const client = createSlackClient(config.slack.botToken, clientOptions);
  const socketMode = config.slack.appToken !== undefined;
  const identity = await checkSlackTokens(config, logger).catch((error: unknown) => {
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

  const routes = operatorRoutes(db, registry);
  const app = new App({
    token: config.slack.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    tokenVerificationEnabled: false,
    signingSecret: config.slack.signingSecret,
    // In Socket Mode /healthz and /metrics have a server of their own (startHealthServer).
    ...(socketMode ? { socketMode: true, appToken: config.slack.appToken } : { customRoutes: routes }),
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
  const core = composeCore({ store, clock, logger, clients, sealer, metrics });
  registerListeners(app, { clock, logger, ...core.services }, track, metrics);
  const tick = core.tick;

  let port = config.port;
  let health: HealthServer | undefined;
  try {
    if (socketMode) {
      health = await startHealthServer(config.port, routes);
      port = health.port;
      await socketModeConnected(app.start(), logger);
    } else {
      const listen = config.host ? { port: config.port, host: config.host } : config.port;
      const server = await app.start(listen).catch((error: unknown) => {
        throw listenFailure(error, config.port);
      });
      port = (server.address() as AddressInfo).port;
    }
  } catch (error) {
    await app.stop().catch(() => {});
    await health?.close();
    db.close();
    throw error;
  }
  logger.info(
    `Alliance is running for workspace ${identity.teamId} in ${socketMode ? 'Socket Mode' : `HTTP mode on port ${port}`}`,
  );
  for (const line of runningDetails({ socketMode, port, databasePath: config.databasePath })) logger.info(line);

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
      await health?.close();
      await Promise.allSettled([...inFlight]);
      db.close();
    },
  };
}
