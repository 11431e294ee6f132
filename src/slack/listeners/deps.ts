import type { Clock } from '../../clock.js';
import type { AppLogger } from '../../logger.js';
import type { Store } from '../../store/index.js';

/** What listeners may use: the store's repositories (through services), the clock and a logger. */
export interface ListenerDeps {
  store: Store;
  clock: Clock;
  logger: AppLogger;
}
