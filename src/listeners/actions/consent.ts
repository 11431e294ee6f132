import { ACTIONS } from '../../slack/ids.js';
import { versionRefSchema } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { onClick } from '../on-click.js';
import type { ListenerRegistry } from '../registry.js';

export function registerConsentActions(on: ListenerRegistry, deps: ListenerDeps): void {
  onClick(on, deps, ACTIONS.agree, versionRefSchema, (c) =>
    deps.consent.agree({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.a,
      versionId: c.value.v,
      now: deps.clock.now(),
    }),
  );
  onClick(on, deps, ACTIONS.reservations, versionRefSchema, (c) =>
    deps.consent.openReservation({ teamId: c.teamId, userId: c.userId, allianceId: c.value.a, versionId: c.value.v }),
  );
  onClick(on, deps, ACTIONS.amend, versionRefSchema, (c) =>
    deps.consent.amend({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.a,
      versionId: c.value.v,
      now: deps.clock.now(),
    }),
  );
}
