import type { Logger } from '@slack/bolt';
import type { Store } from '../store/index.js';

/** Slack retries an event for about an hour; a day of event ids is plenty to recognise retries. */
const EVENT_MEMORY_MS = 86_400_000;

/** The app's standing in a workspace, and the events it has already handled there. */
export function createWorkspaceService(deps: { store: Store; logger: Logger }) {
  /**
   * `app_uninstalled`, or `tokens_revoked` naming bot tokens. A revocation of user tokens only
   * (Alliance holds none) changes nothing. Installing again (the app starting with a valid token)
   * resumes the workspace.
   */
  function botAccessLost(input: { teamId: string; botTokensRevoked: boolean; now: Date }): void {
    if (!input.botTokensRevoked) return;
    if (deps.store.workspaces.markUninstalled(input.teamId, input.now)) {
      deps.logger.info(`workspace ${input.teamId}: app uninstalled or bot token revoked; scheduled work paused`);
    }
  }

  /**
   * Slack re-sends an event (same event_id) when it thinks we missed it. True the first time an
   * event id is seen in a workspace, so its effect happens once.
   */
  function firstDelivery(input: { teamId: string; eventId: string; now: Date }): boolean {
    return deps.store.events.recordOnce(input.teamId, input.eventId, input.now);
  }

  /** Scheduler step: forgets event ids older than Slack's retries. */
  function forgetOldEvents(now: Date): void {
    deps.store.events.pruneBefore(new Date(now.getTime() - EVENT_MEMORY_MS));
  }

  return { botAccessLost, firstDelivery, forgetOldEvents };
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
