import { ACTIONS } from '../../slack/ids.js';
import { versionRef } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { onClick } from '../on-click.js';
import type { ListenerRegistry } from '../registry.js';

export function registerConsentActions(on: ListenerRegistry, deps: ListenerDeps): void {
  onClick(on, deps, ACTIONS.agree, versionRef, (c) =>
    deps.consent.agree({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.allianceId,
      versionId: c.value.versionId,
      now: deps.clock.now(),
    }),
  );
  onClick(on, deps, ACTIONS.reservations, versionRef, (c) =>
    deps.consent.openReservation({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.allianceId,
      versionId: c.value.versionId,
    }),
  );
  onClick(on, deps, ACTIONS.amend, versionRef, (c) =>
    deps.consent.amend({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.allianceId,
      versionId: c.value.versionId,
      now: deps.clock.now(),
    }),
  );
}
