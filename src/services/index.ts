import type { Clock } from '../clock.js';
import type { AppLogger } from '../logger.js';
import type { SlackClients } from '../slack/clients.js';
import type { Store } from '../store/index.js';

export interface ServiceDeps {
  store: Store;
  clock: Clock;
  logger: AppLogger;
  clients: SlackClients;
}

/** Builds the application services; listeners and jobs call these, never the store directly. */
export function buildServices(_deps: ServiceDeps) {
  return {};
}

export type Services = ReturnType<typeof buildServices>;
