import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDatabase } from '../../src/store/db.js';
import { createStore, type Store } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrate.js';

/** A fresh directory for one test's SQLite files; `cleanup()` removes it. */
export function tempDir(prefix = 'alliance-test-'): { path: string; file(name: string): string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    file: (name) => join(path, name),
    cleanup: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** A real SQLite file with every migration applied, and the store over it. */
export function migratedStore(path: string, now = new Date('2026-01-01T00:00:00Z')): { db: Db; store: Store } {
  const db = openDatabase(path);
  migrate(db, now);
  return { db, store: createStore(db) };
}
