import { type Db, writeTransaction } from './db.js';

/** A table that holds rows of workspaces: it has a `team_id` column. */
export interface TenantTable {
  name: string;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * Workspaces as tenants of one database: which organization each belongs to, which have left, and
 * deleting everything a workspace has across every table.
 */
export function createTenancyRepo(db: Db) {
  // Registering from an installation: re-activates the workspace and remembers its organization.
  const upsert = db.prepare(`
    INSERT INTO workspaces (team_id, team_name, bot_user_id, installed_at, enterprise_id)
    VALUES (@teamId, @teamName, @botUserId, @now, @enterpriseId)
    ON CONFLICT (team_id) DO UPDATE SET
      team_name = coalesce(excluded.team_name, workspaces.team_name),
      bot_user_id = excluded.bot_user_id,
      enterprise_id = coalesce(excluded.enterprise_id, workspaces.enterprise_id),
      uninstalled_at = NULL`);
  // A workspace of an org-wide install seen for the first time; one that left stays left.
  const insertIfMissing = db.prepare(`
    INSERT INTO workspaces (team_id, team_name, bot_user_id, installed_at, enterprise_id)
    VALUES (@teamId, NULL, @botUserId, @now, @enterpriseId)
    ON CONFLICT (team_id) DO NOTHING`);
  const enterpriseOf = db.prepare('SELECT enterprise_id FROM workspaces WHERE team_id = ?');
  const uninstalledAt = db.prepare('SELECT uninstalled_at FROM workspaces WHERE team_id = ?');
  const markUninstalled = db.prepare(
    'UPDATE workspaces SET uninstalled_at = @now WHERE team_id = @teamId AND uninstalled_at IS NULL',
  );
  const ofEnterprise = db.prepare('SELECT team_id FROM workspaces WHERE enterprise_id = ? ORDER BY team_id');
  const uninstalled = db.prepare(
    'SELECT team_id, uninstalled_at FROM workspaces WHERE uninstalled_at IS NOT NULL ORDER BY team_id',
  );

  const deleteAlliances = db.prepare(
    'DELETE FROM alliances WHERE id IN (SELECT id FROM alliances WHERE team_id = ? ORDER BY id LIMIT ?)',
  );

  /** Every table with a team_id column, read from the schema itself so a new table cannot be missed. */
  function tenantTables(): TenantTable[] {
    const names = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck();
    return names.filter((name) => (columns.all(name) as string[]).includes('team_id')).map((name) => ({ name }));
  }

  return {
    register(input: {
      teamId: string;
      teamName: string | null;
      botUserId: string;
      enterpriseId: string | null;
      now: Date;
    }): void {
      upsert.run({ ...input, now: input.now.getTime() });
    },
    registerIfMissing(input: { teamId: string; botUserId: string; enterpriseId: string | null; now: Date }): void {
      insertIfMissing.run({ ...input, now: input.now.getTime() });
    },
    enterpriseOf(teamId: string): string | null {
      return (enterpriseOf.pluck().get(teamId) as string | null | undefined) ?? null;
    },
    /** When the workspace was uninstalled; null while installed, undefined when unknown. */
    uninstalledAt(teamId: string): Date | null | undefined {
      const row = uninstalledAt.get(teamId) as { uninstalled_at: number | null } | undefined;
      if (!row) return undefined;
      return row.uninstalled_at === null ? null : new Date(row.uninstalled_at);
    },
    markUninstalled(teamId: string, now: Date): boolean {
      return markUninstalled.run({ teamId, now: now.getTime() }).changes > 0;
    },
    workspacesOf(enterpriseId: string): string[] {
      return ofEnterprise.pluck().all(enterpriseId) as string[];
    },
    uninstalled(): { teamId: string; uninstalledAt: Date }[] {
      return (uninstalled.all() as { team_id: string; uninstalled_at: number }[]).map((r) => ({
        teamId: r.team_id,
        uninstalledAt: new Date(r.uninstalled_at),
      }));
    },
    tenantTables,
    /**
     * Deletes up to `limit` of the workspace's alliances with everything that hangs off them (ON
     * DELETE CASCADE), in one short transaction; returns how many went. A large workspace is purged
     * in such steps so other writers never wait long for the lock.
     */
    purgeAlliances(teamId: string, limit: number): number {
      return writeTransaction(db, () => {
        db.pragma('defer_foreign_keys = ON');
        return deleteAlliances.run(teamId, limit).changes;
      });
    },
    /**
     * Deletes every row of the workspace in every table that has a team_id (tables without one hang
     * off those by ON DELETE CASCADE), in one transaction. Foreign keys are checked at commit, so the
     * order of the tables does not matter. Returns the rows deleted per table.
     */
    purge(teamId: string): Record<string, number> {
      const deleted: Record<string, number> = {};
      writeTransaction(db, () => {
        db.pragma('defer_foreign_keys = ON');
        for (const table of tenantTables()) {
          const changes = db.prepare(`DELETE FROM ${quoteIdent(table.name)} WHERE team_id = ?`).run(teamId).changes;
          if (changes > 0) deleted[table.name] = changes;
        }
      });
      return deleted;
    },
  };
}

export type TenancyRepo = ReturnType<typeof createTenancyRepo>;
