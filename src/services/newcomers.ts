import type { AgreementVersion } from '../domain/agreement.js';
import type { Alliance } from '../domain/alliance.js';
import { DELIVERY_KINDS } from '../domain/delivery.js';
import type { DomainEvent } from '../domain/events.js';
import { buildProposeModal } from '../slack/blocks/flags.js';
import { escapeText, type ModalView, userMention } from '../slack/blocks/kit.js';
import { buildJoinRequest } from '../slack/blocks/trust.js';
import type { SlackGateway } from '../slack/gateway.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';
import { refusal, versionInWorkspace } from './access.js';
import type { AgreementPublisher } from './agreement-publisher.js';
import type { Events } from './events.js';
import { applyMembershipChange } from './membership.js';

export interface NewcomerDeps {
  store: Store;
  gateway: SlackGateway;
  events: Events;
  publisher: AgreementPublisher;
}

/**
 * Someone new in the channel. Where they may (a channel alliance, someone new): the agreement in
 * effect, then "I commit" or "Propose changes". Otherwise they ask to join, a current member
 * admits them, and only then do they read the agreement and choose.
 */
export function createNewcomerService(deps: NewcomerDeps) {
  const { store, gateway } = deps;

  /** The version a newcomer's button refers to, if it is still the one in effect and they may commit to it. */
  function newcomerContext(
    teamId: string,
    userId: string,
    allianceId: string,
    versionId: number,
  ): { alliance: Alliance; version: AgreementVersion } | Notice {
    const found = versionInWorkspace(store, teamId, allianceId, versionId);
    if (!found) return notice(NOTICES.invitationStale);
    const { alliance, version } = found;
    const refused = refusal(store, alliance, userId, 'commit-as-newcomer', version);
    if (refused) return refused;
    if (alliance.activeVersionId !== version.id) return notice(NOTICES.agreementChanged);
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
    const context = newcomerContext(input.teamId, input.userId, input.allianceId, input.versionId);
    if ('kind' in context) return context;
    const { alliance, version } = context;
    store.transaction(() => {
      store.alliances.addMember(alliance.id, alliance.teamId, input.userId, input.now);
      store.agreements.consent(version.id, alliance.teamId, input.userId, input.now);
      store.admissions.clear(alliance.id, input.userId);
    });
    await deps.publisher.refresh(version.id);
    await gateway.post(
      alliance.teamId,
      {
        channel: alliance.channelId,
        text:
          `:handshake: ${userMention(input.userId)} committed to *${escapeText(alliance.name)}* ` +
          `(version ${version.number}). Welcome!`,
      },
      `alliance ${alliance.id}: announcing a newcomer's commitment`,
    );
    return notice(NOTICES.welcomeMember(alliance));
  }

  /** "Propose changes": the modal. */
  function openProposal(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    versionId: number;
  }): Notice | { kind: 'view'; view: ModalView } {
    const context = newcomerContext(input.teamId, input.userId, input.allianceId, input.versionId);
    if ('kind' in context) return context;
    const view = buildProposeModal({
      allianceId: context.alliance.id,
      versionId: context.version.id,
      allianceName: context.alliance.name,
    });
    return { kind: 'view', view };
  }

  /** The newcomer joins and their proposal is posted as a signal for the team. */
  function propose(input: {
    teamId: string;
    userId: string;
    viewId: string;
    allianceId: string;
    versionId: number;
    text: string;
    now: Date;
  }): Notice | { kind: 'errors'; error: string } | { kind: 'proposed'; events: DomainEvent[] } {
    const text = input.text.trim();
    if (text === '') return { kind: 'errors', error: 'Say what you would change; a sentence is enough.' };
    if (text.length > 1000) return { kind: 'errors', error: 'Please keep this under 1,000 characters.' };
    const context = newcomerContext(input.teamId, input.userId, input.allianceId, input.versionId);
    if ('kind' in context) return context;
    const { alliance } = context;
    const { events } = deps.events.transaction(input.now, (record) => {
      const change = {
        joined: [input.userId],
        left: [],
        cause: 'proposal' as const,
        byUserId: input.userId,
        proposal: text,
        occurrence: `proposal:${input.viewId}`,
      };
      applyMembershipChange(store, alliance, change, input.now, record);
      store.admissions.clear(alliance.id, input.userId);
    });
    return { kind: 'proposed', events };
  }

  /** "Ask to join": the request is posted in the channel for a member to admit. */
  async function askToJoin(input: { teamId: string; userId: string; allianceId: string; now: Date }): Promise<Notice> {
    const alliance = store.alliances.get(input.allianceId);
    if (!alliance || alliance.teamId !== input.teamId || alliance.status === 'archived') return notice(NOTICES.stale);
    const refused = refusal(store, alliance, input.userId, 'ask-to-join');
    if (refused) return refused;
    if (store.alliances.membershipOf(alliance.id, input.userId) === 'former') {
      // Someone who left or was removed asks again: a fresh request, admitted or not like anyone's.
      store.admissions.clear(alliance.id, input.userId);
    }
    if (store.admissions.request(alliance.id, alliance.teamId, input.userId, input.now) === 'duplicate') {
      return notice(NOTICES.alreadyAsked(alliance));
    }
    const request = buildJoinRequest({
      allianceId: alliance.id,
      allianceName: alliance.name,
      userId: input.userId,
      admittedBy: null,
    });
    const posted = await gateway.post(
      alliance.teamId,
      { channel: alliance.channelId, ...request },
      `alliance ${alliance.id}: posting a request to join`,
    );
    if (posted.ok) store.admissions.setMessage(alliance.id, input.userId, posted.channel, posted.ts);
    await deps.events.publish(
      [{ type: 'admissionRequested', allianceId: alliance.id, userId: input.userId }],
      input.now,
    );
    return notice(NOTICES.askedToJoin(alliance));
  }

  /** "Admit them": a current member admits the person, who then gets the agreement and the choice. */
  async function admit(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    newcomerId: string;
    now: Date;
  }): Promise<Notice> {
    const alliance = store.alliances.get(input.allianceId);
    if (!alliance || alliance.teamId !== input.teamId || alliance.activeVersionId === null) {
      return notice(NOTICES.stale);
    }
    const refused = refusal(store, alliance, input.userId, 'admit-newcomer');
    if (refused) return refused;
    const versionId = alliance.activeVersionId;
    const admitted = await deps.events.run(input.now, (record) => {
      if (!store.admissions.admit(alliance.id, input.newcomerId, input.userId, input.now)) return false;
      store.deliveries.enqueueAgain({
        teamId: alliance.teamId,
        allianceId: alliance.id,
        kind: DELIVERY_KINDS.newcomerWelcome,
        subjectId: versionId,
        userId: input.newcomerId,
        at: input.now,
        now: input.now,
      });
      record({ type: 'dmsQueued' });
      record({ type: 'admitted', allianceId: alliance.id, userId: input.newcomerId });
      return true;
    });
    if (!admitted) return notice(NOTICES.alreadyAdmitted);
    const admission = store.admissions.get(alliance.id, input.newcomerId);
    if (admission?.messageChannel && admission.messageTs) {
      await gateway.update(
        alliance.teamId,
        { channel: admission.messageChannel, ts: admission.messageTs },
        buildJoinRequest({
          allianceId: alliance.id,
          allianceName: alliance.name,
          userId: input.newcomerId,
          admittedBy: input.userId,
        }),
        `alliance ${alliance.id}: updating a request to join`,
      );
    }
    return notice(NOTICES.admitted(input.newcomerId));
  }

  return { commit, openProposal, propose, askToJoin, admit };
}

export type NewcomerService = ReturnType<typeof createNewcomerService>;
