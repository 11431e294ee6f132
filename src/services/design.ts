import type { Logger } from '@slack/bolt';
import { compileAgreement, contentHash } from '../domain/agreement.js';
import type { Alliance } from '../domain/alliance.js';
import type { DesignRound } from '../domain/design.js';
import { canCompileEarly, designProgress, resumeStep, validateStep } from '../domain/design.js';
import { type SetupErrors, type SetupForm, type ValidSetup, validateSetup } from '../domain/setup.js';
import type { CelebrationTarget, SignalSettings } from '../domain/signal-settings.js';
import { getTemplate } from '../domain/templates/index.js';
import {
  buildDesignAnnouncement,
  buildDesignDoneView,
  buildDesignInvitation,
  buildDesignStepView,
  type DesignRoundModel,
  progressLine,
} from '../slack/blocks/design.js';
import { escapeText, type ModalView, noticeView } from '../slack/blocks/kit.js';
import { buildSetupModal, MAX_PREFILLED_MEMBERS, type SetupDefaults } from '../slack/blocks/setup-modal.js';
import { type SlackClients, slackErrorCode } from '../slack/clients.js';
import { promptBlockId } from '../slack/ids.js';
import type { Store } from '../store/index.js';
import type { AgreementPublisher } from './agreement-publisher.js';
import type { Directory } from './directory.js';
import { type Notice, STALE_ACTION } from './notice.js';
import type { Outbox } from './outbox.js';

export const DESIGN_INVITE = 'design_invite';

export interface DesignDeps {
  store: Store;
  clients: SlackClients;
  logger: Logger;
  directory: Directory;
  outbox: Outbox;
  publisher: AgreementPublisher;
  botUserId: (teamId: string) => string | null;
  newAllianceId: () => string;
  /** Tells the starter something went wrong that they can act on (a DM). */
  notifyStarter: (alliance: Alliance, text: string) => Promise<void>;
}

/**
 * Starting an alliance and designing it: the setup modal, each member's answers step by step, and
 * compiling the answers into a version of the agreement.
 */
