import type { Logger } from '@slack/bolt';
import type { AgreementVersion } from '../domain/agreement.js';
import { consentProgress } from '../domain/agreement.js';
import type { Alliance } from '../domain/alliance.js';
import { designProgress } from '../domain/design.js';
import { buildReservationModal, buildReservationNotice } from '../slack/blocks/agreement.js';
import { progressLine } from '../slack/blocks/design.js';
import { context as contextBlock, escapeText, type ModalView, section } from '../slack/blocks/kit.js';
import { buildShowMessage } from '../slack/blocks/show.js';
import { type SlackClients, slackErrorCode } from '../slack/clients.js';
import type { Store } from '../store/index.js';
import type { AgreementPublisher } from './agreement-publisher.js';
import type { DesignService } from './design.js';
import { type Notice, STALE_ACTION } from './notice.js';

export interface ConsentDeps {
  store: Store;
  clients: SlackClients;
  logger: Logger;
  publisher: AgreementPublisher;
  design: DesignService;
  /** Called once a version takes effect (schedules pulses and digests). */
  onActivated: (alliance: Alliance, version: AgreementVersion, now: Date) => Promise<void>;
}

/**
 * Mutual consent: each member agrees to a version or first raises a reservation; the version takes
 * effect once every current member has agreed. Until then the starter can reopen the prompts.
 */
