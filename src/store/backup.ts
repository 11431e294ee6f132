import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Online backups with SQLite's backup API (better-sqlite3's `backup()`): a consistent copy of the
 * live database, taken while Alliance runs and writes (WAL: the copy reads a snapshot, writers
 * are not blocked).
 *
 * The copy is written under a temporary name beside the destination, checked with
 * `PRAGMA integrity_check`, switched to a single self-contained file (journal_mode=DELETE),
 * flushed to disk and only then renamed to the destination, so a backup that is interrupted (the
 * process killed, the disk full) never leaves a half-written file under the name asked for.
 */

/** A problem the person taking the backup can fix; the message is the one sentence they see. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

export interface BackupOptions {
  /** Overwrite a destination that already exists. */
  replace?: boolean;
  onProgress?: (progress: BackupProgress) => void;
  /** Aborting stops the copy and removes the temporary file. */
  signal?: AbortSignal;
}

export interface BackupReport {
  source: string;
  destination: string;
  pages: number;
  bytes: number;
  /** How often a write by another connection made SQLite start the copy again. */
  restarts: number;
}

/** The temporary file a backup to `destination` is written to before it is renamed. */
export function partialName(destination: string): string {
  return join(dirname(destination), `.${basename(destination)}.partial-${process.pid}`);
}

function removeWithSidecars(path: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

function flushToDisk(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export async function backupDatabase(
  sourcePath: string,
  destinationPath: string,
  options: BackupOptions = {},
): Promise<BackupReport> {
  const source = resolve(sourcePath);
  const destination = resolve(destinationPath);
  if (!existsSync(source) || !statSync(source).isFile()) {
    throw new BackupError(
      `There is no database at DATABASE_PATH (${source}); set DATABASE_PATH as for npm start (see ` +
        `Configuration in README.md).`,
    );
  }
  if (existsSync(destination)) {
    if (realpathSync(destination) === realpathSync(source)) {
      throw new BackupError(`The backup file cannot be the database itself (${source}); name another file.`);
    }
    if (statSync(destination).isDirectory()) {
      throw new BackupError(
        `${destination} is a folder; name a file inside it, such as ${join(destination, 'alliance-backup.db')}.`,
      );
    }
    if (!options.replace) {
      throw new BackupError(`${destination} already exists; name a new file, or add --replace to overwrite it.`);
    }
  }
  mkdirSync(dirname(destination), { recursive: true });
  const partial = partialName(destination);
  removeWithSidecars(partial);
  // The copy holds everything the database does: readable by its owner only, as the database is
  // (SQLite gives its journal the same mode).
  closeSync(openSync(partial, 'w', 0o600));
  chmodSync(partial, 0o600);

  // No pragmas that write: the live database keeps its settings (WAL), the backup reads.
  const db = new Database(source, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  let restarts = 0;
  let previousRemaining = Number.POSITIVE_INFINITY;
  let wholeInOneStep = false;
  try {
    const result = await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        if (options.signal?.aborted) throw new BackupError('The backup was stopped before it finished.');
        // More pages left than at the last step: a write elsewhere made SQLite start over. Under
        // steady writes, copying in small steps could start over for ever; copy the rest in one
        // step instead, which reads one consistent snapshot.
        if (remainingPages > previousRemaining) {
          restarts += 1;
          wholeInOneStep = true;
        }
        previousRemaining = remainingPages;
        options.onProgress?.({ totalPages, remainingPages });
        return wholeInOneStep ? 0x7fffffff : Math.max(1000, Math.ceil(totalPages / 20));
      },
    });
    db.close();

    const copy = new Database(partial, { fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') {
        throw new BackupError(`The copy failed SQLite's integrity check (${String(check)}); take the backup again.`);
      }
      // One self-contained file: no -wal beside it to forget when it is copied elsewhere.
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    flushToDisk(partial);
    renameSync(partial, destination);
    try {
      // The rename itself survives a power cut once the folder is flushed (not possible everywhere).
      flushToDisk(dirname(destination));
    } catch {}
    return { source, destination, pages: result.totalPages, bytes: statSync(destination).size, restarts };
  } catch (error) {
    if (db.open) db.close();
    removeWithSidecars(partial);
    throw error;
  }
}
