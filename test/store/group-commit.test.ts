import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroupCommit, type Db, openDatabase } from '../../src/store/db.js';
import { tempDir } from '../support/temp-db.js';

/** What another process sees: a second connection to the same file. */
const rowsSeenElsewhere = (path: string): string[] => {
  const other = new Database(path, { readonly: true });
  try {
    return other.prepare('SELECT v FROM t ORDER BY v').pluck().all() as string[];
  } finally {
    other.close();
  }
};

describe('group commit', () => {
  let dir: ReturnType<typeof tempDir>;
  let path: string;
  let db: Db;
  beforeEach(() => {
    dir = tempDir();
    path = dir.file('group.db');
    db = openDatabase(path);
    db.exec('CREATE TABLE t (v TEXT PRIMARY KEY)');
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  const insert = (v: string) => () => db.prepare('INSERT INTO t (v) VALUES (?)').run(v).changes;

  it('runs the work queued in one turn in one transaction, and resolves once it has committed', async () => {
    const group = createGroupCommit(db);
    const inSameTransaction: boolean[] = [];
    const first = group.run(insert('a'));
    const second = group.run(() => {
      // The second unit sees the first's row: both run in the one open transaction.
      inSameTransaction.push(db.inTransaction && db.prepare("SELECT 1 FROM t WHERE v = 'a'").get() !== undefined);
      return insert('b')();
    });
    // Nothing runs, and nothing is visible, until the turn ends.
    expect(rowsSeenElsewhere(path)).toEqual([]);
    await expect(Promise.all([first, second])).resolves.toEqual([1, 1]);
    expect(inSameTransaction).toEqual([true]);
    expect(rowsSeenElsewhere(path)).toEqual(['a', 'b']);
    expect(db.inTransaction).toBe(false);
  });

  it('rolls back only the unit that throws; the others commit', async () => {
    const group = createGroupCommit(db);
    const results = await Promise.allSettled([
      group.run(insert('a')),
      group.run(() => {
        insert('half-done')();
        throw new Error('refused');
      }),
      group.run(insert('a')), // a duplicate key: SQLite refuses this statement alone
      group.run(insert('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('refused'));
    expect(String((results[2] as PromiseRejectedResult).reason)).toContain('UNIQUE');
    expect(rowsSeenElsewhere(path)).toEqual(['a', 'c']);
  });

  it('rejects every unit, and writes nothing, when the transaction cannot be had', async () => {
    db.pragma('busy_timeout = 50');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const group = createGroupCommit(db);
      const results = await Promise.allSettled([group.run(insert('a')), group.run(insert('b'))]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(String((results[0] as PromiseRejectedResult).reason)).toContain('database is locked');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(rowsSeenElsewhere(path)).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });

  it('rejects every unit when one error ends the whole transaction (the disk is full), and commits none', async () => {
    const group = createGroupCommit(db);
    db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true })) + 2}`);
    const results = await Promise.allSettled([
      group.run(insert('a')),
      group.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('x'.repeat(100_000)).changes),
      group.run(insert('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    // SQLite rolled the transaction back: 'c' must not have been written on its own afterwards.
    expect(rowsSeenElsewhere(path)).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });

  it('starts a new transaction for work queued after a batch has begun', async () => {
    const group = createGroupCommit(db);
    let later: Promise<number> | undefined;
    const first = group.run(() => {
      later = group.run(insert('b'));
      return insert('a')();
    });
    await first;
    expect(rowsSeenElsewhere(path)).toEqual(['a']);
    await expect(later).resolves.toBe(1);
    expect(rowsSeenElsewhere(path)).toEqual(['a', 'b']);
  });
});
