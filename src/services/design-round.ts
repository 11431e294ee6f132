import { compileAgreement, contentHash } from '../domain/agreement.js';
import type { Alliance } from '../domain/alliance.js';
import { DELIVERY_KINDS } from '../domain/delivery.js';
import { canCompileEarly, type DesignRound, designProgress, resumeStep, validateStep } from '../domain/design.js';
import type { DomainEvent } from '../domain/events.js';
import { getTemplate } from '../domain/templates/index.js';
import { heldFromChannel } from '../domain/visibility.js';
import {
  buildDesignAnnouncement,
  buildDesignDoneView,
  buildDesignInvitation,
  buildDesignStepView,
  type DesignRoundModel,
  progressLine,
} from '../slack/blocks/design.js';
import { channelMention, escapeText, type ModalView, noticeView } from '../slack/blocks/kit.js';
import type { SlackGateway } from '../slack/gateway.js';
import { promptBlockId } from '../slack/ids.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { DesignStepRef } from '../slack/payloads.js';
import type { Store } from '../store/index.js';
import { refusal } from './access.js';
import type { AgreementPublisher } from './agreement-publisher.js';
import type { Events } from './events.js';

export interface DesignRoundDeps {
  store: Store;
  gateway: SlackGateway;
  events: Events;
  publisher: AgreementPublisher;
}

type StepResult =
  | { kind: 'errors'; errors: Record<string, string> }
  | { kind: 'update'; view: ModalView; events: DomainEvent[] };

/** What the round's announcement and invitations show: who is asked, who has answered, why. */
export function designRoundModel(
  store: Store,
  alliance: Alliance,
  round: DesignRound,
  compiledVersion?: number,
): DesignRoundModel {
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
    ...(base ? { renegotiation: { fromVersion: base.number, reason: round.reason, startedBy: round.startedBy } } : {}),
    ...(compiledVersion !== undefined ? { compiledVersion } : {}),
    // What the channel's announcement may show, asked of the one rule: in a members-only alliance
    // not even who has answered.
    membersOnly: heldFromChannel(alliance.settings.visibility),
  };
}

/**
 * A design round: members answer the template's prompts step by step (the first design of an
 * alliance, or a renegotiation), and the answers are compiled into a proposed version.
 */
