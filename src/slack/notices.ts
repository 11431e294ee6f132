import { channelMention, escapeText, slackDate, userMention } from './blocks/kit.js';

/**
 * What a service answers when the person asked for something that cannot happen (a stale button,
 * someone who is not a member, a pulse that closed): not an error, but a sentence for them saying
 * what happened and what they can do next. Listeners show it privately or in the modal.
 */
export type Notice = { kind: 'notice'; text: string };

export const notice = (text: string): Notice => ({ kind: 'notice', text });

/** An alliance as notices name it. */
interface Named {
  name: string;
  channelId: string;
}

const bold = (alliance: Named) => `*${escapeText(alliance.name)}*`;

/** The sentences people read when Alliance cannot do what they asked, in one place. */
export const NOTICES = {
  /** A button or form that refers to something that has since moved on (or never existed). */
  stale:
    'This button or form is out of date, so nothing was changed. Use `/alliance show` in the channel ' +
    'to see where the alliance stands.',
  noAllianceHere: 'This channel has no alliance yet. Start one with `/alliance start`.',
  allianceGone: 'This alliance no longer exists.',
  channelOnly: "An alliance belongs to a team's channel. Run `/alliance start` in that channel.",
  channelTaken: (existing: Named) =>
    `This channel already has an alliance: ${bold(existing)}. A channel keeps one alliance at a ` +
    `time; use \`/alliance show\` to see it, or \`/alliance renegotiate\` to change it.`,
  justStartedElsewhere: 'Someone just started an alliance in this channel. Use `/alliance show` there to see it.',

  // Membership
  notAMember: (alliance: Named, what: string) =>
    `Only members of ${bold(alliance)} can ${what}, and you are not one of them now. If you should ` +
    `be, ask a member to add you in \`/alliance settings\`.`,
  notADesigner: (alliance: Named) =>
    `${bold(alliance)} is designed by its members, and you are not one of them, so there is nothing ` +
    `for you to answer. If you should be part of it, ask a member to add you in \`/alliance ` +
    `settings\`.`,
  membersOnly: (alliance: Named) =>
    `${bold(alliance)} is shared with its members only. If you should be part of it, ask a member to ` +
    `add you in \`/alliance settings\`.`,
  needsAdmission: (alliance: Named) =>
    `A member of ${bold(alliance)} needs to admit you before you can commit to it. Use *Ask to join* ` +
    `and a member will be asked.`,
  alreadyMember: (alliance: Named) => `You are already a member of ${bold(alliance)}.`,
  alreadyAsked: (alliance: Named) =>
    `You have asked to join ${bold(alliance)} already. A member will admit you; you will then get ` +
    `the agreement by direct message.`,
  askedToJoin: (alliance: Named) =>
    `Your request to join ${bold(alliance)} is posted in ${channelMention(alliance.channelId)}. Once ` +
    `a member admits you, you will get the agreement by direct message and can commit to it.`,
  alreadyAdmitted: 'Someone has already admitted them, or they no longer need it.',
  admitted: (userId: string) =>
    `You admitted ${userMention(userId)}. They get the agreement by direct message now, and become a ` +
    `member once they commit to it.`,
  welcomeMember: (alliance: Named) =>
    `Welcome! You are now a member of ${bold(alliance)}; you will get its next pulse.`,

  // Design and consent
  answersClosed: (alliance: Named) =>
    `The answers for ${bold(alliance)} are closed: the agreement has been compiled. Use \`/alliance ` +
    `show\` in ${channelMention(alliance.channelId)} to read it.`,
  roundAlreadyCompiled: 'This round has already been compiled. Use `/alliance show` to read the agreement.',
  tooFewAnswers: (finished: number) =>
    `At least two members need to have added their answers before the agreement can be compiled (${finished} so far).`,
  notEveryoneAnswered: 'Not everyone has answered yet.',
  versionInEffect: (number: number) => `Version ${number} is already in effect: everyone has agreed to it.`,
  versionOffTable: (number: number, alliance: Named) =>
    `Version ${number} is no longer on the table. Use \`/alliance show\` in ` +
    `${channelMention(alliance.channelId)} to see the latest.`,
  nothingToReopen: (number: number) =>
    `Version ${number} is not waiting for consent any more, so there is nothing to reopen. To change ` +
    `an agreement in effect, use \`/alliance renegotiate\`.`,
  reopened: (nextNumber: number) =>
    `The prompts are open again. Members can change their answers; press *Compile now* when you are ` +
    `ready for version ${nextNumber}.`,
  agreedAndInEffect: (number: number, alliance: Named) =>
    `Thank you. Everyone has agreed, so version ${number} of ${bold(alliance)} is now in effect.`,
  agreed: (number: number, agreed: number, asked: number, firstTime: boolean) =>
    `${firstTime ? `Thank you, you agreed to version ${number}.` : `You had already agreed to version ${number}.`} ${agreed} of ${asked} have agreed so far.`,
  showUsage: 'Use `/alliance show` for the current agreement or `/alliance show v2` for a given version.',
  noSuchVersion: (asked: string, count: number) =>
    `There is no version ${asked} yet. This alliance has ${count === 0 ? 'no versions' : `versions 1 to ${count}`}.`,

  // Pulses
  checkInStale:
    'This check-in is out of date. Use `/alliance checkin` in the alliance’s channel to find the open pulse.',
  checkInStaleNothingSaved:
    'This check-in is out of date, so nothing was saved. Use `/alliance checkin` in the alliance’s channel.',
  joinedAfterPulseOpened: (alliance: Named, next: Date | null) =>
    `You joined ${bold(alliance)} after this pulse opened, so your first one is the ` +
    `next${next ? ` (it opens ${slackDate(next)})` : ''}.`,
  pulseNotForYou: (alliance: Named) =>
    `This pulse is for the members of ${bold(alliance)}, and you are not one of them.`,
  answerNotFound:
    'That answer could not be found, so nothing was changed. Use the most recent *Edit my answer* button I sent you.',
  alreadyCheckedInAnonymous:
    'You have already checked in on this pulse. To change your answer, use *Edit my answer* in the ' +
    'message I sent you; only that button can find your anonymous answer.',
  alreadyCheckedIn:
    'You have already checked in on this pulse. To change your answer, use *Edit my answer* in the message I sent you.',
  noOpenPulse: (alliance: Named, next: Date | null, active: boolean) =>
    `No pulse is open for ${bold(alliance)} right now. ${
      next
        ? `The next one opens ${slackDate(next)}.`
        : active
          ? ''
          : 'Pulses start once everyone has agreed to the agreement.'
    }`.trim(),

  // Signals and renegotiation
  signalStale: 'This signal is out of date, so nothing was changed.',
  signalHandled: 'This signal has already been handled.',
  renegotiationFromSignalStarted: 'A renegotiation has already been started from this signal.',
  nothingToRenegotiate:
    'There is no agreement in effect to renegotiate yet: the team is still designing or agreeing to the first version.',
  renegotiationUnderWay: 'A renegotiation is already under way. Add your answers from its message in the channel.',
  renegotiationStarted: (activeNumber: number) =>
    `Renegotiation started. Everyone has been invited to revisit their answers; version ` +
    `${activeNumber} stays in effect until the team agrees to the next one.`,
  invitationStale: 'This invitation is out of date. Use `/alliance show` in the channel to see the current agreement.',
  agreementChanged:
    'The agreement has changed since this message. Use `/alliance show` in the channel to see the current version.',

  // Privacy changes
  privacyChangeSettled: 'This privacy change has already been settled, so nothing more to do here.',
  privacyChangeApplied:
    'Thank you. Every member has agreed, so the change applies from now on; earlier pulses and posts ' +
    'keep the privacy they were given under.',
  privacyChangeAgreed:
    'Thank you, your agreement is recorded. The change applies once every member has agreed; until ' +
    'then nothing changes.',
  privacyKept: 'Nothing changes: the privacy settings stay as they are, and the channel can see you chose that.',

  // Settings and digest
  settingsStale: 'These settings are out of date, so nothing was changed. Run `/alliance settings` again.',
  stillDesigning: (alliance: Named) =>
    `${bold(alliance)} is still being designed; its digest starts once everyone has agreed and the ` +
    `first pulse has closed.`,
  digestPosted: 'The digest is posted in the channel, with the details and the trend chart in its thread.',
  digestNotRecorded: 'The digest could not be recorded; please try again.',
  digestReadyPosted:
    'The channel has been told the digest is ready; members see it privately with *See the digest*, ' +
    'since this alliance is shared with its members only.',
  digestPostedRecently: (at: string, next: string) =>
    `The digest was already shared in the channel ${at}. To keep the channel calm it can be shared ` +
    `once an hour: again from ${next}. Use \`/alliance digest\` to see it privately now.`,
  // Members' data
  left: (alliance: Named) =>
    `You left ${bold(alliance)}: no more pulses or invitations from it. Your name stays on the ` +
    `versions you agreed to. To come back, ask to join from the channel.`,
  forgetUsage:
    'To delete your data across this workspace, type `/alliance forget me`; you will be asked to confirm first.',
  nothingToExport: 'You have no Alliance data in this workspace yet, so there is nothing to export.',
  exported:
    ':package: Your data is in the file I just sent you by direct message: the agreements you can ' +
    'read as Markdown, and what you wrote as JSON. Only you received it.',
  exportFailed:
    'The export could not be sent to you just now, so nothing was shared. Please try `/alliance ' +
    'export` again in a minute.',
  forgotten:
    'Done: what you wrote and your part in every alliance of this workspace are deleted, and ' +
    'agreements now show “a former member” where your name and words were. Thank you for the ' +
    'part you played.',
  alreadyArchived: 'This alliance is already archived.',
  archived: (alliance: Named) =>
    `${bold(alliance)} is archived: no more pulses, digests or signals. Its history stays readable ` +
    `with \`/alliance show\`, and \`/alliance start\` can begin a new alliance here.`,
  retentionIs: (days: number) =>
    `Pulse comments are kept ${days} days after their pulse closes in this workspace; the figures ` +
    `are kept. Workspace admins can change it with \`/alliance retention <days>\`.`,
  retentionRange: (min: number, max: number) =>
    `Use a number of days from ${min} to ${max}, like \`/alliance retention 365\`.`,
  retentionAdminsOnly: (days: number) =>
    `Only workspace admins can change how long comments are kept; it stays ${days} days. Ask one of ` +
    `them if it should change.`,
  retentionSet: (days: number) =>
    `From now on, pulse comments are kept ${days} days after their pulse closes; older ones are ` +
    `cleared each day. The figures are kept.`,

  // Replies from the listeners themselves
  reservationShared:
    ':memo: Your reservation is shared with the members, with your name. When you are ready, press ' +
    '*I agree* on the agreement; pulses will ask whether this is still a concern.',
  proposalPosted:
    ':speech_balloon: Your proposal is posted in the channel. You are now a member, so you will be ' +
    'part of the renegotiation if the team starts one.',
  unreadableCommand: 'Alliance could not read that command. Please try again.',
  digestUsage:
    'Use `/alliance digest` to see the digest privately, or `/alliance digest post` to share it with the channel.',
  setupTooSlow: 'Slack took too long to open the setup form. Please run `/alliance start` again.',
} as const;
