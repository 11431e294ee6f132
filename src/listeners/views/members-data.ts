import { VIEWS } from '../../slack/ids.js';
import { allianceRef, emptyRef } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { onSubmit } from '../on-submit.js';
import type { ListenerRegistry } from '../registry.js';

/** The confirmations of leaving, being forgotten and archiving: the modal says what happened. */
export function registerMembersDataViews(on: ListenerRegistry, deps: ListenerDeps): void {
  onSubmit(on, deps, VIEWS.confirmLeave, allianceRef, async (s) =>
    deps.memberData.leave({ teamId: s.teamId, userId: s.userId, allianceId: s.meta.allianceId, now: deps.clock.now() }),
  );
  onSubmit(on, deps, VIEWS.confirmForget, emptyRef, async (s) =>
    deps.memberData.forget({ teamId: s.teamId, userId: s.userId, now: deps.clock.now() }),
  );
  onSubmit(on, deps, VIEWS.confirmArchive, allianceRef, async (s) =>
    deps.memberData.archive({
      teamId: s.teamId,
      userId: s.userId,
      allianceId: s.meta.allianceId,
      now: deps.clock.now(),
    }),
  );
}
