import type { ListenerDeps } from '../deps.js';
import type { ListenerRegistry } from '../registry.js';
import { registerCheckInView } from './check-in.js';
import { registerDesignStepView } from './design-step.js';
import { registerMembersDataViews } from './members-data.js';
import { registerRenegotiationViews } from './renegotiation.js';
import { registerReservationView } from './reservation.js';
import { registerSettingsView } from './settings.js';
import { registerSetupView } from './setup.js';

export function registerViews(on: ListenerRegistry, deps: ListenerDeps): void {
  registerSetupView(on, deps);
  registerDesignStepView(on, deps);
  registerReservationView(on, deps);
  registerCheckInView(on, deps);
  registerSettingsView(on, deps);
  registerRenegotiationViews(on, deps);
  registerMembersDataViews(on, deps);
}
