import type { Db } from './db.js';

export function createDmChannelsRepo(db: Db) {
  const get = db.prepare('SELECT channel_id FROM dm_channels WHERE team_id = ? AND user_id = ?');
  const remember = db.prepare(`
    INSERT INTO dm_channels (team_id, user_id, channel_id, opened_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (team_id, user_id) DO UPDATE SET channel_id = excluded.channel_id, opened_at = excluded.opened_at`);
  const forget = db.prepare('DELETE FROM dm_channels WHERE team_id = ? AND user_id = ?');
  return {
    get(teamId: string, userId: string): string | null {
      return (get.pluck().get(teamId, userId) as string | undefined) ?? null;
    },
    remember(teamId: string, userId: string, channelId: string, now: Date): void {
      remember.run(teamId, userId, channelId, now.getTime());
    },
    forget(teamId: string, userId: string): void {
      forget.run(teamId, userId);
    },
  };
}

export type DmChannelsRepo = ReturnType<typeof createDmChannelsRepo>;
