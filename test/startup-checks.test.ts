import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explainNativeModuleError, prepareDatabase, StartupError } from '../src/startup-checks.js';
import { migratedStore, tempDir } from './support/temp-db.js';

/** Databases that cannot be used, made for real, and the sentence each one gets. */
describe('start-up checks of the database', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('alliance-checks-');
  });
  afterEach(() => dir.cleanup());

  const refusal = (path: string): string => {
    try {
      prepareDatabase(path, new Date('2026-01-05T09:00:00Z')).close();
    } catch (error) {
      expect(error).toBeInstanceOf(StartupError);
      return (error as Error).message;
    }
    throw new Error('the database was accepted');
  };

  it('a file that is not a SQLite database', () => {
    writeFileSync(dir.file('notes.txt'), 'Meeting notes, not a database.\n'.repeat(200));
    expect(refusal(dir.file('notes.txt'))).toBe(
      `Alliance cannot use DATABASE_PATH (${dir.file('notes.txt')}): the file there is not a SQLite database; point DATABASE_PATH at Alliance's database or at a new file.`,
    );
  });

  it('a damaged database', () => {
    const path = dir.file('alliance.db');
    const { db } = migratedStore(path);
    db.pragma('journal_mode = DELETE');
    db.close();
    // Garbage over the schema page, after SQLite's 100-byte file header.
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(3000, 0xa5), 0, 3000, 100);
    closeSync(fd);
    expect(refusal(path)).toBe(
      `Alliance cannot use DATABASE_PATH (${path}): the database is damaged; restore it from a backup (see 'Backups' in README.md).`,
    );
  });

  it('a database that opens and migrates is accepted', () => {
    const db = prepareDatabase(dir.file('data/alliance.db'), new Date('2026-01-05T09:00:00Z'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});

describe('start-up checks of better-sqlite3', () => {
  it('explains a binary built for another Node.js version (the error Node gives, word for word)', () => {
    const error = Object.assign(
      new Error(
        "The module '/srv/alliance/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 127. This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
      ),
      { code: 'ERR_DLOPEN_FAILED' },
    );
    expect(explainNativeModuleError(error)).toBe(
      `Alliance cannot load better-sqlite3: it was built for another version of Node.js than this one (${process.version}); run npm rebuild better-sqlite3 (or npm ci) with the Node.js that runs Alliance.`,
    );
    expect(explainNativeModuleError(Object.assign(new Error('some other addon'), { code: 'ERR_DLOPEN_FAILED' }))).toBe(
      undefined,
    );
  });
});
