import type { App } from '@slack/bolt';
import type { Metrics } from '../metrics.js';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import type { ListenerDeps } from './deps.js';
import { firstDelivery, registerEvents } from './events/index.js';
import { ListenerRegistry } from './registry.js';
import { registerViews } from './views/index.js';

/** Registers every handler, grouped by kind, behind one Bolt listener per kind. */
export function registerListeners(
  app: App,
  deps: ListenerDeps,
  track: <T>(work: Promise<T>) => Promise<T>,
  metrics?: Metrics,
): void {
  const on = new ListenerRegistry();
  registerCommands(on, deps);
  registerActions(on, deps);
  registerViews(on, deps);
  registerEvents(on, deps);
  on.install(app, { logger: deps.logger, track, beforeEvent: (body) => firstDelivery(deps, body), metrics });
}
