import type { Logger } from '@slack/bolt';
import { DateTime } from 'luxon';
import { type Alliance, digestSchedule } from '../domain/alliance.js';
import { chartInput, computeDigestFigures, type DigestFigures } from '../domain/digest.js';
import { buildTrendChartSvg } from '../domain/digest-chart.js';
import type { Job } from '../domain/job.js';
import { latestOccurrenceAtOrBefore, nextOccurrence, occurrenceKey } from '../domain/schedule.js';
import { effectiveThreshold } from '../domain/signals.js';
import { getTemplate } from '../domain/templates/index.js';
import { renderPng } from '../render/png.js';
import { buildDigestMessages } from '../slack/blocks/digest.js';
import { escapeText } from '../slack/blocks/kit.js';
import { type SlackClients, slackErrorCode } from '../slack/clients.js';
import type { Store } from '../store/index.js';
import type { AgreementPublisher } from './agreement-publisher.js';
import type { Notice } from './notice.js';

export const DIGEST_POST = 'digest.post';

/** Enough history for the 12-pulse chart and a celebration streak of up to 12. */
const HISTORY = 24;

export interface DigestDeps {
  store: Store;
  clients: SlackClients;
  logger: Logger;
  publisher: AgreementPublisher;
  nextPulseAt: (allianceId: string) => Date | null;
}

