import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CELEBRATION, DEFAULT_SIGNALS } from '../../src/domain/signal-settings.js';
import { ACTIONS } from '../../src/slack/ids.js';
import {
  activeAlliance,
  answersFor,
  type ServiceHarness,
  serviceHarness,
  setupForm,
  TEAM,
} from '../support/service-harness.js';

/** From setup to an agreement in effect, through the use cases alone (no HTTP, no fake Slack server). */
describe('the design journey, service by service', () => {
  let h: ServiceHarness;
  beforeEach(() => {
    h = serviceHarness();
  });
  afterEach(() => h.cleanup());

  it('creates one alliance per setup modal, and announces its round only when the events are published', async () => {
    const input = {
      teamId: TEAM,
      userId: 'UALICE',
      viewId: 'V1',
      form: setupForm(),
      signals: DEFAULT_SIGNALS,
      celebration: DEFAULT_CELEBRATION,
      now: h.clock.now(),
    };
    const created = h.services.setup.createAlliance(input);
    expect(created.ok && created.fresh).toBe(true);
    expect(h.gateway.posts()).toHaveLength(0);
    const again = h.services.setup.createAlliance(input);
    expect(again).toMatchObject({ ok: true, fresh: false, events: [] });
    const other = h.services.setup.createAlliance({ ...input, viewId: 'V2', userId: 'UBOB' });
    expect(other).toEqual({ ok: false, problem: expect.stringContaining('Someone just started an alliance') });

    if (!created.ok) throw new Error('not created');
    await h.services.events.publish(created.events, h.clock.now());
    const announcement = h.gateway.posts('CTEAM');
    expect(announcement).toHaveLength(1);
    expect(JSON.stringify(announcement[0]?.message?.blocks)).toContain(ACTIONS.addAnswers);
    // Each member is invited by DM, at once (the events ask the outbox to drain).
    expect(new Set(h.dms.sent.map((m) => m.userId))).toEqual(new Set(['UALICE', 'UBOB', 'UCAROL']));
  });

  it('compiles once everyone has answered and, once everyone agreed, schedules pulses and the digest with the activation', async () => {
    const alliance = await activeAlliance(h);
    const version = h.store.agreements.versions(alliance.id).at(-1);
    expect(version?.status).toBe('active');
    expect(version?.content.members).toEqual(['UALICE', 'UBOB', 'UCAROL']);
    // The agreement was posted and pinned in the channel, and the thread told everyone agreed.
    expect(h.gateway.calls.some((c) => c.method === 'pin' && c.channel === 'CTEAM')).toBe(true);
    expect(h.gateway.posts('CTEAM').some((p) => p.text === 'Everyone agreed: the alliance is in effect')).toBe(true);
    const kinds = h.store.jobs
      .forSubject(alliance.id)
      .filter((j) => j.state === 'pending')
      .map((j) => j.kind)
      .sort();
    expect(kinds).toEqual(['digest.post', 'pulse.open', 'signals.daily']);
  });

  it('tells a non-member there is nothing for them to answer, and stores nothing of theirs', async () => {
    const created = h.services.setup.createAlliance({
      teamId: TEAM,
      userId: 'UALICE',
      viewId: 'V1',
      form: setupForm(),
      signals: DEFAULT_SIGNALS,
      celebration: DEFAULT_CELEBRATION,
      now: h.clock.now(),
    });
    if (!created.ok) throw new Error('not created');
    const round = h.store.design.currentOpenRound(created.allianceId);
    if (!round) throw new Error('no round');
    const refused = h.services.designRound.submitStep({
      teamId: TEAM,
      userId: 'UDAVE',
      meta: { allianceId: created.allianceId, roundId: round.id, step: 0 },
      values: answersFor('team', 0, 'UDAVE'),
      now: h.clock.now(),
    });
    expect(refused.kind === 'update' && JSON.stringify(refused.view)).toContain('you are not one of them');
    expect(h.store.design.answersOf(round.id, 'UDAVE').size).toBe(0);
  });
});
