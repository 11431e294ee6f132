import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Db, writeTransaction } from './db.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/** A database this build must not touch: the message says why and what to do. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export function checksumOf(sql: string): string {
  // Line endings are normalised so a checkout with CRLF does not count as an edit.
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

export function listMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const migrations: MigrationFile[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new MigrationError(`Migration file ${file} is not named NNNN_name.sql.`);
    const sql = readFileSync(join(dir, file), 'utf8');
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) {
      throw new MigrationError(`Two migration files share version ${match[1]}.`);
    }
    migrations.push({ version, name: file, sql, checksum: checksumOf(sql) });
  }
  return migrations;
}

function ensureLedger(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
}

function appliedMigrations(db: Db): AppliedRow[] {
  return db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as AppliedRow[];
}

/** Refuses a database that holds migrations unknown to this build or whose files were edited. */
export function checkApplied(applied: readonly AppliedRow[], known: readonly MigrationFile[]): void {
  for (const row of applied) {
    const file = known.find((m) => m.version === row.version);
    if (!file) {
      throw new MigrationError(
        `The database at this DATABASE_PATH has migration ${row.name}, which this build of Alliance ` +
          `does not know; run a newer build or point DATABASE_PATH at another database.`,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `Migration ${file.name} was edited after it was applied to this database; restore the ` +
          `original file and put the change in a new migration.`,
      );
    }
  }
}

/**
 * Applies pending migrations in order, each in its own transaction together with its ledger row.
 * Safe to run from two processes at once: the ledger is re-read inside each write transaction.
 * Returns the versions applied by this call.
 */
export function migrate(db: Db, appliedAt: Date, migrations: readonly MigrationFile[] = listMigrations()): number[] {
  ensureLedger(db);
  checkApplied(appliedMigrations(db), migrations);
  const appliedNow: number[] = [];
  for (const migration of migrations) {
    writeTransaction(db, () => {
      const already = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (already) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(
        migration.version,
        migration.name,
        migration.checksum,
        appliedAt.toISOString(),
      );
      appliedNow.push(migration.version);
    });
  }
  return appliedNow;
}
