import { eventEnvelopeSchema } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import type { ListenerRegistry } from '../registry.js';
import { registerChannelMembershipEvents } from './channel-membership.js';
import { registerHomeOpened } from './home-opened.js';
import { registerUninstallEvents } from './uninstall.js';
import { registerUserChange } from './user-change.js';

/**
 * Slack re-sends an event (same event_id, with X-Slack-Retry-Num) when it thinks we missed it.
 * Bolt has already acknowledged it; this makes sure its effect happens once. False drops it.
 */
export function firstDelivery(deps: ListenerDeps, body: unknown): boolean {
  const envelope = eventEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    deps.logger.warn('events: envelope without team_id or event_id ignored');
    return false;
  }
  const { team_id: teamId, event_id: eventId } = envelope.data;
  const first = deps.workspace.firstDelivery({ teamId, eventId, now: deps.clock.now() });
  if (!first) deps.logger.debug(`events: duplicate delivery of ${eventId} ignored`);
  return first;
}

export function registerEvents(on: ListenerRegistry, deps: ListenerDeps): void {
  registerHomeOpened(on, deps);
  registerUserChange(on, deps);
  registerUninstallEvents(on, deps);
  registerChannelMembershipEvents(on, deps);
}
