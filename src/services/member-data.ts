import type { Logger } from '@slack/bolt';
import type { Alliance } from '../domain/alliance.js';
import type { MembershipChange } from '../domain/events.js';
import { type ExportedAlliance, exportDocument } from '../domain/export.js';
import { JOB_KINDS, type Job } from '../domain/job.js';
import { may } from '../domain/permissions.js';
import { frozenHistory } from '../domain/pulse.js';
import { decide, figureValue, shownFigure, visibilityInForce } from '../domain/visibility.js';
import { FORMER_MEMBER } from '../domain/withdrawal.js';
import { buildReservationWithdrawn } from '../slack/blocks/agreement.js';
import type { ModalView } from '../slack/blocks/kit.js';
import { escapeText, userMention } from '../slack/blocks/kit.js';
import { buildArchiveModal, buildForgetModal, buildLeaveModal } from '../slack/blocks/members-data.js';
import type { Directory } from '../slack/directory.js';
import type { DmSender } from '../slack/dm-sender.js';
import type { SlackGateway } from '../slack/gateway.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';
import { allianceInWorkspace, liveAllianceIn, refusal, standingOf } from './access.js';
import type { AgreementPublisher } from './agreement-publisher.js';
import type { Events } from './events.js';
import { applyMembershipChange } from './membership.js';

export interface MemberDataDeps {
  store: Store;
  gateway: SlackGateway;
  events: Events;
  dms: DmSender;
  directory: Directory;
  publisher: AgreementPublisher;
  logger: Logger;
}

const DAY = 86_400_000;
/** The range `/alliance retention` accepts, in days. */
export const RETENTION_RANGE = { min: 30, max: 3650 } as const;

/**
 * Members' control over their own data: leaving an alliance, exporting what they wrote, being
 * forgotten; ending an alliance; and how long raw pulse comments are kept.
 */