/** The weekly digest: scheduled posts, the on-demand preview, and `/alliance digest post`. */
export function createDigestService(deps: DigestDeps) {
  const { store } = deps;

  function ensureScheduled(alliance: Alliance, now: Date): void {
    if (alliance.status !== 'active') return;
    store.jobs.scheduleIfNone({
      teamId: alliance.teamId,
      kind: DIGEST_POST,
      subjectId: alliance.id,
      runAt: nextOccurrence(digestSchedule(alliance), now),
      now,
    });
  }

  function reschedule(alliance: Alliance, now: Date): void {
    store.transaction(() => {
      store.jobs.cancelPending(alliance.id, DIGEST_POST, now);
      ensureScheduled(alliance, now);
    });
  }

  function figuresFor(alliance: Alliance): DigestFigures {
    const pulses = store.pulses
      .closedPulses(alliance.id, HISTORY)
      .filter((p) => p.results !== null)
      .reverse()
      .map((p) => ({ pulseId: p.id, scheduledAt: p.scheduledAt, results: p.results! }));
    return computeDigestFigures({
      pulses,
      aspects: getTemplate(alliance.templateId).aspects,
      threshold: effectiveThreshold(alliance.settings.anonymous, alliance.settings.anonymityThreshold),
      anonymous: alliance.settings.anonymous,
      celebration: alliance.settings.celebration,
      openReservationIds: store.agreements.reservations(alliance.id, 'open').map((r) => r.id),
      label: (at) => DateTime.fromJSDate(at, { zone: alliance.settings.timeZone }).toFormat('LLL d'),
    });
  }

  async function messagesFor(alliance: Alliance, figures: DigestFigures, viewerId: string | null) {
    const celebrate =
      figures.celebration.met &&
      figures.celebration.streakKey !== null &&
      !store.digests.wasCelebrated(alliance.id, figures.celebration.streakKey);
    const version = alliance.activeVersionId;
    const link = version !== null ? await deps.publisher.permalinkFor(version, viewerId ?? '') : null;
    const openFlags = store.flags.unresolved(alliance.id).map((f) => ({
      kind: f.kind,
      state: f.state as 'open' | 'snoozed' | 'renegotiating',
      createdAt: f.createdAt,
      snoozedUntil: f.snoozedUntil,
    }));
    return {
      celebrate,
      ...buildDigestMessages({
        allianceName: alliance.name,
        figures,
        celebrate,
        nextPulseAt: deps.nextPulseAt(alliance.id),
        agreementLink: link,
        openFlags,
        anonymous: alliance.settings.anonymous,
      }),
    };
  }

  /** Posts a digest in the channel, its details and trend chart in the thread. */
  async function post(alliance: Alliance, digestId: number, now: Date): Promise<void> {
    const figures = figuresFor(alliance);
    const { main, thread, celebrate } = await messagesFor(alliance, figures, null);
    const client = deps.clients.forTeam(alliance.teamId);
    const posted = await client.chat.postMessage({ channel: alliance.channelId, ...main, unfurl_links: false });
    if (!posted.ts || !posted.channel) throw new Error('chat.postMessage returned no ts');
    store.digests.setMessage(digestId, posted.channel, posted.ts);
    if (celebrate && figures.celebration.streakKey)
      store.digests.celebrate(alliance.id, alliance.teamId, figures.celebration.streakKey, digestId, now);
    if (!thread) return;
    await client.chat.postMessage({ channel: posted.channel, thread_ts: posted.ts, ...thread, unfurl_links: false });
    if (figures.latest && figures.pulseLabels.length > 0) {
      try {
        const png = renderPng(
          buildTrendChartSvg(chartInput(`${alliance.name}: the last ${figures.pulseLabels.length} pulses`, figures)),
        );
        await client.filesUploadV2({
          channel_id: posted.channel,
          thread_ts: posted.ts,
          file: png,
          filename: 'alliance-trend.png',
          title: `Trend of the last ${figures.pulseLabels.length} pulses`,
          alt_text: `Line chart of each part's average over the last ${figures.pulseLabels.length} pulses`,
        });
      } catch (error) {
        // The text trend in the thread stands on its own; a failed upload is logged, not fatal.
        deps.logger.warn(
          `alliance ${alliance.id}: the trend chart could not be uploaded:`,
          slackErrorCode(error) ?? error,
        );
      }
    }
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
      kind: DIGEST_POST,
      subjectId: alliance.id,
      runAt: nextOccurrence(schedule, now),
      now,
    });
    if (!occurrence || occurrence.getTime() < job.runAt.getTime()) return;
    const figures = figuresFor(alliance);
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
  }): Promise<
    Notice | { kind: 'preview'; text: string; blocks: ReturnType<typeof buildDigestMessages>['main']['blocks'] }
  > {
    const alliance = store.alliances.liveInChannel(input.teamId, input.channelId);
    if (!alliance)
      return { kind: 'notice', text: 'This channel has no alliance yet. Start one with `/alliance start`.' };
    const isMember = store.alliances.isMember(alliance.id, input.userId);
    if (!isMember && (input.post || alliance.settings.visibility === 'members')) {
      return {
        kind: 'notice',
        text: `Only members of *${escapeText(alliance.name)}* can ${input.post ? 'post' : 'see'} its digest.`,
      };
    }
    if (alliance.status !== 'active')
      return {
        kind: 'notice',
        text: `*${escapeText(alliance.name)}* is still being designed; its digest starts once everyone has agreed and the first pulse has closed.`,
      };
    if (input.post) {
      const digestId = store.digests.begin({
        teamId: alliance.teamId,
        allianceId: alliance.id,
        kind: 'manual',
        periodKey: null,
        pulseId: figuresFor(alliance).latest?.pulseId ?? null,
        postedBy: input.userId,
        now: input.now,
      });
      if (digestId === null) return { kind: 'notice', text: 'The digest could not be recorded; please try again.' };
      await post(alliance, digestId, input.now);
      return {
        kind: 'notice',
        text: 'The digest is posted in the channel, with the details and the trend chart in its thread.',
      };
    }
    const { main, thread } = await messagesFor(alliance, figuresFor(alliance), input.userId);
    // A preview is one ephemeral message: the main post, then the details, within 50 blocks.
    const blocks = [...main.blocks, ...(thread ? thread.blocks : [])].slice(0, 50);
    return { kind: 'preview', text: main.text, blocks };
  }

  return { ensureScheduled, reschedule, runScheduled, onDemand, figuresFor };
}

export type DigestService = ReturnType<typeof createDigestService>;
