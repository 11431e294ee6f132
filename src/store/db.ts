import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * The one place that opens SQLite. Every connection gets the same settings:
 * - WAL, so the in-process scheduler, Slack handlers and a `npm run tick` process can read while
 *   one of them writes;
 * - foreign keys on (SQLite leaves them off by default);
 * - a busy timeout, so a second process waits for the write lock instead of failing at once;
 * - synchronous=NORMAL: in WAL mode this never corrupts the database and survives a crash of the
 *   app, but a power cut can lose the last transactions. FULL would fsync every commit; for a team
 *   agreement tool the cost of FULL on every check-in is not worth it, and the outbox makes the
 *   lost-commit case (a delivery sent but not yet marked) recoverable;
 * - secure_delete on: deleted rows (a forgotten member, an anonymous pulse's participation once it
 *   closes) are overwritten with zeros, not left in free pages;
 * - the files readable by their owner only (0600); SQLite gives the -wal and -shm files the
 *   database file's permissions.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true });
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  db.pragma('secure_delete = ON');
  return db;
}

/**
 * Copies the WAL into the database and truncates it to nothing, so it no longer holds the recent
 * writes in order (done after an anonymous pulse closes). Best effort: a reader in another process
 * can keep part of it until its next checkpoint.
 */
export function truncateWal(db: Db): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/**
 * Runs `work` in a write transaction taken up front (BEGIN IMMEDIATE). Taking the write lock at the
 * start means two processes queue on the busy timeout instead of one failing with SQLITE_BUSY when
 * it tries to upgrade a read. Nesting is refused: a nested call would silently join the outer
 * transaction's fate, which has hidden bugs before.
 */
export function writeTransaction<T>(db: Db, work: () => T): T {
  if (db.inTransaction) throw new Error('writeTransaction does not nest; call the inner work directly');
  return (runnerOf(db).immediate as (work: () => T) => T)(work);
}

// better-sqlite3 builds a transaction function (and its deferred/immediate/exclusive variants) on
// each `db.transaction()`; one per connection, taking the work as its argument, is built once.
const runners = new WeakMap<Db, Database.Transaction<(work: () => unknown) => unknown>>();
function runnerOf(db: Db): Database.Transaction<(work: () => unknown) => unknown> {
  let runner = runners.get(db);
  if (!runner) {
    runner = db.transaction((work: () => unknown) => work());
    runners.set(db, runner);
  }
  return runner;
}

/**
 * Group commit: units of work queued in the same turn of the event loop run in one write transaction
 * (BEGIN IMMEDIATE), each in a savepoint of its own, and commit together. A commit writes every page
 * it changed and takes the locks; answers to one pulse arriving together share their pages, so each
 * pays a part of one commit instead of a whole one.
 *
 * `run(work)` resolves with work's result once the transaction holding it has committed. It rejects
 * with work's own error (only that unit is rolled back; the others still commit), or with the
 * transaction's error (then nothing of the batch was written).
 */
export interface GroupCommit {
  run<T>(work: () => T): Promise<T>;
}

export function createGroupCommit(db: Db): GroupCommit {
  type Unit = { work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };
  type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
  let queued: Unit[] = [];

  const flush = () => {
    const batch = queued;
    queued = [];
    const runner = runnerOf(db);
    const outcomes: Outcome[] = [];
    try {
      runner.immediate(() => {
        for (const unit of batch) {
          // An error SQLite answers by rolling back the whole transaction (disk full, I/O) ends the
          // batch: a later unit would otherwise commit on its own.
          if (!db.inTransaction) throw new Error('the group transaction was rolled back');
          try {
            // Called inside a transaction, better-sqlite3 runs it as a savepoint.
            outcomes.push({ ok: true, value: runner(unit.work) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const unit of batch) unit.reject(error);
      return;
    }
    batch.forEach((unit, i) => {
      const outcome = outcomes[i] as Outcome;
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
  };

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (queued.length === 0) setImmediate(flush);
        queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
      });
    },
  };
}

/** True when SQLite answers a trivial query; used by the health check. */
export function isDatabaseHealthy(db: Db): boolean {
  try {
    return db.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}
