import type { Delivery, DeliveryState } from '../domain/delivery.js';
import type { Db } from './db.js';

interface DeliveryRow {
  id: number;
  team_id: string;
  alliance_id: string;
  kind: string;
  subject_id: number;
  user_id: string;
  state: DeliveryState;
  attempts: number;
  dm_channel_id: string | null;
  ts: string | null;
  error: string | null;
  created_at: number;
  sent_at: number | null;
}

const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  teamId: r.team_id,
  allianceId: r.alliance_id,
  kind: r.kind,
  subjectId: r.subject_id,
  userId: r.user_id,
  state: r.state,
  attempts: r.attempts,
  dmChannelId: r.dm_channel_id,
  ts: r.ts,
  error: r.error,
  createdAt: new Date(r.created_at),
  sentAt: r.sent_at === null ? null : new Date(r.sent_at),
});

export function createDeliveriesRepo(db: Db) {
  const enqueue = db.prepare(`
    INSERT INTO deliveries (team_id, alliance_id, kind, subject_id, user_id, next_attempt_at, created_at)
    VALUES (@teamId, @allianceId, @kind, @subjectId, @userId, @at, @now)
    ON CONFLICT (kind, subject_id, user_id) DO NOTHING`);
  // A message sent (or dropped) before, asked for again: the row is armed anew, not duplicated.
  const enqueueAgain = db.prepare(`
    INSERT INTO deliveries (team_id, alliance_id, kind, subject_id, user_id, next_attempt_at, created_at)
    VALUES (@teamId, @allianceId, @kind, @subjectId, @userId, @at, @now)
    ON CONFLICT (kind, subject_id, user_id) DO UPDATE SET
      state = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at, lease_owner = NULL,
      lease_expires_at = NULL, ts = NULL, error = NULL, sent_at = NULL
    WHERE deliveries.state IN ('sent', 'cancelled', 'failed', 'unreachable')`);
  // One statement claims one row: under SQLite's write lock no other process can take it too.
  // A 'sending' row whose lease ran out belonged to a process that died mid-send. Each kind of row
  // is found first in its own order on the (state, next_attempt_at) index, so a claim reads a row or
  // two however many are due (one query with OR sorted every due row, every claim: a fan-out of
  // n messages cost n² rows read).
  const claimNext = db.prepare(`
    UPDATE deliveries
       SET state = 'sending', attempts = attempts + 1, lease_owner = @owner, lease_expires_at = @leaseUntil
     WHERE id = (
       SELECT id FROM (
         SELECT * FROM (
           SELECT d.id, d.next_attempt_at FROM deliveries d JOIN workspaces w ON w.team_id = d.team_id
            WHERE d.state = 'pending' AND d.next_attempt_at <= @now AND w.uninstalled_at IS NULL
            ORDER BY d.next_attempt_at, d.id LIMIT 1)
         UNION ALL
         SELECT * FROM (
           SELECT d.id, d.next_attempt_at FROM deliveries d JOIN workspaces w ON w.team_id = d.team_id
            WHERE d.state = 'sending' AND d.lease_expires_at <= @now AND w.uninstalled_at IS NULL
            ORDER BY d.next_attempt_at, d.id LIMIT 1))
        ORDER BY next_attempt_at, id
        LIMIT 1)
    RETURNING *`);
  const setDmChannel = db.prepare('UPDATE deliveries SET dm_channel_id = ? WHERE id = ?');
  const clearDmChannel = db.prepare('UPDATE deliveries SET dm_channel_id = NULL WHERE id = ?');
  const markSent = db.prepare(`
    UPDATE deliveries SET state = 'sent', ts = @ts, dm_channel_id = @channel, sent_at = @now, error = NULL, lease_owner = NULL, lease_expires_at = NULL
     WHERE id = @id AND lease_owner = @owner`);
  const markRetry = db.prepare(`
    UPDATE deliveries SET state = 'pending', next_attempt_at = @at, error = @error, lease_owner = NULL, lease_expires_at = NULL
     WHERE id = @id AND lease_owner = @owner`);
  const markFinal = db.prepare(`
    UPDATE deliveries SET state = @state, error = @error, lease_owner = NULL, lease_expires_at = NULL
     WHERE id = @id AND lease_owner = @owner`);
  const cancelPending = db.prepare(
    "UPDATE deliveries SET state = 'cancelled' WHERE kind = ? AND subject_id = ? AND state = 'pending'",
  );
  const cancelForUser = db.prepare(
    "UPDATE deliveries SET state = 'cancelled' WHERE alliance_id = ? AND user_id = ? AND state = 'pending'",
  );
  const cancelForAlliance = db.prepare(
    "UPDATE deliveries SET state = 'cancelled' WHERE alliance_id = ? AND state = 'pending'",
  );
  const bySubject = db.prepare('SELECT * FROM deliveries WHERE kind = ? AND subject_id = ? ORDER BY id');
  const one = db.prepare('SELECT * FROM deliveries WHERE kind = ? AND subject_id = ? AND user_id = ?');
  const byId = db.prepare('SELECT * FROM deliveries WHERE id = ?');
  const unreported = db.prepare(
    "SELECT * FROM deliveries WHERE alliance_id = ? AND state = 'unreachable' AND reported_at IS NULL ORDER BY id",
  );
  const markReported = db.prepare('UPDATE deliveries SET reported_at = ? WHERE id = ?');
  const wasReported = db.prepare(
    "SELECT 1 FROM deliveries WHERE alliance_id = ? AND user_id = ? AND state = 'unreachable' AND reported_at IS NOT NULL LIMIT 1",
  );
  const hasDue = db.prepare(
    `SELECT 1 FROM deliveries WHERE (state = 'pending' AND next_attempt_at <= ?) OR (state = 'sending' AND lease_expires_at <= ?) LIMIT 1`,
  );

  return {
    /** Queues one message per member; queuing the same (kind, subject, member) again is a no-op. */
    /** Queues one message to one person, even if the same message went out (or was dropped) before. */
    enqueueAgain(input: {
      teamId: string;
      allianceId: string;
      kind: string;
      subjectId: number;
      userId: string;
      at: Date;
      now: Date;
    }): void {
      enqueueAgain.run({ ...input, at: input.at.getTime(), now: input.now.getTime() });
    },
    enqueue(input: {
      teamId: string;
      allianceId: string;
      kind: string;
      subjectId: number;
      userIds: readonly string[];
      at: Date;
      now: Date;
    }): void {
      for (const userId of input.userIds) {
        enqueue.run({
          teamId: input.teamId,
          allianceId: input.allianceId,
          kind: input.kind,
          subjectId: input.subjectId,
          userId,
          at: input.at.getTime(),
          now: input.now.getTime(),
        });
      }
    },
    claimNext(owner: string, now: Date, leaseMs: number): Delivery | undefined {
      const row = claimNext.get({ owner, now: now.getTime(), leaseUntil: now.getTime() + leaseMs }) as
        | DeliveryRow
        | undefined;
      return row ? toDelivery(row) : undefined;
    },
    hasDue(now: Date): boolean {
      return hasDue.get(now.getTime(), now.getTime()) !== undefined;
    },
    setDmChannel(id: number, channelId: string): void {
      setDmChannel.run(channelId, id);
    },
    clearDmChannel(id: number): void {
      clearDmChannel.run(id);
    },
    markSent(id: number, owner: string, channelId: string, ts: string, now: Date): void {
      markSent.run({ id, owner, channel: channelId, ts, now: now.getTime() });
    },
    retryAt(id: number, owner: string, at: Date, error: string): void {
      markRetry.run({ id, owner, at: at.getTime(), error });
    },
    finish(id: number, owner: string, state: 'unreachable' | 'failed' | 'cancelled', error: string | null): void {
      markFinal.run({ id, owner, state, error });
    },
    cancelPending(kind: string, subjectId: number): number {
      return cancelPending.run(kind, subjectId).changes;
    },
    /** An archived alliance sends nothing more. */
    cancelForAlliance(allianceId: string): number {
      return cancelForAlliance.run(allianceId).changes;
    },
    cancelForUser(allianceId: string, userId: string): number {
      return cancelForUser.run(allianceId, userId).changes;
    },
    forSubject(kind: string, subjectId: number): Delivery[] {
      return (bySubject.all(kind, subjectId) as DeliveryRow[]).map(toDelivery);
    },
    byId(id: number): Delivery | undefined {
      const row = byId.get(id) as DeliveryRow | undefined;
      return row ? toDelivery(row) : undefined;
    },
    find(kind: string, subjectId: number, userId: string): Delivery | undefined {
      const row = one.get(kind, subjectId, userId) as DeliveryRow | undefined;
      return row ? toDelivery(row) : undefined;
    },
    unreportedUnreachable(allianceId: string): Delivery[] {
      return (unreported.all(allianceId) as DeliveryRow[]).map(toDelivery);
    },
    markReported(id: number, now: Date): void {
      markReported.run(now.getTime(), id);
    },
    /** True if this member's unreachability was already reported for this alliance. */
    wasReported(allianceId: string, userId: string): boolean {
      return wasReported.get(allianceId, userId) !== undefined;
    },
  };
}

export type DeliveriesRepo = ReturnType<typeof createDeliveriesRepo>;
