import type { Clock } from '../clock.js';
import type { AppLogger } from '../logger.js';
import type { Services } from '../services/index.js';

/** What listeners may use: the use cases, the clock and a logger. No store: SQL stays below the services. */
export type ListenerDeps = {
  clock: Clock;
  logger: AppLogger;
} & Services;
