import type { Logger } from '@slack/bolt';
import { isPulseOpen } from '../domain/pulse.js';
import { buildHomeView } from '../slack/blocks/home.js';
import { type SlackClients, slackErrorCode } from '../slack/clients.js';
import type { Store } from '../store/index.js';

/** The App Home tab, published when someone opens it. */
export function createHomeService(deps: {
  store: Store;
  clients: SlackClients;
  logger: Logger;
  nextPulseAt: (allianceId: string) => Date | null;
}) {
  async function publish(input: { teamId: string; userId: string; now: Date }): Promise<void> {
    const alliances = deps.store.alliances.ofMember(input.teamId, input.userId).map((a) => {
      const pulse = deps.store.pulses.openPulse(a.id);
      const open =
        pulse && isPulseOpen(pulse, input.now) && deps.store.pulses.isInvitee(pulse.id, input.userId)
          ? pulse
          : undefined;
      return {
        name: a.name,
        channelId: a.channelId,
        status: a.status,
        versionNumber: a.activeVersionId ? (deps.store.agreements.version(a.activeVersionId)?.number ?? null) : null,
        openPulseClosesAt: open?.closesAt ?? null,
        answeredOpenPulse: open ? deps.store.pulses.hasParticipated(open.id, input.userId) : false,
        nextPulseAt: deps.nextPulseAt(a.id),
      };
    });
    try {
      await deps.clients
        .forTeam(input.teamId)
        .views.publish({ user_id: input.userId, view: buildHomeView({ alliances }) });
    } catch (error) {
      deps.logger.warn('home: could not publish the App Home:', slackErrorCode(error) ?? error);
    }
  }
  return { publish };
}
