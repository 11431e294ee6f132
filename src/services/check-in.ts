import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { commitmentsOf } from '../domain/agreement.js';
import type { Alliance } from '../domain/alliance.js';
import { DELIVERY_KINDS } from '../domain/delivery.js';
import type { DomainEvent } from '../domain/events.js';
import { JOB_KINDS } from '../domain/job.js';
import {
  type CheckInAnswers,
  type CheckInForm,
  isPulseOpen,
  type Pulse,
  type StoredResponse,
  validateCheckIn,
} from '../domain/pulse.js';
import { getTemplate } from '../domain/templates/index.js';
import type { ModalView } from '../slack/blocks/kit.js';
import { buildCheckInDoneView, buildCheckInView, buildPulseThanks, pulseClosedText } from '../slack/blocks/pulse.js';
import type { SlackGateway } from '../slack/gateway.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';
import { liveAllianceIn } from './access.js';
import type { AnswerSealer } from './answer-sealer.js';
import type { Events } from './events.js';

export interface CheckInDeps {
  store: Store;
  gateway: SlackGateway;
  events: Events;
  sealer: AnswerSealer;
}

/**
 * Where an anonymous answer is kept: the hash of its edit key together with the member it was given
 * to, so the key finds nothing for anyone else who gets hold of it (a forwarded or copied button).
 * The database still cannot tell whose answer a row is without the key, which only their DM holds.
 */
const keyHashOf = (key: string, userId: string) => createHash('sha256').update(`${userId}\n${key}`).digest('hex');
const newEditKey = () => randomBytes(24).toString('base64url');
/**
 * A named response's id: its pulse's id in fixed-width base 36, then random. The rows of one pulse sit
 * together in the table and its indexes, so saving an answer touches the pages of pulses still open,
 * not pages scattered over every answer ever given; the random part keeps the order of arrival out.
 */
const newResponseId = (pulseId: number) =>
  `${pulseId.toString(36).padStart(8, '0')}${randomUUID().replaceAll('-', '')}`;

type SubmitResult =
  | Notice
  | { kind: 'errors'; errors: Record<string, string> }
  | { kind: 'update'; view: ModalView; after?: () => Promise<void> };

