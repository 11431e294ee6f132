import { ACTIONS } from '../../slack/ids.js';
import { flagRefSchema, versionRefSchema } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { onClick } from '../on-click.js';
import type { ListenerRegistry } from '../registry.js';

export function registerRenegotiationActions(on: ListenerRegistry, deps: ListenerDeps): void {
  onClick(on, deps, ACTIONS.startRenegotiation, flagRefSchema, (c) =>
    deps.renegotiation.startFromFlag({ teamId: c.teamId, userId: c.userId, flagId: c.value.f, now: deps.clock.now() }),
  );
  onClick(on, deps, ACTIONS.notNow, flagRefSchema, (c) =>
    deps.renegotiation.openSnooze({ teamId: c.teamId, userId: c.userId, flagId: c.value.f }),
  );
  // A newcomer's two choices.
  onClick(on, deps, ACTIONS.commit, versionRefSchema, (c) =>
    deps.renegotiation.commit({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.a,
      versionId: c.value.v,
      now: deps.clock.now(),
    }),
  );
  onClick(on, deps, ACTIONS.proposeChanges, versionRefSchema, (c) =>
    deps.renegotiation.openProposal({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.a,
      versionId: c.value.v,
    }),
  );
}
