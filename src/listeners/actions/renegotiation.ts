import { ACTIONS } from '../../slack/ids.js';
import { flagRef, versionRef } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { onClick } from '../on-click.js';
import type { ListenerRegistry } from '../registry.js';

export function registerRenegotiationActions(on: ListenerRegistry, deps: ListenerDeps): void {
  onClick(on, deps, ACTIONS.startRenegotiation, flagRef, (c) =>
    deps.renegotiationRound.startFromFlag({
      teamId: c.teamId,
      userId: c.userId,
      flagId: c.value.flagId,
      now: deps.clock.now(),
    }),
  );
  onClick(on, deps, ACTIONS.notNow, flagRef, (c) =>
    deps.flags.openSnooze({ teamId: c.teamId, userId: c.userId, flagId: c.value.flagId }),
  );
  // A newcomer's two choices.
  onClick(on, deps, ACTIONS.commit, versionRef, (c) =>
    deps.newcomers.commit({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.allianceId,
      versionId: c.value.versionId,
      now: deps.clock.now(),
    }),
  );
  onClick(on, deps, ACTIONS.proposeChanges, versionRef, (c) =>
    deps.newcomers.openProposal({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.allianceId,
      versionId: c.value.versionId,
    }),
  );
}
