import { randomBytes } from 'node:crypto';
import { type Clock, realTimer } from '../clock.js';
import type { Alliance } from '../domain/alliance.js';
import type { AppLogger } from '../logger.js';
import { type SlackClients, slackErrorCode } from '../slack/clients.js';
import type { Store } from '../store/index.js';
import { createAgreementPublisher } from './agreement-publisher.js';
import { createConsentService } from './consent.js';
import { createDesignService, DESIGN_INVITE } from './design.js';
import { createDigestService } from './digests.js';
import { createDirectory } from './directory.js';
import { createHomeService } from './home.js';
import { createOutbox, type DeliveryRenderer } from './outbox.js';
import { createPulseService, PULSE_INVITE, PULSE_REMINDER } from './pulses.js';
import { createRenegotiationService, NEWCOMER_WELCOME } from './renegotiation.js';
import { createSettingsService } from './settings.js';
import { createUnreachableHandling, REPORT_UNREACHABLE } from './unreachable.js';
import { createWorkspaceService } from './workspace.js';

export interface ServiceDeps {
  store: Store;
  clock: Clock;
  logger: AppLogger;
  clients: SlackClients;
  /** Identifies this process in lease columns (jobs, deliveries). */
  owner: string;
}

/** Builds the application services; listeners and jobs call these, never the store directly. */
export function buildServices(deps: ServiceDeps) {
  const { store, clients, logger } = deps;
  const botUserId = (teamId: string) => store.workspaces.get(teamId)?.botUserId ?? null;
  const directory = createDirectory(clients, () => deps.clock.now().getTime());

  const renderers: Record<string, DeliveryRenderer> = {};
  const outbox = createOutbox({
    store,
    clients,
    logger: logger.child('outbox'),
    owner: deps.owner,
    timer: realTimer,
    renderers,
    onUnreachable: (delivery, reason, now) => unreachable.onUnreachable(delivery, reason, now),
  });

  const notifyStarter = async (alliance: Alliance, text: string) => {
    try {
      await clients.forTeam(alliance.teamId).chat.postMessage({ channel: alliance.starterId, text });
    } catch (error) {
      logger.error(
        `alliance ${alliance.id}: could not tell the starter about a problem:`,
        slackErrorCode(error) ?? error,
      );
    }
  };

  const publisher = createAgreementPublisher({ store, clients, logger: logger.child('agreement') });
  const design = createDesignService({
    store,
    clients,
    logger: logger.child('design'),
    directory,
    outbox,
    publisher,
    botUserId,
    newAllianceId: () => `al_${randomBytes(8).toString('hex')}`,
    notifyStarter,
  });
  const pulses = createPulseService({
    store,
    clients,
    logger: logger.child('pulses'),
    onClosed: (pulse, alliance, now) => renegotiation.afterPulseClosed(pulse, alliance, now),
  });
  const digests = createDigestService({
    store,
    clients,
    logger: logger.child('digests'),
    publisher,
    nextPulseAt: (id) => pulses.nextPulseAt(id),
  });
  const consent = createConsentService({
    store,
    clients,
    logger: logger.child('consent'),
    publisher,
    design,
    onActivated: async (alliance, version, now) => {
      pulses.ensureScheduled(alliance, now);
      digests.ensureScheduled(alliance, now);
      await renegotiation.versionActivated(alliance, version, now);
    },
  });

  const settings = createSettingsService({
    store,
    clients,
    logger: logger.child('settings'),
    directory,
    botUserId,
    onScheduleChanged: (alliance, now) => {
      pulses.reschedule(alliance, now);
      digests.reschedule(alliance, now);
    },
    onMembershipChanged: async (alliance, change, now) => {
      await renegotiation.membershipChanged(alliance, change, now);
      if (change.left.length === 0) return;
      // Those who remain may all have answered, or all have agreed, already.
      const round = store.design.currentOpenRound(alliance.id);
      if (round) await design.afterFinished(round.id, alliance.teamId, now);
      await consent.recheck(alliance.id, now);
    },
  });
  const renegotiation = createRenegotiationService({
    store,
    clients,
    logger: logger.child('renegotiation'),
    design,
    publisher,
    directory,
    outbox,
    botUserId,
    changeMembers: (alliance, change, now) => settings.changeMembers(alliance, change, now),
  });

  const unreachable = createUnreachableHandling({
    store,
    logger: logger.child('outbox'),
    changeMembers: (alliance, change, now) => settings.changeMembers(alliance, change, now),
  });
  const workspace = createWorkspaceService({ store, logger: logger.child('workspace') });
  const home = createHomeService({
    store,
    clients,
    logger: logger.child('home'),
    nextPulseAt: (id) => pulses.nextPulseAt(id),
  });

  renderers[DESIGN_INVITE] = (d) => design.renderInvitation(d.subjectId, d.userId);
  renderers[PULSE_INVITE] = (d, now) => pulses.renderInvitation(d.subjectId, d.userId, now);
  renderers[PULSE_REMINDER] = (d, now) => pulses.renderReminder(d.subjectId, d.userId, now);
  renderers[NEWCOMER_WELCOME] = (d) => renegotiation.renderWelcome(d.subjectId, d.userId);
  renderers[REPORT_UNREACHABLE] = (d) => unreachable.renderReport(d);

  return { directory, outbox, publisher, design, consent, pulses, settings, renegotiation, digests, home, workspace };
}

export type Services = ReturnType<typeof buildServices>;
