import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DELIVERY_KINDS } from '../../src/domain/delivery.js';
import { renderDirectMessage } from '../../src/services/direct-messages.js';
import { activeAlliance, type ServiceHarness, serviceHarness, TEAM } from '../support/service-harness.js';

/** A DM is rendered when it is sent, for whom it is still meant: what it says is checked then. */
describe('direct messages, rendered at sending time', () => {
  let h: ServiceHarness;
  beforeEach(() => {
    h = serviceHarness();
  });
  afterEach(() => h.cleanup());

  it('reports an unreachable member to a member, and to no one who has left since the report was queued', async () => {
    const alliance = await activeAlliance(h);
    const now = h.clock.now();
    const [reporter, unreachable] = h.store.alliances.members(alliance.id);
    if (!reporter || !unreachable) throw new Error('the alliance needs two members');
    h.store.deliveries.enqueue({
      teamId: TEAM,
      allianceId: alliance.id,
      kind: DELIVERY_KINDS.pulseInvite,
      subjectId: 1,
      userIds: [unreachable],
      at: now,
      now,
    });
    const failed = h.store.deliveries.find(DELIVERY_KINDS.pulseInvite, 1, unreachable);
    if (!failed) throw new Error('no delivery to report');
    const report = { ...failed, kind: DELIVERY_KINDS.reportUnreachable, subjectId: failed.id, userId: reporter };

    const rendered = renderDirectMessage(h.store, report, now);
    expect(JSON.stringify(rendered)).toContain(`<@${unreachable}>`);

    h.store.alliances.removeMember(alliance.id, reporter, 'left', now);
    expect(renderDirectMessage(h.store, report, now)).toBeNull();
  });
});
