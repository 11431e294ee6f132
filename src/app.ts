import { App, HTTPReceiver } from '@slack/bolt';
import type { Clock } from './clock.js';
import type { StartConfig } from './config.js';
import { composeCore, processOwner } from './core.js';
import { type HealthServer, metricsRoute, openDatabaseAndServer } from './health.js';
import { registerListeners } from './listeners/index.js';
import type { AppLogger } from './logger.js';
import { type ManyWorkspaces, prepareManyWorkspaces } from './many-workspaces.js';
import { createPrometheusMetrics } from './prometheus.js';
import { type MinuteTicker, startMinuteTicker } from './scheduler/cron.js';
import type { RunDueReport } from './scheduler/run-due.js';
import { createAnswerSealer } from './services/answer-sealer.js';
import { createSlackClient, type SlackClients, singleWorkspaceClients, webClientOptions } from './slack/clients.js';
import { checkSlackTokens, type Identity, runningDetails, socketModeConnected } from './startup-checks.js';
import type { Db } from './store/db.js';
import { createStore, type Store } from './store/index.js';

export { StartupError } from './startup-checks.js';

export interface StartOptions {
  /** One workspace (a bot token) or many (installed through OAuth). */
  config: StartConfig;
  clock: Clock;
  logger: AppLogger;
  /** 'cron' ticks every minute in-process; 'manual' leaves ticking to the caller (tests, tick CLI). */
  scheduler: 'cron' | 'manual';
  /**
   * The database and the server on PORT, when the caller opened them first (npm start does, so
   * /healthz answers while Bolt loads and Slack is asked about the tokens). They become the app's:
   * it closes them when it stops, or fails to start.
   */
  opened?: { db: Db; server: HealthServer };
}

export interface RunningAlliance {
  /** The port actually bound: /healthz, /metrics and (HTTP mode) Slack's requests. */
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
export async function startAlliance(options: StartOptions): Promise<RunningAlliance> {
  const { config, clock, logger, scheduler } = options;
  const socketMode = config.slack.appToken !== undefined;
  // Each step that can fail for a reason the operator can fix says so in one sentence (StartupError).
  const { db, server } = options.opened ?? (await openDatabaseAndServer(config, clock.now(), logger));
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
  const owner = processOwner();
  const closeOpened = async () => {
    await server.close();
    db.close();
  };
  let identity: Identity | undefined;
  let many: ManyWorkspaces | undefined;
  let clients: SlackClients;
  if ('oauth' in config) {
    try {
      many = prepareManyWorkspaces({ oauth: config.oauth, store, clock, logger, clientOptions, owner });
    } catch (error) {
      await closeOpened();
      throw error;
    }
    clients = many.clients;
  } else {
    const client = createSlackClient(config.slack.botToken, clientOptions);
    identity = await checkSlackTokens(config, logger).catch(async (error: unknown) => {
      await closeOpened();
      throw error;
    });
    store.workspaces.register({
      teamId: identity.teamId,
      teamName: identity.teamName,
      botUserId: identity.botUserId,
      now: clock.now(),
    });
    clients = singleWorkspaceClients(identity.teamId, client);
  }

  server.addRoute(metricsRoute(registry));
  // HTTP mode: Bolt's receiver takes Slack's requests from the server already listening on PORT.
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: config.slack.signingSecret,
        logger: slackLogger,
        logLevel: slackLogger.getLevel(),
        // Many workspaces: the receiver serves the install pages, and authorizes each request from
        // the installation store.
        ...many?.boltOptions,
      });
  const app = new App({
    ...(many
      ? {}
      : {
          token: config.slack.botToken,
          botId: identity?.botId,
          botUserId: identity?.botUserId,
          tokenVerificationEnabled: false,
        }),
    signingSecret: config.slack.signingSecret,
    ...(socketMode ? { socketMode: true, appToken: config.slack.appToken } : { receiver }),
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
  const core = composeCore({
    store,
    clock,
    logger,
    clients,
    sealer,
    owner,
    metrics,
    ...(many && 'oauth' in config
      ? { installations: many.installations, purgeAfterDays: config.oauth.uninstallGraceDays }
      : {}),
  });
  if (many) core.services.workspace.schedulePurges(clock.now());
  registerListeners(app, { clock, logger, ...core.services }, track, metrics);
  const tick = core.tick;

  const port = server.port;
  try {
    if (receiver) server.forward(receiver.requestListener);
    else await socketModeConnected(app.start(), logger);
  } catch (error) {
    await app.stop().catch(() => {});
    await server.close();
    db.close();
    throw error;
  }
  logger.info(
    identity
      ? `Alliance is running for workspace ${identity.teamId} in ${socketMode ? 'Socket Mode' : `HTTP mode on port ${port}`}`
      : `Alliance is running for the workspaces that install it (${many?.installations.count() ?? 0} installed so far) in HTTP mode on port ${port}; they install it from /slack/install`,
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
      // HTTP mode: Bolt's receiver was never started on a server of its own; closing ours stops it.
      if (socketMode) await app.stop();
      await server.close();
      await Promise.allSettled([...inFlight]);
      db.close();
    },
  };
}
