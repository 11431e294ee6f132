import type { App } from '@slack/bolt';
import { registerCommands } from './commands/index.js';
import type { ListenerDeps } from './deps.js';
import { registerEvents } from './events/index.js';

/** Registers every listener, grouped by kind. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  registerEvents(app, deps);
  registerCommands(app, deps);
}
