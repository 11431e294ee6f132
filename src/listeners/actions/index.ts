import type { ListenerDeps } from '../deps.js';
import type { ListenerRegistry } from '../registry.js';
import { registerConsentActions } from './consent.js';
import { registerDesignActions } from './design.js';
import { registerPulseActions } from './pulse.js';
import { registerRenegotiationActions } from './renegotiation.js';
import { registerTrustActions } from './trust.js';

export function registerActions(on: ListenerRegistry, deps: ListenerDeps): void {
  registerDesignActions(on, deps);
  registerConsentActions(on, deps);
  registerPulseActions(on, deps);
  registerRenegotiationActions(on, deps);
  registerTrustActions(on, deps);
}
