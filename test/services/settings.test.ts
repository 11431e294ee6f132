import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alliance } from '../../src/domain/alliance.js';
import { openDatabase } from '../../src/store/db.js';
import { createStore } from '../../src/store/index.js';
import { runEntry } from '../support/processes.js';
import {
  activeAlliance,
  type ServiceHarness,
  serviceHarness,
  settingsFormOf,
  TEAM,
} from '../support/service-harness.js';
import { tempDir } from '../support/temp-db.js';

describe('settings, as a use case', () => {
  let h: ServiceHarness;
  let alliance: Alliance;
  beforeEach(async () => {
    h = serviceHarness();
    alliance = await activeAlliance(h);
  });
  afterEach(() => h.cleanup());

  const submit = (userId: string, form = settingsFormOf(alliance)) =>
    h.services.settings.submit({ teamId: TEAM, userId, allianceId: alliance.id, form, now: h.clock.now() });

  it('applies a new pulse day and a removed member together, then announces and signals it', async () => {
    const before = h.store.jobs.nextPending(alliance.id, 'pulse.open')?.runAt;
    const result = await submit(
      'UBOB',
      settingsFormOf(alliance, { setup: { members: ['UALICE', 'UBOB'], pulseWeekday: '2' } }),
    );
    if (result.kind !== 'saved') throw new Error(JSON.stringify(result));
    // Written before the modal is answered…
    expect(h.store.alliances.get(alliance.id)?.settings.pulse.weekday).toBe(2);
    expect(h.store.alliances.members(alliance.id)).toEqual(['UALICE', 'UBOB']);
    const after = h.store.jobs.nextPending(alliance.id, 'pulse.open')?.runAt;
    expect(after?.getTime()).not.toBe(before?.getTime());
    expect(after?.toISOString()).toBe('2026-03-03T09:00:00.000Z'); // Tuesday 10:00 in Paris
    // …and said in the channel only afterwards: the change, and the membership signal.
    expect(h.gateway.posts('CTEAM').filter((p) => p.text?.includes('updated the settings'))).toHaveLength(0);
    await result.announce();
    const channel = h.gateway.posts('CTEAM').map((p) => p.text ?? '');
    expect(channel.some((t) => t.includes('<@UBOB> updated the settings') && t.includes('removed <@UCAROL>'))).toBe(
      true,
    );
    expect(h.store.flags.unresolved(alliance.id).map((f) => f.kind)).toEqual(['membershipChange']);
  });

  it('answers inline errors and writes nothing when the reminder would come after the pulse closes', async () => {
    const result = await submit(
      'UALICE',
      settingsFormOf(alliance, { setup: { members: ['UALICE'] }, openHours: '24', reminderHours: '48' }),
    );
    expect(result).toMatchObject({
      kind: 'errors',
      pulse: { reminderHours: expect.stringContaining('before the pulse closes') },
    });
    expect(h.store.alliances.members(alliance.id)).toEqual(['UALICE', 'UBOB', 'UCAROL']);
    expect(h.store.alliances.get(alliance.id)?.settings).toEqual(alliance.settings);
  });

  it('refuses someone who is not a member', async () => {
    const result = await submit('UDAVE');
    expect(result).toMatchObject({ kind: 'notice', text: expect.stringContaining('Only members of') });
  });
});

describe('a settings change killed half-way', () => {
  it.each([
    ['inside the write, after the settings and schedules', 'during-members', false],
    ['after the write, while announcing it', 'after-commit', true],
  ])('%s: all of it or none of it is applied', async (_when, killAt, applied) => {
    const dir = tempDir();
    const file = dir.file('alliance.db');
    const setup = serviceHarness(new Date('2026-03-02T09:00:00Z'), file);
    const alliance = await activeAlliance(setup);
    const jobBefore = setup.store.jobs.nextPending(alliance.id, 'pulse.open');
    setup.cleanup();

    const { done } = runEntry('test/services/fixtures/settings-crash.ts', [file, killAt, alliance.id], {});
    const finished = await done;
    expect(finished.signal).toBe('SIGKILL');
    expect(readFileSync(`${file}.killed`, 'utf8')).toBe(killAt);

    const db = openDatabase(file);
    const store = createStore(db);
    const now = store.alliances.get(alliance.id);
    const job = store.jobs.nextPending(alliance.id, 'pulse.open');
    if (applied) {
      expect(now?.settings.pulse.weekday).toBe(2);
      expect(store.alliances.members(alliance.id)).toEqual(['UALICE', 'UBOB']);
      expect(job?.id).not.toBe(jobBefore?.id);
    } else {
      expect(now?.settings).toEqual(alliance.settings);
      expect(store.alliances.members(alliance.id)).toEqual(['UALICE', 'UBOB', 'UCAROL']);
      expect(job?.id).toBe(jobBefore?.id);
      expect(job?.runAt).toEqual(jobBefore?.runAt);
    }
    db.close();
    dir.cleanup();
  });
});
