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

  it('rebuilds pulse_responses without the key index every answer wrote, keeping every row (0014)', () => {
    const db = openDatabase(dir.file('pulse-responses.db'));
    migrate(
      db,
      at,
      listMigrations().filter((m) => m.version < 14),
    );
    db.prepare("INSERT INTO workspaces (team_id, installed_at) VALUES ('T1', 0)").run();
    db.prepare(
      `INSERT INTO alliances (id, team_id, channel_id, name, template_id, starter_id, status, settings_json, created_at)
       VALUES ('al1', 'T1', 'C1', 'Crew', 'team', 'U1', 'active', '{}', 0)`,
    ).run();
    const pulseId = db
      .prepare(
        `INSERT INTO pulses (team_id, alliance_id, period_key, scheduled_at, opens_at, closes_at, status, anonymous, threshold)
         VALUES ('T1', 'al1', 'p1', 0, 0, 1, 'open', 0, 3)`,
      )
      .run().lastInsertRowid;
    const response = db.prepare(
      'INSERT INTO pulse_responses (id, pulse_id, team_id, user_id, edit_key_hash, working) VALUES (?, ?, ?, ?, ?, ?)',
    );
    response.run('r-named', pulseId, 'T1', 'U1', null, 'Named words');
    response.run('r-keyed', pulseId, 'T1', null, 'hash-1', 'Keyed words');
    db.prepare("INSERT INTO pulse_ratings VALUES ('r-named', 'overall', 4), ('r-keyed', 'overall', 2)").run();
    db.prepare("INSERT INTO pulse_reservation_checks VALUES ('r-named', 7, 1)").run();
    const everything = () => ({
      responses: db.prepare('SELECT * FROM pulse_responses ORDER BY id').all(),
      ratings: db.prepare('SELECT * FROM pulse_ratings ORDER BY response_id').all(),
      checks: db.prepare('SELECT * FROM pulse_reservation_checks').all(),
    });
    const before = everything();
    const indexes = () =>
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'pulse_responses' ORDER BY name")
        .pluck()
        .all();
    // The key's UNIQUE made an index of every row, NULL keys included.
    expect(indexes()).toEqual(['pulse_responses_pulse_user', 'sqlite_autoindex_pulse_responses_2']);

    expect(migrate(db, at)).toContain(14);
    expect(everything()).toEqual(before);
    expect(indexes()).toEqual(['pulse_responses_edit_key', 'pulse_responses_pulse_user']);
    // A key is still unique, and still found through its index; a named answer needs no key.
    expect(() => response.run('r-again', pulseId, 'T1', null, 'hash-1', '')).toThrow(/UNIQUE/);
    response.run('r-named-2', pulseId, 'T1', 'U2', null, '');
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM pulse_responses WHERE pulse_id = ? AND edit_key_hash = ?')
      .all(pulseId, 'hash-1') as { detail: string }[];
    expect(plan.map((row) => row.detail).join(' ')).toContain('pulse_responses_edit_key');
    // The children still hang off their answers: deleting an answer deletes them.
    db.prepare("DELETE FROM pulse_responses WHERE id = 'r-named'").run();
    expect(db.prepare('SELECT count(*) FROM pulse_ratings').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM pulse_reservation_checks').pluck().get()).toBe(0);
    expect(db.pragma('foreign_key_check')).toEqual([]);
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
