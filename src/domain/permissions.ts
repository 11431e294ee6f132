/**
 * Who may do what in an alliance: one decision every button, command and form asks. It depends
 * only on where the person stands today, never on a button they still hold or on having started
 * the alliance.
 */

/**
 * - `member`: a current member.
 * - `former-member`: was a member, left or was removed.
 * - `admitted`: not a member yet, but a current member admitted them (they may read the agreement
 *   and commit to it).
 * - `outsider`: none of these.
 */
export type Standing = 'member' | 'former-member' | 'admitted' | 'outsider';

export type Action =
  | 'answer-prompts'
  | 'compile-early'
  | 'reopen-prompts'
  | 'consent'
  | 'raise-reservation'
  | 'check-in'
  | 'change-settings'
  | 'agree-privacy-change'
  | 'start-renegotiation'
  | 'act-on-flag'
  | 'see-details'
  | 'see-agreement'
  | 'see-digest'
  | 'post-digest'
  | 'admit-newcomer'
  | 'leave'
  | 'archive'
  | 'ask-to-join'
  | 'commit-as-newcomer';

/** Why an action was refused; each has a sentence in the notices catalogue. */
export type Refusal = 'not-a-member' | 'members-only' | 'already-member' | 'needs-admission';

export type Permission = { allowed: true } | { allowed: false; refusal: Refusal };

const ALLOWED: Permission = { allowed: true };
const refuse = (refusal: Refusal): Permission => ({ allowed: false, refusal });

export function may(input: {
  action: Action;
  standing: Standing;
  visibility: 'channel' | 'members';
  /** see-agreement: whether the version asked for is the one in effect (what a newcomer commits to). */
  inEffect?: boolean;
}): Permission {
  const { action, standing, visibility } = input;
  if (standing === 'member') {
    return action === 'ask-to-join' || action === 'commit-as-newcomer' ? refuse('already-member') : ALLOWED;
  }
  // Someone who is not a member may only read, ask to join and commit as a newcomer; everything
  // else is for current members.
  switch (action) {
    case 'see-agreement':
    case 'see-digest':
      // What the channel may read, anyone in it may read; a members-only agreement, only those
      // admitted, and of it only the version in effect: what they are asked to commit to, not a
      // proposal the members have not agreed yet nor what they wrote before.
      if (visibility === 'channel') return ALLOWED;
      return action === 'see-agreement' && standing === 'admitted' && input.inEffect === true
        ? ALLOWED
        : refuse('members-only');
    case 'ask-to-join':
      return ALLOWED;
    case 'commit-as-newcomer':
      // Someone who was removed or left comes back only when a member admits them again; in a
      // members-only alliance every newcomer is admitted first.
      if (standing === 'admitted') return ALLOWED;
      if (standing === 'former-member' || visibility === 'members') return refuse('needs-admission');
      return ALLOWED;
    default:
      return refuse('not-a-member');
  }
}

/** The privacy settings a change could weaken. */
export interface PrivacySettings {
  anonymous: boolean;
  anonymityThreshold: number;
  visibility: 'channel' | 'members';
}

/**
 * Which parts of a settings change weaken privacy (anonymity off, a lower threshold, members-only
 * to the channel). These wait until every current member has agreed; the rest applies at once.
 */
export function weakenedPrivacy(before: PrivacySettings, after: PrivacySettings): (keyof PrivacySettings)[] {
  const weaker: (keyof PrivacySettings)[] = [];
  if (before.anonymous && !after.anonymous) weaker.push('anonymous');
  if (before.anonymous && after.anonymous && after.anonymityThreshold < before.anonymityThreshold) {
    weaker.push('anonymityThreshold');
  }
  if (before.visibility === 'members' && after.visibility === 'channel') weaker.push('visibility');
  return weaker;
}
