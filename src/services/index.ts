import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Alliance } from '../domain/alliance.js';
import type { AppLogger } from '../logger.js';
import { escapeText } from '../slack/blocks/kit.js';
import { type SlackClients, slackErrorCode } from '../slack/clients.js';
import type { Store } from '../store/index.js';
import { createAgreementPublisher } from './agreement-publisher.js';
import { createConsentService } from './consent.js';
import { createDesignService, DESIGN_INVITE } from './design.js';
import { createDirectory } from './directory.js';
import { createOutbox, type DeliveryRenderer } from './outbox.js';
import { createPulseService, PULSE_INVITE, PULSE_REMINDER } from './pulses.js';
import { createSettingsService } from './settings.js';
import { buildUnreachableReport, REPORT_UNREACHABLE } from './unreachable.js';

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
  const directory = createDirectory(clients, () => deps.clock.now().getTime());

  const renderers: Record<string, DeliveryRenderer> = {};
  const outbox = createOutbox({
    store,
    clients,
    logger: logger.child('outbox'),
    owner: deps.owner,
    renderers,
    onUnreachable: (delivery, reason, now) => {
      const alliance = store.alliances.get(delivery.allianceId);
      if (!alliance || delivery.kind === REPORT_UNREACHABLE || delivery.userId === alliance.starterId) return;
      if (store.deliveries.wasReported(alliance.id, delivery.userId)) return;
      store.deliveries.markReported(delivery.id, now);
      store.deliveries.enqueue({ teamId: alliance.teamId, allianceId: alliance.id, kind: REPORT_UNREACHABLE, subjectId: delivery.id, userIds: [alliance.starterId], at: now, now });
      logger.warn(`alliance ${alliance.id}: a member cannot be reached by DM (${reason}); the starter will be told`);
    },
  });

  const notifyStarter = async (alliance: Alliance, text: string) => {
    try {
      await clients.forTeam(alliance.teamId).chat.postMessage({ channel: alliance.starterId, text });
    } catch (error) {
      logger.error(`alliance ${alliance.id}: could not tell the starter about a problem:`, slackErrorCode(error) ?? error);
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
    botUserId: (teamId) => store.workspaces.get(teamId)?.botUserId ?? null,
    newAllianceId: () => `al_${randomBytes(8).toString('hex')}`,
    notifyStarter,
  });
  const pulses = createPulseService({ store, clients, logger: logger.child('pulses') });
  const consent = createConsentService({
    store,
    clients,
    logger: logger.child('consent'),
    publisher,
    design,
    onActivated: (alliance, _version, now) => pulses.ensureScheduled(alliance, now),
  });

  const settings = createSettingsService({
    store,
    clients,
    logger: logger.child('settings'),
    directory,
    botUserId: (teamId) => store.workspaces.get(teamId)?.botUserId ?? null,
    onScheduleChanged: (alliance, now) => pulses.reschedule(alliance, now),
    onMembershipChanged: async () => {},
  });

  renderers[DESIGN_INVITE] = (d) => design.renderInvitation(d.subjectId, d.userId);
  renderers[PULSE_INVITE] = (d, now) => pulses.renderInvitation(d.subjectId, d.userId, now);
  renderers[PULSE_REMINDER] = (d, now) => pulses.renderReminder(d.subjectId, d.userId, now);
  renderers[REPORT_UNREACHABLE] = (d) => {
    const failed = store.deliveries.byId(d.subjectId);
    const alliance = store.alliances.get(d.allianceId);
    return failed && alliance ? buildUnreachableReport({ allianceName: escapeText(alliance.name), channelId: alliance.channelId, memberId: failed.userId, reason: failed.error ?? 'unknown' }) : null;
  };

  return { directory, outbox, publisher, design, consent, pulses, settings };
}

export type Services = ReturnType<typeof buildServices>;