/** A member answering a pulse: the check-in modal, and saving their answer (named or anonymous). */
export function createCheckInService(deps: CheckInDeps) {
  const { store, gateway, sealer } = deps;

  /** An anonymous member's own answer, found only through the edit key their DM button holds. */
  function keyedAnswer(pulse: Pulse, editKey: string, userId: string): StoredResponse | undefined {
    const keyHash = keyHashOf(editKey, userId);
    const sealed = store.pulses.sealedAnswer(pulse.id, keyHash);
    if (!sealed) return store.pulses.keyedResponse(pulse.id, keyHash, userId);
    const answers = sealer.open(pulse.id, sealed);
    if (!answers) return undefined;
    const commitments = Object.fromEntries(
      store.pulses
        .commitmentChecks(pulse.id)
        .filter((c) => c.userId === userId)
        .map((c) => [c.promptId, c.status]),
    );
    return { id: keyHash, userId: null, answers: { ...answers, commitments } };
  }

  const nextPulseAt = (allianceId: string) => store.jobs.nextPending(allianceId, JOB_KINDS.pulseOpen)?.runAt ?? null;

  const closedNotice = (pulse: Pulse): Notice =>
    notice(pulseClosedText(pulse.closedAt ?? pulse.closesAt, nextPulseAt(pulse.allianceId)));

  function ownCommitments(pulse: Pulse, userId: string) {
    const content = pulse.versionId ? store.agreements.versionContent(pulse.versionId) : undefined;
    return content ? commitmentsOf(content).filter((c) => c.userId === userId) : [];
  }

  function checkInView(
    pulse: Pulse,
    alliance: Alliance,
    userId: string,
    editKey: string | undefined,
    previous: StoredResponse | undefined,
  ): ModalView {
    return buildCheckInView({
      pulseId: pulse.id,
      ...(editKey ? { editKey } : {}),
      allianceName: alliance.name,
      closesAt: pulse.closesAt,
      anonymous: pulse.anonymous,
      aspects: getTemplate(alliance.templateId).aspects,
      commitments: ownCommitments(pulse, userId).map((c) => ({ promptId: c.promptId, text: c.text })),
      reservations: store.agreements
        .reservations(alliance.id, 'open')
        .map((r) => ({ id: r.id, userId: r.userId, concern: r.concern })),
      ...(previous ? { previous: previous.answers } : {}),
    });
  }

  /** "Check in" / "Edit my answer": the modal for this member, prefilled when they answered before. */
  function openCheckIn(input: {
    teamId: string;
    userId: string;
    pulseId: number;
    editKey?: string | undefined;
    now: Date;
  }): Notice | { kind: 'view'; view: ModalView } {
    const pulse = store.pulses.get(input.pulseId);
    const alliance = pulse ? store.alliances.get(pulse.allianceId) : undefined;
    if (!pulse || !alliance || alliance.teamId !== input.teamId) return notice(NOTICES.checkInStale);
    if (!isPulseOpen(pulse, input.now)) return closedNotice(pulse);
    if (!store.pulses.isInvitee(pulse.id, input.userId)) {
      return store.alliances.isMember(alliance.id, input.userId)
        ? notice(NOTICES.joinedAfterPulseOpened(alliance, nextPulseAt(alliance.id)))
        : notice(NOTICES.pulseNotForYou(alliance));
    }
    if (!pulse.anonymous) {
      const previous = store.pulses.namedResponse(pulse.id, input.userId);
      return { kind: 'view', view: checkInView(pulse, alliance, input.userId, undefined, previous) };
    }
    if (input.editKey) {
      const previous = keyedAnswer(pulse, input.editKey, input.userId);
      if (!previous) return notice(NOTICES.answerNotFound);
      return { kind: 'view', view: checkInView(pulse, alliance, input.userId, input.editKey, previous) };
    }
    if (store.pulses.hasParticipated(pulse.id, input.userId)) return notice(NOTICES.alreadyCheckedInAnonymous);
    return { kind: 'view', view: checkInView(pulse, alliance, input.userId, undefined, undefined) };
  }

  /** `/alliance checkin`: the open pulse of this channel's alliance, or when the next one opens. */
  function openCheckInForChannel(input: {
    teamId: string;
    userId: string;
    channelId: string;
    now: Date;
  }): Notice | { kind: 'view'; view: ModalView } {
    const alliance = liveAllianceIn(store, input.teamId, input.channelId);
    if ('kind' in alliance) return alliance;
    const pulse = store.pulses.openPulse(alliance.id);
    if (!pulse || !isPulseOpen(pulse, input.now)) {
      return notice(NOTICES.noOpenPulse(alliance, nextPulseAt(alliance.id), alliance.status === 'active'));
    }
    return openCheckIn({ teamId: input.teamId, userId: input.userId, pulseId: pulse.id, now: input.now });
  }

  /** A named answer: replaces the member's earlier one, if any. */
  function saveNamed(pulse: Pulse, userId: string, answers: CheckInAnswers): void {
    const existing = store.pulses.namedResponse(pulse.id, userId);
    if (existing) store.pulses.replaceResponse(existing.id, answers);
    else {
      store.pulses.insertResponse({
        id: newResponseId(pulse.id),
        pulseId: pulse.id,
        teamId: pulse.teamId,
        userId,
        editKeyHash: null,
        answers,
      });
    }
    store.pulses.recordParticipation(pulse.id, pulse.teamId, userId);
  }

  /**
   * An anonymous answer: sealed (see answer-sealer.ts) under the hash of an edit key that only the
   * member's DM button holds. What the database alone can tell is that they answered, never what.
   */
  function saveAnonymous(
    pulse: Pulse,
    userId: string,
    editKey: string | undefined,
    answers: CheckInAnswers,
  ): Notice | { editKey: string } {
    const { commitments: _own, ...anonymous } = answers;
    if (editKey) {
      const keyHash = keyHashOf(editKey, userId);
      if (store.pulses.replaceSealedAnswer(pulse.id, keyHash, sealer.seal(pulse.id, anonymous))) return { editKey };
      // An answer given before answers were sealed (a pulse open across the upgrade).
      const legacy = store.pulses.keyedResponse(pulse.id, keyHash, userId);
      if (!legacy) return notice(NOTICES.answerNotFound);
      store.pulses.replaceResponse(legacy.id, answers);
      return { editKey };
    }
    // Participation first, so a second concurrent submission is refused.
    if (!store.pulses.recordParticipation(pulse.id, pulse.teamId, userId)) return notice(NOTICES.alreadyCheckedIn);
    const key = newEditKey();
    store.pulses.insertSealedAnswer(pulse.id, pulse.teamId, keyHashOf(key, userId), sealer.seal(pulse.id, anonymous));
    return { editKey: key };
  }

  /** The member's pulse DMs say thanks (and, when anonymous, carry the edit key). */
  async function thankInDms(
    pulse: Pulse,
    alliance: Alliance,
    userId: string,
    editKey: string | undefined,
  ): Promise<void> {
    const thanks = buildPulseThanks({
      pulseId: pulse.id,
      allianceName: alliance.name,
      channelId: alliance.channelId,
      closesAt: pulse.closesAt,
      anonymous: pulse.anonymous,
      open: true,
      ...(editKey ? { editKey } : {}),
    });
    for (const kind of [DELIVERY_KINDS.pulseInvite, DELIVERY_KINDS.pulseReminder]) {
      const delivery = store.deliveries.find(kind, pulse.id, userId);
      if (delivery?.state !== 'sent' || !delivery.ts || !delivery.dmChannelId) continue;
      // Not logged with any id: in an anonymous pulse even "who just answered" stays out of logs.
      await gateway.update(
        alliance.teamId,
        { channel: delivery.dmChannelId, ts: delivery.ts },
        thanks,
        'check-in thanks',
      );
    }
  }

  type CheckInInput = {
    teamId: string;
    userId: string;
    pulseId: number;
    editKey?: string | undefined;
    form: CheckInForm;
    now: Date;
  };
  type Saved = { pulse: Pulse; alliance: Alliance; editKey?: string };

  /**
   * Inside the write transaction, from the first read to the last write: the pulse cannot close,
   * nor the member leave, between the checks and the save (another process may be ticking).
   */
  function checkAndSave(
    input: CheckInInput,
    record: (event: DomainEvent) => void,
  ): Saved | Notice | { kind: 'errors'; errors: Record<string, string> } {
    const pulse = store.pulses.get(input.pulseId);
    const alliance = pulse ? store.alliances.get(pulse.allianceId) : undefined;
    if (!pulse || !alliance || alliance.teamId !== input.teamId || !store.pulses.isInvitee(pulse.id, input.userId)) {
      return notice(NOTICES.checkInStaleNothingSaved);
    }
    if (!isPulseOpen(pulse, input.now)) return closedNotice(pulse);
    const checked = validateCheckIn(input.form, {
      aspects: getTemplate(alliance.templateId).aspects.map((a) => a.id),
      commitments: ownCommitments(pulse, input.userId).map((c) => c.promptId),
      reservations: store.agreements
        .reservations(alliance.id, 'open')
        .slice(0, 10)
        .map((r) => String(r.id)),
    });
    if (!checked.ok) return { kind: 'errors', errors: checked.errors };
    const { answers } = checked;
    store.pulses.saveCommitmentChecks(pulse.id, alliance.teamId, input.userId, answers.commitments);
    let outcome: Notice | { editKey?: string } = {};
    if (pulse.anonymous) outcome = saveAnonymous(pulse, input.userId, input.editKey, answers);
    else saveNamed(pulse, input.userId, answers);
    if ('kind' in outcome) return outcome;
    record({ type: 'checkedIn', allianceId: alliance.id, userId: input.userId });
    return { pulse, alliance, ...outcome };
  }

  /**
   * The check-in modal submitted: validated against what this member was asked, then saved. The
   * transaction is shared with the other answers that arrive in the same turn of the event loop (a
   * group commit): after a pulse many come at once, and the thanks still waits for the commit.
   */
  async function submitCheckIn(input: CheckInInput): Promise<SubmitResult> {
    const { value: saved, events } = await deps.events.groupCommit(input.now, (record) => checkAndSave(input, record));
    if ('kind' in saved) return saved;
    const { pulse, alliance, editKey } = saved;
    return {
      kind: 'update',
      view: buildCheckInDoneView(alliance.name, pulse.closesAt),
      after: async () => {
        await thankInDms(pulse, alliance, input.userId, editKey);
        await deps.events.publish(events, input.now);
      },
    };
  }

  return { openCheckIn, openCheckInForChannel, submitCheckIn };
}

export type CheckInService = ReturnType<typeof createCheckInService>;
