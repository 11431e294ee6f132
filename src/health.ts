import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenFailure } from './startup-checks.js';
import { type Db, isDatabaseHealthy } from './store/db.js';

export const HEALTH_PATH = '/healthz';

/** `GET /healthz`: 200 {"ok":true} while the database answers, 503 {"ok":false} otherwise. */
export function healthHandler(db: Db) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    const ok = isDatabaseHealthy(db);
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok }));
  };
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * In Socket Mode nothing else listens on PORT, so /healthz gets a small server of its own: one
 * whose failure to listen (a port in use) is reported, and whose port is known once it listens.
 */
export async function startHealthServer(port: number, db: Db): Promise<HealthServer> {
  const handle = healthHandler(db);
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) return handle(req, res);
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