export function createDesignRoundService(deps: DesignRoundDeps) {
  const { store, gateway } = deps;

  const roundModel = (alliance: Alliance, round: DesignRound, compiledVersion?: number) =>
    designRoundModel(store, alliance, round, compiledVersion);

  /** Loads what a click or submission refers to and checks the person may act on it. */
  function memberContext(
    teamId: string,
    userId: string,
    allianceId: string,
    roundId: number,
  ): { alliance: Alliance; round: DesignRound } | Notice {
    const alliance = store.alliances.get(allianceId);
    if (!alliance || alliance.teamId !== teamId || alliance.status === 'archived') return notice(NOTICES.stale);
    if (refusal(store, alliance, userId, 'answer-prompts')) return notice(NOTICES.notADesigner(alliance));
    const round = store.design.round(roundId);
    if (!round || round.allianceId !== alliance.id) return notice(NOTICES.stale);
    if (round.status !== 'open') return notice(NOTICES.answersClosed(alliance));
    return { alliance, round };
  }

  /** What a member sees in their prompts: their submitted answers, with what they typed since on top. */
  function answersWithDrafts(roundId: number, userId: string): Map<string, string> {
    return new Map([...store.design.answersOf(roundId, userId), ...store.design.draftsOf(roundId, userId)]);
  }

  /** Tells the person who acted, by DM, about a problem they can act on. */
  async function tellPerson(alliance: Alliance, userId: string, text: string): Promise<void> {
    await gateway.post(alliance.teamId, { channel: userId, text }, `alliance ${alliance.id}: telling who acted`);
  }

  /** Announces a round in the channel and queues each member's invitation. */
  async function announce(roundId: number, now: Date): Promise<void> {
    const round = store.design.round(roundId);
    const alliance = round ? store.alliances.get(round.allianceId) : undefined;
    if (!round || !alliance) return;
    const model = roundModel(alliance, round);
    if (!round.announcementTs) {
      const posted = await gateway.post(
        alliance.teamId,
        { channel: alliance.channelId, ...buildDesignAnnouncement(model) },
        `alliance ${alliance.id}: announcing round ${round.id}`,
      );
      if (posted.ok) store.design.setAnnouncement(round.id, posted.channel, posted.ts);
      else {
        await tellPerson(
          alliance,
          round.startedBy,
          `I saved *${escapeText(alliance.name)}*, but Slack would not let me post its announcement ` +
            `in ${channelMention(alliance.channelId)} (${posted.error}). The members still get ` +
            `their invitations by direct message. If the channel is private, add me with \`/invite ` +
            `@Alliance\`.`,
        );
      }
    }
    await deps.events.run(now, (record) => {
      store.deliveries.enqueue({
        teamId: alliance.teamId,
        allianceId: alliance.id,
        kind: DELIVERY_KINDS.designInvite,
        subjectId: round.id,
        userIds: model.members,
        at: now,
        now,
      });
      record({ type: 'dmsQueued' });
    });
  }

  async function refreshAnnouncement(roundId: number, compiledVersion?: number): Promise<void> {
    const round = store.design.round(roundId);
    const alliance = round ? store.alliances.get(round.allianceId) : undefined;
    if (!round?.announcementTs || !round.announcementChannel || !alliance) return;
    await gateway.update(
      alliance.teamId,
      { channel: round.announcementChannel, ts: round.announcementTs },
      buildDesignAnnouncement(roundModel(alliance, round, compiledVersion)),
      `round ${round.id}: updating the announcement`,
    );
  }

  /** "Add my answers": the member's prompts, where they left off. */
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
        answers: answersWithDrafts(context.round.id, input.userId),
      }),
    };
  }

  /** One step submitted: saved, then the next step, or "done" after the last. */
  function submitStep(input: {
    teamId: string;
    userId: string;
    meta: DesignStepRef;
    values: Record<string, string>;
    now: Date;
  }): StepResult {
    const context = memberContext(input.teamId, input.userId, input.meta.allianceId, input.meta.roundId);
    if ('kind' in context) return { kind: 'update', view: noticeView(context.text), events: [] };
    const { alliance, round } = context;
    const template = getTemplate(alliance.templateId);
    const section = template.sections[input.meta.step];
    if (!section) return { kind: 'update', view: noticeView(NOTICES.stale), events: [] };
    const { answers, errors } = validateStep(section, input.values);
    if (Object.keys(errors).length > 0) {
      return {
        kind: 'errors',
        errors: Object.fromEntries(Object.entries(errors).map(([id, msg]) => [promptBlockId(id), msg])),
      };
    }
    const last = input.meta.step === template.sections.length - 1;
    const { events } = deps.events.transaction(input.now, (record) => {
      const before = store.design.progressOf(round.id, input.userId);
      store.design.saveAnswers({
        roundId: round.id,
        teamId: alliance.teamId,
        userId: input.userId,
        answers,
        now: input.now,
      });
      store.design.clearDrafts(round.id, input.userId, Object.keys(answers));
      store.design.saveProgress({
        roundId: round.id,
        teamId: alliance.teamId,
        userId: input.userId,
        nextStep: last ? 0 : input.meta.step + 1,
        finished: last,
        now: input.now,
      });
      if (last && !before?.finished) record({ type: 'answersFinished', allianceId: alliance.id, roundId: round.id });
    });
    if (!last) {
      const view = buildDesignStepView({
        allianceId: alliance.id,
        roundId: round.id,
        allianceName: alliance.name,
        template,
        step: input.meta.step + 1,
        answers: answersWithDrafts(round.id, input.userId),
      });
      return { kind: 'update', view, events };
    }
    const members = store.alliances.members(alliance.id);
    const finished = designProgress(members, store.design.finishedMembers(round.id)).finished;
    return { kind: 'update', view: buildDesignDoneView(alliance.name, progressLine(members, finished)), events };
  }

  /** `view_closed`: keep whatever was typed in the open step, so nothing is lost. */
  function saveOnClose(input: {
    teamId: string;
    userId: string;
    meta: DesignStepRef;
    values: Record<string, string>;
    now: Date;
  }): boolean {
    const context = memberContext(input.teamId, input.userId, input.meta.allianceId, input.meta.roundId);
    if ('kind' in context) return false;
    const section = getTemplate(context.alliance.templateId).sections[input.meta.step];
    if (!section) return false;
    const drafts: Record<string, string> = {};
    for (const prompt of section.prompts)
      drafts[prompt.id] = (input.values[prompt.id] ?? '').trim().slice(0, prompt.maxLength);
    const { round, alliance } = context;
    store.transaction(() => {
      const before = store.design.progressOf(round.id, input.userId);
      // A draft, never an answer: only what a member submits goes into a version.
      store.design.saveDrafts({ roundId: round.id, teamId: alliance.teamId, userId: input.userId, drafts });
      store.design.saveProgress({
        roundId: round.id,
        teamId: alliance.teamId,
        userId: input.userId,
        nextStep: before?.finished ? 0 : input.meta.step,
        finished: false,
        now: input.now,
      });
    });
    return true;
  }

  /** Decides, inside the compile transaction, whether this round may be compiled now. */
  function compileRefusal(alliance: Alliance, round: DesignRound, byUserId: string | null): Notice | null {
    if (round.status !== 'open') return notice(NOTICES.roundAlreadyCompiled);
    const members = store.alliances.members(alliance.id);
    const progress = designProgress(members, store.design.finishedMembers(round.id));
    if (byUserId === null) return progress.everyoneFinished ? null : notice(NOTICES.notEveryoneAnswered);
    // Any current member may compile early (having started the alliance gives no extra power).
    const refused = refusal(store, alliance, byUserId, 'compile-early');
    if (refused) return refused;
    return canCompileEarly(progress) ? null : notice(NOTICES.tooFewAnswers(progress.finished.length));
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
    const { value: outcome, events } = deps.events.transaction(
      input.now,
      (record): Notice | { kind: 'compiled'; versionId: number; alliance: Alliance } => {
        const round = store.design.round(input.roundId);
        const alliance = round ? store.alliances.get(round.allianceId) : undefined;
        if (!round || !alliance || alliance.teamId !== input.teamId) return notice(NOTICES.stale);
        const refusal = compileRefusal(alliance, round, input.byUserId);
        if (refusal) return refusal;
        const members = store.alliances.members(alliance.id);
        const finishedIds = store.design.finishedMembers(round.id);
        // First design: only finished members' answers go in; drafts of those still answering stay
        // drafts. Renegotiation: everyone's answers start as their current ones, so a member who did
        // not revisit them keeps what they agreed to before.
        const sheet = store.design.answerSheet(round.id);
        const answers =
          round.baseVersionId === null ? new Map([...sheet].filter(([userId]) => finishedIds.has(userId))) : sheet;
        const content = compileAgreement({
          template: getTemplate(alliance.templateId),
          name: alliance.name,
          members,
          answers,
        });
        const version = store.agreements.insertVersion({
          teamId: alliance.teamId,
          allianceId: alliance.id,
          roundId: round.id,
          content,
          hash: contentHash(content),
          compiledBy: input.byUserId ?? 'everyone',
          visibility: alliance.settings.visibility,
          now: input.now,
        });
        store.design.closeRound(round.id, 'compiled', input.now);
        store.design.deleteDrafts(round.id);
        if (alliance.activeVersionId === null) store.alliances.setStatus(alliance.id, 'consenting');
        record({ type: 'versionCompiled', allianceId: alliance.id, roundId: round.id, versionId: version.id });
        return { kind: 'compiled', versionId: version.id, alliance };
      },
    );
    if (outcome.kind === 'notice') return outcome;
    await publishCompiled(outcome.alliance, outcome.versionId, input.roundId, input.byUserId);
    await deps.events.publish(events, input.now);
    return { kind: 'compiled', versionId: outcome.versionId };
  }

  /** Posts a freshly compiled version and marks the round's announcement as compiled. */
  async function publishCompiled(
    alliance: Alliance,
    versionId: number,
    roundId: number,
    byUserId: string | null,
  ): Promise<void> {
    const version = store.agreements.version(versionId);
    if (!version) return;
    const failures = await deps.publisher.publish(version.id);
    if (failures.length > 0) {
      await tellPerson(
        alliance,
        byUserId ?? store.design.round(roundId)?.startedBy ?? alliance.starterId,
        `Version ${version.number} of *${escapeText(alliance.name)}* is compiled and saved, but I ` +
          `could not deliver it to ${failures.join(', ')}. Use \`/alliance show\` to see it; if ` +
          `the channel is private, add me with \`/invite @Alliance\`.`,
      );
    }
    await refreshAnnouncement(roundId, version.number);
  }

  /** After a member finishes (or members leave): update the progress line; compile once everyone is done. */
  async function afterProgress(roundId: number, now: Date): Promise<void> {
    await refreshAnnouncement(roundId);
    const round = store.design.round(roundId);
    const alliance = round ? store.alliances.get(round.allianceId) : undefined;
    if (round?.status !== 'open' || !alliance) return;
    const members = store.alliances.members(round.allianceId);
    if (designProgress(members, store.design.finishedMembers(round.id)).everyoneFinished) {
      await compile({ teamId: alliance.teamId, roundId, byUserId: null, now });
    }
  }

  /** Members left: those who remain may all have answered already. */
  async function recheck(allianceId: string, now: Date): Promise<void> {
    const round = store.design.currentOpenRound(allianceId);
    if (round) await afterProgress(round.id, now);
  }

  /** Every announcement of the alliance's rounds, re-rendered from the store (after someone was forgotten). */
  async function refreshAnnouncements(allianceId: string): Promise<void> {
    const versions = store.agreements.versions(allianceId);
    for (const round of store.design.rounds(allianceId)) {
      await refreshAnnouncement(round.id, versions.find((v) => v.roundId === round.id)?.number);
    }
  }

  /** Every design invitation sent for the alliance's rounds, re-rendered from the store (after someone was forgotten). */
  async function refreshInvitations(allianceId: string): Promise<void> {
    const alliance = store.alliances.get(allianceId);
    if (!alliance) return;
    const versions = store.agreements.versions(allianceId);
    for (const round of store.design.rounds(allianceId)) {
      const model = roundModel(alliance, round, versions.find((v) => v.roundId === round.id)?.number);
      for (const sent of store.deliveries.forSubject(DELIVERY_KINDS.designInvite, round.id)) {
        if (sent.state !== 'sent' || !sent.ts || !sent.dmChannelId) continue;
        await gateway.update(
          alliance.teamId,
          { channel: sent.dmChannelId, ts: sent.ts },
          buildDesignInvitation(model, sent.userId),
          `round ${round.id}: re-rendering an invitation`,
        );
      }
    }
  }

  return {
    announce,
    refreshAnnouncement,
    refreshAnnouncements,
    refreshInvitations,
    openAnswers,
    submitStep,
    saveOnClose,
    compile,
    afterProgress,
    recheck,
  };
}

export type DesignRoundService = ReturnType<typeof createDesignRoundService>;
