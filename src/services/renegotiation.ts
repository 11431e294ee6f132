import type { Logger } from '@slack/bolt';
import type { AgreementVersion } from '../domain/agreement.js';
import { commitmentsOf } from '../domain/agreement.js';
import type { Alliance } from '../domain/alliance.js';
import type { Flag } from '../domain/flag.js';
import type { Job } from '../domain/job.js';
import type { Pulse } from '../domain/pulse.js';
import { SIGNAL_NAMES } from '../domain/signal-settings.js';
import {
  effectiveThreshold,
  evaluatePulseSignals,
  evaluateReviewDate,
  type Finding,
  isSuppressed,
  membershipFinding,
} from '../domain/signals.js';
import { getTemplate } from '../domain/templates/index.js';
import { renderAgreementContent } from '../slack/blocks/agreement.js';
import { buildFlagMessage, buildNewcomerWelcome, buildProposeModal, buildSnoozeModal } from '../slack/blocks/flags.js';
import { escapeText, type ModalView } from '../slack/blocks/kit.js';
import { type SlackClients, slackErrorCode } from '../slack/clients.js';
import type { Store } from '../store/index.js';
import type { AgreementPublisher } from './agreement-publisher.js';
import type { DesignService } from './design.js';
import type { Directory } from './directory.js';
import type { Notice } from './notice.js';
import type { Outbox } from './outbox.js';
import type { MembershipChange } from './settings.js';

export const SIGNALS_DAILY = 'signals.daily';
export const NEWCOMER_WELCOME = 'newcomer_welcome';

const DAY = 86_400_000;
const HISTORY = 24;

export interface RenegotiationDeps {
  store: Store;
  clients: SlackClients;
  logger: Logger;
  design: DesignService;
  publisher: AgreementPublisher;
  directory: Directory;
  outbox: Outbox;
  botUserId: (teamId: string) => string | null;
  /** Applies a membership change (members table, open pulse) and raises its signal. */
  changeMembers: (alliance: Alliance, change: MembershipChange, now: Date) => Promise<void>;
}

/**
 * Renegotiation: watches the signals the team chose, posts each new occurrence once with its
 * evidence, lets the team snooze it or start a renegotiation round, and welcomes newcomers.
 */