export function createMemberDataService(deps: MemberDataDeps) {
  const { store, gateway } = deps;

  // ---- Leave ---------------------------------------------------------------------------------

  /** The confirmation modal of an action on this channel's alliance, if this person may take it. */
  function confirmation(
    input: { teamId: string; userId: string; channelId: string },
    action: 'leave' | 'archive',
    build: (model: { allianceId: string; allianceName: string }) => ModalView,
  ): Notice | { kind: 'view'; view: ModalView } {
    const alliance = liveAllianceIn(store, input.teamId, input.channelId);
    if ('kind' in alliance) return alliance;
    const refused = refusal(store, alliance, input.userId, action);
    if (refused) return refused;
    return { kind: 'view', view: build({ allianceId: alliance.id, allianceName: alliance.name }) };
  }

  /** `/alliance leave`: the confirmation. */
  const openLeave = (input: { teamId: string; userId: string; channelId: string }) =>
    confirmation(input, 'leave', buildLeaveModal);

  /** Confirmed: the member leaves; the team sees it (a membership change), their name stays on what they agreed. */
  async function leave(input: { teamId: string; userId: string; allianceId: string; now: Date }): Promise<Notice> {
    const alliance = allianceInWorkspace(store, input.teamId, input.allianceId);
    if (alliance === undefined || alliance.status === 'archived') return notice(NOTICES.stale);
    const refused = refusal(store, alliance, input.userId, 'leave');
    if (refused) return refused;
    const change: MembershipChange = {
      joined: [],
      left: [input.userId],
      cause: 'left',
      byUserId: input.userId,
      occurrence: `left:${input.userId}:${input.now.getTime()}`,
    };
    await deps.events.run(input.now, (record) => applyMembershipChange(store, alliance, change, input.now, record));
    return notice(NOTICES.left(alliance));
  }

  // ---- Export --------------------------------------------------------------------------------

  /** The figures of anonymous pulses, as a member may see them: that is all anonymous answers are. */
  function anonymousFigures(alliance: Alliance): ExportedAlliance['anonymousPulses'] {
    return frozenHistory(store.pulses.closedPulses(alliance.id, 1000), alliance.settings)
      .filter((p) => p.rules.anonymous)
      .map((p) => {
        const decision = decide({
          rules: p.rules,
          visibility: alliance.settings.visibility,
          audience: 'member',
          item: { kind: 'figure', answered: p.results.answered },
        });
        const averages: Record<string, number | null> = {};
        for (const [aspect, result] of Object.entries(p.results.aspects)) {
          averages[aspect] = figureValue(shownFigure(result.mean, decision));
        }
        return {
          scheduledAt: p.scheduledAt.toISOString(),
          answered: p.results.answered,
          invited: p.results.invited,
          averages,
          precision: decision === 'show' ? 'exact' : decision === 'coarsen' ? 'half-point band (its middle)' : 'hidden',
        };
      });
  }

  /** `/alliance export`: one file, to the caller's DM only, with what they may read and what they wrote. */
  async function exportData(input: { teamId: string; userId: string; now: Date }): Promise<Notice> {
    const records = store.people.records(input.teamId, input.userId);
    const mine = new Set(store.alliances.everOf(input.teamId, input.userId).map((a) => a.id));
    const alliances: ExportedAlliance[] = [];
    for (const alliance of store.alliances.everOf(input.teamId, input.userId)) {
      const standing = standingOf(store, alliance.id, input.userId);
      const versions = store.agreements
        .versions(alliance.id)
        .filter(
          (v) =>
            may({
              action: 'see-agreement',
              standing,
              visibility: visibilityInForce(alliance.settings.visibility, v.visibility),
              inEffect: v.id === alliance.activeVersionId,
            }).allowed,
        )
        .map((v) => ({ number: v.number, status: v.status, compiledAt: v.compiledAt, content: v.content }));
      alliances.push({
        id: alliance.id,
        name: alliance.name,
        channelId: alliance.channelId,
        versions,
        anonymousPulses: standing === 'member' ? anonymousFigures(alliance) : [],
      });
    }
    if (mine.size === 0 && records.designAnswers.length === 0) return notice(NOTICES.nothingToExport);
    const names = new Map<string, string>();
    for (const a of alliances) {
      for (const v of a.versions) {
        for (const id of v.content.members) {
          if (names.has(id) || id === FORMER_MEMBER) continue;
          const person = await deps.directory.user(input.teamId, id).catch(() => null);
          names.set(id, person?.name ?? id);
        }
      }
    }
    const document = exportDocument({ userId: input.userId, exportedAt: input.now, alliances, records, names });
    const dm = await deps.dms.open(input.teamId, input.userId);
    if (!dm.ok) return notice(NOTICES.exportFailed);
    const uploaded = await gateway.upload(
      input.teamId,
      {
        channel: dm.channel,
        file: Buffer.from(document, 'utf8'),
        filename: `alliance-export-${input.now.toISOString().slice(0, 10)}.md`,
        title: 'Your Alliance data',
        altText: 'The agreements you can read and everything you wrote in Alliance, as Markdown and JSON',
      },
      'uploading an export',
    );
    return notice(uploaded ? NOTICES.exported : NOTICES.exportFailed);
  }

  // ---- Forget me -----------------------------------------------------------------------------

  function openForget(): { kind: 'view'; view: ModalView } {
    return { kind: 'view', view: buildForgetModal() };
  }

  /**
   * Confirmed: the person's data goes, across the workspace, in one transaction; each alliance they
   * were in sees that a former member no longer takes part. Freed pages are overwritten
   * (secure_delete) and the WAL emptied, so nothing of theirs lingers in the files.
   */
  async function forget(input: { teamId: string; userId: string; now: Date }): Promise<Notice> {
    const alliances = store.alliances.ofMember(input.teamId, input.userId);
    const everIn = store.alliances.everOf(input.teamId, input.userId);
    const versionIds = everIn.flatMap((a) => store.agreements.versions(a.id).map((v) => v.id));
    // Read before the rows go: where their reservations were shared in Slack.
    const reservationPosts = store.agreements.reservationPostsOf(input.teamId, input.userId);
    const { events } = deps.events.transaction(input.now, (record) => {
      for (const alliance of alliances) {
        const change: MembershipChange = {
          joined: [],
          left: [FORMER_MEMBER],
          cause: 'forgotten',
          byUserId: null,
          occurrence: `forgotten:${input.now.getTime()}:${alliance.id}`,
        };
        record({ type: 'membersChanged', allianceId: alliance.id, change });
      }
      store.people.forget(input.teamId, input.userId);
      for (const alliance of everIn) record({ type: 'wordsWithdrawn', allianceId: alliance.id });
    });
    store.truncateWal();
    // What Slack shows of the agreements follows: their name and words are replaced there too.
    for (const versionId of versionIds) await deps.publisher.rerender(versionId);
    for (const post of reservationPosts) {
      await gateway.update(
        input.teamId,
        post,
        buildReservationWithdrawn(post.versionNumber),
        'withdrawing a reservation',
      );
    }
    await deps.events.publish(events, input.now);
    deps.logger.info('a member asked to be forgotten; their data is deleted');
    return notice(NOTICES.forgotten);
  }

  // ---- Archive -------------------------------------------------------------------------------

  /** `/alliance archive`: the confirmation. */
  const openArchive = (input: { teamId: string; userId: string; channelId: string }) =>
    confirmation(input, 'archive', buildArchiveModal);

  /** Confirmed: the alliance ends; what was scheduled stops, the open pulse closes, the channel is told. */
  async function archive(input: { teamId: string; userId: string; allianceId: string; now: Date }): Promise<Notice> {
    const alliance = allianceInWorkspace(store, input.teamId, input.allianceId);
    if (!alliance) return notice(NOTICES.stale);
    const refused = refusal(store, alliance, input.userId, 'archive');
    if (refused) return refused;
    const { value: archived, events } = deps.events.transaction(input.now, (record) => {
      if (!store.alliances.archive(alliance.id, input.now)) return false;
      const round = store.design.currentOpenRound(alliance.id);
      if (round) {
        store.design.closeRound(round.id, 'cancelled', input.now);
        store.design.deleteDrafts(round.id);
      }
      const proposed = store.agreements.proposedVersion(alliance.id);
      if (proposed) store.agreements.transition(proposed.id, 'proposed', 'withdrawn', input.now);
      store.deliveries.cancelForAlliance(alliance.id);
      record({ type: 'allianceArchived', allianceId: alliance.id });
      return true;
    });
    if (!archived) return notice(NOTICES.alreadyArchived);
    await deps.events.publish(events, input.now);
    await gateway.post(
      alliance.teamId,
      {
        channel: alliance.channelId,
        text:
          `:file_cabinet: ${userMention(input.userId)} archived *${escapeText(alliance.name)}*. ` +
          `There will be no more pulses, digests or signals; its history stays readable with ` +
          `\`/alliance show\`, and \`/alliance start\` can begin a new alliance here.`,
      },
      `alliance ${alliance.id}: announcing the archive`,
    );
    return notice(NOTICES.archived(alliance));
  }

  // ---- Retention -----------------------------------------------------------------------------

  /** Atomic, once a pulse closes (comments now exist): its workspace's retention job is scheduled. */
  function ensureRetentionFor(allianceId: string, now: Date): void {
    const alliance = store.alliances.get(allianceId);
    if (alliance) ensureRetentionScheduled(alliance.teamId, now);
  }

  /** Idempotent: the workspace's daily retention job is scheduled. */
  function ensureRetentionScheduled(teamId: string, now: Date): void {
    store.jobs.scheduleIfNone({
      teamId,
      kind: JOB_KINDS.retentionDaily,
      subjectId: teamId,
      runAt: new Date(now.getTime() + DAY),
      now,
    });
  }

  /** Job `retention.daily`: clears raw comments past the workspace's retention; figures are kept. */
  async function runRetention(job: Job, now: Date): Promise<void> {
    const days = store.workspaces.commentRetentionDays(job.subjectId);
    const { value: cleared, events } = deps.events.transaction(now, (record) => {
      const pulses = store.pulses.clearCommentsBefore(job.subjectId, new Date(now.getTime() - days * DAY), now);
      for (const allianceId of new Set(pulses.map((p) => p.allianceId))) {
        const pulseIds = pulses.filter((p) => p.allianceId === allianceId).map((p) => p.pulseId);
        record({ type: 'commentsExpired', allianceId, pulseIds });
      }
      return pulses.length;
    });
    if (cleared > 0) {
      store.truncateWal();
      deps.logger.info(`retention: cleared the comments of ${cleared} pulse(s) older than ${days} days`);
    }
    store.jobs.schedule({
      teamId: job.subjectId,
      kind: JOB_KINDS.retentionDaily,
      subjectId: job.subjectId,
      runAt: new Date(now.getTime() + DAY),
      now,
    });
    // What Slack shows of those pulses (digest threads, signals) loses the words too.
    await deps.events.publish(events, now);
  }

  /** `/alliance retention [days]`: anyone may see it; workspace admins may change it. */
  async function retention(input: { teamId: string; userId: string; daysArg: string }): Promise<Notice> {
    const current = store.workspaces.commentRetentionDays(input.teamId);
    const arg = input.daysArg.trim();
    if (arg === '') return notice(NOTICES.retentionIs(current));
    const days = Number(arg);
    if (!Number.isInteger(days) || days < RETENTION_RANGE.min || days > RETENTION_RANGE.max) {
      return notice(NOTICES.retentionRange(RETENTION_RANGE.min, RETENTION_RANGE.max));
    }
    const person = await deps.directory.user(input.teamId, input.userId);
    if (!person?.isAdmin) return notice(NOTICES.retentionAdminsOnly(current));
    store.workspaces.setCommentRetentionDays(input.teamId, days);
    return notice(NOTICES.retentionSet(days));
  }

  return {
    openLeave,
    leave,
    exportData,
    openForget,
    forget,
    openArchive,
    archive,
    ensureRetentionScheduled,
    ensureRetentionFor,
    runRetention,
    retention,
  };
}

export type MemberDataService = ReturnType<typeof createMemberDataService>;
