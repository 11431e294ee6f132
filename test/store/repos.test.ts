import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileAgreement, contentHash } from '../../src/domain/agreement.js';
import { DEFAULT_CELEBRATION, DEFAULT_SIGNALS } from '../../src/domain/signal-settings.js';
import { getTemplate } from '../../src/domain/templates/index.js';
import type { Db } from '../../src/store/db.js';
import type { Store } from '../../src/store/index.js';
import { migratedStore, tempDir } from '../support/temp-db.js';

const T0 = new Date('2026-01-05T09:00:00Z');
const settings = {
  timeZone: 'Europe/Berlin',
  pulse: {
    cadence: 'weekly' as const,
    weekday: 4 as const,
    localTime: '10:00',
    openHours: 48,
    reminderHoursBefore: 24,
  },
  scheduleAnchor: T0.toISOString(),
  digest: { weekday: 1 as const, localTime: '09:30' },
  anonymous: true,
  anonymityThreshold: 3,
  visibility: 'channel' as const,
  signals: DEFAULT_SIGNALS,
  celebration: DEFAULT_CELEBRATION,
};

describe('repositories on a real SQLite file', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let store: Store;
  beforeEach(() => {
    dir = tempDir();
    ({ db, store } = migratedStore(dir.file('repos.db')));
    store.workspaces.register({ teamId: 'T1', teamName: 'Team', botUserId: 'UBOT', now: T0 });
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  const create = (id: string, channelId = 'C1') =>
    store.alliances.create({
      id,
      teamId: 'T1',
      channelId,
      name: 'A',
      templateId: 'team',
      starterId: 'UA',
      settings,
      setupViewId: `V-${id}`,
      members: ['UA', 'UB'],
      now: T0,
    });

  it('keeps one live alliance per channel, and reads settings back through the schema', () => {
    expect(create('al_0000000001')).toBe('created');
    expect(create('al_0000000002')).toBe('duplicate');
    expect(store.alliances.get('al_0000000002')).toBeUndefined();
    expect(store.alliances.members('al_0000000002')).toEqual([]);
    expect(create('al_0000000003', 'C2')).toBe('created');
    expect(store.alliances.get('al_0000000001')?.settings).toEqual(settings);
    expect(store.alliances.members('al_0000000001')).toEqual(['UA', 'UB']);
  });

  /** An alliance with version 1 compiled from each member's answer to the culture prompt. */
  function writeVersion(cultureBy: Record<string, string>) {
    create('al_0000000001');
    const members = Object.keys(cultureBy);
    const roundId = store.design.openRound({
      teamId: 'T1',
      allianceId: 'al_0000000001',
      baseVersionId: null,
      reason: null,
      startedBy: 'UA',
      now: T0,
    });
    const content = compileAgreement({
      template: getTemplate('team'),
      name: 'A',
      members,
      answers: new Map(members.map((m) => [m, new Map([['atmosphere.culture', cultureBy[m] ?? '']])])),
    });
    const version = store.agreements.insertVersion({
      teamId: 'T1',
      allianceId: 'al_0000000001',
      roundId,
      content,
      hash: contentHash(content),
      compiledBy: 'UA',
      visibility: 'channel',
      now: T0,
    });
    return { version, content };
  }

  it('refuses to change an agreement version once written', () => {
    const { version, content } = writeVersion({ UA: 'Candid' });
    expect(version.number).toBe(1);
    expect(() => db.prepare("UPDATE agreement_versions SET content_json = '{}' WHERE id = ?").run(version.id)).toThrow(
      /immutable/,
    );
    expect(store.agreements.version(version.id)?.contentHash).toBe(contentHash(content));
    // Status may move; content may not.
    expect(store.agreements.activate(version.id, T0)).toBe(true);
  });

  it('reads a version’s parsed content once, and a withdrawal (forget me) is seen at the next read', () => {
    const { version } = writeVersion({ UA: 'Candid', UB: 'Said by UB only' });
    const first = store.agreements.versionContent(version.id);
    expect(JSON.stringify(first)).toContain('Said by UB only');
    expect(store.agreements.versionContent(version.id)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);

    store.transaction(() => store.people.forget('T1', 'UB'));
    const after = store.agreements.versionContent(version.id);
    expect(after).not.toBe(first);
    expect(JSON.stringify(after)).not.toContain('Said by UB only');
    expect(JSON.stringify(after)).toContain('Candid');
    expect(store.agreements.versionContent(999_999)).toBeUndefined();
  });

  it('lets two connections claim deliveries without ever claiming the same row, and reclaims a lapsed claim', () => {
    create('al_0000000001');
    store.deliveries.enqueue({
      teamId: 'T1',
      allianceId: 'al_0000000001',
      kind: 'k',
      subjectId: 1,
      userIds: ['U1AA', 'U2AA', 'U3AA', 'U4AA'],
      at: T0,
      now: T0,
    });
    // Enqueuing again is a no-op.
    store.deliveries.enqueue({
      teamId: 'T1',
      allianceId: 'al_0000000001',
      kind: 'k',
      subjectId: 1,
      userIds: ['U1AA'],
      at: T0,
      now: T0,
    });
    const other = migratedStore(dir.file('repos.db'));
    const claimed = [
      store.deliveries.claimNext('p1', T0, 60_000),
      other.store.deliveries.claimNext('p2', T0, 60_000),
      store.deliveries.claimNext('p1', T0, 60_000),
      other.store.deliveries.claimNext('p2', T0, 60_000),
      store.deliveries.claimNext('p1', T0, 60_000),
    ];
    expect(
      claimed
        .slice(0, 4)
        .map((d) => d?.userId)
        .sort(),
    ).toEqual(['U1AA', 'U2AA', 'U3AA', 'U4AA']);
    expect(claimed[4]).toBeUndefined();
    // p2 died holding its rows: after the lease they are claimable again, with their attempt counted.
    const later = new Date(T0.getTime() + 60_000);
    const reclaimed = store.deliveries.claimNext('p3', later, 60_000);
    expect(reclaimed?.attempts).toBe(2);
    other.db.close();
  });

  it('claims the deliveries and jobs due soonest first, pending or left by a dead claimer alike, and nothing not yet due', () => {
    create('al_0000000001');
    const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
    const enqueue = (userId: string, minutes: number) =>
      store.deliveries.enqueue({
        teamId: 'T1',
        allianceId: 'al_0000000001',
        kind: 'k',
        subjectId: 1,
        userIds: [userId],
        at: at(minutes),
        now: T0,
      });
    enqueue('U1AA', 2);
    enqueue('U2AA', 1);
    enqueue('U3AA', 5);
    enqueue('U4AA', 30);
    // A claimer takes the soonest (due at +1) and dies; at +6 its lease (1 min) has lapsed.
    expect(store.deliveries.claimNext('dead', at(5), 60_000)?.userId).toBe('U2AA');
    const order = [1, 2, 3, 4].map(() => store.deliveries.claimNext('alive', at(6), 60_000)?.userId);
    expect(order).toEqual(['U2AA', 'U1AA', 'U3AA', undefined]);

    for (const [subject, minutes] of [
      ['a', 3],
      ['b', 1],
      ['c', 2],
      ['d', 60],
    ] as const)
      store.jobs.schedule({ teamId: 'T1', kind: 'pulse.open', subjectId: subject, runAt: at(minutes), now: T0 });
    expect(store.jobs.claimNext('dead', at(1), 60_000)?.subjectId).toBe('b');
    const jobs = [1, 2, 3, 4].map(() => store.jobs.claimNext('alive', at(5), 60_000)?.subjectId);
    expect(jobs).toEqual(['b', 'c', 'a', undefined]);
  });

  it('keeps anonymous responses apart from who answered: no user id, no time, no rowid', () => {
    const columns = (table: string) =>
      (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    expect(columns('pulse_participation')).toEqual(['pulse_id', 'team_id', 'user_id']);
    expect(columns('pulse_responses')).not.toContain('created_at');
    expect(columns('pulse_responses')).not.toContain('updated_at');
    const withoutRowid = (table: string) =>
      (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(table) as string).includes(
        'WITHOUT ROWID',
      );
    expect(withoutRowid('pulse_participation')).toBe(true);
    expect(withoutRowid('pulse_responses')).toBe(true);
  });
  it('lists the upcoming pending jobs of every kind and subject, soonest first', () => {
    const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
    store.jobs.schedule({ teamId: 'T1', kind: 'pulse.close', subjectId: '7', runAt: at(30), now: T0 });
    store.jobs.schedule({ teamId: 'T1', kind: 'digest.post', subjectId: 'al_1', runAt: at(10), now: T0 });
    store.jobs.schedule({ teamId: 'T1', kind: 'pulse.open', subjectId: 'al_1', runAt: at(20), now: T0 });
    const claimed = store.jobs.claimNext('me', at(10), 60_000)!;
    store.jobs.complete(claimed.id, 'me', at(10));
    expect(store.jobs.upcoming().map((j) => [j.kind, j.runAt.toISOString()])).toEqual([
      ['pulse.open', at(20).toISOString()],
      ['pulse.close', at(30).toISOString()],
    ]);
    expect(store.jobs.upcoming(1)).toHaveLength(1);
  });
});
