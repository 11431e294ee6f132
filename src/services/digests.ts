import { DateTime } from 'luxon';
import { type Alliance, digestSchedule } from '../domain/alliance.js';
import { chartInput, computeDigestFigures, type DigestFigures } from '../domain/digest.js';
import { buildTrendChartSvg } from '../domain/digest-chart.js';
import { JOB_KINDS, type Job } from '../domain/job.js';
import { frozenHistory } from '../domain/pulse.js';
import { latestOccurrenceAtOrBefore, nextOccurrence, occurrenceKey } from '../domain/schedule.js';
import { getTemplate } from '../domain/templates/index.js';
import { type Audience, heldFromChannel } from '../domain/visibility.js';
import { renderPng } from '../render/png.js';
import {
  buildDigestMessages,
  buildDigestReadyMessage,
  buildDigestThreadEmptied,
  buildDigestView,
} from '../slack/blocks/digest.js';
import { type Block, type ModalView, slackDate } from '../slack/blocks/kit.js';
import type { SlackGateway } from '../slack/gateway.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';
import { liveAllianceIn, refusal } from './access.js';
import type { AgreementPublisher } from './agreement-publisher.js';

/** Enough history for the 12-pulse chart and a celebration streak of up to 12. */
const HISTORY = 24;
/** `/alliance digest post` shares the digest at most this often per alliance. */
const MANUAL_POST_EVERY_MS = 60 * 60_000;

export interface DigestDeps {
  store: Store;
  gateway: SlackGateway;
  publisher: AgreementPublisher;
}

