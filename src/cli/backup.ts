import { parseArgs } from 'node:util';
import { ConfigError, loadDotEnv, parseRuntimeConfig } from '../config.js';
import { BackupError, backupDatabase } from '../store/backup.js';

/**
 * `npm run backup -- FILE`: a consistent copy of the live database at DATABASE_PATH, taken with
 * SQLite's online backup while Alliance keeps running. Exit codes: 0 written; 1 it could not be;
 * 2 invalid arguments.
 */

const USAGE = `usage: npm run backup -- FILE [--replace]

Copies the database at DATABASE_PATH (default data/alliance.db) to FILE with SQLite's online
backup, safe while Alliance runs and writes. The copy is checked (PRAGMA integrity_check) and
appears under FILE only once it is complete.

  --replace  overwrite FILE if it exists
  --help     this text

To restore: stop Alliance, copy FILE to DATABASE_PATH, delete the DATABASE_PATH-wal and
DATABASE_PATH-shm files beside it if there are any, start Alliance (see 'Backups' in README.md).`;

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

async function main(): Promise<number> {
  let file: string | undefined;
  let replace = false;
  try {
    const { values, positionals } = parseArgs({
      args: process.argv.slice(2),
      options: { replace: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new Error('name one backup file');
    file = positionals[0];
    replace = values.replace === true;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}.\n${USAGE}\n`);
    return 2;
  }

  loadDotEnv();
  const { databasePath } = parseRuntimeConfig(process.env);
  // Ctrl-C or a SIGTERM stops the copy and removes the unfinished file.
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());

  let lastTenth = -1;
  process.stdout.write(`Backing up ${databasePath} to ${file}\n`);
  const report = await backupDatabase(databasePath, file!, {
    replace,
    signal: stop.signal,
    onProgress: ({ totalPages, remainingPages }) => {
      const tenth = Math.floor(((totalPages - remainingPages) / Math.max(totalPages, 1)) * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        process.stdout.write(`  ${tenth * 10}% of ${totalPages} pages\n`);
      }
    },
  });
  process.stdout.write(
    `Backup written to ${report.destination}: ${megabytes(report.bytes)}, ${report.pages} pages, ` +
      `integrity check ok${report.restarts > 0 ? ` (started over ${report.restarts} time(s) as Alliance wrote meanwhile)` : ''}.\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BackupError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      const code = (error as { code?: unknown } | null)?.code;
      const reason = typeof code === 'string' ? `${code}: ${(error as Error).message}` : String(error);
      process.stderr.write(`The backup could not be written (${reason}); nothing was left under the file's name.\n`);
    }
    process.exit(1);
  },
);
