import type { Db } from './db.js';

export function createEventsRepo(db: Db) {
  const insert = db.prepare(
    'INSERT INTO processed_events (team_id, event_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const prune = db.prepare('DELETE FROM processed_events WHERE received_at < ?');
  return {
    /** True the first time an event id is seen for a workspace; false for Slack's retries of it. */
    recordOnce(teamId: string, eventId: string, now: Date): boolean {
      return insert.run(teamId, eventId, now.getTime()).changes === 1;
    },
    /** Slack retries for about an hour; older ids can go. */
    pruneBefore(before: Date): number {
      return prune.run(before.getTime()).changes;
    },
  };
}

export type EventsRepo = ReturnType<typeof createEventsRepo>;
