import { type AgreementVersion, consentProgress } from '../domain/agreement.js';
import type { Alliance } from '../domain/alliance.js';
import type { DomainEvent } from '../domain/events.js';
import { buildReservationModal, buildReservationNotice, buildReservationPointer } from '../slack/blocks/agreement.js';
import { context as contextBlock, escapeText, type ModalView, section, userMention } from '../slack/blocks/kit.js';
import type { SlackGateway } from '../slack/gateway.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';
import { refusal, versionInWorkspace } from './access.js';
import type { AgreementPublisher } from './agreement-publisher.js';
import type { Events } from './events.js';

export interface ConsentDeps {
  store: Store;
  gateway: SlackGateway;
  events: Events;
  publisher: AgreementPublisher;
}

type ReservationField = 'concern' | 'watch';

/**
 * Mutual consent: each member agrees to a version or first raises a reservation; the version takes
 * effect once every current member has agreed. Until then any member can reopen the prompts.
 */
export function createConsentService(deps: ConsentDeps) {
  const { store, gateway } = deps;

  function versionContext(
    teamId: string,
    userId: string,
    allianceId: string,
    versionId: number,
  ): { alliance: Alliance; version: AgreementVersion } | Notice {
    const found = versionInWorkspace(store, teamId, allianceId, versionId);
    if (!found) return notice(NOTICES.stale);
    const { alliance, version } = found;
    const refused = refusal(store, alliance, userId, 'consent');
    if (refused) return refused;
    if (version.status === 'active') return notice(NOTICES.versionInEffect(version.number));
    if (version.status !== 'proposed') return notice(NOTICES.versionOffTable(version.number, alliance));
    return { alliance, version };
  }

  /**
   * Inside a transaction: activates a proposed version once every current member has agreed; the
   * version in effect before is superseded and earlier reservations are settled.
   */
  function activateIfEveryoneAgreed(
    alliance: Alliance,
    version: AgreementVersion,
    now: Date,
    record: (event: DomainEvent) => void,
  ): boolean {
    const progress = consentProgress(store.alliances.members(alliance.id), store.agreements.consents(version.id));
    if (!progress.allAgreed) return false;
    const current = store.alliances.get(alliance.id) ?? alliance;
    const previous = current.activeVersionId ? store.agreements.version(current.activeVersionId) : undefined;
    if (previous) store.agreements.transition(previous.id, 'active', 'superseded', now);
    if (!store.agreements.activate(version.id, now)) return false;
    store.alliances.activate(alliance.id, version.id, now);
    // The renegotiation was the place to deal with earlier reservations; pulses stop asking.
    store.agreements.resolveReservationsBefore(alliance.id, version.id, now);
    record({
      type: 'versionAgreed',
      allianceId: alliance.id,
      roundId: version.roundId,
      versionId: version.id,
      previousVersionId: previous?.id ?? null,
    });
    return true;
  }

  /** After an activation committed: the reactions, the posts brought up to date, the team told. */
  async function announceActivation(alliance: Alliance, version: AgreementVersion, events: DomainEvent[], now: Date) {
    await deps.events.publish(events, now);
    await deps.publisher.refresh(version.id);
    const agreed = events.find((e) => e.type === 'versionAgreed');
    if (agreed?.type === 'versionAgreed' && agreed.previousVersionId !== null) {
      await deps.publisher.refresh(agreed.previousVersionId);
    }
    await deps.publisher.replyInThreads(version.id, {
      text: 'Everyone agreed: the alliance is in effect',
      blocks: [
        section(
          `:tada: Everyone has agreed to version ${version.number} of ` +
            `*${escapeText(alliance.name)}*. It is now in effect.`,
        ),
        contextBlock([
          'Alliance will check in with short pulses on the schedule you chose. Thank you for taking ' +
            'the time to get this right together.',
        ]),
      ],
    });
  }

  /** "I agree". */
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
    const { value, events } = deps.events.transaction(input.now, (record) => {
      const firstTime = store.agreements.consent(version.id, alliance.teamId, input.userId, input.now);
      record({ type: 'consentRecorded', allianceId: alliance.id, userId: input.userId });
      return { firstTime, activated: activateIfEveryoneAgreed(alliance, version, input.now, record) };
    });
    if (value.activated) {
      await announceActivation(alliance, version, events, input.now);
      return notice(NOTICES.agreedAndInEffect(version.number, alliance));
    }
    await deps.publisher.refresh(version.id);
    await deps.events.publish(events, input.now);
    const progress = consentProgress(store.alliances.members(alliance.id), store.agreements.consents(version.id));
    const asked = progress.agreed.length + progress.waiting.length;
    return notice(NOTICES.agreed(version.number, progress.agreed.length, asked, value.firstTime));
  }

  /** After members leave, the ones who remain may all have agreed already. */
  async function recheck(allianceId: string, now: Date): Promise<void> {
    const alliance = store.alliances.get(allianceId);
    const proposed = alliance ? store.agreements.proposedVersion(alliance.id) : undefined;
    if (!alliance || !proposed) return;
    const { value: activated, events } = deps.events.transaction(now, (record) =>
      activateIfEveryoneAgreed(alliance, proposed, now, record),
    );
    if (activated) await announceActivation(alliance, proposed, events, now);
    else await deps.publisher.refresh(proposed.id);
  }

  /** "I have reservations": the modal. */
  function openReservation(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    versionId: number;
  }): Notice | { kind: 'view'; view: ModalView } {
    const context = versionContext(input.teamId, input.userId, input.allianceId, input.versionId);
    if ('kind' in context) return context;
    const view = buildReservationModal({
      allianceId: context.alliance.id,
      versionId: context.version.id,
      allianceName: context.alliance.name,
      versionNumber: context.version.number,
    });
    return { kind: 'view', view };
  }

  function checkReservation(concern: string, watch: string): Partial<Record<ReservationField, string>> {
    const errors: Partial<Record<ReservationField, string>> = {};
    if (concern === '') errors.concern = 'Say what concerns you; a sentence is enough.';
    else if (concern.length > 1000) errors.concern = 'Please keep this under 1,000 characters.';
    if (watch === '') errors.watch = 'Say how the team should keep an eye on it.';
    else if (watch.length > 600) errors.watch = 'Please keep this under 600 characters.';
    return errors;
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
    | { kind: 'errors'; errors: Partial<Record<ReservationField, string>> }
    | Notice
    | { kind: 'saved'; share: () => Promise<void> } {
    const concern = input.concern.trim();
    const watch = input.watch.trim();
    const errors = checkReservation(concern, watch);
    if (errors.concern || errors.watch) return { kind: 'errors', errors };
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
      if (id === null) return;
      const shared = await deps.publisher.shareWithReaders(
        context.version.id,
        buildReservationNotice({ userId: input.userId, concern, watch }),
        buildReservationPointer(context.version.number),
      );
      // Remembered so that forgetting its author withdraws these messages too.
      for (const post of shared) store.agreements.recordReservationPost(id, context.alliance.teamId, post);
    };
    return { kind: 'saved', share };
  }

  /** A member reopens the prompts before everyone agreed; the proposal is withdrawn. */
  async function amend(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    versionId: number;
    now: Date;
  }): Promise<Notice> {
    const found = versionInWorkspace(store, input.teamId, input.allianceId, input.versionId);
    if (!found) return notice(NOTICES.stale);
    const { alliance, version } = found;
    const refused = refusal(store, alliance, input.userId, 'reopen-prompts');
    if (refused) return refused;
    if (version.status !== 'proposed') return notice(NOTICES.nothingToReopen(version.number));
    const { value: reopened, events } = deps.events.transaction(input.now, (record) => {
      if (!store.agreements.transition(version.id, 'proposed', 'withdrawn', input.now)) return false;
      store.design.reopenRound(version.roundId);
      if (alliance.activeVersionId === null) store.alliances.setStatus(alliance.id, 'designing');
      record({ type: 'roundReopened', allianceId: alliance.id, roundId: version.roundId });
      return true;
    });
    if (!reopened) return notice(NOTICES.stale);
    await deps.publisher.refresh(version.id);
    await deps.events.publish(events, input.now);
    const round = store.design.round(version.roundId);
    if (round?.announcementChannel && round.announcementTs) {
      await gateway.post(
        alliance.teamId,
        {
          channel: round.announcementChannel,
          threadTs: round.announcementTs,
          broadcast: true,
          text:
            `${userMention(input.userId)} reopened the prompts for ${escapeText(alliance.name)}. ` +
            `Change your answers with Add my answers; the agreement will be compiled again.`,
        },
        `alliance ${alliance.id}: announcing the reopening`,
      );
    }
    return notice(NOTICES.reopened(version.number + 1));
  }

  return { agree, recheck, openReservation, submitReservation, amend };
}

export type ConsentService = ReturnType<typeof createConsentService>;
