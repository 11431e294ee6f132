import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { listMigrations } from '../../src/store/migrate.js';
import { bootAlliance, type Harness } from '../support/boot.js';
import { activateAlliance } from '../support/flows.js';
import { type Finished, runEntry, waitFor } from '../support/processes.js';
import { migratedStore, tempDir } from '../support/temp-db.js';

/** Every migration of this build: a copy holds the whole schema. */
const MIGRATIONS = listMigrations().length;
const MEMBERS = Array.from({ length: 12 }, (_, i) => `UMEMBER${String(i).padStart(2, '0')}`);

/** What a restored backup must pass: SQLite's own check, the foreign keys, the schema. */
function inspect(path: string): { integrity: unknown; foreignKeyErrors: unknown[]; migrations: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      foreignKeyErrors: db.pragma('foreign_key_check') as unknown[],
      migrations: (db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

/** Bulk so that a copy takes a while: rows in a table of the test's own, beside Alliance's. */
function pad(path: string, megabytes: number): void {
  const db = new Database(path);
  db.exec('CREATE TABLE IF NOT EXISTS test_padding (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO test_padding (bytes) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < megabytes * 256; i++) insert.run(randomBytes(4000));
  })();
  db.close();
}

describe('npm run backup', () => {
  let h: Harness | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    dir?.cleanup();
    dir = undefined;
  });

  const backup = (database: string, file: string, args: string[] = []) =>
    runEntry('dist/cli/backup.js', [file, ...args], { DATABASE_PATH: database }, dir?.path);

  it('copies the live database while ticks write to it; every copy passes integrity_check', async () => {
    h = await bootAlliance({
      now: '2026-01-05T08:00:00Z',
      logLevel: 'warn',
      arrange: (fake) => {
        for (const id of MEMBERS) fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
        fake.addChannel({ id: 'CTEAM', name: 'team', members: MEMBERS, botIsMember: true });
      },
    });
    dir = tempDir('alliance-backups-');
    await activateAlliance(h, { channelId: 'CTEAM', starter: MEMBERS[0]!, members: MEMBERS });
    pad(h.databasePath, 24);
    // Each direct message is a few commits; slow answers spread them over the whole run.
    h.fake.setLatency('chat.postMessage', 15);

    // Ticks through eight weeks (pulses open with a DM to each member, remind, close; digests)
    // while backups are taken one after the other.
    let ticking = true;
    const ticks = (async () => {
      for (let hour = 0; hour < 8 * 7 * 24; hour++) {
        await h!.tickAt(new Date(Date.parse('2026-01-05T09:00:00Z') + hour * 3_600_000));
      }
      ticking = false;
    })();
    const results: { file: string; run: Finished }[] = [];
    while (ticking || results.length < 3) {
      const file = dir.file(`backup-${results.length}.db`);
      results.push({ file, run: await backup(h.databasePath, file).done });
    }
    await ticks;

    const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, 'CTEAM')!;
    expect(h.app.store.pulses.all(alliance.id).length).toBeGreaterThanOrEqual(8);
    expect(h.fake.messages(MEMBERS[1]!).length).toBeGreaterThanOrEqual(8);
    for (const { file, run } of results) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`Backup written to ${file}`);
      expect(inspect(file)).toEqual({ integrity: 'ok', foreignKeyErrors: [], migrations: MIGRATIONS });
    }
    // Writes did land during copies: SQLite started those over, and they still finished.
    expect(results.some(({ run }) => /started over \d+ time/.test(run.stdout))).toBe(true);
    // Only the backups are left: no temporary files.
    expect(readdirSync(dir.path).sort()).toEqual(results.map((r) => r.file.split('/').at(-1)).sort());
  });

  it('a backup killed part-way leaves no file under its name, or a whole one', async () => {
    dir = tempDir('alliance-backups-');
    const database = dir.file('alliance.db');
    migratedStore(database).db.close();
    pad(database, 40);
    const outcomes: ('absent' | 'whole')[] = [];
    // Killed (SIGKILL: no chance to clean up) as each tenth of the copy is reported.
    for (const at of ['0%', '30%', '60%', '90%', 'Backup written']) {
      const file = dir.file(`killed-at-${outcomes.length}.db`);
      const run = backup(database, file);
      await waitFor(() => run.output().stdout.includes(at) || run.child.exitCode !== null, 20_000, at);
      run.child.kill('SIGKILL');
      await run.done;
      if (existsSync(file)) {
        expect(inspect(file)).toEqual({ integrity: 'ok', foreignKeyErrors: [], migrations: MIGRATIONS });
        outcomes.push('whole');
      } else {
        outcomes.push('absent');
      }
    }
    // The early kills did land mid-copy: nothing under the name, the temporary file left behind.
    expect(outcomes.slice(0, 2)).toEqual(['absent', 'absent']);
    expect(readdirSync(dir.path).some((f) => f.startsWith('.killed-at-0.db.partial-'))).toBe(true);

    // Stopped with SIGTERM (a Ctrl-C, a process manager) it says so and cleans up after itself.
    const stopped = backup(database, dir.file('stopped.db'));
    await waitFor(() => stopped.output().stdout.includes('30%'), 20_000, 'the copy to be under way');
    stopped.child.kill('SIGTERM');
    const result = await stopped.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('The backup was stopped before it finished.\n');
    expect(readdirSync(dir.path).filter((f) => f.includes('stopped.db'))).toEqual([]);
  });

  it('refuses to overwrite a file unless told to, and a database that is not there, in one sentence', async () => {
    dir = tempDir('alliance-backups-');
    const database = dir.file('alliance.db');
    migratedStore(database).db.close();
    const file = dir.file('nightly.db');
    expect((await backup(database, file).done).code).toBe(0);
    const again = await backup(database, file).done;
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`${file} already exists; name a new file, or add --replace to overwrite it.\n`);
    const replaced = await backup(database, file, ['--replace']).done;
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(inspect(file).integrity).toBe('ok');

    const missing = await backup(dir.file('nowhere.db'), dir.file('copy.db')).done;
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `There is no database at DATABASE_PATH (${dir.file('nowhere.db')}); set DATABASE_PATH as for npm start (see Configuration in README.md).\n`,
    );
    const usage = await backup(database, '--help').done;
    expect(usage.code).toBe(0);
    expect(usage.stdout).toMatch(/^usage: npm run backup -- FILE/);
  });

  it('a restored backup is a database Alliance starts on', async () => {
    dir = tempDir('alliance-backups-');
    const database = dir.file('alliance.db');
    const { db, store } = migratedStore(database);
    store.workspaces.register({ teamId: 'T1', teamName: 'Team', botUserId: 'UBOT', now: new Date() });
    db.close();
    expect((await backup(database, dir.file('copy.db')).done).code).toBe(0);
    // As private as the database it copies.
    expect(statSync(dir.file('copy.db')).mode & 0o777).toBe(0o600);
    // Restored in place of a lost database: the tick runs on it, and the workspace is there.
    const restored = dir.file('restored/alliance.db');
    mkdirSync(dir.file('restored'));
    copyFileSync(dir.file('copy.db'), restored);
    const tick = await runEntry(
      'dist/cli/tick.js',
      ['--at', '2026-01-05T09:00:00Z'],
      { DATABASE_PATH: restored },
      dir.path,
    ).done;
    expect(tick.code, tick.stderr).toBe(0);
    const reopened = migratedStore(restored);
    expect(reopened.store.workspaces.get('T1')?.teamName).toBe('Team');
    reopened.db.close();
  });
});
