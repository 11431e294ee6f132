import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { registerConsentActions } from './consent.js';
import { registerDesignActions } from './design.js';
import { registerPulseActions } from './pulse.js';
import { registerRenegotiationActions } from './renegotiation.js';

export function registerActions(app: App, deps: ListenerDeps): void {
  registerDesignActions(app, deps);
  registerConsentActions(app, deps);
  registerPulseActions(app, deps);
  registerRenegotiationActions(app, deps);
}
