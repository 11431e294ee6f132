import type { Logger } from '@slack/bolt';
import { purgeDueAt } from '../domain/installation.js';
import { JOB_KINDS, type Job } from '../domain/job.js';
import type { Store } from '../store/index.js';

/** Slack retries an event for about an hour; a day of event ids is plenty to recognise retries. */
const EVENT_MEMORY_MS = 86_400_000;

/** Alliances deleted per transaction when a workspace is purged. */
const PURGE_STEP = 5;

/**
 * Installed in many workspaces (OAuth), the app keeps each workspace's tokens in the installation
 * store: what losing access removes, and when the installation now in place was made.
 */
export interface WorkspaceInstallations {
  /** Deletes the tokens; returns the workspaces left without an installation. */
  removeTokens(input: { teamId: string; enterpriseId: string | null; orgWide: boolean }): string[];
  installedAt(teamId: string): Date | undefined;
}

/** The app's standing in a workspace, and the events it has already handled there. */
export function createWorkspaceService(deps: {
  store: Store;
  logger: Logger;
  /** Set when Alliance is installed through OAuth; a single-workspace install has none. */
  installations?: WorkspaceInstallations | undefined;
  /** Days an uninstalled workspace's data is kept before it is deleted (OAuth installs only). */
  purgeAfterDays?: number | undefined;
}) {
  const { store } = deps;

  /**
   * `app_uninstalled`, or `tokens_revoked` naming bot tokens. A revocation of user tokens only
   * (Alliance holds none) changes nothing. Installing again (single workspace: the app starting
   * with a valid token; many: the OAuth flow) resumes the workspace.
   *
   * Installed through OAuth, the tokens are deleted at once and the deletion of the workspace's
   * data is scheduled for the end of the grace period. The two events come in either order,
   * possibly repeated; one that happened before the app was installed again (a late delivery) is
   * about the old installation and changes nothing.
   */
  function botAccessLost(input: {
    teamId: string;
    botTokensRevoked: boolean;
    now: Date;
    /** When Slack says it happened (the envelope's event_time). */
    eventTime?: Date | undefined;
    enterpriseId?: string | null | undefined;
    /** The org-wide installation of an Enterprise Grid organization was removed. */
    orgWide?: boolean | undefined;
  }): void {
    if (!input.botTokensRevoked) return;
    const installations = deps.installations;
    if (!installations) {
      if (store.workspaces.markUninstalled(input.teamId, input.now)) {
        deps.logger.info(`workspace ${input.teamId}: app uninstalled or bot token revoked; scheduled work paused`);
      }
      return;
    }
    const since = installations.installedAt(input.teamId);
    if (since && input.eventTime && input.eventTime.getTime() < since.getTime()) {
      deps.logger.info(`workspace ${input.teamId}: an uninstall from before the app was installed again; ignored`);
      return;
    }
    const teams = installations.removeTokens({
      teamId: input.teamId,
      enterpriseId: input.enterpriseId ?? null,
      orgWide: input.orgWide === true,
    });
    for (const teamId of teams) {
      if (store.tenancy.markUninstalled(teamId, input.now)) {
        deps.logger.info(
          `workspace ${teamId}: app uninstalled; scheduled work stopped, data kept for the grace period`,
        );
      }
      schedulePurge(teamId, input.now);
    }
  }

  /** Schedules the deletion of an uninstalled workspace's data, once. */
  function schedulePurge(teamId: string, now: Date): void {
    if (deps.purgeAfterDays === undefined) return;
    const uninstalledAt = store.tenancy.uninstalledAt(teamId);
    if (!uninstalledAt) return;
    store.jobs.scheduleIfNone({
      teamId,
      kind: JOB_KINDS.workspacePurge,
      subjectId: teamId,
      runAt: purgeDueAt(uninstalledAt, deps.purgeAfterDays),
      now,
    });
  }

  /** At start-up: every uninstalled workspace has its deletion scheduled (those from before this build too). */
  function schedulePurges(now: Date): void {
    for (const { teamId } of store.tenancy.uninstalled()) schedulePurge(teamId, now);
  }

  /**
   * The `workspace.purge` job: once the grace period is over, deletes everything the workspace has
   * in every table. A workspace installed again meanwhile is left as it is; a grace period made
   * longer since the job was scheduled moves the job to its new end.
   */
  async function runPurge(job: Job, now: Date): Promise<void> {
    const teamId = job.teamId;
    const due = purgeDue(teamId);
    if (!due) return;
    if (now.getTime() < due.getTime()) {
      store.jobs.schedule({ teamId, kind: JOB_KINDS.workspacePurge, subjectId: teamId, runAt: due, now });
      return;
    }
    // Alliance by alliance in short transactions, letting other work in between; checked again
    // before each step, so a workspace installed again meanwhile keeps what is left.
    let alliances = 0;
    for (;;) {
      if (!purgeDue(teamId)) return;
      const deleted = store.tenancy.purgeAlliances(teamId, PURGE_STEP);
      if (deleted === 0) break;
      alliances += deleted;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const deleted = store.tenancy.purge(teamId);
    // Deleted rows are zeroed in the database (secure_delete); the WAL must not keep them either.
    store.truncateWal();
    const rows = Object.values(deleted).reduce((sum, n) => sum + n, 0);
    deps.logger.info(
      `workspace ${teamId}: grace period over; ${alliances} alliance(s) and ${rows} other rows deleted, from every table`,
    );
  }

  /** When an uninstalled workspace's data is due to go; undefined when it is installed (or gone). */
  function purgeDue(teamId: string): Date | undefined {
    const uninstalledAt = store.tenancy.uninstalledAt(teamId);
    if (!uninstalledAt || deps.purgeAfterDays === undefined) return undefined;
    return purgeDueAt(uninstalledAt, deps.purgeAfterDays);
  }

  /**
   * Slack re-sends an event (same event_id) when it thinks we missed it. True the first time an
   * event id is seen in a workspace, so its effect happens once.
   */
  function firstDelivery(input: { teamId: string; eventId: string; now: Date }): boolean {
    return store.events.recordOnce(input.teamId, input.eventId, input.now);
  }

  /** Scheduler step: forgets event ids older than Slack's retries. */
  function forgetOldEvents(now: Date): void {
    store.events.pruneBefore(new Date(now.getTime() - EVENT_MEMORY_MS));
  }

  return { botAccessLost, schedulePurges, runPurge, firstDelivery, forgetOldEvents };
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
