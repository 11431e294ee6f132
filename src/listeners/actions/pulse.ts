import { ACTIONS } from '../../slack/ids.js';
import { pulseRef } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { onClick } from '../on-click.js';
import type { ListenerRegistry } from '../registry.js';

export function registerPulseActions(on: ListenerRegistry, deps: ListenerDeps): void {
  // "Check in" (invitation, reminder) and "Edit my answer" (after answering) both open the modal.
  for (const actionId of [ACTIONS.checkIn, ACTIONS.editCheckIn]) {
    onClick(on, deps, actionId, pulseRef, (c) =>
      deps.checkIn.openCheckIn({
        teamId: c.teamId,
        userId: c.userId,
        pulseId: c.value.pulseId,
        editKey: c.value.editKey,
        now: deps.clock.now(),
      }),
    );
  }
}
