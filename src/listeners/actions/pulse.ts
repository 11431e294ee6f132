import { ACTIONS } from '../../slack/ids.js';
import { pulseRefSchema } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { onClick } from '../on-click.js';
import type { ListenerRegistry } from '../registry.js';

export function registerPulseActions(on: ListenerRegistry, deps: ListenerDeps): void {
  // "Check in" (invitation, reminder) and "Edit my answer" (after answering) both open the modal.
  for (const actionId of [ACTIONS.checkIn, ACTIONS.editCheckIn]) {
    onClick(on, deps, actionId, pulseRefSchema, (c) =>
      deps.pulses.openCheckIn({
        teamId: c.teamId,
        userId: c.userId,
        pulseId: c.value.p,
        editKey: c.value.k,
        now: deps.clock.now(),
      }),
    );
  }
}
