import type { Workspace } from '../domain/workspace.js';
import type { Db } from './db.js';

interface WorkspaceRow {
  team_id: string;
  team_name: string | null;
  bot_user_id: string | null;
  installed_at: number;
  uninstalled_at: number | null;
}

const toWorkspace = (row: WorkspaceRow): Workspace => ({
  teamId: row.team_id,
  teamName: row.team_name,
  botUserId: row.bot_user_id,
  installedAt: new Date(row.installed_at),
  uninstalledAt: row.uninstalled_at === null ? null : new Date(row.uninstalled_at),
});

export function createWorkspacesRepo(db: Db) {
  const upsert = db.prepare(`
    INSERT INTO workspaces (team_id, team_name, bot_user_id, installed_at)
    VALUES (@teamId, @teamName, @botUserId, @now)
    ON CONFLICT (team_id) DO UPDATE SET
      team_name = excluded.team_name,
      bot_user_id = excluded.bot_user_id,
      uninstalled_at = NULL`);
  const byId = db.prepare('SELECT * FROM workspaces WHERE team_id = ?');
  const markUninstalled = db.prepare(
    'UPDATE workspaces SET uninstalled_at = ? WHERE team_id = ? AND uninstalled_at IS NULL',
  );

  const retention = db.prepare('SELECT comment_retention_days FROM workspaces WHERE team_id = ?');
  const setRetention = db.prepare('UPDATE workspaces SET comment_retention_days = ? WHERE team_id = ?');
  return {
    /** How many days raw pulse comments are kept in this workspace. */
    commentRetentionDays(teamId: string): number {
      return (retention.pluck().get(teamId) as number | undefined) ?? 365;
    },
    setCommentRetentionDays(teamId: string, days: number): void {
      setRetention.run(days, teamId);
    },
    /** Records (or re-activates) the workspace the bot token belongs to. */
    register(input: { teamId: string; teamName: string | null; botUserId: string | null; now: Date }): void {
      upsert.run({ ...input, now: input.now.getTime() });
    },
    get(teamId: string): Workspace | undefined {
      const row = byId.get(teamId) as WorkspaceRow | undefined;
      return row ? toWorkspace(row) : undefined;
    },
    markUninstalled(teamId: string, now: Date): boolean {
      return markUninstalled.run(now.getTime(), teamId).changes > 0;
    },
  };
}

export type WorkspacesRepo = ReturnType<typeof createWorkspacesRepo>;
