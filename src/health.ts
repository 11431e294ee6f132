import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { listenFailure } from './startup-checks.js';
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

/** The operator's endpoints, in the shape of Bolt's custom routes (HTTP mode serves them beside Slack's). */
export interface OperatorRoute {
  path: string;
  method: string[];
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export function operatorRoutes(db: Db, registry: Registry): OperatorRoute[] {
  return [
    { path: HEALTH_PATH, method: ['GET'], handler: healthHandler(db) },
    { path: METRICS_PATH, method: ['GET'], handler: metricsHandler(registry) },
  ];
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * In Socket Mode nothing else listens on PORT, so /healthz and /metrics get a small server of their
 * own: one whose failure to listen (a port in use) is reported, and whose port is known once it listens.
 */
export async function startHealthServer(port: number, routes: readonly OperatorRoute[]): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes.find((r) => r.path === path);
    if (route && (route.method.includes(req.method ?? '') || req.method === 'HEAD')) return route.handler(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenFailure(error, port)));
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
