import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alliance } from '../../src/domain/alliance.js';
import type { CheckInForm } from '../../src/domain/pulse.js';
import { activeAlliance, type ServiceHarness, serviceHarness, TEAM } from '../support/service-harness.js';

const form = (rating: string, working = ''): CheckInForm => ({
  ratings: { atmosphere: rating, co_responsibility: rating, behavior: rating, overall: rating },
  commitments: { 'co_responsibility.count_on': 'kept', 'co_responsibility.commit': 'at_risk' },
  reservations: {},
  working,
  atRisk: '',
  renegotiate: false,
  renegotiateReason: '',
});

describe('checking in, as a use case', () => {
  let h: ServiceHarness;
  let alliance: Alliance;
  afterEach(() => h.cleanup());

  async function openPulse(anonymous: boolean) {
    h = serviceHarness();
    alliance = await activeAlliance(h, { anonymous });
    const job = h.store.jobs.nextPending(alliance.id, 'pulse.open')!;
    h.clock.set(job.runAt);
    await h.services.pulseSchedule.runOpen(job, job.runAt);
    return h.store.pulses.openPulse(alliance.id)!;
  }

  const submit = (userId: string, pulseId: number, checkIn: CheckInForm, editKey?: string) =>
    h.services.checkIn.submitCheckIn({ teamId: TEAM, userId, pulseId, editKey, form: checkIn, now: h.clock.now() });

  describe('named', () => {
    beforeEach(async () => void (await openPulse(false)));

    it('stores the answer with the person, and a second one replaces it', async () => {
      const pulse = h.store.pulses.openPulse(alliance.id)!;
      expect((await submit('UBOB', pulse.id, form('2', 'First'))).kind).toBe('update');
      expect((await submit('UBOB', pulse.id, form('4', 'Second'))).kind).toBe('update');
      expect(h.store.pulses.namedResponse(pulse.id, 'UBOB')?.answers).toMatchObject({ working: 'Second' });
      expect(h.store.pulses.participants(pulse.id)).toEqual(['UBOB']);
    });

    it('answers inline errors for a missing rating, and refuses someone not asked', async () => {
      const pulse = h.store.pulses.openPulse(alliance.id)!;
      const result = await submit('UBOB', pulse.id, { ...form('3'), ratings: { atmosphere: '3' } });
      expect(result.kind).toBe('errors');
      expect(await submit('UDAVE', pulse.id, form('3'))).toMatchObject({
        kind: 'notice',
        text: expect.stringContaining('out of date'),
      });
      expect(h.store.pulses.participants(pulse.id)).toEqual([]);
    });
  });

  describe('anonymous', () => {
    beforeEach(async () => void (await openPulse(true)));

    it('seals the answer, hands the edit key to the member only, and lets only that key change it', async () => {
      const pulse = h.store.pulses.openPulse(alliance.id)!;
      const first = await submit('UBOB', pulse.id, form('2', 'Sealed words'));
      if (first.kind !== 'update') throw new Error(JSON.stringify(first));
      await first.after?.();
      expect(h.store.db.prepare('SELECT count(*) FROM pulse_responses').pluck().get()).toBe(0);
      const sealed = h.store.db.prepare('SELECT sealed FROM pulse_sealed_answers').pluck().all() as Buffer[];
      expect(sealed).toHaveLength(1);
      expect(sealed[0]!.toString('latin1')).not.toContain('Sealed words');
      // A second first answer is refused; the key is in the thanks the member's DM would carry.
      expect(await submit('UBOB', pulse.id, form('5'))).toMatchObject({ kind: 'notice' });
      expect(await submit('UBOB', pulse.id, form('5'), 'x'.repeat(32))).toMatchObject({
        kind: 'notice',
        text: expect.stringContaining('could not be found'),
      });
      // Closing opens the seal: the figures count the answer; the rows that pair it with Bob are gone.
      const close = h.store.jobs.nextPending(String(pulse.id), 'pulse.close')!;
      await h.services.pulseSchedule.runClose(close, close.runAt);
      const results = h.store.pulses.get(pulse.id)?.results;
      expect(results?.answered).toBe(1);
      expect(results?.comments.working).toEqual(['Sealed words']);
      expect(results?.commitments.atRisk).toBe(1);
      expect(h.store.pulses.participants(pulse.id)).toEqual([]);
      expect(h.store.db.prepare('SELECT count(*) FROM pulse_sealed_answers').pluck().get()).toBe(0);
    });
  });
});
