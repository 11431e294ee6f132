import type { Logger } from '@slack/bolt';
import type { Store } from '../store/index.js';

/** The app's standing in a workspace: when Slack takes its bot token away, scheduled work stops. */
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
  return { botAccessLost };
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
