import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/events.js';
import { createLogger } from '../../src/logger.js';
import { createEvents, type ReactionTable } from '../../src/services/events.js';
import type { Db } from '../../src/store/db.js';
import type { Store } from '../../src/store/index.js';
import { migratedStore, tempDir } from '../support/temp-db.js';

const NOW = new Date('2026-03-02T09:00:00Z');

/** A table where every event has no reaction, for tests to fill in what they need. */
function emptyTable(): Record<DomainEvent['type'], unknown[]> {
  return {
    roundOpened: [],
    roundReopened: [],
    answersFinished: [],
    versionCompiled: [],
    versionAgreed: [],
    pulseClosed: [],
    scheduleChanged: [],
    wordsWithdrawn: [],
    commentsExpired: [],
    membersChanged: [],
    newcomerArrived: [],
    pulseOpened: [],
    consentRecorded: [],
    checkedIn: [],
    admissionRequested: [],
    admitted: [],
    privacyChangeRequested: [],
    allianceArchived: [],
    dmsQueued: [],
    memberUnreachable: [],
  };
}

describe('the event bus', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let store: Store;
  const logged: string[] = [];
  const logger = createLogger('error', 'events-test', (line) => logged.push(line));

  beforeEach(() => {
    dir = tempDir();
    ({ db, store } = migratedStore(dir.file('a.db'), NOW));
    store.workspaces.register({ teamId: 'T1', teamName: 'T', botUserId: 'UBOT', now: NOW });
    logged.length = 0;
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  const jobCount = () => (db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n;
  const scheduleJob = () =>
    store.jobs.schedule({ teamId: 'T1', kind: 'digest.post', subjectId: 'al_x', runAt: NOW, now: NOW });

  it('runs atomic reactions inside the transaction: a failure later in it rolls both back', () => {
    const events = createEvents({ store, logger });
    events.install({
      ...emptyTable(),
      scheduleChanged: [{ does: 'schedule', atomic: () => scheduleJob() }],
    } as ReactionTable);
    expect(() =>
      events.transaction(NOW, (record) => {
        record({ type: 'scheduleChanged', allianceId: 'al_x' });
        expect(jobCount()).toBe(1);
        throw new Error('crash after the reaction');
      }),
    ).toThrow('crash after the reaction');
    expect(jobCount()).toBe(0);
  });

  it('runs after-commit reactions only when published, in the listed order, and keeps going past a failure', async () => {
    const order: string[] = [];
    const events = createEvents({ store, logger });
    events.install({
      ...emptyTable(),
      pulseClosed: [
        { does: 'first', after: async () => void order.push('first') },
        {
          does: 'fail',
          after: async () => {
            throw new Error('Slack is down');
          },
        },
        { does: 'third', after: async (e) => void order.push(`third:${e.pulseId}`) },
      ],
    } as ReactionTable);
    const { events: recorded } = events.transaction(NOW, (record) =>
      record({ type: 'pulseClosed', allianceId: 'al_x', pulseId: 7 }),
    );
    expect(order).toEqual([]);
    await events.publish(recorded, NOW);
    expect(order).toEqual(['first', 'third:7']);
    expect(logged.join('\n')).toContain('after pulseClosed, could not fail');
  });

  it('refuses to work before its reactions are installed, and installs them once', () => {
    const events = createEvents({ store, logger });
    expect(() => events.transaction(NOW, (record) => record({ type: 'dmsQueued' }))).toThrow('not installed');
    events.install(emptyTable() as ReactionTable);
    expect(() => events.install(emptyTable() as ReactionTable)).toThrow('once');
  });
});
