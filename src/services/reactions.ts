import type { ConsentService } from './consent.js';
import type { DesignRoundService } from './design-round.js';
import type { DigestService } from './digests.js';
import type { ReactionTable } from './events.js';
import type { FlagService } from './flags.js';
import type { HomeService } from './home.js';
import type { MemberDataService } from './member-data.js';
import type { MembershipService } from './membership.js';
import type { Outbox } from './outbox.js';
import type { PrivacyService } from './privacy.js';
import type { PulseScheduleService } from './pulse-schedule.js';

export interface ReactingServices {
  designRound: DesignRoundService;
  consent: ConsentService;
  pulseSchedule: PulseScheduleService;
  flags: FlagService;
  digests: DigestService;
  membership: MembershipService;
  outbox: Outbox;
  privacy: PrivacyService;
  home: HomeService;
  memberData: MemberDataService;
}

/**
 * What follows each thing that happens, in one place. `atomic` reactions commit with the change
 * that caused them; `after` reactions run, in this order, once it has committed.
 */
export function reactionsOf(s: ReactingServices): ReactionTable {
  return {
    roundOpened: [
      { does: 'show on its flag that a renegotiation started', after: (e) => s.flags.roundOpened(e.roundId) },
      { does: 'announce the round and invite the members', after: (e, now) => s.designRound.announce(e.roundId, now) },
      {
        does: 'bring the Home of those it touches up to date',
        after: (e, now) => s.home.refreshAlliance(e.allianceId, now),
      },
    ],
    roundReopened: [
      { does: 'reopen the round’s announcement', after: (e) => s.designRound.refreshAnnouncement(e.roundId) },
      {
        does: 'bring the Home of those it touches up to date',
        after: (e, now) => s.home.refreshAlliance(e.allianceId, now),
      },
    ],
    answersFinished: [
      {
        does: 'update the progress line, and compile once everyone has answered',
        after: (e, now) => s.designRound.afterProgress(e.roundId, now),
      },
      {
        does: 'bring the Home of those it touches up to date',
        after: (e, now) => s.home.refreshAlliance(e.allianceId, now),
      },
    ],
    versionCompiled: [
      {
        does: 'bring the Home of those it touches up to date',
        after: (e, now) => s.home.refreshAlliance(e.allianceId, now),
      },
    ],
    versionAgreed: [
      { does: 'schedule the pulses', atomic: (e, now) => s.pulseSchedule.ensureScheduled(e.allianceId, now) },
      { does: 'schedule the digest', atomic: (e, now) => s.digests.ensureScheduled(e.allianceId, now) },
      { does: 'schedule the daily review-date check', atomic: (e, now) => s.flags.ensureDaily(e.allianceId, now) },
      { does: 'resolve the flags that started its round', after: (e, now) => s.flags.versionAgreed(e.roundId, now) },
      {
        does: 'bring the Home of those it touches up to date',
        after: (e, now) => s.home.refreshAlliance(e.allianceId, now),
      },
    ],
    pulseClosed: [
      {
        does: 'keep its workspace’s comment retention running',
        atomic: (e, now) => s.memberData.ensureRetentionFor(e.allianceId, now),
      },
      { does: 'evaluate the renegotiation signals', after: (e, now) => s.flags.afterPulseClosed(e.allianceId, now) },
      {
        does: 'bring the Home of those it touches up to date',
        after: (e, now) => s.home.refreshAlliance(e.allianceId, now),
      },
    ],
    scheduleChanged: [
      { does: 'reschedule the pulses', atomic: (e, now) => s.pulseSchedule.reschedule(e.allianceId, now) },
      { does: 'reschedule the digest', atomic: (e, now) => s.digests.reschedule(e.allianceId, now) },
    ],
    wordsWithdrawn: [
      {
        does: 're-render the signals that quoted them',
        after: (e) => s.flags.refreshAll(e.allianceId),
      },
      {
        does: 're-render the design announcements that named or quoted them',
        after: (e) => s.designRound.refreshAnnouncements(e.allianceId),
      },
      {
        does: 're-render the design invitations the other members got, which quoted their reason',
        after: (e) => s.designRound.refreshInvitations(e.allianceId),
      },
      {
        does: 're-render the digest threads that quoted their comments',
        after: (e) => s.digests.rerenderThreads(e.allianceId),
      },
    ],
    commentsExpired: [
      {
        does: 'withdraw the reasons signals quoted from those pulses, and re-render those signals',
        atomic: (e) => s.flags.withdrawExpiredComments(e.allianceId, e.pulseIds),
        after: (e) => s.flags.refreshAbout(e.allianceId, e.pulseIds),
      },
      {
        does: 're-render the digest threads about those pulses',
        after: (e) => s.digests.rerenderThreads(e.allianceId, e.pulseIds),
      },
    ],
    membersChanged: [
      {
        does: 'raise the membership signal',
        after: (e, now) => s.flags.membershipChanged(e.allianceId, e.change, now),
      },
      {
        does: 'compile if everyone who remains has answered',
        after: (e, now) => (e.change.left.length > 0 ? s.designRound.recheck(e.allianceId, now) : Promise.resolve()),
      },
      {
        does: 'activate the proposed version if everyone who remains has agreed',
        after: (e, now) => (e.change.left.length > 0 ? s.consent.recheck(e.allianceId, now) : Promise.resolve()),
      },
      {
        does: 'apply a proposed privacy change if everyone who remains has agreed',
        after: (e, now) => (e.change.left.length > 0 ? s.privacy.recheck(e.allianceId, now) : Promise.resolve()),
      },
      {
        does: 'bring the Home of those it touches up to date',
        after: (e, now) => s.home.refreshAlliance(e.allianceId, now, [...e.change.joined, ...e.change.left]),
      },
    ],
    newcomerArrived: [
      {
        does: 'raise the membership signal',
        after: (e, now) =>
          s.flags.membershipChanged(
            e.allianceId,
            { joined: [e.userId], left: [], cause: 'channel', byUserId: null, occurrence: e.occurrence },
            now,
          ),
      },
    ],
    privacyChangeRequested: [
      { does: 'record the proposed privacy change', atomic: (e, now) => s.privacy.propose(e, now) },
      { does: 'ask every member to agree to it', after: (e, now) => s.privacy.announce(e.allianceId, now) },
    ],
    pulseOpened: [
      {
        does: 'bring the Home of those it touches up to date',
        after: (e, now) => s.home.refreshAlliance(e.allianceId, now),
      },
    ],
    consentRecorded: [
      {
        does: 'bring the Home of those it touches up to date',
        after: (e, now) => s.home.refreshAlliance(e.allianceId, now),
      },
    ],
    checkedIn: [
      { does: 'bring their Home up to date', after: (e, now) => s.home.refreshMember(e.allianceId, e.userId, now) },
    ],
    admissionRequested: [
      {
        does: 'bring the Home of those it touches up to date',
        after: (e, now) => s.home.refreshAlliance(e.allianceId, now, [e.userId]),
      },
    ],
    admitted: [
      {
        does: 'bring the Home of those it touches up to date',
        after: (e, now) => s.home.refreshAlliance(e.allianceId, now, [e.userId]),
      },
    ],
    allianceArchived: [
      { does: 'stop its pulses', atomic: (e, now) => s.pulseSchedule.cancelSchedule(e.allianceId, now) },
      { does: 'stop its digest', atomic: (e, now) => s.digests.cancel(e.allianceId, now) },
      { does: 'stop its daily signals', atomic: (e, now) => s.flags.cancelDaily(e.allianceId, now) },
      { does: 'close its open pulse', after: (e, now) => s.pulseSchedule.closeOpenPulse(e.allianceId, now) },
      {
        does: 'bring the Home of those it touches up to date',
        after: (e, now) => s.home.refreshAlliance(e.allianceId, now),
      },
    ],
    dmsQueued: [
      { does: 'send the queued direct messages', after: async (_e, now) => void (await s.outbox.drain(now)) },
    ],
    memberUnreachable: [
      {
        does: 'tell the starter, and take a closed account out',
        after: (e, now) => s.membership.unreachable(e, now),
      },
    ],
  };
}
