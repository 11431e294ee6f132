import type { AgreementVersion } from '../domain/agreement.js';
import type { Alliance } from '../domain/alliance.js';
import { type Action, may, type Standing } from '../domain/permissions.js';
import { type Visibility, visibilityInForce } from '../domain/visibility.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';

/** Where a person stands in an alliance today: the only thing permissions depend on. */
export function standingOf(store: Store, allianceId: string, userId: string): Standing {
  const membership = store.alliances.membershipOf(allianceId, userId);
  if (membership === 'member') return 'member';
  if (store.admissions.get(allianceId, userId)?.status === 'admitted') return 'admitted';
  return membership === 'former' ? 'former-member' : 'outsider';
}

/** What each action is called in a refusal: "Only members of X can …". */
const DOING: Record<Action, string> = {
  'answer-prompts': 'add answers to it',
  'compile-early': 'compile it',
  'reopen-prompts': 'reopen its prompts',
  consent: 'agree to it',
  'raise-reservation': 'raise a reservation about it',
  'check-in': 'check in on its pulses',
  'change-settings': 'change its settings',
  'agree-privacy-change': 'agree to a change of its privacy settings',
  'start-renegotiation': 'start a renegotiation',
  'act-on-flag': 'act on its signals',
  'see-details': 'see the details',
  'see-agreement': 'read it',
  'see-digest': 'see its digest',
  'post-digest': 'post its digest',
  'admit-newcomer': 'admit newcomers',
  leave: 'leave it',
  archive: 'archive it',
  'ask-to-join': 'ask to join',
  'commit-as-newcomer': 'commit to it',
};

/**
 * Asks the permission rule (`domain/permissions.ts`) whether this person may do this now, and
 * answers the refusal in words; null means go ahead. `about` is the visibility of what the action
 * touches (an agreement version), when it keeps its own.
 */
export function refusal(
  store: Store,
  alliance: Alliance,
  userId: string,
  action: Action,
  about?: { visibility: Visibility },
): Notice | null {
  const decision = may({
    action,
    standing: standingOf(store, alliance.id, userId),
    visibility: about
      ? visibilityInForce(alliance.settings.visibility, about.visibility)
      : alliance.settings.visibility,
  });
  if (decision.allowed) return null;
  switch (decision.refusal) {
    case 'not-a-member':
      return notice(NOTICES.notAMember(alliance, DOING[action]));
    case 'members-only':
      return notice(NOTICES.membersOnly(alliance));
    case 'already-member':
      return notice(NOTICES.alreadyMember(alliance));
    case 'needs-admission':
      return notice(NOTICES.needsAdmission(alliance));
  }
}

/**
 * The alliance a button or form names, if it belongs to the workspace the signed request came
 * from: ids inside our own payloads are never trusted to cross workspaces.
 */
export function allianceInWorkspace(store: Store, teamId: string, allianceId: string): Alliance | undefined {
  const alliance = store.alliances.get(allianceId);
  return alliance?.teamId === teamId ? alliance : undefined;
}

/**
 * The alliance a command typed in a channel acts on: the channel's live alliance, or what to tell
 * the person when there is none. An archived one is named as archived: "this channel has no alliance
 * yet" would tell its members their history was gone.
 */
export function liveAllianceIn(store: Store, teamId: string, channelId: string): Alliance | Notice {
  const live = store.alliances.liveInChannel(teamId, channelId);
  if (live) return live;
  const archived = store.alliances.latestArchivedInChannel(teamId, channelId);
  return notice(archived ? NOTICES.archived(archived) : NOTICES.noAllianceHere);
}

/** The alliance and version a button names, if both exist, belong together and to this workspace. */
export function versionInWorkspace(
  store: Store,
  teamId: string,
  allianceId: string,
  versionId: number,
): { alliance: Alliance; version: AgreementVersion } | undefined {
  const alliance = allianceInWorkspace(store, teamId, allianceId);
  const version = store.agreements.version(versionId);
  return alliance && version?.allianceId === alliance.id ? { alliance, version } : undefined;
}