export function createConsentService(deps: ConsentDeps) {
  const { store } = deps;

  function versionContext(
    teamId: string,
    userId: string,
    allianceId: string,
    versionId: number,
  ): { alliance: Alliance; version: AgreementVersion } | Notice {
    const alliance = store.alliances.get(allianceId);
    const version = store.agreements.version(versionId);
    if (!alliance || alliance.teamId !== teamId || !version || version.allianceId !== alliance.id)
      return { kind: 'notice', text: STALE_ACTION };
    if (!store.alliances.isMember(alliance.id, userId)) {
      return {
        kind: 'notice',
        text: `Only the members of *${escapeText(alliance.name)}* are asked to agree to it, and you are not one of them. If you should be, ask <@${alliance.starterId}> to add you.`,
      };
    }
    if (version.status === 'active')
      return { kind: 'notice', text: `Version ${version.number} is already in effect: everyone has agreed to it.` };
    if (version.status !== 'proposed') {
      return {
        kind: 'notice',
        text: `Version ${version.number} is no longer on the table. Use \`/alliance show\` in <#${alliance.channelId}> to see the latest.`,
      };
    }
    return { alliance, version };
  }

  /**
   * Activates a proposed version once every current member has agreed: the version in effect
   * before is superseded, pulses and digests are scheduled, the team is told.
   */
  async function activateIfEveryoneAgreed(alliance: Alliance, version: AgreementVersion, now: Date): Promise<boolean> {
    const activation = store.transaction(() => {
      const progress = consentProgress(store.alliances.members(alliance.id), store.agreements.consents(version.id));
      if (!progress.allAgreed) return null;
      const previous = alliance.activeVersionId ? store.agreements.version(alliance.activeVersionId) : undefined;
      if (previous) store.agreements.transition(previous.id, 'active', 'superseded', now);
      if (!store.agreements.activate(version.id, now)) return null;
      store.alliances.activate(alliance.id, version.id, now);
      // The renegotiation was the place to deal with earlier reservations; pulses stop asking.
      store.agreements.resolveReservationsBefore(alliance.id, version.id, now);
      return { previous };
    });
    if (!activation) return false;
    const activeVersion = store.agreements.version(version.id) ?? version;
    await deps.onActivated(store.alliances.get(alliance.id) ?? alliance, activeVersion, now);
    await deps.publisher.refresh(version.id);
    if (activation.previous) await deps.publisher.refresh(activation.previous.id);
    await deps.publisher.replyInThreads(version.id, {
      text: 'Everyone agreed: the alliance is in effect',
      blocks: [
        section(
          `:tada: Everyone has agreed to version ${version.number} of *${escapeText(alliance.name)}*. It is now in effect.`,
        ),
        contextBlock([
          'Alliance will check in with short pulses on the schedule you chose. Thank you for taking the time to get this right together.',
        ]),
      ],
    });
    return true;
  }

  async function agree(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    versionId: number;
    now: Date;
  }): Promise<Notice> {
    const context = versionContext(input.teamId, input.userId, input.allianceId, input.versionId);
    if ('kind' in context) return context;
    const { alliance, version } = context;
    const firstTime = store.agreements.consent(version.id, alliance.teamId, input.userId, input.now);
    if (await activateIfEveryoneAgreed(alliance, version, input.now)) {
      return {
        kind: 'notice',
        text: `Thank you. Everyone has agreed, so version ${version.number} of *${escapeText(alliance.name)}* is now in effect.`,
      };
    }
    await deps.publisher.refresh(version.id);
    const progress = consentProgress(store.alliances.members(alliance.id), store.agreements.consents(version.id));
    const counts = `${progress.agreed.length} of ${progress.agreed.length + progress.waiting.length} have agreed so far.`;
    return {
      kind: 'notice',
      text: firstTime
        ? `Thank you, you agreed to version ${version.number}. ${counts}`
        : `You had already agreed to version ${version.number}. ${counts}`,
    };
  }

  /** After members leave, the ones who remain may all have agreed already. */
  async function recheck(allianceId: string, now: Date): Promise<void> {
    const alliance = store.alliances.get(allianceId);
    const proposed = alliance ? store.agreements.proposedVersion(alliance.id) : undefined;
    if (!alliance || !proposed) return;
    if (!(await activateIfEveryoneAgreed(alliance, proposed, now))) await deps.publisher.refresh(proposed.id);
  }

  function openReservation(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    versionId: number;
  }): Notice | { kind: 'view'; view: ModalView } {
    const context = versionContext(input.teamId, input.userId, input.allianceId, input.versionId);
    if ('kind' in context) return context;
    return {
      kind: 'view',
      view: buildReservationModal({
        allianceId: context.alliance.id,
        versionId: context.version.id,
        allianceName: context.alliance.name,
        versionNumber: context.version.number,
      }),
    };
  }

  /** Stores a reservation (once per modal) and shares it, attributed, with the members. */
  function submitReservation(input: {
    teamId: string;
    userId: string;
    viewId: string;
    allianceId: string;
    versionId: number;
    concern: string;
    watch: string;
    now: Date;
  }):
    | { kind: 'errors'; errors: Record<'concern' | 'watch', string> }
    | Notice
    | { kind: 'saved'; share: () => Promise<void> } {
    const concern = input.concern.trim();
    const watch = input.watch.trim();
    const errors: Partial<Record<'concern' | 'watch', string>> = {};
    if (concern === '') errors.concern = 'Say what concerns you; a sentence is enough.';
    else if (concern.length > 1000) errors.concern = 'Please keep this under 1,000 characters.';
    if (watch === '') errors.watch = 'Say how the team should keep an eye on it.';
    else if (watch.length > 600) errors.watch = 'Please keep this under 600 characters.';
    if (errors.concern || errors.watch)
      return { kind: 'errors', errors: errors as Record<'concern' | 'watch', string> };
    const context = versionContext(input.teamId, input.userId, input.allianceId, input.versionId);
    if ('kind' in context) return context;
    const id = store.agreements.addReservation({
      teamId: context.alliance.teamId,
      allianceId: context.alliance.id,
      versionId: context.version.id,
      userId: input.userId,
      concern,
      watch,
      viewId: input.viewId,
      now: input.now,
    });
    // Sharing posts to Slack, so it runs after the modal has been answered.
    const share = async () => {
      if (id !== null)
        await deps.publisher.replyInThreads(
          context.version.id,
          buildReservationNotice({ userId: input.userId, concern, watch }),
        );
    };
    return { kind: 'saved', share };
  }

  /** The starter reopens the prompts before everyone agreed; the proposal is withdrawn. */
  async function amend(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    versionId: number;
    now: Date;
  }): Promise<Notice> {
    const alliance = store.alliances.get(input.allianceId);
    const version = store.agreements.version(input.versionId);
    if (!alliance || alliance.teamId !== input.teamId || !version || version.allianceId !== alliance.id)
      return { kind: 'notice', text: STALE_ACTION };
    if (input.userId !== alliance.starterId) {
      return {
        kind: 'notice',
        text: `Only <@${alliance.starterId}>, who started this alliance, can reopen the prompts. Share your concern with \`I have reservations\` instead.`,
      };
    }
    if (version.status !== 'proposed') {
      return {
        kind: 'notice',
        text: `Version ${version.number} is not waiting for consent any more, so there is nothing to reopen. To change an agreement in effect, use \`/alliance renegotiate\`.`,
      };
    }
    const reopened = store.transaction(() => {
      if (!store.agreements.transition(version.id, 'proposed', 'withdrawn', input.now)) return false;
      store.design.reopenRound(version.roundId);
      if (alliance.activeVersionId === null) store.alliances.setStatus(alliance.id, 'designing');
      return true;
    });
    if (!reopened) return { kind: 'notice', text: STALE_ACTION };
    await deps.publisher.refresh(version.id);
    await deps.design.refreshAnnouncement(version.roundId);
    const round = store.design.round(version.roundId);
    if (round?.announcementChannel && round.announcementTs) {
      try {
        await deps.clients.forTeam(alliance.teamId).chat.postMessage({
          channel: round.announcementChannel,
          thread_ts: round.announcementTs,
          text: `<@${alliance.starterId}> reopened the prompts for ${escapeText(alliance.name)}. Change your answers with Add my answers; the agreement will be compiled again.`,
          reply_broadcast: true,
        });
      } catch (error) {
        deps.logger.warn(`alliance ${alliance.id}: could not announce the reopening:`, slackErrorCode(error) ?? error);
      }
    }
    return {
      kind: 'notice',
      text: `The prompts are open again. Members can change their answers; press *Compile now* when you are ready for version ${version.number + 1}.`,
    };
  }

  /** `/alliance show [vN]`. */
  async function show(input: {
    teamId: string;
    userId: string;
    channelId: string;
    versionArg: string;
  }): Promise<{ text: string; blocks: ReturnType<typeof buildShowMessage>['blocks'] } | Notice> {
    const alliance = store.alliances.liveInChannel(input.teamId, input.channelId);
    if (!alliance)
      return { kind: 'notice', text: 'This channel has no alliance yet. Start one with `/alliance start`.' };
    const isMember = store.alliances.isMember(alliance.id, input.userId);
    if (alliance.settings.visibility === 'members' && !isMember) {
      return {
        kind: 'notice',
        text: `The agreement of *${escapeText(alliance.name)}* is shared with its members only. Ask <@${alliance.starterId}> if you should be part of it.`,
      };
    }
    const versions = store.agreements.versions(alliance.id);
    let version: AgreementVersion | undefined;
    if (input.versionArg) {
      const match = /^v?(\d{1,4})$/i.exec(input.versionArg.trim());
      if (!match)
        return {
          kind: 'notice',
          text: 'Use `/alliance show` for the current agreement or `/alliance show v2` for a given version.',
        };
      version = versions.find((v) => v.number === Number(match[1]));
      if (!version)
        return {
          kind: 'notice',
          text: `There is no version ${match[1]} yet. This alliance has ${versions.length === 0 ? 'no versions' : `versions 1 to ${versions.length}`}.`,
        };
    } else {
      version =
        versions.find((v) => v.status === 'proposed') ?? versions.find((v) => v.status === 'active') ?? versions.at(-1);
    }
    const members = store.alliances.members(alliance.id);
    const round = store.design.currentOpenRound(alliance.id);
    const finishedIds = round ? store.design.finishedMembers(round.id) : new Set<string>();
    const message = buildShowMessage({
      allianceName: alliance.name,
      allianceStatus: alliance.status,
      version: version
        ? {
            number: version.number,
            status: version.status,
            compiledAt: version.compiledAt,
            activatedAt: version.activatedAt,
            content: version.content,
            contentHash: version.contentHash,
          }
        : null,
      consent: version
        ? consentProgress(
            version.status === 'proposed' ? members : version.content.members,
            store.agreements.consents(version.id),
          )
        : null,
      members,
      openReservations: store.agreements.reservations(alliance.id, 'open').length,
      permalink: version ? await deps.publisher.permalinkFor(version.id, input.userId) : null,
      versions: versions.map((v) => ({
        number: v.number,
        status: v.status,
        compiledAt: v.compiledAt,
        activatedAt: v.activatedAt,
        origin: store.design.round(v.roundId)?.reason ?? null,
      })),
      ...(round ? { designProgress: progressLine(members, designProgress(members, finishedIds).finished) } : {}),
    });
    return message;
  }

  return { agree, recheck, openReservation, submitReservation, amend, show };
}

export type ConsentService = ReturnType<typeof createConsentService>;
