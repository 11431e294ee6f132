import type { AgreementVersion } from '../domain/agreement.js';
import type { Alliance } from '../domain/alliance.js';
import type { DomainEvent } from '../domain/events.js';
import { renderAgreementContent } from '../slack/blocks/agreement.js';
import { buildNewcomerWelcome, buildProposeModal } from '../slack/blocks/flags.js';
import { escapeText, type ModalView, userMention } from '../slack/blocks/kit.js';
import type { SlackGateway } from '../slack/gateway.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';
import type { AgreementPublisher } from './agreement-publisher.js';
import type { Events } from './events.js';
import { applyMembershipChange } from './membership.js';

export interface NewcomerDeps {
  store: Store;
  gateway: SlackGateway;
  events: Events;
  publisher: AgreementPublisher;
}

/** Someone new in the channel: the agreement in effect, then "I commit" or "Propose changes". */
export function createNewcomerService(deps: NewcomerDeps) {
  const { store, gateway } = deps;

  /** Outbox renderer for the newcomer's welcome DM. */
  function renderWelcome(versionId: number, userId: string) {
    const version = store.agreements.version(versionId);
    const alliance = version ? store.alliances.get(version.allianceId) : undefined;
    if (!version || !alliance || alliance.activeVersionId !== version.id) return null;
    if (store.alliances.isMember(alliance.id, userId)) return null;
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
    if (!alliance || alliance.teamId !== teamId || !version || version.allianceId !== alliance.id) {
      return notice(NOTICES.invitationStale);
    }
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
    const context = newcomerContext(input.teamId, input.allianceId, input.versionId);
    if ('kind' in context) return context;
    const { alliance, version } = context;
    if (store.alliances.isMember(alliance.id, input.userId)) return notice(NOTICES.alreadyMember(alliance));
    store.transaction(() => {
      store.alliances.addMember(alliance.id, alliance.teamId, input.userId, input.now);
      store.agreements.consent(version.id, alliance.teamId, input.userId, input.now);
    });
    await deps.publisher.refresh(version.id);
    await gateway.post(
      alliance.teamId,
      {
        channel: alliance.channelId,
        text: `:handshake: ${userMention(input.userId)} committed to *${escapeText(alliance.name)}* (version ${version.number}). Welcome!`,
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
    const context = newcomerContext(input.teamId, input.allianceId, input.versionId);
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
    const context = newcomerContext(input.teamId, input.allianceId, input.versionId);
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
    });
    return { kind: 'proposed', events };
  }

  return { renderWelcome, commit, openProposal, propose };
}

export type NewcomerService = ReturnType<typeof createNewcomerService>;
