import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from '@slack/bolt';
import { commitmentsOf } from '../domain/agreement.js';
import { type Alliance, pulseSchedule } from '../domain/alliance.js';
import type { Job } from '../domain/job.js';
import type { Pulse } from '../domain/pulse.js';
import {
  type CheckInForm,
  isPulseOpen,
  planPulseRun,
  pulseWindow,
  summarizePulse,
  validateCheckIn,
} from '../domain/pulse.js';
import { nextOccurrence, occurrenceKey } from '../domain/schedule.js';
import { getTemplate } from '../domain/templates/index.js';
import { escapeText, type ModalView } from '../slack/blocks/kit.js';
import {
  buildCheckInDoneView,
  buildCheckInView,
  buildPulseClosedMessage,
  buildPulseInvitation,
  buildPulseReminder,
  buildPulseThanks,
  pulseClosedText,
} from '../slack/blocks/pulse.js';
import { type SlackClients, slackErrorCode } from '../slack/clients.js';
import type { Store } from '../store/index.js';
import type { Notice } from './notice.js';

export const PULSE_OPEN = 'pulse.open';
export const PULSE_REMIND = 'pulse.remind';
export const PULSE_CLOSE = 'pulse.close';
export const PULSE_INVITE = 'pulse_invite';
export const PULSE_REMINDER = 'pulse_reminder';

