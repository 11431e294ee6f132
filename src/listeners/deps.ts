import type { Clock } from '../clock.js';
import type { AppLogger } from '../logger.js';
import type { Services } from '../services/index.js';
import type { Store } from '../store/index.js';

/** What listeners may use: the services, the clock and a logger (and the store for event de-duplication). */
export type ListenerDeps = {
  store: Store;
  clock: Clock;
  logger: AppLogger;
} & Services;
