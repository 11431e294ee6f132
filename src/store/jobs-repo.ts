import { JOB_KINDS, type Job, type JobRecord } from '../domain/job.js';
import type { Db } from './db.js';

interface JobRow {
  id: number;
  team_id: string;
  kind: string;
  subject_id: string;
  run_at: number;
  state: JobRecord['state'];
  attempts: number;
  last_error: string | null;
  finished_at: number | null;
}

const toRecord = (row: JobRow): JobRecord => ({
  id: row.id,
  teamId: row.team_id,
  kind: row.kind,
  subjectId: row.subject_id,
  runAt: new Date(row.run_at),
  attempts: row.attempts,
  state: row.state,
  lastError: row.last_error,
  finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
});

export function createJobsRepo(db: Db) {
  // Scheduling the same run twice is a no-op, but a run that was cancelled (a schedule changed and
  // then changed back) is brought back rather than silently lost.
  const insert = db.prepare(`
    INSERT INTO jobs (team_id, kind, subject_id, run_at, created_at)
    VALUES (@teamId, @kind, @subjectId, @runAt, @now)
    ON CONFLICT (kind, subject_id, run_at) DO UPDATE SET
      state = 'pending', attempts = 0, last_error = NULL, finished_at = NULL, created_at = excluded.created_at
    WHERE jobs.state = 'cancelled'`);

  // One statement picks and claims the oldest due row. SQLite runs it under the write lock, so two
  // processes cannot claim the same row; a row whose lease expired (its runner died) is due again.
  // Rows of uninstalled workspaces are left alone, except the one that deletes their data.
  // Pending rows and running rows whose lease ran out are each found first in their own order on the
  // (state, run_at) index, so a claim reads a row or two however many jobs are due.
  const claimNext = db.prepare(`
    UPDATE jobs
       SET state = 'running', lease_owner = @owner, lease_expires_at = @leaseUntil, attempts = attempts + 1
     WHERE id = (
       SELECT id FROM (
         SELECT * FROM (
           SELECT j.id, j.run_at FROM jobs j JOIN workspaces w ON w.team_id = j.team_id
            WHERE j.state = 'pending' AND j.run_at <= @now
              AND (w.uninstalled_at IS NULL OR j.kind = @purgeKind)
            ORDER BY j.run_at, j.id LIMIT 1)
         UNION ALL
         SELECT * FROM (
           SELECT j.id, j.run_at FROM jobs j JOIN workspaces w ON w.team_id = j.team_id
            WHERE j.state = 'running' AND j.run_at <= @now AND j.lease_expires_at <= @now
              AND (w.uninstalled_at IS NULL OR j.kind = @purgeKind)
            ORDER BY j.run_at, j.id LIMIT 1))
        ORDER BY run_at, id
        LIMIT 1)
    RETURNING *`);

  const complete = db.prepare(`
    UPDATE jobs SET state = 'done', finished_at = @now, lease_owner = NULL, lease_expires_at = NULL, last_error = NULL
     WHERE id = @id AND lease_owner = @owner`);
  const retry = db.prepare(`
    UPDATE jobs SET state = 'pending', run_at = @runAt, last_error = @error, lease_owner = NULL, lease_expires_at = NULL
     WHERE id = @id AND lease_owner = @owner`);
  const fail = db.prepare(`
    UPDATE jobs SET state = 'failed', finished_at = @now, last_error = @error, lease_owner = NULL, lease_expires_at = NULL
     WHERE id = @id AND lease_owner = @owner`);
  const cancelPending = db.prepare(`
    UPDATE jobs SET state = 'cancelled', finished_at = @now
     WHERE subject_id = @subjectId AND kind = @kind AND state = 'pending'`);
  const bySubject = db.prepare('SELECT * FROM jobs WHERE subject_id = ? ORDER BY run_at, id');
  const anyDue = db.prepare(`
    SELECT 1 FROM jobs j JOIN workspaces w ON w.team_id = j.team_id
     WHERE (w.uninstalled_at IS NULL OR j.kind = @purgeKind) AND j.run_at <= @now
       AND (j.state = 'pending' OR (j.state = 'running' AND j.lease_expires_at <= @now))
     LIMIT 1`);
  const nextPending = db.prepare(
    "SELECT * FROM jobs WHERE subject_id = ? AND kind = ? AND state IN ('pending', 'running') ORDER BY run_at LIMIT 1",
  );
  const upcoming = db.prepare("SELECT * FROM jobs WHERE state = 'pending' ORDER BY run_at, id LIMIT ?");

  return {
    /** Schedules a run; scheduling the same (kind, subject, instant) twice is a no-op. */
    schedule(input: { teamId: string; kind: string; subjectId: string; runAt: Date; now: Date }): void {
      insert.run({ ...input, runAt: input.runAt.getTime(), now: input.now.getTime() });
    },
    claimNext(owner: string, now: Date, leaseMs: number): Job | undefined {
      const row = claimNext.get({
        owner,
        now: now.getTime(),
        leaseUntil: now.getTime() + leaseMs,
        purgeKind: JOB_KINDS.workspacePurge,
      }) as JobRow | undefined;
      return row ? toRecord(row) : undefined;
    },
    complete(id: number, owner: string, now: Date): void {
      complete.run({ id, owner, now: now.getTime() });
    },
    retryLater(id: number, owner: string, runAt: Date, error: string): void {
      retry.run({ id, owner, runAt: runAt.getTime(), error });
    },
    fail(id: number, owner: string, now: Date, error: string): void {
      fail.run({ id, owner, now: now.getTime(), error });
    },
    /**
     * Schedules a run unless one of this kind is already pending for the subject: recurring work
     * keeps exactly one next run, however often it is (re)activated.
     */
    scheduleIfNone(input: { teamId: string; kind: string; subjectId: string; runAt: Date; now: Date }): boolean {
      if (nextPending.get(input.subjectId, input.kind)) return false;
      insert.run({ ...input, runAt: input.runAt.getTime(), now: input.now.getTime() });
      return true;
    },
    /** Cancels pending runs of one kind for a subject (e.g. when a schedule changes). */
    cancelPending(subjectId: string, kind: string, now: Date): number {
      return cancelPending.run({ subjectId, kind, now: now.getTime() }).changes;
    },
    hasDue(now: Date): boolean {
      return anyDue.get({ now: now.getTime(), purgeKind: JOB_KINDS.workspacePurge }) !== undefined;
    },
    forSubject(subjectId: string): JobRecord[] {
      return (bySubject.all(subjectId) as JobRow[]).map(toRecord);
    },
    nextPending(subjectId: string, kind: string): JobRecord | undefined {
      const row = nextPending.get(subjectId, kind) as JobRow | undefined;
      return row ? toRecord(row) : undefined;
    },
    /** The earliest pending runs of any kind, soonest first (the demo's clock steps through them). */
    upcoming(limit = 100): JobRecord[] {
      return (upcoming.all(limit) as JobRow[]).map(toRecord);
    },
  };
}

export type JobsRepo = ReturnType<typeof createJobsRepo>;
