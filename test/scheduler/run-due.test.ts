import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { type JobHandler, retryDelayMs, runDue } from '../../src/scheduler/run-due.js';
import type { Db } from '../../src/store/db.js';
import type { Store } from '../../src/store/index.js';
import { migratedStore, tempDir } from '../support/temp-db.js';

const T0 = new Date('2026-01-05T09:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const quietLogger = createLogger('error', 'test', () => {});

describe('runDue', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let store: Store;
  beforeEach(() => {
    dir = tempDir();
    ({ db, store } = migratedStore(dir.file('jobs.db')));
    store.workspaces.register({ teamId: 'T1', teamName: 'Team', botUserId: 'UBOT', now: T0 });
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  const schedule = (subjectId: string, runAt: Date, kind = 'test.job') =>
    store.jobs.schedule({ teamId: 'T1', kind, subjectId, runAt, now: T0 });

  it('runs what is due, leaves the future alone, and records completion', async () => {
    const seen: string[] = [];
    schedule('a', minutes(0));
    schedule('b', minutes(-30)); // missed while down: caught up
    schedule('c', minutes(5));
    const handlers = { 'test.job': (async (job) => void seen.push(job.subjectId)) satisfies JobHandler };
    const report = await runDue({ jobs: store.jobs, handlers, logger: quietLogger, owner: 'p1' }, T0);
    expect(seen).toEqual(['b', 'a']);
    expect(report.ran.map((r) => r.outcome)).toEqual(['done', 'done']);
    expect(store.jobs.forSubject('c')[0]?.state).toBe('pending');
    expect(store.jobs.forSubject('a')[0]?.state).toBe('done');
  });

  it('scheduling the same run twice keeps one row', () => {
    schedule('a', minutes(0));
    schedule('a', minutes(0));
    expect(store.jobs.forSubject('a')).toHaveLength(1);
  });

  it('brings back a cancelled run when it is scheduled again (a schedule changed, then changed back)', () => {
    schedule('a', minutes(5));
    expect(store.jobs.cancelPending('a', 'test.job', T0)).toBe(1);
    expect(
      store.jobs.scheduleIfNone({ teamId: 'T1', kind: 'test.job', subjectId: 'a', runAt: minutes(5), now: T0 }),
    ).toBe(true);
    expect(store.jobs.forSubject('a')).toMatchObject([{ state: 'pending', attempts: 0 }]);
    expect(store.jobs.nextPending('a', 'test.job')?.runAt).toEqual(minutes(5));
  });

  it('two callers on one database file run each job exactly once', async () => {
    const other = migratedStore(dir.file('jobs.db'));
    for (let i = 0; i < 40; i++) schedule(`s${i}`, minutes(-i));
    const runs = new Map<string, string[]>();
    const handlerFor =
      (owner: string): JobHandler =>
      async (job) => {
        // Yield so the two callers interleave between claims, as two processes would.
        await new Promise((resolve) => setTimeout(resolve, 1));
        runs.set(job.subjectId, [...(runs.get(job.subjectId) ?? []), owner]);
      };
    await Promise.all([
      runDue({ jobs: store.jobs, handlers: { 'test.job': handlerFor('p1') }, logger: quietLogger, owner: 'p1' }, T0),
      runDue(
        { jobs: other.store.jobs, handlers: { 'test.job': handlerFor('p2') }, logger: quietLogger, owner: 'p2' },
        T0,
      ),
    ]);
    other.db.close();
    expect(runs.size).toBe(40);
    for (const owners of runs.values()) expect(owners).toHaveLength(1);
    // Both callers did some of the work.
    const owners = new Set([...runs.values()].flat());
    expect(owners).toEqual(new Set(['p1', 'p2']));
  });

  it('a claim whose runner died is taken over once its lease expires, not before', async () => {
    schedule('a', minutes(0));
    const claimed = store.jobs.claimNext('dead-process', T0, 5 * 60_000);
    expect(claimed?.subjectId).toBe('a');
    const seen: string[] = [];
    const handlers = { 'test.job': (async (job) => void seen.push(job.subjectId)) satisfies JobHandler };
    await runDue({ jobs: store.jobs, handlers, logger: quietLogger, owner: 'p2' }, minutes(4));
    expect(seen).toEqual([]);
    await runDue({ jobs: store.jobs, handlers, logger: quietLogger, owner: 'p2' }, minutes(5));
    expect(seen).toEqual(['a']);
    expect(store.jobs.forSubject('a')[0]).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('retries a failing job with back-off, then gives up and records the error', async () => {
    schedule('a', minutes(0));
    let calls = 0;
    const handlers = {
      'test.job': (async () => {
        calls++;
        throw new Error('slack said no');
      }) satisfies JobHandler,
    };
    let now = minutes(0);
    for (let attempt = 1; attempt <= 5; attempt++) {
      await runDue({ jobs: store.jobs, handlers, logger: quietLogger, owner: 'p1' }, now);
      now = new Date(now.getTime() + retryDelayMs(attempt));
    }
    expect(calls).toBe(5);
    expect(store.jobs.forSubject('a')[0]).toMatchObject({
      state: 'failed',
      attempts: 5,
      lastError: 'Error: slack said no',
    });
    await runDue({ jobs: store.jobs, handlers, logger: quietLogger, owner: 'p1' }, minutes(10_000));
    expect(calls).toBe(5);
  });

  it('leaves the jobs of an uninstalled workspace alone', async () => {
    schedule('a', minutes(0));
    store.workspaces.markUninstalled('T1', T0);
    const seen: string[] = [];
    const handlers = { 'test.job': (async (job) => void seen.push(job.subjectId)) satisfies JobHandler };
    await runDue({ jobs: store.jobs, handlers, logger: quietLogger, owner: 'p1' }, minutes(1));
    expect(seen).toEqual([]);
  });

  it('runs the tick steps after the jobs, even when one step fails', async () => {
    const order: string[] = [];
    await runDue(
      {
        jobs: store.jobs,
        handlers: {},
        logger: quietLogger,
        owner: 'p1',
        steps: [
          {
            name: 'boom',
            run: async () => {
              order.push('boom');
              throw new Error('x');
            },
          },
          { name: 'after', run: async () => void order.push('after') },
        ],
      },
      T0,
    );
    expect(order).toEqual(['boom', 'after']);
  });
});
