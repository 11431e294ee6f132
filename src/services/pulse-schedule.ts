import { randomInt } from 'node:crypto';
import type { Logger } from '@slack/bolt';
import { type Alliance, pulseSchedule } from '../domain/alliance.js';
import { DELIVERY_KINDS } from '../domain/delivery.js';
import { shuffled } from '../domain/digest.js';
import { JOB_KINDS, type Job } from '../domain/job.js';
import {
  isPulseOpen,
  type Pulse,
  planPulseRun,
  pulseWindow,
  type ResponseForResults,
  summarizePulse,
} from '../domain/pulse.js';
import { nextOccurrence, occurrenceKey } from '../domain/schedule.js';
import { getTemplate } from '../domain/templates/index.js';
import type { Metrics } from '../metrics.js';
import { buildPulseClosedMessage } from '../slack/blocks/pulse.js';
import type { SlackGateway } from '../slack/gateway.js';
import type { Store } from '../store/index.js';
import type { AnswerSealer } from './answer-sealer.js';
import type { Events } from './events.js';

export interface PulseScheduleDeps {
  store: Store;
  gateway: SlackGateway;
  events: Events;
  logger: Logger;
  sealer: AnswerSealer;
  /** Counts pulses opened and closed for the operator. */
  metrics?: Metrics;
}

