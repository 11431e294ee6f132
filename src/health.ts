import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { StartConfig } from './config.js';
import type { AppLogger } from './logger.js';
import { listenFailure, prepareDatabase } from './startup-checks.js';
import { type Db, isDatabaseHealthy } from './store/db.js';

export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';

/** `GET /healthz`: 200 {"ok":true} while the database answers, 503 {"ok":false} otherwise. */
export function healthHandler(db: Db) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    const ok = isDatabaseHealthy(db);
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok }));
  };
}

/** `GET /metrics`: the registry in Prometheus's text format. */
export function metricsHandler(registry: Registry) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('metrics could not be collected');
      },
    );
  };
}

/** One of the operator's endpoints. */
export interface OperatorRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export const healthRoute = (db: Db): OperatorRoute => ({
  path: HEALTH_PATH,
  method: ['GET'],
  handler: healthHandler(db),
});

export const metricsRoute = (registry: Registry): OperatorRoute => ({
  path: METRICS_PATH,
  method: ['GET'],
  handler: metricsHandler(registry),
});

export interface HealthServer {
  port: number;
  /** Serves `route` from now on. */
  addRoute(route: OperatorRoute): void;
  /**
   * Hands every request no route takes to `listener` from now on (HTTP mode: Slack's requests, to
   * Bolt's receiver; it throws for a path it does not know, answered 404). Until then such requests
   * are answered 503 when the server was started `pending`, 404 otherwise.
   */
  forward(listener: (req: IncomingMessage, res: ServerResponse) => void): void;
  close(): Promise<void>;
}

/**
 * The operator's server on PORT: /healthz from the moment it listens (the database is open by
 * then), /metrics once the app adds it, and in HTTP mode Slack's requests once Bolt is ready to
 * take them. Started before Bolt is loaded, so a process manager sees the app answer at once. Its
 * failure to listen (a port in use) is reported in one sentence, and its port is known once it listens.
 */
export async function startHealthServer(
  port: number,
  routes: readonly OperatorRoute[],
  options: { host?: string | undefined; pending?: boolean } = {},
): Promise<HealthServer> {
  const served = [...routes];
  let forwardTo: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => {
    // The path alone, without building a URL: every Slack request in HTTP mode passes here.
    const target = req.url ?? '/';
    const query = target.indexOf('?');
    const path = query < 0 ? target : target.slice(0, query);
    const route = served.find((r) => r.path === path);
    if (route && (route.method.includes(req.method ?? '') || req.method === 'HEAD')) return route.handler(req, res);
    if (forwardTo) {
      try {
        return forwardTo(req, res);
      } catch {
        // Bolt's receiver throws for a path it does not serve.
      }
    }
    const starting = !forwardTo && options.pending === true;
    res.writeHead(starting ? 503 : 404, { 'content-type': 'text/plain' });
    res.end(starting ? 'starting' : 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenFailure(error, port)));
    if (options.host) server.listen(port, options.host, () => resolve());
    else server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    addRoute(route) {
      served.push(route);
    },
    forward(listener) {
      forwardTo = listener;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The database, then the server on PORT answering /healthz; in HTTP mode, Slack's requests are
 * answered 503 until the app can take them (see HealthServer.forward).
 */
export async function openDatabaseAndServer(
  config: StartConfig,
  now: Date,
  logger: AppLogger,
): Promise<{ db: Db; server: HealthServer }> {
  logger.info(`Opening the database at ${config.databasePath}`);
  const db = prepareDatabase(config.databasePath, now);
  try {
    const server = await startHealthServer(config.port, [healthRoute(db)], {
      host: config.host,
      pending: config.slack.appToken === undefined,
    });
    return { db, server };
  } catch (error) {
    db.close();
    throw error;
  }
}
