import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DELIVERY_KINDS } from '../../src/domain/delivery.js';
import { DEFAULT_CELEBRATION, DEFAULT_SIGNALS } from '../../src/domain/signal-settings.js';
import { type ServiceHarness, serviceHarness, setupForm, TEAM } from '../support/service-harness.js';

const MEMBERS = ['UALICE', 'UBOB', 'UCAROL'];

/** The first direct message to a person, through the outbox: one call, and safe to retry. */
describe('first contact', () => {
  let h: ServiceHarness;
  beforeEach(() => {
    h = serviceHarness();
  });
  afterEach(() => h.cleanup());

  /** Sets up an alliance; its design invitations are the members' first messages from Alliance. */
  async function startAlliance(): Promise<number> {
    const created = h.services.setup.createAlliance({
      teamId: TEAM,
      userId: 'UALICE',
      viewId: 'V1',
      form: setupForm({ members: MEMBERS }),
      signals: DEFAULT_SIGNALS,
      celebration: DEFAULT_CELEBRATION,
      now: h.clock.now(),
    });
    if (!created.ok) throw new Error(created.problem);
    await h.services.events.publish(created.events, h.clock.now());
    const round = h.store.design.currentOpenRound(created.allianceId);
    if (!round) throw new Error('no design round');
    return round.id;
  }
  const invitation = (roundId: number, userId: string) =>
    h.store.deliveries.find(DELIVERY_KINDS.designInvite, roundId, userId);
  const callsFor = (userId: string) => h.dms.calls.filter((c) => c.to.slice(1) === userId.slice(1));

  it('sends a first message in one call, to the person, and remembers the DM Slack answered with', async () => {
    const roundId = await startAlliance();
    for (const userId of MEMBERS) {
      expect(callsFor(userId)).toEqual([{ method: 'post', to: userId }]);
      const dm = `D${userId.slice(1)}`;
      expect(h.store.dmChannels.get(TEAM, userId)).toBe(dm);
      expect(invitation(roundId, userId)).toMatchObject({ state: 'sent', dmChannelId: dm, attempts: 1 });
      expect(h.dms.to(userId)).toHaveLength(1);
    }
    expect(h.dms.calls.some((c) => c.method === 'open')).toBe(false);
  });

  it('finds a first message Slack posted though its answer was lost, instead of sending it twice', async () => {
    h.dms.loseNextAnswer('UBOB');
    const roundId = await startAlliance();
    // Posted, but as far as Alliance knows it failed: the row waits for its retry, the DM is unknown.
    expect(h.dms.to('UBOB')).toHaveLength(1);
    expect(invitation(roundId, 'UBOB')).toMatchObject({ state: 'pending', dmChannelId: null });
    expect(h.store.dmChannels.get(TEAM, 'UBOB')).toBeNull();

    const retryAt = new Date(h.clock.now().getTime() + 30_000);
    h.clock.set(retryAt);
    await h.services.outbox.drain(retryAt);
    // The retry asks Slack for the DM's id (only on this path), looks there, and finds the message.
    expect(callsFor('UBOB')).toEqual([
      { method: 'post', to: 'UBOB' },
      { method: 'open', to: 'UBOB' },
      { method: 'findDelivered', to: 'DBOB' },
    ]);
    expect(h.dms.to('UBOB')).toHaveLength(1);
    expect(invitation(roundId, 'UBOB')).toMatchObject({
      state: 'sent',
      dmChannelId: 'DBOB',
      ts: h.dms.to('UBOB')[0]?.ts,
    });
    expect(h.store.dmChannels.get(TEAM, 'UBOB')).toBe('DBOB');
  });

  it('sends a first message that never reached Slack on the retry, once', async () => {
    h.dms.failNext('UCAROL');
    const roundId = await startAlliance();
    expect(h.dms.to('UCAROL')).toEqual([]);
    const retryAt = new Date(h.clock.now().getTime() + 30_000);
    h.clock.set(retryAt);
    await h.services.outbox.drain(retryAt);
    expect(callsFor('UCAROL')).toEqual([
      { method: 'post', to: 'UCAROL' },
      { method: 'open', to: 'UCAROL' },
      { method: 'findDelivered', to: 'DCAROL' },
      { method: 'post', to: 'DCAROL' },
    ]);
    expect(h.dms.to('UCAROL')).toHaveLength(1);
    expect(invitation(roundId, 'UCAROL')).toMatchObject({ state: 'sent', dmChannelId: 'DCAROL', attempts: 2 });
  });
});
