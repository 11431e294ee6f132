import type { Db } from './db.js';

/** The hash of each person's last published Home tab. */
export function createHomeViewsRepo(db: Db) {
  const get = db.prepare('SELECT hash FROM home_views WHERE team_id = ? AND user_id = ?');
  const upsert = db.prepare(`
    INSERT INTO home_views (team_id, user_id, hash, published_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (team_id, user_id) DO UPDATE SET hash = excluded.hash, published_at = excluded.published_at`);
  return {
    hash(teamId: string, userId: string): string | undefined {
      return (get.pluck().get(teamId, userId) as string | undefined) ?? undefined;
    },
    remember(teamId: string, userId: string, hash: string, now: Date): void {
      upsert.run(teamId, userId, hash, now.getTime());
    },
  };
}

export type HomeViewsRepo = ReturnType<typeof createHomeViewsRepo>;
