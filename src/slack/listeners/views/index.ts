import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { registerCheckInView } from './check-in.js';
import { registerDesignStepView } from './design-step.js';
import { registerReservationView } from './reservation.js';
import { registerRenegotiationViews } from './renegotiation.js';
import { registerSettingsView } from './settings.js';
import { registerSetupView } from './setup.js';

export function registerViews(app: App, deps: ListenerDeps): void {
  registerSetupView(app, deps);
  registerDesignStepView(app, deps);
  registerReservationView(app, deps);
  registerCheckInView(app, deps);
  registerSettingsView(app, deps);
  registerRenegotiationViews(app, deps);
}
