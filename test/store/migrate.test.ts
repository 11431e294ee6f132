import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { checksumOf, listMigrations, MigrationError, migrate } from '../../src/store/migrate.js';
import { tempDir } from '../support/temp-db.js';

const at = new Date('2026-01-01T00:00:00Z');

describe('migration runner', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  function writeMigrations(files: Record<string, string>): string {
    const folder = join(dir.path, `migrations-${Object.keys(files).length}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(folder);
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(folder, name), sql);
    return folder;
  }

  it('applies the project migrations in order and records version and checksum', () => {
    const db = openDatabase(dir.file('a.db'));
    const files = listMigrations();
    expect(files[0]?.name).toBe('0001_foundation.sql');
    expect(migrate(db, at)).toEqual(files.map((f) => f.version));
    const rows = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(files.map((f) => ({ version: f.version, name: f.name, checksum: f.checksum })));
    // A second run has nothing to do.
    expect(migrate(db, at)).toEqual([]);
    db.close();
  });

  it('sets WAL, foreign keys and a busy timeout on every connection', () => {
    const db = openDatabase(dir.file('pragmas.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    db.close();
  });

  it('rolls a failing migration back entirely and records nothing for it', () => {
    const folder = writeMigrations({
      '0001_ok.sql': 'CREATE TABLE a (id INTEGER PRIMARY KEY);',
      '0002_broken.sql': 'CREATE TABLE b (id INTEGER PRIMARY KEY); INSERT INTO nowhere VALUES (1);',
    });
    const db = openDatabase(dir.file('broken.db'));
    expect(() => migrate(db, at, listMigrations(folder))).toThrow(/no such table: nowhere/);
    const versions = db.prepare('SELECT version FROM schema_migrations').pluck().all();
    expect(versions).toEqual([1]);
    const tableB = db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get();
    expect(tableB).toBeUndefined();
    db.close();
  });

  it('refuses a database holding a migration this build does not know', () => {
    const newer = writeMigrations({
      '0001_ok.sql': 'CREATE TABLE a (id INTEGER PRIMARY KEY);',
      '0002_future.sql': 'CREATE TABLE f (id INTEGER PRIMARY KEY);',
    });
    const older = writeMigrations({ '0001_ok.sql': 'CREATE TABLE a (id INTEGER PRIMARY KEY);' });
    const db = openDatabase(dir.file('future.db'));
    migrate(db, at, listMigrations(newer));
    expect(() => migrate(db, at, listMigrations(older))).toThrow(MigrationError);
    expect(() => migrate(db, at, listMigrations(older))).toThrow(
      /0002_future\.sql, which this build of Alliance does not know/,
    );
    db.close();
  });

  it('refuses a database whose landed migration file was edited', () => {
    const original = writeMigrations({ '0001_ok.sql': 'CREATE TABLE a (id INTEGER PRIMARY KEY);' });
    const edited = writeMigrations({ '0001_ok.sql': 'CREATE TABLE a (id INTEGER PRIMARY KEY, extra TEXT);' });
    const db = openDatabase(dir.file('edited.db'));
    migrate(db, at, listMigrations(original));
    expect(() => migrate(db, at, listMigrations(edited))).toThrow(/0001_ok\.sql was edited after it was applied/);
    db.close();
  });

  it('treats CRLF and LF checkouts of a file as the same migration', () => {
    expect(checksumOf('CREATE TABLE a (id INTEGER);\r\n')).toBe(checksumOf('CREATE TABLE a (id INTEGER);\n'));
  });

  it('rejects a file that is not named NNNN_name.sql', () => {
    const folder = writeMigrations({ '1_bad.sql': 'SELECT 1;' });
    expect(() => listMigrations(folder)).toThrow(/not named NNNN_name\.sql/);
  });

  it("gives each pulse already stored its alliance's visibility (0011)", () => {
    const db = openDatabase(dir.file('pulse-visibility.db'));
    const before = listMigrations().filter((m) => m.version < 11);
    migrate(db, at, before);
    db.prepare("INSERT INTO workspaces (team_id, installed_at) VALUES ('T1', 0)").run();
    const alliance = db.prepare(
      `INSERT INTO alliances (id, team_id, channel_id, name, template_id, starter_id, status, settings_json, created_at)
       VALUES (?, 'T1', ?, 'Crew', 'team', 'U1', 'active', ?, 0)`,
    );
    alliance.run('al_members', 'C1', JSON.stringify({ visibility: 'members' }));
    alliance.run('al_channel', 'C2', JSON.stringify({ visibility: 'channel' }));
    const pulse = db.prepare(
      `INSERT INTO pulses (team_id, alliance_id, period_key, scheduled_at, opens_at, closes_at, status, anonymous, threshold)
       VALUES ('T1', ?, 'p1', 0, 0, 1, 'closed', 0, 3)`,
    );
    pulse.run('al_members');
    pulse.run('al_channel');
    expect(migrate(db, at)).toContain(11);
    const rows = db.prepare('SELECT alliance_id, visibility FROM pulses ORDER BY alliance_id').all();
    expect(rows).toEqual([
      { alliance_id: 'al_channel', visibility: 'channel' },
      { alliance_id: 'al_members', visibility: 'members' },
    ]);
    db.close();
  });

  it('lets two connections migrate the same file without applying anything twice', () => {
    const path = dir.file('race.db');
    const first = openDatabase(path);
    const second = openDatabase(path);
    const appliedByFirst = migrate(first, at);
    const appliedBySecond = migrate(second, at);
    expect(appliedByFirst.length).toBeGreaterThan(0);
    expect(appliedBySecond).toEqual([]);
    first.close();
    second.close();
  });
});
