import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import type { Store } from '../../src/store/index.js';
import { migratedStore, tempDir } from '../support/temp-db.js';

describe('the events ledger', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let store: Store;
  beforeEach(() => {
    dir = tempDir();
    ({ db, store } = migratedStore(dir.file('events.db')));
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  it('recognises a retried event id per workspace, and forgets ids older than the cut-off', () => {
    const t0 = new Date('2026-01-05T09:00:00Z');
    expect(store.events.recordOnce('T1', 'Ev1', t0)).toBe(true);
    expect(store.events.recordOnce('T1', 'Ev1', t0)).toBe(false);
    expect(store.events.recordOnce('T2', 'Ev1', t0)).toBe(true);
    expect(store.events.pruneBefore(new Date(t0.getTime() + 1))).toBe(2);
    expect(store.events.recordOnce('T1', 'Ev1', t0)).toBe(true);
  });
});