/** Pulses over time: scheduling, opening with the invitations, the reminder, and closing. */
export function createPulseScheduleService(deps: PulseScheduleDeps) {
  const { store, gateway } = deps;

  function nextPulseAt(allianceId: string): Date | null {
    return store.jobs.nextPending(allianceId, JOB_KINDS.pulseOpen)?.runAt ?? null;
  }

  /** Inside a transaction: an active alliance has its next pulse scheduled (idempotent). */
  function ensureScheduled(allianceId: string, now: Date): void {
    const alliance = store.alliances.get(allianceId);
    if (alliance?.status !== 'active' || alliance.activeVersionId === null) return;
    store.jobs.scheduleIfNone({
      teamId: alliance.teamId,
      kind: JOB_KINDS.pulseOpen,
      subjectId: alliance.id,
      runAt: nextOccurrence(pulseSchedule(alliance), now),
      now,
    });
  }

  /** Inside a transaction: the schedule changed, so the pending run is replaced by one from the new settings. */
  function reschedule(allianceId: string, now: Date): void {
    store.jobs.cancelPending(allianceId, JOB_KINDS.pulseOpen, now);
    ensureScheduled(allianceId, now);
  }

  /** Records each pulse missed while the app was down as skipped, so history shows the gap. */
  function recordSkipped(alliance: Alliance, versionId: number, missed: readonly Date[], now: Date): void {
    const schedule = pulseSchedule(alliance);
    for (const at of missed) {
      const window = pulseWindow(at, alliance.settings.pulse);
      store.pulses.create({
        teamId: alliance.teamId,
        allianceId: alliance.id,
        versionId,
        periodKey: occurrenceKey(schedule, at),
        scheduledAt: at,
        opensAt: at,
        closesAt: window.closesAt,
        remindAt: null,
        status: 'skipped',
        anonymous: alliance.settings.anonymous,
        threshold: alliance.settings.anonymityThreshold,
        visibility: alliance.settings.visibility,
        now,
      });
    }
  }

  /** Opens a pulse: its row, its invitees, their invitations, and its reminder and close jobs. */
  function openPulse(alliance: Alliance, versionId: number, at: Date, now: Date): number | null {
    const window = pulseWindow(at, alliance.settings.pulse, now);
    const pulseId = store.pulses.create({
      teamId: alliance.teamId,
      allianceId: alliance.id,
      versionId,
      periodKey: occurrenceKey(pulseSchedule(alliance), at),
      scheduledAt: at,
      opensAt: window.opensAt,
      closesAt: window.closesAt,
      remindAt: window.remindAt,
      status: 'open',
      anonymous: alliance.settings.anonymous,
      threshold: alliance.settings.anonymityThreshold,
      visibility: alliance.settings.visibility,
      now,
    });
    if (pulseId === null) return null;
    const { teamId } = alliance;
    const members = store.alliances.members(alliance.id);
    store.pulses.addInvitees(pulseId, teamId, members);
    store.deliveries.enqueue({
      teamId,
      allianceId: alliance.id,
      kind: DELIVERY_KINDS.pulseInvite,
      subjectId: pulseId,
      userIds: members,
      at: now,
      now,
    });
    store.jobs.schedule({
      teamId,
      kind: JOB_KINDS.pulseClose,
      subjectId: String(pulseId),
      runAt: window.closesAt,
      now,
    });
    if (window.remindAt) {
      store.jobs.schedule({
        teamId,
        kind: JOB_KINDS.pulseRemind,
        subjectId: String(pulseId),
        runAt: window.remindAt,
        now,
      });
    }
    return pulseId;
  }

  /** Job `pulse.open`: opens the due pulse (or records it skipped after downtime) and schedules the next. */
  async function runOpen(job: Job, now: Date): Promise<void> {
    const alliance = store.alliances.get(job.subjectId);
    if (alliance?.status !== 'active' || alliance.activeVersionId === null) return;
    const versionId = alliance.activeVersionId;
    const plan = planPulseRun(pulseSchedule(alliance), alliance.settings.pulse, job.runAt, now);
    const { events } = deps.events.transaction(now, (record) => {
      recordSkipped(alliance, versionId, plan.skipped, now);
      const pulseId = plan.open ? openPulse(alliance, versionId, plan.open, now) : null;
      if (pulseId !== null) record({ type: 'pulseOpened', allianceId: alliance.id, pulseId });
      store.jobs.schedule({
        teamId: alliance.teamId,
        kind: JOB_KINDS.pulseOpen,
        subjectId: alliance.id,
        runAt: plan.next,
        now,
      });
    });
    if (events.some((e) => e.type === 'pulseOpened')) deps.metrics?.pulseOpened();
    if (plan.skipped.length > 0) {
      deps.logger.info(
        `alliance ${alliance.id}: ${plan.skipped.length} pulse(s) missed while down, recorded as skipped`,
      );
    }
    await deps.events.publish(events, now);
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
      kind: DELIVERY_KINDS.pulseReminder,
      subjectId: pulse.id,
      userIds: silent,
      at: now,
      now,
    });
  }

  /** An anonymous pulse's answers, opened from their seals; ones that cannot be opened are counted, not guessed. */
  function openedAnswers(pulse: Pulse): { responses: ResponseForResults[]; unreadable: number } {
    const responses = store.pulses.responsesForResults(pulse.id);
    let unreadable = 0;
    for (const sealed of store.pulses.sealedAnswers(pulse.id)) {
      const answers = deps.sealer.open(pulse.id, sealed);
      if (answers) responses.push(answers);
      else unreadable++;
    }
    return { responses, unreadable };
  }

  /**
   * Job `pulse.close`: closes the pulse and freezes its figures; its DMs lose their buttons. An
   * anonymous pulse then keeps only its figures: the sealed answers and who answered are deleted
   * (overwritten: secure_delete) and the WAL is emptied, so the files hold no trace of who said what.
   */
  async function runClose(job: Job, now: Date): Promise<void> {
    await closePulse(Number(job.subjectId), now);
  }

  async function closePulse(pulseId: number, now: Date): Promise<void> {
    const pulse = store.pulses.get(pulseId);
    const alliance = pulse ? store.alliances.get(pulse.allianceId) : undefined;
    if (!pulse || !alliance || pulse.status !== 'open') return;
    const template = getTemplate(alliance.templateId);
    const { value: closed, events } = deps.events.transaction(now, (record) => {
      const { responses, unreadable } = pulse.anonymous
        ? openedAnswers(pulse)
        : { responses: store.pulses.responsesForResults(pulse.id), unreadable: 0 };
      if (unreadable > 0) {
        deps.logger.warn(`pulse ${pulse.id}: ${unreadable} sealed answer(s) could not be opened (the secret changed?)`);
      }
      const results = summarizePulse({
        invited: store.pulses.invitees(pulse.id).length,
        aspects: template.aspects.map((a) => a.id),
        // In no particular order, so the frozen comments do not line up with anything.
        responses: pulse.anonymous ? shuffled(responses, randomInt(2 ** 31)) : responses,
        commitmentChecks: store.pulses.commitmentChecks(pulse.id),
      });
      store.deliveries.cancelPending(DELIVERY_KINDS.pulseReminder, pulse.id);
      store.deliveries.cancelPending(DELIVERY_KINDS.pulseInvite, pulse.id);
      const answered = new Set(store.pulses.participants(pulse.id));
      if (!store.pulses.close(pulse.id, results, now)) return null;
      if (pulse.anonymous) store.pulses.forgetAnonymousAnswers(pulse.id);
      record({ type: 'pulseClosed', allianceId: alliance.id, pulseId: pulse.id });
      return { answered };
    });
    const frozen = store.pulses.get(pulse.id);
    if (!closed || !frozen) return;
    deps.metrics?.pulseClosed();
    if (pulse.anonymous) store.truncateWal();
    await retireMessages(frozen, alliance, closed.answered);
    await deps.events.publish(events, now);
  }

  /**
   * Once a pulse closes, its DMs lose their buttons: "Check in" could no longer work, and an
   * anonymous member's edit key has no reason to stay in Slack.
   */
  async function retireMessages(pulse: Pulse, alliance: Alliance, answered: ReadonlySet<string>): Promise<void> {
    const next = nextPulseAt(alliance.id);
    for (const kind of [DELIVERY_KINDS.pulseInvite, DELIVERY_KINDS.pulseReminder]) {
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
        // No ids in the log: in an anonymous pulse even "whose message" stays out of logs.
        await gateway.update(
          alliance.teamId,
          { channel: delivery.dmChannelId, ts: delivery.ts },
          message,
          'pulse closed',
        );
      }
    }
  }

  /** Atomic: an archived alliance schedules no more pulses. */
  function cancelSchedule(allianceId: string, now: Date): void {
    store.jobs.cancelPending(allianceId, JOB_KINDS.pulseOpen, now);
  }

  /** An archived alliance's open pulse closes now (its reminder and close jobs are dropped). */
  async function closeOpenPulse(allianceId: string, now: Date): Promise<void> {
    const pulse = store.pulses.openPulse(allianceId);
    if (!pulse) return;
    store.jobs.cancelPending(String(pulse.id), JOB_KINDS.pulseRemind, now);
    store.jobs.cancelPending(String(pulse.id), JOB_KINDS.pulseClose, now);
    await closePulse(pulse.id, now);
  }

  return {
    cancelSchedule,
    closeOpenPulse,
    nextPulseAt,
    ensureScheduled,
    reschedule,
    runOpen,
    runRemind,
    runClose,
  };
}

export type PulseScheduleService = ReturnType<typeof createPulseScheduleService>;
