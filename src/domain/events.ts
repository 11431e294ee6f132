import type { PrivacySettings } from './permissions.js';

/**
 * What happened, as the rest of the app needs to hear it. A use case records these inside the
 * transaction that made them true; `services/reactions.ts` lists what follows each one.
 */

/** People joining or leaving an alliance, and why. */
export interface MembershipChange {
  joined: string[];
  left: string[];
  /** 'settings' (someone edited the members), 'channel' (joined/left the channel), 'deactivated', a newcomer's 'proposal'. */
  cause: 'settings' | 'channel' | 'deactivated' | 'proposal' | 'left' | 'forgotten';
  byUserId: string | null;
  /** Identifies what triggered the change (an event id, a modal), so its signal is raised once. */
  occurrence: string;
  proposal?: string;
}

export type DomainEvent =
  /** A design round opened: the first design of an alliance, or a renegotiation. */
  | { type: 'roundOpened'; allianceId: string; roundId: number }
  /** A proposed version was withdrawn and its round reopened for more answers. */
  | { type: 'roundReopened'; allianceId: string; roundId: number }
  /** A member submitted the last step of their answers for the first time in this round. */
  | { type: 'answersFinished'; allianceId: string; roundId: number }
  /** A round's answers became a proposed version. */
  | { type: 'versionCompiled'; allianceId: string; roundId: number; versionId: number }
  /** Every member agreed: the version is in effect (and the one before it, if any, superseded). */
  | { type: 'versionAgreed'; allianceId: string; roundId: number; versionId: number; previousVersionId: number | null }
  /** A pulse opened: its members are invited. */
  | { type: 'pulseOpened'; allianceId: string; pulseId: number }
  /** A member agreed to a proposed version. */
  | { type: 'consentRecorded'; allianceId: string; userId: string }
  /** A member checked in on a pulse (named or anonymous: the event is never stored or logged). */
  | { type: 'checkedIn'; allianceId: string; userId: string }
  /** Someone asked to join; a member admitted them. */
  | { type: 'admissionRequested'; allianceId: string; userId: string }
  | { type: 'admitted'; allianceId: string; userId: string }
  /** A pulse closed and its results are frozen. */
  | { type: 'pulseClosed'; allianceId: string; pulseId: number }
  /** The pulse or digest schedule may have changed. */
  | { type: 'scheduleChanged'; allianceId: string }
  /** Members joined or left. */
  | { type: 'membersChanged'; allianceId: string; change: MembershipChange }
  /** A person asked to be forgotten: what Slack shows of this alliance is brought in line with the store. */
  | { type: 'wordsWithdrawn'; allianceId: string }
  /** These pulses' comments passed the workspace's retention and were cleared from the store. */
  | { type: 'commentsExpired'; allianceId: string; pulseIds: number[] }
  /** Someone who is not a member joined the alliance's channel. */
  | { type: 'newcomerArrived'; allianceId: string; userId: string; occurrence: string }
  /** A settings change would weaken privacy; it waits for every member's agreement. */
  | { type: 'privacyChangeRequested'; allianceId: string; byUserId: string; changes: Partial<PrivacySettings> }
  /** A member archived the alliance: nothing more is scheduled for it. */
  | { type: 'allianceArchived'; allianceId: string }
  /** Direct messages were queued that should go out now rather than at the next tick. */
  | { type: 'dmsQueued' }
  /** Slack said a member cannot get our direct messages. */
  | { type: 'memberUnreachable'; allianceId: string; deliveryId: number; userId: string; reason: string };

export type DomainEventType = DomainEvent['type'];
export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