/** The weekly digest: scheduled posts, the on-demand preview, and `/alliance digest post`. */
export function createDigestService(deps: DigestDeps) {
  const { store, gateway } = deps;

  const nextPulseAt = (allianceId: string) => store.jobs.nextPending(allianceId, JOB_KINDS.pulseOpen)?.runAt ?? null;

  /** Inside a transaction: an active alliance has its next digest scheduled (idempotent). */
  function ensureScheduled(allianceId: string, now: Date): void {
    const alliance = store.alliances.get(allianceId);
    if (alliance?.status !== 'active') return;
    store.jobs.scheduleIfNone({
      teamId: alliance.teamId,
      kind: JOB_KINDS.digestPost,
      subjectId: alliance.id,
      runAt: nextOccurrence(digestSchedule(alliance), now),
      now,
    });
  }

  /** Inside a transaction: the pending digest is replaced by one at the (maybe new) digest time. */
  function reschedule(allianceId: string, now: Date): void {
    store.jobs.cancelPending(allianceId, JOB_KINDS.digestPost, now);
    ensureScheduled(allianceId, now);
  }

  /** Atomic: an archived alliance gets no more digests. */
  function cancel(allianceId: string, now: Date): void {
    store.jobs.cancelPending(allianceId, JOB_KINDS.digestPost, now);
  }

  /** The figures this audience may see; `asOfPulseId`: as a digest about that pulse showed them. */
  function figuresFor(alliance: Alliance, audience: Audience, asOfPulseId?: number): DigestFigures {
    const closed =
      asOfPulseId === undefined
        ? store.pulses.closedPulses(alliance.id, HISTORY)
        : store.pulses.closedPulsesUpTo(alliance.id, asOfPulseId, HISTORY);
    return computeDigestFigures({
      pulses: frozenHistory(closed, alliance.settings),
      aspects: getTemplate(alliance.templateId).aspects,
      visibility: alliance.settings.visibility,
      audience,
      celebration: alliance.settings.celebration,
      openReservationIds: store.agreements.reservations(alliance.id, 'open').map((r) => r.id),
      label: (at) => DateTime.fromJSDate(at, { zone: alliance.settings.timeZone }).toFormat('LLL d'),
    });
  }

  async function modelFor(alliance: Alliance, figures: DigestFigures, viewerId: string | null) {
    const streakKey = figures.celebration.streakKey;
    const celebrate =
      figures.celebration.met && streakKey !== null && !store.digests.wasCelebrated(alliance.id, streakKey);
    const version = alliance.activeVersionId;
    const link = version !== null ? await deps.publisher.permalinkFor(version, viewerId ?? '') : null;
    const openFlags = store.flags.unresolved(alliance.id).map((f) => ({
      kind: f.kind,
      state: f.state as 'open' | 'snoozed' | 'renegotiating',
      createdAt: f.createdAt,
      snoozedUntil: f.snoozedUntil,
    }));
    const model = {
      allianceName: alliance.name,
      figures,
      celebrate,
      nextPulseAt: nextPulseAt(alliance.id),
      agreementLink: link,
      openFlags,
    };
    return { celebrate, model };
  }

  /** The 12-pulse trend chart, uploaded into the digest's thread. */
  async function uploadChart(alliance: Alliance, figures: DigestFigures, at: { channel: string; ts: string }) {
    const count = figures.pulseLabels.length;
    const png = renderPng(buildTrendChartSvg(chartInput(`${alliance.name}: the last ${count} pulses`, figures)));
    // The text trend in the thread stands on its own; a failed upload is logged, not fatal.
    await gateway.upload(
      alliance.teamId,
      {
        channel: at.channel,
        threadTs: at.ts,
        file: png,
        filename: 'alliance-trend.png',
        title: `Trend of the last ${count} pulses`,
        altText: `Line chart of each part's average over the last ${count} pulses`,
      },
      `alliance ${alliance.id}: uploading the trend chart`,
    );
  }

  /**
   * Posts a digest in the channel, its details and trend chart in the thread. A members-only
   * alliance's channel only hears that it is ready; members see it privately.
   */
  async function post(alliance: Alliance, digestId: number, now: Date): Promise<void> {
    const context = `alliance ${alliance.id}: posting the digest`;
    if (heldFromChannel(alliance.settings.visibility)) {
      const ready = buildDigestReadyMessage({ allianceId: alliance.id, allianceName: alliance.name });
      const posted = await gateway.post(alliance.teamId, { channel: alliance.channelId, ...ready }, context);
      if (!posted.ok) throw new Error(`${context} failed: ${posted.error}`);
      store.digests.setMessage(digestId, posted.channel, posted.ts);
      return;
    }
    const figures = figuresFor(alliance, 'channel');
    const { model, celebrate } = await modelFor(alliance, figures, null);
    const { main, thread } = buildDigestMessages(model);
    const posted = await gateway.post(alliance.teamId, { channel: alliance.channelId, ...main }, context);
    // Thrown so the scheduled job is retried.
    if (!posted.ok) throw new Error(`${context} failed: ${posted.error}`);
    store.digests.setMessage(digestId, posted.channel, posted.ts);
    const streakKey = figures.celebration.streakKey;
    if (celebrate && streakKey) store.digests.celebrate(alliance.id, alliance.teamId, streakKey, digestId, now);
    if (!thread) return;
    const reply = await gateway.post(
      alliance.teamId,
      { channel: posted.channel, threadTs: posted.ts, ...thread },
      `${context} thread`,
    );
    if (reply.ok) store.digests.setThread(digestId, reply.ts);
    if (figures.latest && figures.pulseLabels.length > 0) await uploadChart(alliance, figures, posted);
  }

  /**
   * Job `digest.post`. After downtime only the latest missed digest is posted, once: the period
   * key of the latest occurrence is claimed in the digests table before anything is sent.
   */
  async function runScheduled(job: Job, now: Date): Promise<void> {
    const alliance = store.alliances.get(job.subjectId);
    if (alliance?.status !== 'active') return;
    const schedule = digestSchedule(alliance);
    const occurrence = latestOccurrenceAtOrBefore(schedule, now);
    store.jobs.schedule({
      teamId: alliance.teamId,
      kind: JOB_KINDS.digestPost,
      subjectId: alliance.id,
      runAt: nextOccurrence(schedule, now),
      now,
    });
    if (!occurrence || occurrence.getTime() < job.runAt.getTime()) return;
    const figures = figuresFor(alliance, 'channel');
    const digestId = store.digests.begin({
      teamId: alliance.teamId,
      allianceId: alliance.id,
      kind: 'scheduled',
      periodKey: occurrenceKey(schedule, occurrence),
      pulseId: figures.latest?.pulseId ?? null,
      postedBy: null,
      now,
    });
    if (digestId === null) return;
    await post(alliance, digestId, now);
  }

  /** `/alliance digest` (a private preview) and `/alliance digest post` (members share it). */
  async function onDemand(input: {
    teamId: string;
    userId: string;
    channelId: string;
    post: boolean;
    now: Date;
  }): Promise<Notice | { kind: 'preview'; text: string; blocks: Block[] }> {
    const alliance = liveAllianceIn(store, input.teamId, input.channelId);
    if ('kind' in alliance) return alliance;
    const refused = refusal(store, alliance, input.userId, input.post ? 'post-digest' : 'see-digest');
    if (refused) return refused;
    if (alliance.status !== 'active') return notice(NOTICES.stillDesigning(alliance));
    if (input.post) return postOnDemand(alliance, input.userId, input.now);
    const audience: Audience = store.alliances.isMember(alliance.id, input.userId) ? 'member' : 'non-member';
    const { model } = await modelFor(alliance, figuresFor(alliance, audience), input.userId);
    const { main, thread } = buildDigestMessages(model);
    // A preview is one ephemeral message: the main post, then the details, within 50 blocks.
    const blocks = [...main.blocks, ...(thread ? thread.blocks : [])].slice(0, 50);
    return { kind: 'preview', text: main.text, blocks };
  }

  /** `/alliance digest post`: at most once an hour per alliance, so the channel is not flooded. */
  async function postOnDemand(alliance: Alliance, userId: string, now: Date): Promise<Notice> {
    const last = store.digests.lastManualPostAt(alliance.id);
    if (last && now.getTime() - last.getTime() < MANUAL_POST_EVERY_MS) {
      return notice(
        NOTICES.digestPostedRecently(slackDate(last), slackDate(new Date(last.getTime() + MANUAL_POST_EVERY_MS))),
      );
    }
    const digestId = store.digests.begin({
      teamId: alliance.teamId,
      allianceId: alliance.id,
      kind: 'manual',
      periodKey: null,
      pulseId: figuresFor(alliance, 'channel').latest?.pulseId ?? null,
      postedBy: userId,
      now,
    });
    if (digestId === null) return notice(NOTICES.digestNotRecorded);
    await post(alliance, digestId, now);
    return notice(heldFromChannel(alliance.settings.visibility) ? NOTICES.digestReadyPosted : NOTICES.digestPosted);
  }

  /** "See the digest" on a members-only alliance's channel post: the digest, privately, to a member. */
  async function viewPrivately(input: {
    teamId: string;
    userId: string;
    allianceId: string;
  }): Promise<Notice | { kind: 'view'; view: ModalView }> {
    const alliance = store.alliances.get(input.allianceId);
    if (!alliance || alliance.teamId !== input.teamId) return notice(NOTICES.stale);
    const refused = refusal(store, alliance, input.userId, 'see-details');
    if (refused) return refused;
    const { model } = await modelFor(alliance, figuresFor(alliance, 'member'), input.userId);
    return { kind: 'view', view: buildDigestView(model) };
  }

  /**
   * Every digest thread posted in the channel (or those about `onlyAbout`'s pulses), rendered again
   * as of its own pulse from the store: after a member was forgotten, or comments passed the
   * workspace's retention, the words are no longer quoted there.
   */
  async function rerenderThreads(allianceId: string, onlyAbout?: readonly number[]): Promise<void> {
    const alliance = store.alliances.get(allianceId);
    if (!alliance) return;
    for (const digest of store.digests.all(allianceId)) {
      if (!digest.channelId || !digest.threadTs || digest.pulseId === null) continue;
      if (onlyAbout && !onlyAbout.includes(digest.pulseId)) continue;
      const figures = figuresFor(alliance, 'channel', digest.pulseId);
      const { thread } = buildDigestMessages((await modelFor(alliance, figures, null)).model);
      await gateway.update(
        alliance.teamId,
        { channel: digest.channelId, ts: digest.threadTs },
        thread ?? buildDigestThreadEmptied(),
        `alliance ${alliance.id}: re-rendering a digest's thread`,
      );
    }
  }

  return { ensureScheduled, reschedule, cancel, runScheduled, onDemand, viewPrivately, figuresFor, rerenderThreads };
}

export type DigestService = ReturnType<typeof createDigestService>;