export interface PulseDeps {
  store: Store;
  clients: SlackClients;
  logger: Logger;
  /** Called after a pulse's results are frozen (renegotiation signals, digests). */
  onClosed?: (pulse: Pulse, alliance: Alliance, now: Date) => Promise<void>;
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');
const newEditKey = () => randomBytes(24).toString('base64url');
const newResponseId = () => randomBytes(12).toString('hex');

/** Pulses: scheduling, fan-out, the check-in modal, reminders and closing. */
export function createPulseService(deps: PulseDeps) {
  const { store } = deps;

  function nextPulseAt(allianceId: string): Date | null {
    return store.jobs.nextPending(allianceId, PULSE_OPEN)?.runAt ?? null;
  }

  /** Makes sure an active alliance has its next pulse scheduled (idempotent). */
  function ensureScheduled(alliance: Alliance, now: Date): void {
    if (alliance.status !== 'active' || alliance.activeVersionId === null) return;
    const schedule = pulseSchedule(alliance);
    store.jobs.scheduleIfNone({
      teamId: alliance.teamId,
      kind: PULSE_OPEN,
      subjectId: alliance.id,
      runAt: nextOccurrence(schedule, now),
      now,
    });
  }

  /** The schedule changed: drop the pending run and schedule from the new settings. */
  function reschedule(alliance: Alliance, now: Date): void {
    store.transaction(() => {
      store.jobs.cancelPending(alliance.id, PULSE_OPEN, now);
      ensureScheduled(alliance, now);
    });
  }

  /** Job `pulse.open`: opens the due pulse (or records it skipped after downtime) and schedules the next. */
  async function runOpen(job: Job, now: Date): Promise<void> {
    const alliance = store.alliances.get(job.subjectId);
    if (alliance?.status !== 'active' || alliance.activeVersionId === null) return;
    const schedule = pulseSchedule(alliance);
    const settings = alliance.settings.pulse;
    const plan = planPulseRun(schedule, settings, job.runAt, now);
    store.transaction(() => {
      for (const missed of plan.skipped) {
        const window = pulseWindow(missed, settings);
        store.pulses.create({
          teamId: alliance.teamId,
          allianceId: alliance.id,
          versionId: alliance.activeVersionId,
          periodKey: occurrenceKey(schedule, missed),
          scheduledAt: missed,
          opensAt: missed,
          closesAt: window.closesAt,
          remindAt: null,
          status: 'skipped',
          anonymous: alliance.settings.anonymous,
          threshold: alliance.settings.anonymityThreshold,
          now,
        });
      }
      if (plan.open) {
        const window = pulseWindow(plan.open, settings, now);
        const pulseId = store.pulses.create({
          teamId: alliance.teamId,
          allianceId: alliance.id,
          versionId: alliance.activeVersionId,
          periodKey: occurrenceKey(schedule, plan.open),
          scheduledAt: plan.open,
          opensAt: window.opensAt,
          closesAt: window.closesAt,
          remindAt: window.remindAt,
          status: 'open',
          anonymous: alliance.settings.anonymous,
          threshold: alliance.settings.anonymityThreshold,
          now,
        });
        if (pulseId !== null) {
          const members = store.alliances.members(alliance.id);
          store.pulses.addInvitees(pulseId, alliance.teamId, members);
          store.deliveries.enqueue({
            teamId: alliance.teamId,
            allianceId: alliance.id,
            kind: PULSE_INVITE,
            subjectId: pulseId,
            userIds: members,
            at: now,
            now,
          });
          store.jobs.schedule({
            teamId: alliance.teamId,
            kind: PULSE_CLOSE,
            subjectId: String(pulseId),
            runAt: window.closesAt,
            now,
          });
          if (window.remindAt)
            store.jobs.schedule({
              teamId: alliance.teamId,
              kind: PULSE_REMIND,
              subjectId: String(pulseId),
              runAt: window.remindAt,
              now,
            });
        }
      }
      store.jobs.schedule({ teamId: alliance.teamId, kind: PULSE_OPEN, subjectId: alliance.id, runAt: plan.next, now });
    });
    if (plan.skipped.length > 0)
      deps.logger.info(
        `alliance ${alliance.id}: ${plan.skipped.length} pulse(s) missed while down, recorded as skipped`,
      );
  }

  /** Job `pulse.remind`: one reminder to each invitee who has not answered and is still a member. */
  async function runRemind(job: Job, now: Date): Promise<void> {
    const pulse = store.pulses.get(Number(job.subjectId));
    if (!pulse || !isPulseOpen(pulse, now)) return;
    const members = new Set(store.alliances.members(pulse.allianceId));
    const silent = store.pulses.silentInvitees(pulse.id).filter((u) => members.has(u));
    store.deliveries.enqueue({
      teamId: pulse.teamId,
      allianceId: pulse.allianceId,
      kind: PULSE_REMINDER,
      subjectId: pulse.id,
      userIds: silent,
      at: now,
      now,
    });
  }

  /** Job `pulse.close`: closes the pulse and freezes its figures. */
  async function runClose(job: Job, now: Date): Promise<void> {
    const pulse = store.pulses.get(Number(job.subjectId));
    const alliance = pulse ? store.alliances.get(pulse.allianceId) : undefined;
    if (!pulse || !alliance || pulse.status !== 'open') return;
    const template = getTemplate(alliance.templateId);
    const closed = store.transaction(() => {
      const results = summarizePulse({
        invited: store.pulses.invitees(pulse.id).length,
        aspects: template.aspects.map((a) => a.id),
        responses: store.pulses.responsesForResults(pulse.id),
        commitmentChecks: store.pulses.commitmentChecks(pulse.id),
      });
      store.deliveries.cancelPending(PULSE_REMINDER, pulse.id);
      store.deliveries.cancelPending(PULSE_INVITE, pulse.id);
      return store.pulses.close(pulse.id, results, now);
    });
    const frozen = store.pulses.get(pulse.id);
    if (!closed || !frozen) return;
    await retireMessages(frozen, alliance);
    if (deps.onClosed) await deps.onClosed(frozen, alliance, now);
  }

  /**
   * Once a pulse closes, its DMs lose their buttons: "Check in" could no longer work, and an
   * anonymous member's edit key has no reason to stay in Slack.
   */
  async function retireMessages(pulse: Pulse, alliance: Alliance): Promise<void> {
    const client = deps.clients.forTeam(alliance.teamId);
    const answered = new Set(store.pulses.participants(pulse.id));
    const next = nextPulseAt(alliance.id);
    for (const kind of [PULSE_INVITE, PULSE_REMINDER]) {
      for (const delivery of store.deliveries.forSubject(kind, pulse.id)) {
        if (delivery.state !== 'sent' || !delivery.ts || !delivery.dmChannelId) continue;
        const message = buildPulseClosedMessage({
          pulseId: pulse.id,
          allianceName: alliance.name,
          channelId: alliance.channelId,
          closesAt: pulse.closesAt,
          anonymous: pulse.anonymous,
          answered: answered.has(delivery.userId),
          nextOpensAt: next,
        });
        try {
          await client.chat.update({ channel: delivery.dmChannelId, ts: delivery.ts, ...message });
        } catch (error) {
          deps.logger.warn('pulse: could not update a closed pulse message:', slackErrorCode(error) ?? 'error');
        }
      }
    }
  }

  function messageModel(pulse: Pulse) {
    const alliance = store.alliances.get(pulse.allianceId);
    return alliance
      ? {
          pulseId: pulse.id,
          allianceName: alliance.name,
          channelId: alliance.channelId,
          closesAt: pulse.closesAt,
          anonymous: pulse.anonymous,
        }
      : null;
  }

  /** Outbox renderers: nothing once the pulse closed, or (reminders) once the member answered. */
  function renderInvitation(pulseId: number, userId: string, now: Date) {
    const pulse = store.pulses.get(pulseId);
    if (!pulse || !isPulseOpen(pulse, now) || !store.alliances.isMember(pulse.allianceId, userId)) return null;
    const model = messageModel(pulse);
    return model ? buildPulseInvitation(model) : null;
  }

  function renderReminder(pulseId: number, userId: string, now: Date) {
    const pulse = store.pulses.get(pulseId);
    if (
      !pulse ||
      !isPulseOpen(pulse, now) ||
      store.pulses.hasParticipated(pulseId, userId) ||
      !store.alliances.isMember(pulse.allianceId, userId)
    )
      return null;
    const model = messageModel(pulse);
    return model ? buildPulseReminder(model) : null;
  }

  function closedNotice(pulse: Pulse): Notice {
    return { kind: 'notice', text: pulseClosedText(pulse.closedAt ?? pulse.closesAt, nextPulseAt(pulse.allianceId)) };
  }

  function checkInView(
    pulse: Pulse,
    alliance: Alliance,
    userId: string,
    editKey: string | undefined,
    previous: ReturnType<typeof store.pulses.namedResponse>,
  ): ModalView {
    const template = getTemplate(alliance.templateId);
    const version = pulse.versionId ? store.agreements.version(pulse.versionId) : undefined;
    const commitments = version ? commitmentsOf(version.content).filter((c) => c.userId === userId) : [];
    return buildCheckInView({
      pulseId: pulse.id,
      ...(editKey ? { editKey } : {}),
      allianceName: alliance.name,
      closesAt: pulse.closesAt,
      anonymous: pulse.anonymous,
      aspects: template.aspects,
      commitments: commitments.map((c) => ({ promptId: c.promptId, text: c.text })),
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
    if (!pulse || !alliance || alliance.teamId !== input.teamId) {
      return {
        kind: 'notice',
        text: 'This check-in is out of date. Use `/alliance checkin` in the alliance’s channel to find the open pulse.',
      };
    }
    if (!isPulseOpen(pulse, input.now)) return closedNotice(pulse);
    if (!store.pulses.isInvitee(pulse.id, input.userId)) {
      if (store.alliances.isMember(alliance.id, input.userId)) {
        const next = nextPulseAt(alliance.id);
        return {
          kind: 'notice',
          text: `You joined *${escapeText(alliance.name)}* after this pulse opened, so your first one is the next${next ? ` (it opens <!date^${Math.floor(next.getTime() / 1000)}^{date_short_pretty} at {time}|soon>)` : ''}.`,
        };
      }
      return {
        kind: 'notice',
        text: `This pulse is for the members of *${escapeText(alliance.name)}*, and you are not one of them.`,
      };
    }
    if (pulse.anonymous) {
      if (input.editKey) {
        const previous = store.pulses.keyedResponse(pulse.id, hashKey(input.editKey), input.userId);
        if (!previous)
          return {
            kind: 'notice',
            text: 'That answer could not be found, so nothing was changed. Use the most recent *Edit my answer* button I sent you.',
          };
        return { kind: 'view', view: checkInView(pulse, alliance, input.userId, input.editKey, previous) };
      }
      if (store.pulses.hasParticipated(pulse.id, input.userId)) {
        return {
          kind: 'notice',
          text: 'You have already checked in on this pulse. To change your answer, use *Edit my answer* in the message I sent you; only that button can find your anonymous answer.',
        };
      }
      return { kind: 'view', view: checkInView(pulse, alliance, input.userId, undefined, undefined) };
    }
    return {
      kind: 'view',
      view: checkInView(pulse, alliance, input.userId, undefined, store.pulses.namedResponse(pulse.id, input.userId)),
    };
  }

  /** `/alliance checkin`: the open pulse of this channel's alliance, or when the next one opens. */
  function openCheckInForChannel(input: {
    teamId: string;
    userId: string;
    channelId: string;
    now: Date;
  }): Notice | { kind: 'view'; view: ModalView } {
    const alliance = store.alliances.liveInChannel(input.teamId, input.channelId);
    if (!alliance)
      return { kind: 'notice', text: 'This channel has no alliance yet. Start one with `/alliance start`.' };
    const pulse = store.pulses.openPulse(alliance.id);
    if (!pulse || !isPulseOpen(pulse, input.now)) {
      const next = nextPulseAt(alliance.id);
      const when = next
        ? `The next one opens <!date^${Math.floor(next.getTime() / 1000)}^{date_short_pretty} at {time}|soon>.`
        : alliance.status === 'active'
          ? ''
          : 'Pulses start once everyone has agreed to the agreement.';
      return { kind: 'notice', text: `No pulse is open for *${escapeText(alliance.name)}* right now. ${when}`.trim() };
    }
    return openCheckIn({ teamId: input.teamId, userId: input.userId, pulseId: pulse.id, now: input.now });
  }

  type SubmitResult =
    | { kind: 'errors'; errors: Record<string, string> }
    | { kind: 'update'; view: ModalView; after?: () => Promise<void> };

  function submitCheckIn(input: {
    teamId: string;
    userId: string;
    pulseId: number;
    editKey?: string | undefined;
    form: CheckInForm;
    now: Date;
  }): SubmitResult | Notice {
    const pulse = store.pulses.get(input.pulseId);
    const alliance = pulse ? store.alliances.get(pulse.allianceId) : undefined;
    if (!pulse || !alliance || alliance.teamId !== input.teamId || !store.pulses.isInvitee(pulse.id, input.userId)) {
      return {
        kind: 'notice',
        text: 'This check-in is out of date, so nothing was saved. Use `/alliance checkin` in the alliance’s channel.',
      };
    }
    if (!isPulseOpen(pulse, input.now)) return closedNotice(pulse);
    const template = getTemplate(alliance.templateId);
    const version = pulse.versionId ? store.agreements.version(pulse.versionId) : undefined;
    const ownCommitments = version
      ? commitmentsOf(version.content)
          .filter((c) => c.userId === input.userId)
          .map((c) => c.promptId)
      : [];
    const openReservations = store.agreements
      .reservations(alliance.id, 'open')
      .slice(0, 10)
      .map((r) => String(r.id));
    const checked = validateCheckIn(input.form, {
      aspects: template.aspects.map((a) => a.id),
      commitments: ownCommitments,
      reservations: openReservations,
    });
    if (!checked.ok) return { kind: 'errors', errors: checked.errors };
    const { answers } = checked;

    const saved = store.transaction((): Notice | { editKey?: string } => {
      store.pulses.saveCommitmentChecks(pulse.id, alliance.teamId, input.userId, answers.commitments);
      if (!pulse.anonymous) {
        const existing = store.pulses.namedResponse(pulse.id, input.userId);
        if (existing) store.pulses.replaceResponse(existing.id, answers);
        else
          store.pulses.insertResponse({
            id: newResponseId(),
            pulseId: pulse.id,
            teamId: alliance.teamId,
            userId: input.userId,
            editKeyHash: null,
            answers,
          });
        store.pulses.recordParticipation(pulse.id, alliance.teamId, input.userId);
        return {};
      }
      if (input.editKey) {
        const existing = store.pulses.keyedResponse(pulse.id, hashKey(input.editKey), input.userId);
        if (!existing)
          return {
            kind: 'notice',
            text: 'That answer could not be found, so nothing was changed. Use the most recent *Edit my answer* button I sent you.',
          };
        store.pulses.replaceResponse(existing.id, answers);
        return { editKey: input.editKey };
      }
      // First anonymous answer: participation first, so a second concurrent submission is refused.
      if (!store.pulses.recordParticipation(pulse.id, alliance.teamId, input.userId)) {
        return {
          kind: 'notice',
          text: 'You have already checked in on this pulse. To change your answer, use *Edit my answer* in the message I sent you.',
        };
      }
      const editKey = newEditKey();
      store.pulses.insertResponse({
        id: newResponseId(),
        pulseId: pulse.id,
        teamId: alliance.teamId,
        userId: null,
        editKeyHash: hashKey(editKey),
        answers,
      });
      return { editKey };
    });
    if ('kind' in saved) return saved;

    const after = async () => {
      const thanks = buildPulseThanks({
        pulseId: pulse.id,
        allianceName: alliance.name,
        channelId: alliance.channelId,
        closesAt: pulse.closesAt,
        anonymous: pulse.anonymous,
        open: true,
        ...(saved.editKey ? { editKey: saved.editKey } : {}),
      });
      const client = deps.clients.forTeam(alliance.teamId);
      for (const kind of [PULSE_INVITE, PULSE_REMINDER]) {
        const delivery = store.deliveries.find(kind, pulse.id, input.userId);
        if (delivery?.state !== 'sent' || !delivery.ts || !delivery.dmChannelId) continue;
        try {
          await client.chat.update({ channel: delivery.dmChannelId, ts: delivery.ts, ...thanks });
        } catch (error) {
          // Not logged with any id: in an anonymous pulse even "who just answered" stays out of logs.
          deps.logger.warn('pulse: could not update a check-in message:', slackErrorCode(error) ?? 'error');
        }
      }
    };
    return { kind: 'update', view: buildCheckInDoneView(alliance.name, pulse.closesAt), after };
  }

  return {
    nextPulseAt,
    ensureScheduled,
    reschedule,
    runOpen,
    runRemind,
    runClose,
    renderInvitation,
    renderReminder,
    openCheckIn,
    openCheckInForChannel,
    submitCheckIn,
  };
}

export type PulseService = ReturnType<typeof createPulseService>;
