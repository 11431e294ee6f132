import { JOB_KINDS } from '../domain/job.js';
import { isPulseOpen } from '../domain/pulse.js';
import { buildHomeView } from '../slack/blocks/home.js';
import type { SlackGateway } from '../slack/gateway.js';
import type { Store } from '../store/index.js';

/** The App Home tab, published when someone opens it. */
export function createHomeService(deps: { store: Store; gateway: SlackGateway }) {
  const { store } = deps;

  async function publish(input: { teamId: string; userId: string; now: Date }): Promise<void> {
    const alliances = store.alliances.ofMember(input.teamId, input.userId).map((a) => {
      const pulse = store.pulses.openPulse(a.id);
      const invited = pulse && isPulseOpen(pulse, input.now) && store.pulses.isInvitee(pulse.id, input.userId);
      const open = invited ? pulse : undefined;
      return {
        name: a.name,
        channelId: a.channelId,
        status: a.status,
        versionNumber: a.activeVersionId ? (store.agreements.version(a.activeVersionId)?.number ?? null) : null,
        openPulseClosesAt: open?.closesAt ?? null,
        answeredOpenPulse: open ? store.pulses.hasParticipated(open.id, input.userId) : false,
        nextPulseAt: store.jobs.nextPending(a.id, JOB_KINDS.pulseOpen)?.runAt ?? null,
      };
    });
    await deps.gateway.publishHome(input.teamId, input.userId, buildHomeView({ alliances }), 'publishing the App Home');
  }

  return { publish };
}

export type HomeService = ReturnType<typeof createHomeService>;
