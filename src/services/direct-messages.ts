import { DELIVERY_KINDS, type Delivery } from '../domain/delivery.js';
import { isPulseOpen } from '../domain/pulse.js';
import { renderAgreementContent } from '../slack/blocks/agreement.js';
import { buildDesignInvitation } from '../slack/blocks/design.js';
import { buildNewcomerWelcome } from '../slack/blocks/flags.js';
import { buildPulseInvitation, buildPulseReminder } from '../slack/blocks/pulse.js';
import { buildJoinInvitation } from '../slack/blocks/trust.js';
import { buildUnreachableReport } from '../slack/blocks/unreachable.js';
import type { Store } from '../store/index.js';
import { refusal } from './access.js';
import { designRoundModel } from './design-round.js';
import type { RenderedMessage } from './outbox.js';

/**
 * What each kind of direct message says, rendered from the store when the outbox sends it, so it
 * says what is true then. Null means it is no longer relevant (the outbox cancels it).
 */
export function renderDirectMessage(store: Store, delivery: Delivery, now: Date): RenderedMessage | null {
  const { subjectId, userId } = delivery;
  switch (delivery.kind) {
    case DELIVERY_KINDS.designInvite:
      return designInvitation(store, subjectId, userId);
    case DELIVERY_KINDS.pulseInvite:
      return pulseMessage(store, subjectId, userId, now, 'invitation');
    case DELIVERY_KINDS.pulseReminder:
      return pulseMessage(store, subjectId, userId, now, 'reminder');
    case DELIVERY_KINDS.newcomerWelcome:
      return newcomerWelcome(store, subjectId, userId);
    case DELIVERY_KINDS.joinInvitation:
      return joinInvitation(store, subjectId, userId);
    case DELIVERY_KINDS.reportUnreachable:
      return unreachableReport(store, delivery);
    default:
      return null;
  }
}

/** A design round's invitation; nothing once the round is closed or they are no longer a member. */
function designInvitation(store: Store, roundId: number, userId: string): RenderedMessage | null {
  const round = store.design.round(roundId);
  const alliance = round ? store.alliances.get(round.allianceId) : undefined;
  if (!round || !alliance || round.status !== 'open' || !store.alliances.isMember(alliance.id, userId)) return null;
  return buildDesignInvitation(designRoundModel(store, alliance, round), userId);
}

/** A pulse's invitation or reminder; nothing once it closed (a reminder: nor once they answered). */
function pulseMessage(
  store: Store,
  pulseId: number,
  userId: string,
  now: Date,
  which: 'invitation' | 'reminder',
): RenderedMessage | null {
  const pulse = store.pulses.get(pulseId);
  const alliance = pulse ? store.alliances.get(pulse.allianceId) : undefined;
  if (!pulse || !alliance || !isPulseOpen(pulse, now) || !store.alliances.isMember(alliance.id, userId)) return null;
  if (which === 'reminder' && store.pulses.hasParticipated(pulseId, userId)) return null;
  const model = {
    pulseId: pulse.id,
    allianceName: alliance.name,
    channelId: alliance.channelId,
    closesAt: pulse.closesAt,
    anonymous: pulse.anonymous,
  };
  return which === 'invitation' ? buildPulseInvitation(model) : buildPulseReminder(model);
}

/** The agreement in effect with "I commit" / "Propose changes", only to someone who may commit to it. */
function newcomerWelcome(store: Store, versionId: number, userId: string): RenderedMessage | null {
  const version = store.agreements.version(versionId);
  const alliance = version ? store.alliances.get(version.allianceId) : undefined;
  if (!version || !alliance || alliance.activeVersionId !== version.id) return null;
  if (refusal(store, alliance, userId, 'commit-as-newcomer', version)) return null;
  return buildNewcomerWelcome({
    allianceId: alliance.id,
    versionId: version.id,
    allianceName: alliance.name,
    channelId: alliance.channelId,
    versionNumber: version.number,
    agreementBlocks: renderAgreementContent(version.content),
  });
}

/** That the alliance exists and a way to ask to join: nothing of its content. */
function joinInvitation(store: Store, versionId: number, userId: string): RenderedMessage | null {
  const version = store.agreements.version(versionId);
  const alliance = version ? store.alliances.get(version.allianceId) : undefined;
  if (alliance?.status !== 'active' || store.alliances.isMember(alliance.id, userId)) return null;
  return buildJoinInvitation({ allianceId: alliance.id, allianceName: alliance.name, channelId: alliance.channelId });
}

/** The report that a member cannot be reached: the delivery that failed is its subject. */
function unreachableReport(store: Store, report: Delivery): RenderedMessage | null {
  const failed = store.deliveries.byId(report.subjectId);
  const alliance = store.alliances.get(report.allianceId);
  if (!failed || !alliance) return null;
  // Who in the alliance cannot be reached is the members' business: not sent to someone who left.
  if (!store.alliances.isMember(alliance.id, report.userId)) return null;
  return buildUnreachableReport({
    allianceName: alliance.name,
    channelId: alliance.channelId,
    memberId: failed.userId,
    reason: failed.error ?? 'unknown',
  });
}