export function createRenegotiationService(deps: RenegotiationDeps) {
  const { store } = deps;

  function flagModel(flag: Flag, alliance: Alliance) {
    const round = flag.roundId ? store.design.round(flag.roundId) : undefined;
    return {
      flagId: flag.id,
      kind: flag.kind,
      evidence: flag.evidence,
      allianceName: alliance.name,
      state: flag.state,
      snoozedUntil: flag.snoozedUntil,
      snoozedBy: flag.snoozedBy,
      snoozeReason: flag.snoozeReason,
      startedBy: round?.startedBy ?? null,
    };
  }

  /** Stores each new occurrence (not one already flagged, not a snoozed kind) and posts it. */
  async function raise(alliance: Alliance, findings: readonly Finding[], now: Date): Promise<Flag[]> {
    const snoozed = store.flags.snoozedKinds(alliance.id, now);
    const raised: Flag[] = [];
    for (const finding of findings) {
      if (isSuppressed(finding.kind, snoozed, now)) continue;
      const flag = store.flags.raise({
        teamId: alliance.teamId,
        allianceId: alliance.id,
        kind: finding.kind,
        key: finding.key,
        evidence: finding.evidence,
        now,
      });
      if (flag) raised.push(flag);
    }
    for (const flag of raised) {
      try {
        const posted = await deps.clients.forTeam(alliance.teamId).chat.postMessage({
          channel: alliance.channelId,
          ...buildFlagMessage(flagModel(flag, alliance)),
          unfurl_links: false,
        });
        if (posted.ts && posted.channel) store.flags.setMessage(flag.id, posted.channel, posted.ts);
      } catch (error) {
        deps.logger.error(`alliance ${alliance.id}: could not post flag ${flag.id}:`, slackErrorCode(error) ?? error);
      }
    }
    return raised;
  }

  /** After a pulse closes: evaluate the pulse signals over the stored history. */
  async function afterPulseClosed(_pulse: Pulse, alliance: Alliance, now: Date): Promise<void> {
    const history = store.pulses
      .closedPulses(alliance.id, HISTORY)
      .filter((p) => p.results !== null)
      .reverse()
      .map((p) => ({ pulseId: p.id, scheduledAt: p.scheduledAt, results: p.results! }));
    const version = alliance.activeVersionId ? store.agreements.version(alliance.activeVersionId) : undefined;
    const commitmentTexts = new Map(
      (version ? commitmentsOf(version.content) : []).map((c) => [`${c.userId}|${c.promptId}`, c.text]),
    );
    const findings = evaluatePulseSignals({
      settings: alliance.settings.signals,
      aspects: getTemplate(alliance.templateId).aspects,
      history,
      threshold: effectiveThreshold(alliance.settings.anonymous, alliance.settings.anonymityThreshold),
      anonymous: alliance.settings.anonymous,
      openReservations: store.agreements.reservations(alliance.id, 'open'),
      commitmentTexts,
    });
    await raise(alliance, findings, now);
  }

  /** Job `signals.daily`: the review date, checked once a day. */
  async function runDaily(job: Job, now: Date): Promise<void> {
    const alliance = store.alliances.get(job.subjectId);
    if (!alliance || alliance.status === 'archived') return;
    const version = alliance.activeVersionId ? store.agreements.version(alliance.activeVersionId) : undefined;
    if (version) {
      const finding = evaluateReviewDate({
        settings: alliance.settings.signals,
        versionId: version.id,
        versionNumber: version.number,
        activatedAt: version.activatedAt,
        now,
      });
      if (finding) await raise(alliance, [finding], now);
    }
    store.jobs.schedule({
      teamId: alliance.teamId,
      kind: SIGNALS_DAILY,
      subjectId: alliance.id,
      runAt: new Date(now.getTime() + DAY),
      now,
    });
  }

  function ensureDaily(alliance: Alliance, now: Date): void {
    store.jobs.scheduleIfNone({
      teamId: alliance.teamId,
      kind: SIGNALS_DAILY,
      subjectId: alliance.id,
      runAt: new Date(now.getTime() + DAY),
      now,
    });
  }

  /** A membership change happened: raise its signal (an occurrence per triggering event). */
  async function membershipChanged(alliance: Alliance, change: MembershipChange, now: Date): Promise<void> {
    const { occurrence, ...rest } = change;
    const finding = membershipFinding(alliance.settings.signals, rest, occurrence);
    if (finding) await raise(alliance, [finding], now);
  }

  /**
   * Opens a renegotiation round on the version in effect: members' current answers are copied in
   * as their starting point (newcomers start empty), and everyone is invited again.
   */
  async function startRound(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    reason: string | null;
    flagId: number | null;
    now: Date;
  }): Promise<Notice> {
    const alliance = store.alliances.get(input.allianceId);
    if (!alliance || alliance.teamId !== input.teamId || alliance.status === 'archived')
      return { kind: 'notice', text: 'This alliance no longer exists.' };
    if (!store.alliances.isMember(alliance.id, input.userId) && alliance.starterId !== input.userId) {
      return {
        kind: 'notice',
        text: `Only members of *${escapeText(alliance.name)}* can start a renegotiation. Ask <@${alliance.starterId}> if you should be one.`,
      };
    }
    const active = alliance.activeVersionId ? store.agreements.version(alliance.activeVersionId) : undefined;
    if (!active || alliance.status !== 'active') {
      return {
        kind: 'notice',
        text: 'There is no agreement in effect to renegotiate yet: the team is still designing or agreeing to the first version.',
      };
    }
    const opened = store.transaction((): number | Notice => {
      if (store.design.currentOpenRound(alliance.id) || store.agreements.proposedVersion(alliance.id)) {
        return {
          kind: 'notice',
          text: 'A renegotiation is already under way. Add your answers from its message in the channel.',
        };
      }
      const roundId = store.design.openRound({
        teamId: alliance.teamId,
        allianceId: alliance.id,
        baseVersionId: active.id,
        reason: input.reason,
        startedBy: input.userId,
        now: input.now,
      });
      if (input.flagId !== null) {
        store.design.setFlag(roundId, input.flagId);
        store.flags.markRenegotiating(input.flagId, roundId);
      }
      for (const userId of store.alliances.members(alliance.id)) {
        const answers: Record<string, string> = {};
        for (const section of active.content.sections) {
          for (const prompt of section.prompts) {
            const answer = prompt.answers.find((a) => a.userId === userId);
            if (answer) answers[prompt.id] = answer.text;
          }
        }
        store.design.saveAnswers({ roundId, teamId: alliance.teamId, userId, answers, now: input.now });
      }
      return roundId;
    });
    if (typeof opened !== 'number') return opened;
    if (input.flagId !== null) await refreshFlag(input.flagId);
    await deps.design.announceRound(opened, input.now);
    return {
      kind: 'notice',
      text: `Renegotiation started. Everyone has been invited to revisit their answers; version ${active.number} stays in effect until the team agrees to the next one.`,
    };
  }

  /** `/alliance renegotiate [reason]` in a channel. */
  function startRoundInChannel(input: {
    teamId: string;
    userId: string;
    channelId: string;
    reason: string | null;
    now: Date;
  }): Promise<Notice> {
    const alliance = store.alliances.liveInChannel(input.teamId, input.channelId);
    if (!alliance)
      return Promise.resolve({
        kind: 'notice',
        text: 'This channel has no alliance yet. Start one with `/alliance start`.',
      });
    return startRound({
      teamId: input.teamId,
      userId: input.userId,
      allianceId: alliance.id,
      reason: input.reason,
      flagId: null,
      now: input.now,
    });
  }

  async function refreshFlag(flagId: number): Promise<void> {
    const flag = store.flags.get(flagId);
    const alliance = flag ? store.alliances.get(flag.allianceId) : undefined;
    if (!flag?.messageTs || !flag.messageChannel || !alliance) return;
    try {
      await deps.clients.forTeam(alliance.teamId).chat.update({
        channel: flag.messageChannel,
        ts: flag.messageTs,
        ...buildFlagMessage(flagModel(flag, alliance)),
      });
    } catch (error) {
      deps.logger.warn(`flag ${flagId}: could not update its message:`, slackErrorCode(error) ?? error);
    }
  }

  function flagContext(teamId: string, userId: string, flagId: number): { flag: Flag; alliance: Alliance } | Notice {
    const flag = store.flags.get(flagId);
    const alliance = flag ? store.alliances.get(flag.allianceId) : undefined;
    if (!flag || !alliance || alliance.teamId !== teamId)
      return { kind: 'notice', text: 'This signal is out of date, so nothing was changed.' };
    if (!store.alliances.isMember(alliance.id, userId) && alliance.starterId !== userId) {
      return { kind: 'notice', text: `Only members of *${escapeText(alliance.name)}* can act on its signals.` };
    }
    return { flag, alliance };
  }

  async function startFromFlag(input: { teamId: string; userId: string; flagId: number; now: Date }): Promise<Notice> {
    const context = flagContext(input.teamId, input.userId, input.flagId);
    if ('kind' in context) return context;
    if (context.flag.state === 'renegotiating' || context.flag.state === 'resolved') {
      return { kind: 'notice', text: 'A renegotiation has already been started from this signal.' };
    }
    return startRound({
      teamId: input.teamId,
      userId: input.userId,
      allianceId: context.alliance.id,
      reason: flagReason(context.flag),
      flagId: context.flag.id,
      now: input.now,
    });
  }

  /** How a round started from a flag is described in the version history. */
  function flagReason(flag: Flag): string {
    if (flag.evidence.kind === 'membershipChange' && flag.evidence.cause === 'proposal')
      return 'Signal: a newcomer proposed changes';
    return `Signal: ${SIGNAL_NAMES[flag.kind].toLowerCase()}`;
  }

  function openSnooze(input: {
    teamId: string;
    userId: string;
    flagId: number;
  }): Notice | { kind: 'view'; view: ModalView } {
    const context = flagContext(input.teamId, input.userId, input.flagId);
    if ('kind' in context) return context;
    if (context.flag.state !== 'open') return { kind: 'notice', text: 'This signal has already been handled.' };
    return {
      kind: 'view',
      view: buildSnoozeModal({
        flagId: context.flag.id,
        weeks: context.alliance.settings.signals.snoozeWeeks,
        kind: context.flag.kind,
      }),
    };
  }

  function snooze(input: {
    teamId: string;
    userId: string;
    flagId: number;
    weeks: number;
    reason: string;
    now: Date;
  }): Notice | { kind: 'snoozed'; after: () => Promise<void> } {
    const context = flagContext(input.teamId, input.userId, input.flagId);
    if ('kind' in context) return context;
    const weeks = Math.min(Math.max(Math.round(input.weeks), 1), 12);
    const until = new Date(input.now.getTime() + weeks * 7 * DAY);
    if (!store.flags.snooze(context.flag.id, until, input.userId, input.reason.trim().slice(0, 300))) {
      return { kind: 'notice', text: 'This signal has already been handled.' };
    }
    return { kind: 'snoozed', after: () => refreshFlag(context.flag.id) };
  }

  /** A version took effect: flags that started its round are resolved. */
  async function versionActivated(alliance: Alliance, version: AgreementVersion, now: Date): Promise<void> {
    ensureDaily(alliance, now);
    const flags = store.flags.ofRound(version.roundId);
    if (store.flags.resolveRound(version.roundId, now) > 0) for (const flag of flags) await refreshFlag(flag.id);
  }

  // ---- Channel membership and newcomers ------------------------------------------------------------

  async function memberJoinedChannel(input: {
    teamId: string;
    userId: string;
    channelId: string;
    eventId: string;
    now: Date;
  }): Promise<void> {
    const alliance = store.alliances.liveInChannel(input.teamId, input.channelId);
    if (alliance?.status !== 'active' || alliance.activeVersionId === null) return;
    if (input.userId === deps.botUserId(input.teamId) || store.alliances.isMember(alliance.id, input.userId)) return;
    const person = await deps.directory.user(input.teamId, input.userId);
    if (!person || person.isBot || person.deleted) return;
    store.deliveries.enqueue({
      teamId: alliance.teamId,
      allianceId: alliance.id,
      kind: NEWCOMER_WELCOME,
      subjectId: alliance.activeVersionId,
      userIds: [input.userId],
      at: input.now,
      now: input.now,
    });
    await deps.outbox.drain(input.now);
    await membershipChanged(
      alliance,
      { joined: [input.userId], left: [], cause: 'channel', byUserId: null, occurrence: `joined:${input.eventId}` },
      input.now,
    );
  }

  async function memberLeftChannel(input: {
    teamId: string;
    userId: string;
    channelId: string;
    eventId: string;
    now: Date;
  }): Promise<void> {
    const alliance = store.alliances.liveInChannel(input.teamId, input.channelId);
    if (!alliance || !store.alliances.isMember(alliance.id, input.userId)) return;
    await deps.changeMembers(
      alliance,
      { joined: [], left: [input.userId], cause: 'channel', byUserId: null, occurrence: `left:${input.eventId}` },
      input.now,
    );
  }

  /**
   * Slack tells us when a person's account is deactivated (`user_change` with `deleted`): they stop
   * taking part in every alliance they belonged to, and each team sees it as a signal.
   */
  async function accountChanged(input: {
    teamId: string;
    userId: string;
    deleted: boolean;
    eventId: string;
    now: Date;
  }): Promise<void> {
    if (!input.deleted) return;
    store.dmChannels.forget(input.teamId, input.userId);
    for (const alliance of store.alliances.ofMember(input.teamId, input.userId)) {
      await deps.changeMembers(
        alliance,
        {
          joined: [],
          left: [input.userId],
          cause: 'deactivated',
          byUserId: null,
          occurrence: `deactivated:${input.eventId}`,
        },
        input.now,
      );
    }
  }

  /** Outbox renderer for the newcomer's welcome DM. */
  function renderWelcome(versionId: number, userId: string) {
    const version = store.agreements.version(versionId);
    const alliance = version ? store.alliances.get(version.allianceId) : undefined;
    if (
      !version ||
      !alliance ||
      alliance.activeVersionId !== version.id ||
      store.alliances.isMember(alliance.id, userId)
    )
      return null;
    return buildNewcomerWelcome({
      allianceId: alliance.id,
      versionId: version.id,
      allianceName: alliance.name,
      channelId: alliance.channelId,
      versionNumber: version.number,
      agreementBlocks: renderAgreementContent(version.content),
    });
  }

  function newcomerContext(
    teamId: string,
    allianceId: string,
    versionId: number,
  ): { alliance: Alliance; version: AgreementVersion } | Notice {
    const alliance = store.alliances.get(allianceId);
    const version = store.agreements.version(versionId);
    if (!alliance || alliance.teamId !== teamId || !version || version.allianceId !== alliance.id)
      return {
        kind: 'notice',
        text: 'This invitation is out of date. Use `/alliance show` in the channel to see the current agreement.',
      };
    if (alliance.activeVersionId !== version.id)
      return {
        kind: 'notice',
        text: 'The agreement has changed since this message. Use `/alliance show` in the channel to see the current version.',
      };
    return { alliance, version };
  }

  /** "I commit": the newcomer consents to the version in effect and becomes a member. */
  async function commit(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    versionId: number;
    now: Date;
  }): Promise<Notice> {
    const context = newcomerContext(input.teamId, input.allianceId, input.versionId);
    if ('kind' in context) return context;
    const { alliance, version } = context;
    if (store.alliances.isMember(alliance.id, input.userId))
      return { kind: 'notice', text: `You are already a member of *${escapeText(alliance.name)}*.` };
    store.transaction(() => {
      store.alliances.addMember(alliance.id, alliance.teamId, input.userId, input.now);
      store.agreements.consent(version.id, alliance.teamId, input.userId, input.now);
    });
    await deps.publisher.refresh(version.id);
    try {
      await deps.clients.forTeam(alliance.teamId).chat.postMessage({
        channel: alliance.channelId,
        text: `:handshake: <@${input.userId}> committed to *${escapeText(alliance.name)}* (version ${version.number}). Welcome!`,
      });
    } catch (error) {
      deps.logger.warn(
        `alliance ${alliance.id}: could not announce a newcomer's commitment:`,
        slackErrorCode(error) ?? error,
      );
    }
    return {
      kind: 'notice',
      text: `Welcome! You are now a member of *${escapeText(alliance.name)}*; you will get its next pulse.`,
    };
  }

  function openProposal(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    versionId: number;
  }): Notice | { kind: 'view'; view: ModalView } {
    const context = newcomerContext(input.teamId, input.allianceId, input.versionId);
    if ('kind' in context) return context;
    return {
      kind: 'view',
      view: buildProposeModal({
        allianceId: context.alliance.id,
        versionId: context.version.id,
        allianceName: context.alliance.name,
      }),
    };
  }

  /** "Propose changes": the newcomer joins and their proposal is posted as a signal for the team. */
  function propose(input: {
    teamId: string;
    userId: string;
    viewId: string;
    allianceId: string;
    versionId: number;
    text: string;
    now: Date;
  }): Notice | { kind: 'errors'; error: string } | { kind: 'proposed'; after: () => Promise<void> } {
    const text = input.text.trim();
    if (text === '') return { kind: 'errors', error: 'Say what you would change; a sentence is enough.' };
    if (text.length > 1000) return { kind: 'errors', error: 'Please keep this under 1,000 characters.' };
    const context = newcomerContext(input.teamId, input.allianceId, input.versionId);
    if ('kind' in context) return context;
    const { alliance } = context;
    store.alliances.addMember(alliance.id, alliance.teamId, input.userId, input.now);
    const after = () =>
      membershipChanged(
        alliance,
        {
          joined: [input.userId],
          left: [],
          cause: 'proposal',
          byUserId: input.userId,
          proposal: text,
          occurrence: `proposal:${input.viewId}`,
        },
        input.now,
      );
    return { kind: 'proposed', after };
  }

  return {
    raise,
    afterPulseClosed,
    runDaily,
    ensureDaily,
    membershipChanged,
    startRound,
    startRoundInChannel,
    startFromFlag,
    openSnooze,
    snooze,
    versionActivated,
    memberJoinedChannel,
    memberLeftChannel,
    accountChanged,
    renderWelcome,
    commit,
    openProposal,
    propose,
  };
}

export type RenegotiationService = ReturnType<typeof createRenegotiationService>;