export function createDesignService(deps: DesignDeps) {
  const { store } = deps;

  function roundModel(alliance: Alliance, round: DesignRound, compiledVersion?: number): DesignRoundModel {
    const members = store.alliances.members(alliance.id);
    const finishedIds = store.design.finishedMembers(round.id);
    const base = round.baseVersionId ? store.agreements.version(round.baseVersionId) : undefined;
    return {
      allianceId: alliance.id,
      roundId: round.id,
      allianceName: alliance.name,
      channelId: alliance.channelId,
      starterId: alliance.starterId,
      template: getTemplate(alliance.templateId),
      members,
      finished: designProgress(members, finishedIds).finished,
      ...(base
        ? { renegotiation: { fromVersion: base.number, reason: round.reason, startedBy: round.startedBy } }
        : {}),
      ...(compiledVersion !== undefined ? { compiledVersion } : {}),
    };
  }

  /** Loads what a click or submission refers to and checks the person may act on it. */
  function memberContext(
    teamId: string,
    userId: string,
    allianceId: string,
    roundId: number,
  ): { alliance: Alliance; round: DesignRound } | Notice {
    const alliance = store.alliances.get(allianceId);
    if (!alliance || alliance.teamId !== teamId || alliance.status === 'archived')
      return { kind: 'notice', text: STALE_ACTION };
    if (!store.alliances.isMember(alliance.id, userId)) {
      return {
        kind: 'notice',
        text: `*${escapeText(alliance.name)}* is designed by its members, and you are not one of them, so there is nothing for you to answer. If you should be part of it, ask <@${alliance.starterId}> to add you.`,
      };
    }
    const round = store.design.round(roundId);
    if (!round || round.allianceId !== alliance.id) return { kind: 'notice', text: STALE_ACTION };
    if (round.status !== 'open') {
      return {
        kind: 'notice',
        text: `The answers for *${escapeText(alliance.name)}* are closed: the agreement has been compiled. Use \`/alliance show\` in <#${alliance.channelId}> to read it.`,
      };
    }
    return { alliance, round };
  }

  async function prepareStart(input: {
    teamId: string;
    userId: string;
    channelId: string;
    name: string;
  }): Promise<Notice | { kind: 'modal'; view: ModalView }> {
    if (input.channelId.startsWith('D')) {
      return {
        kind: 'notice',
        text: "An alliance belongs to a team's channel. Run `/alliance start` in that channel.",
      };
    }
    const existing = store.alliances.liveInChannel(input.teamId, input.channelId);
    if (existing) {
      return {
        kind: 'notice',
        text: `This channel already has an alliance: *${escapeText(existing.name)}*. A channel keeps one alliance at a time; use \`/alliance show\` to see it, or \`/alliance renegotiate\` to change it.`,
      };
    }
    const [channelMembers, starter] = await Promise.all([
      deps.directory.channelMembers(input.teamId, input.channelId),
      deps.directory.user(input.teamId, input.userId),
    ]);
    const notes: string[] = [];
    let members: string[] = [];
    if (channelMembers === null) {
      notes.push(
        ":information_source: I'm not in this channel yet. If it is private, add me first by typing `/invite @Alliance` in it.",
      );
    } else if (channelMembers.length > MAX_PREFILLED_MEMBERS) {
      notes.push(
        `:information_source: This channel has ${channelMembers.length} people, so pick the alliance's members yourself.`,
      );
    } else {
      const bot = deps.botUserId(input.teamId);
      members = (await deps.directory.humans(input.teamId, channelMembers)).filter((id) => id !== bot);
    }
    const defaults: SetupDefaults = {
      name: input.name,
      channelId: input.channelId,
      members,
      templateId: 'team',
      cadence: 'weekly',
      pulseWeekday: 4,
      pulseTime: '10:00',
      timeZone: starter?.timeZone ?? 'UTC',
      digestWeekday: 1,
      digestTime: '09:30',
      anonymous: false,
      anonymityThreshold: 3,
      visibility: 'channel',
    };
    return { kind: 'modal', view: buildSetupModal(defaults, notes) };
  }

  /** Can the bot post in this channel? Joins public channels; explains the fix for private ones. */
  async function channelProblem(teamId: string, channelId: string): Promise<string | null> {
    const client = deps.clients.forTeam(teamId);
    const invite =
      "I'm not in this private channel, so I can't post there. Type `/invite @Alliance` in the channel, then submit again.";
    try {
      const info = await client.conversations.info({ channel: channelId });
      const channel = info.channel;
      if (!channel) return invite;
      if (channel.is_archived) return 'This channel is archived. Pick an active channel.';
      if (channel.is_im || channel.is_mpim) return "An alliance belongs to a team's channel, not a direct message.";
      if (channel.is_member) return null;
      if (channel.is_private) return invite;
      await client.conversations.join({ channel: channelId });
      return null;
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === 'channel_not_found' || code === 'method_not_supported_for_channel_type') return invite;
      throw error;
    }
  }

  /** Checks step 1 of setup, including what only Slack knows (members, the channel); writes nothing. */
  async function checkSetup(input: {
    teamId: string;
    form: SetupForm;
    now: Date;
  }): Promise<{ ok: false; errors: SetupErrors } | { ok: true; setup: ValidSetup }> {
    const checked = validateSetup(input.form, input.now);
    if (!checked.ok) return checked;
    const { setup } = checked;
    const existing = store.alliances.liveInChannel(input.teamId, setup.channelId);
    if (existing) {
      return {
        ok: false,
        errors: {
          channelId: `This channel already has an alliance, “${existing.name}”. Use /alliance show there to see it.`,
        },
      };
    }
    const bot = deps.botUserId(input.teamId);
    const humans = (await deps.directory.humans(input.teamId, setup.members)).filter((id) => id !== bot);
    const dropped = setup.members.filter((id) => !humans.includes(id));
    if (dropped.length > 0) {
      return {
        ok: false,
        errors: {
          members: `Bots and deactivated accounts cannot take part; please remove ${dropped.length === 1 ? 'one person' : `${dropped.length} people`} from the list.`,
        },
      };
    }
    const problem = await channelProblem(input.teamId, setup.channelId);
    if (problem) return { ok: false, errors: { channelId: problem } };
    return { ok: true, setup };
  }

  /**
   * Step 2 of setup: stores the alliance (status designing) and opens its first design round.
   * Step 1 arrives again through private_metadata, so it is validated again. The modal's view id
   * makes a double submission create one alliance.
   */
  function createAlliance(input: {
    teamId: string;
    userId: string;
    viewId: string;
    form: SetupForm;
    signals: SignalSettings;
    celebration: CelebrationTarget;
    now: Date;
  }): { ok: false; problem: string } | { ok: true; allianceId: string; roundId: number; fresh: boolean } {
    const previous = store.alliances.bySetupView(input.viewId);
    if (previous)
      return {
        ok: true,
        allianceId: previous.id,
        roundId: store.design.latestRound(previous.id)?.id ?? 0,
        fresh: false,
      };
    const checked = validateSetup(input.form, input.now);
    if (!checked.ok)
      return { ok: false, problem: Object.values(checked.errors)[0] ?? 'Please start again with `/alliance start`.' };
    const { setup } = checked;
    const allianceId = deps.newAllianceId();
    try {
      const roundId = store.transaction(() => {
        store.alliances.create({
          id: allianceId,
          teamId: input.teamId,
          channelId: setup.channelId,
          name: setup.name,
          templateId: setup.templateId,
          starterId: input.userId,
          settings: { ...setup.settings, signals: input.signals, celebration: input.celebration },
          setupViewId: input.viewId,
          members: setup.members,
          now: input.now,
        });
        return store.design.openRound({
          teamId: input.teamId,
          allianceId,
          baseVersionId: null,
          reason: null,
          startedBy: input.userId,
          now: input.now,
        });
      });
      return { ok: true, allianceId, roundId, fresh: true };
    } catch (error) {
      // Two people submitting for one channel at once: the unique index lets only one through.
      if (
        error instanceof Error &&
        /UNIQUE constraint failed: alliances\.(team_id|setup_view_id)/.test(error.message)
      ) {
        const again = store.alliances.bySetupView(input.viewId);
        if (again)
          return { ok: true, allianceId: again.id, roundId: store.design.latestRound(again.id)?.id ?? 0, fresh: false };
        return {
          ok: false,
          problem: 'Someone just started an alliance in this channel. Use `/alliance show` there to see it.',
        };
      }
      throw error;
    }
  }

  /** Announces a design round in the channel and invites each member by DM. */
  async function announceRound(roundId: number, now: Date): Promise<void> {
    const round = store.design.round(roundId);
    const alliance = round ? store.alliances.get(round.allianceId) : undefined;
    if (!round || !alliance) return;
    const model = roundModel(alliance, round);
    if (!round.announcementTs) {
      const message = buildDesignAnnouncement(model);
      try {
        const posted = await deps.clients
          .forTeam(alliance.teamId)
          .chat.postMessage({ channel: alliance.channelId, ...message, unfurl_links: false });
        if (posted.ts && posted.channel) store.design.setAnnouncement(round.id, posted.channel, posted.ts);
      } catch (error) {
        deps.logger.error(
          `alliance ${alliance.id}: could not announce round ${round.id}:`,
          slackErrorCode(error) ?? error,
        );
        await deps.notifyStarter(
          alliance,
          `I saved *${escapeText(alliance.name)}*, but Slack would not let me post its announcement in <#${alliance.channelId}> (${slackErrorCode(error) ?? 'an error on Slack’s side'}). The members still get their invitations by direct message. If the channel is private, add me with \`/invite @Alliance\`.`,
        );
      }
    }
    store.deliveries.enqueue({
      teamId: alliance.teamId,
      allianceId: alliance.id,
      kind: DESIGN_INVITE,
      subjectId: round.id,
      userIds: model.members,
      at: now,
      now,
    });
    await deps.outbox.drain(now);
  }

  /** The DM invitation, rendered when it is sent; nothing once the round is closed. */
  function renderInvitation(roundId: number, userId: string) {
    const round = store.design.round(roundId);
    const alliance = round ? store.alliances.get(round.allianceId) : undefined;
    if (!round || !alliance || round.status !== 'open' || !store.alliances.isMember(alliance.id, userId)) return null;
    return buildDesignInvitation(roundModel(alliance, round), userId);
  }

  async function refreshAnnouncement(roundId: number, compiledVersion?: number): Promise<void> {
    const round = store.design.round(roundId);
    const alliance = round ? store.alliances.get(round.allianceId) : undefined;
    if (!round?.announcementTs || !round.announcementChannel || !alliance) return;
    const message = buildDesignAnnouncement(roundModel(alliance, round, compiledVersion));
    try {
      await deps.clients
        .forTeam(alliance.teamId)
        .chat.update({ channel: round.announcementChannel, ts: round.announcementTs, ...message });
    } catch (error) {
      deps.logger.warn(`round ${round.id}: could not update the announcement:`, slackErrorCode(error) ?? error);
    }
  }

  function openAnswers(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    roundId: number;
  }): Notice | { kind: 'view'; view: ModalView } {
    const context = memberContext(input.teamId, input.userId, input.allianceId, input.roundId);
    if ('kind' in context) return context;
    const template = getTemplate(context.alliance.templateId);
    const progress = store.design.progressOf(context.round.id, input.userId);
    const step = resumeStep(template, progress?.nextStep, progress?.finished ?? false);
    return {
      kind: 'view',
      view: buildDesignStepView({
        allianceId: context.alliance.id,
        roundId: context.round.id,
        allianceName: context.alliance.name,
        template,
        step,
        answers: store.design.answersOf(context.round.id, input.userId),
      }),
    };
  }

  type StepResult =
    | { kind: 'errors'; errors: Record<string, string> }
    | { kind: 'update'; view: ModalView; finishedNow: boolean; roundId: number };

  function submitStep(input: {
    teamId: string;
    userId: string;
    meta: { allianceId: string; roundId: number; step: number };
    values: Record<string, string>;
    now: Date;
  }): StepResult {
    const context = memberContext(input.teamId, input.userId, input.meta.allianceId, input.meta.roundId);
    if ('kind' in context)
      return { kind: 'update', view: noticeView(context.text), finishedNow: false, roundId: input.meta.roundId };
    const { alliance, round } = context;
    const template = getTemplate(alliance.templateId);
    const section_ = template.sections[input.meta.step];
    if (!section_) return { kind: 'update', view: noticeView(STALE_ACTION), finishedNow: false, roundId: round.id };
    const { answers, errors } = validateStep(section_, input.values);
    if (Object.keys(errors).length > 0) {
      return {
        kind: 'errors',
        errors: Object.fromEntries(Object.entries(errors).map(([id, msg]) => [promptBlockId(id), msg])),
      };
    }
    const last = input.meta.step === template.sections.length - 1;
    const before = store.design.progressOf(round.id, input.userId);
    store.transaction(() => {
      store.design.saveAnswers({
        roundId: round.id,
        teamId: alliance.teamId,
        userId: input.userId,
        answers,
        now: input.now,
      });
      store.design.saveProgress({
        roundId: round.id,
        teamId: alliance.teamId,
        userId: input.userId,
        nextStep: last ? 0 : input.meta.step + 1,
        finished: last,
        now: input.now,
      });
    });
    if (!last) {
      return {
        kind: 'update',
        view: buildDesignStepView({
          allianceId: alliance.id,
          roundId: round.id,
          allianceName: alliance.name,
          template,
          step: input.meta.step + 1,
          answers: store.design.answersOf(round.id, input.userId),
        }),
        finishedNow: false,
        roundId: round.id,
      };
    }
    const members = store.alliances.members(alliance.id);
    const finishedIds = store.design.finishedMembers(round.id);
    return {
      kind: 'update',
      view: buildDesignDoneView(alliance.name, progressLine(members, designProgress(members, finishedIds).finished)),
      finishedNow: !(before?.finished ?? false),
      roundId: round.id,
    };
  }

  /** `view_closed`: keep whatever was typed in the open step, so nothing is lost. */
  function saveOnClose(input: {
    teamId: string;
    userId: string;
    meta: { allianceId: string; roundId: number; step: number };
    values: Record<string, string>;
    now: Date;
  }): boolean {
    const context = memberContext(input.teamId, input.userId, input.meta.allianceId, input.meta.roundId);
    if ('kind' in context) return false;
    const template = getTemplate(context.alliance.templateId);
    const section_ = template.sections[input.meta.step];
    if (!section_) return false;
    const drafts: Record<string, string> = {};
    for (const prompt of section_.prompts)
      drafts[prompt.id] = (input.values[prompt.id] ?? '').trim().slice(0, prompt.maxLength);
    const before = store.design.progressOf(context.round.id, input.userId);
    store.transaction(() => {
      store.design.saveAnswers({
        roundId: context.round.id,
        teamId: context.alliance.teamId,
        userId: input.userId,
        answers: drafts,
        now: input.now,
      });
      store.design.saveProgress({
        roundId: context.round.id,
        teamId: context.alliance.teamId,
        userId: input.userId,
        nextStep: before?.finished ? 0 : input.meta.step,
        finished: false,
        now: input.now,
      });
    });
    return true;
  }

  /**
   * Compiles a round into a new version. `byUserId` null means "everyone has answered"; a person
   * compiling early must be the starter, with at least two members finished.
   */
  async function compile(input: {
    teamId: string;
    roundId: number;
    byUserId: string | null;
    now: Date;
  }): Promise<Notice | { kind: 'compiled'; versionId: number }> {
    const outcome = store.transaction((): Notice | { kind: 'compiled'; versionId: number; allianceId: string } => {
      const round = store.design.round(input.roundId);
      const alliance = round ? store.alliances.get(round.allianceId) : undefined;
      if (!round || !alliance || alliance.teamId !== input.teamId) return { kind: 'notice', text: STALE_ACTION };
      if (round.status !== 'open')
        return {
          kind: 'notice',
          text: 'This round has already been compiled. Use `/alliance show` to read the agreement.',
        };
      const members = store.alliances.members(alliance.id);
      const finishedIds = store.design.finishedMembers(round.id);
      const progress = designProgress(members, finishedIds);
      if (input.byUserId !== null) {
        // The alliance's starter, or whoever started this renegotiation, may compile early.
        if (input.byUserId !== alliance.starterId && input.byUserId !== round.startedBy) {
          return {
            kind: 'notice',
            text: `Only <@${alliance.starterId}>, who started this alliance, can compile it early. It compiles by itself once everyone has answered.`,
          };
        }
        if (!canCompileEarly(progress)) {
          return {
            kind: 'notice',
            text: `At least two members need to have added their answers before the agreement can be compiled (${progress.finished.length} so far).`,
          };
        }
      } else if (!progress.everyoneFinished) {
        return { kind: 'notice', text: 'Not everyone has answered yet.' };
      }
      // First design: only finished members' answers go in; drafts of those still answering stay
      // drafts. Renegotiation: everyone's answers start as their current ones, so a member who did
      // not revisit them keeps what they agreed to before.
      const sheet = store.design.answerSheet(round.id);
      const answers =
        round.baseVersionId === null ? new Map([...sheet].filter(([userId]) => finishedIds.has(userId))) : sheet;
      const template = getTemplate(alliance.templateId);
      const content = compileAgreement({ template, name: alliance.name, members, answers });
      const version = store.agreements.insertVersion({
        teamId: alliance.teamId,
        allianceId: alliance.id,
        roundId: round.id,
        content,
        hash: contentHash(content),
        compiledBy: input.byUserId ?? 'everyone',
        now: input.now,
      });
      store.design.closeRound(round.id, 'compiled', input.now);
      if (alliance.activeVersionId === null) store.alliances.setStatus(alliance.id, 'consenting');
      return { kind: 'compiled', versionId: version.id, allianceId: alliance.id };
    });
    if (outcome.kind === 'notice') return outcome;
    const version = store.agreements.version(outcome.versionId);
    const alliance = store.alliances.get(outcome.allianceId);
    if (version && alliance) {
      const failures = await deps.publisher.publish(version.id);
      if (failures.length > 0) {
        await deps.notifyStarter(
          alliance,
          `Version ${version.number} of *${escapeText(alliance.name)}* is compiled and saved, but I could not deliver it to ${failures.join(', ')}. Use \`/alliance show\` to see it; if the channel is private, add me with \`/invite @Alliance\`.`,
        );
      }
      await refreshAnnouncement(input.roundId, version.number);
    }
    return { kind: 'compiled', versionId: outcome.versionId };
  }

  /** After a member finishes: update the progress line, and compile when everyone is done. */
  async function afterFinished(roundId: number, teamId: string, now: Date): Promise<void> {
    await refreshAnnouncement(roundId);
    const round = store.design.round(roundId);
    if (round?.status !== 'open') return;
    const members = store.alliances.members(round.allianceId);
    const finishedIds = store.design.finishedMembers(round.id);
    if (designProgress(members, finishedIds).everyoneFinished) await compile({ teamId, roundId, byUserId: null, now });
  }

  return {
    prepareStart,
    checkSetup,
    createAlliance,
    announceRound,
    renderInvitation,
    refreshAnnouncement,
    openAnswers,
    submitStep,
    saveOnClose,
    compile,
    afterFinished,
    roundModel,
  };
}

export type DesignService = ReturnType<typeof createDesignService>;
