import { afterEach, describe, expect, it } from 'vitest';
import { JOB_KINDS, type Job } from '../../src/domain/job.js';
import { createLogger } from '../../src/logger.js';
import { createWorkspaceService } from '../../src/services/workspace.js';
import type { Db } from '../../src/store/db.js';
import type { Store } from '../../src/store/index.js';
import { migratedStore, tempDir } from '../support/temp-db.js';

const DAY = 86_400_000;
const UNINSTALLED = new Date('2026-02-01T00:00:00Z');

/** A workspace with `n` alliances of three members, each with a pending job and a sent DM. */
let subject = 0;
function arrangeWorkspace(db: Db, teamId: string, n: number): void {
  const now = Date.parse('2026-01-05T08:00:00Z');
  db.prepare('INSERT INTO workspaces (team_id, team_name, bot_user_id, installed_at) VALUES (?, ?, ?, ?)').run(
    teamId,
    teamId,
    'UBOT',
    now,
  );
  for (let a = 0; a < n; a++) {
    const id = `al_${teamId.toLowerCase()}${String(a).padStart(6, '0')}`;
    db.prepare(
      "INSERT INTO alliances (id, team_id, channel_id, name, template_id, starter_id, status, settings_json, created_at) VALUES (?, ?, ?, 'Team', 'team', 'U1', 'active', '{}', ?)",
    ).run(id, teamId, `C${a}`, now);
    for (const user of ['U1', 'U2', 'U3']) {
      db.prepare('INSERT INTO alliance_members (alliance_id, team_id, user_id, joined_at) VALUES (?, ?, ?, ?)').run(
        id,
        teamId,
        user,
        now,
      );
      db.prepare(
        "INSERT INTO deliveries (team_id, alliance_id, kind, subject_id, user_id, state, next_attempt_at, created_at) VALUES (?, ?, 'design.invite', ?, ?, 'sent', ?, ?)",
      ).run(teamId, id, ++subject, user, now, now);
    }
    db.prepare('INSERT INTO jobs (team_id, kind, subject_id, run_at, created_at) VALUES (?, ?, ?, ?, ?)').run(
      teamId,
      JOB_KINDS.pulseOpen,
      id,
      now + 7 * DAY,
      now,
    );
  }
  db.prepare('INSERT INTO dm_channels (team_id, user_id, channel_id, opened_at) VALUES (?, ?, ?, ?)').run(
    teamId,
    'U1',
    'DU1',
    now,
  );
}

const rowsOf = (store: Store, teamId: string) =>
  Object.fromEntries(
    store.tenancy
      .tenantTables()
      .map((t) => [
        t.name,
        store.db.prepare(`SELECT COUNT(*) FROM "${t.name}" WHERE team_id = ?`).pluck().get(teamId) as number,
      ]),
  );

describe('purging an uninstalled workspace', () => {
  const dir = tempDir();
  let db: Db | undefined;
  afterEach(() => {
    db?.close();
    dir.cleanup();
  });

  function setup() {
    const opened = migratedStore(dir.file(`purge-${Math.random().toString(36).slice(2)}.db`));
    db = opened.db;
    arrangeWorkspace(opened.db, 'T0GONE', 12);
    arrangeWorkspace(opened.db, 'T0KEEP', 12);
    const logs: string[] = [];
    const service = createWorkspaceService({
      store: opened.store,
      logger: createLogger('info', 'workspace', (line) => logs.push(line)),
      installations: { removeTokens: ({ teamId }) => [teamId], installedAt: () => undefined },
      purgeAfterDays: 30,
    });
    service.botAccessLost({ teamId: 'T0GONE', botTokensRevoked: true, now: UNINSTALLED });
    const job = opened.store.jobs.forSubject('T0GONE').find((j) => j.kind === JOB_KINDS.workspacePurge) as Job;
    return { store: opened.store, service, job, logs };
  }

  it('deletes every row of the workspace, a few alliances at a time, and nothing of the other', async () => {
    const { store, service, job, logs } = setup();
    expect(job.runAt).toEqual(new Date(UNINSTALLED.getTime() + 30 * DAY));
    const kept = rowsOf(store, 'T0KEEP');
    await service.runPurge(job, new Date(UNINSTALLED.getTime() + 30 * DAY));
    expect(Object.values(rowsOf(store, 'T0GONE')).every((n) => n === 0)).toBe(true);
    expect(rowsOf(store, 'T0KEEP')).toEqual(kept);
    expect(logs.some((l) => l.includes('workspace T0GONE: grace period over; 12 alliance(s) and'))).toBe(true);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
  });

  it('stops between steps when the workspace is installed again meanwhile, keeping what is left', async () => {
    const { store, service, job } = setup();
    const running = service.runPurge(job, new Date(UNINSTALLED.getTime() + 31 * DAY));
    // The reinstall lands while the purge lets other work in between two steps.
    store.tenancy.register({
      teamId: 'T0GONE',
      teamName: 'Gone',
      botUserId: 'UBOT',
      enterpriseId: null,
      now: new Date(UNINSTALLED.getTime() + 31 * DAY),
    });
    await running;
    const left = rowsOf(store, 'T0GONE');
    expect(left.alliances).toBe(7);
    expect(left.workspaces).toBe(1);
    expect(left.dm_channels).toBe(1);
  });

  it('does nothing before the grace period ends, and nothing for a workspace installed again', async () => {
    const { store, service, job } = setup();
    await service.runPurge(job, new Date(UNINSTALLED.getTime() + 29 * DAY));
    expect(rowsOf(store, 'T0GONE').alliances).toBe(12);
    store.tenancy.register({
      teamId: 'T0GONE',
      teamName: null,
      botUserId: 'UBOT',
      enterpriseId: null,
      now: UNINSTALLED,
    });
    await service.runPurge(job, new Date(UNINSTALLED.getTime() + 40 * DAY));
    expect(rowsOf(store, 'T0GONE').alliances).toBe(12);
  });
});
