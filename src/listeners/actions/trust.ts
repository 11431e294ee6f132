import { ACTIONS } from '../../slack/ids.js';
import { admissionRef, allianceRef, flagRef, privacyChangeRef } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { onClick } from '../on-click.js';
import type { ListenerRegistry } from '../registry.js';

/** Buttons that keep what is private private: details shown to members only, joining, privacy changes. */
export function registerTrustActions(on: ListenerRegistry, deps: ListenerDeps): void {
  // A members-only alliance's flag and digest: the details, privately, to a current member.
  onClick(on, deps, ACTIONS.flagDetails, flagRef, (c) =>
    deps.flags.showDetails({ teamId: c.teamId, userId: c.userId, flagId: c.value.flagId }),
  );
  onClick(on, deps, ACTIONS.viewDigest, allianceRef, (c) =>
    deps.digests.viewPrivately({ teamId: c.teamId, userId: c.userId, allianceId: c.value.allianceId }),
  );
  // Someone who may not read the agreement yet asks to join; a member admits them.
  onClick(on, deps, ACTIONS.askToJoin, allianceRef, (c) =>
    deps.newcomers.askToJoin({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.allianceId,
      now: deps.clock.now(),
    }),
  );
  onClick(on, deps, ACTIONS.admit, admissionRef, (c) =>
    deps.newcomers.admit({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.allianceId,
      newcomerId: c.value.userId,
      now: deps.clock.now(),
    }),
  );
  // From the App Home: a member with an open reservation starts a renegotiation.
  onClick(on, deps, ACTIONS.renegotiateFromHome, allianceRef, (c) =>
    deps.renegotiationRound.startRound({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.allianceId,
      reason: null,
      flagId: null,
      now: deps.clock.now(),
    }),
  );
  // A privacy change waiting for every member.
  onClick(on, deps, ACTIONS.agreePrivacyChange, privacyChangeRef, (c) =>
    deps.privacy.agree({ teamId: c.teamId, userId: c.userId, changeId: c.value.changeId, now: deps.clock.now() }),
  );
  onClick(on, deps, ACTIONS.keepPrivacy, privacyChangeRef, (c) =>
    deps.privacy.keep({ teamId: c.teamId, userId: c.userId, changeId: c.value.changeId, now: deps.clock.now() }),
  );
}
