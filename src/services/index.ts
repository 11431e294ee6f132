import { randomBytes } from 'node:crypto';
import { type Clock, realTimer } from '../clock.js';
import { DELIVERY_KINDS } from '../domain/delivery.js';
import type { AppLogger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { SlackClients } from '../slack/clients.js';
import { createDirectory, type Directory } from '../slack/directory.js';
import { createDmSender, type DmSender } from '../slack/dm-sender.js';
import { createSlackGateway, type SlackGateway } from '../slack/gateway.js';
import type { Store } from '../store/index.js';
import { createAgreementPublisher } from './agreement-publisher.js';
import { createAgreementViewService } from './agreement-view.js';
import type { AnswerSealer } from './answer-sealer.js';
import { createCheckInService } from './check-in.js';
import { createConsentService } from './consent.js';
import { createDesignRoundService } from './design-round.js';
import { createDigestService } from './digests.js';
import { createEvents } from './events.js';
import { createFlagService } from './flags.js';
import { createHomeService } from './home.js';
import { createMembershipService } from './membership.js';
import { createNewcomerService } from './newcomers.js';
import { createOutbox } from './outbox.js';
import { createPrivacyService } from './privacy.js';
import { createPulseScheduleService } from './pulse-schedule.js';
import { reactionsOf } from './reactions.js';
import { createRenegotiationRoundService } from './renegotiation-round.js';
import { createSettingsService } from './settings.js';
import { createSetupService } from './setup.js';
import { createWorkspaceService } from './workspace.js';

export interface ServiceDeps {
  store: Store;
  clock: Clock;
  logger: AppLogger;
  clients: SlackClients;
  /** Identifies this process in lease columns (jobs, deliveries). */
  owner: string;
  /** Slack calls services make; built over `clients` unless given (service tests pass a fake). */
  gateway?: SlackGateway;
  /** Who is who in Slack; built over `clients` unless given. */
  directory?: Directory;
  /** Direct messages, paced; built over `clients` unless given. */
  dms?: DmSender;
  /** Seals anonymous answers while their pulse is open. */
  sealer: AnswerSealer;
  /** What the operator's GET /metrics counts (deliveries, pulses); nothing is counted unless given. */
  metrics?: Metrics;
}

/**
 * Builds the use cases, each from what it needs and nothing later in this list; then installs the
 * reactions (`reactions.ts`) that tie one use case's events to the next. Listeners and jobs call
 * these, never the store directly.
 */
export function buildServices(deps: ServiceDeps) {
  const { store, clients, logger } = deps;
  const events = createEvents({ store, logger: logger.child('events') });
  const gateway = deps.gateway ?? createSlackGateway(clients, logger.child('slack'));
  const directory = deps.directory ?? createDirectory(clients, () => deps.clock.now().getTime());
  const publisher = createAgreementPublisher({ store, gateway });

  const setup = createSetupService({
    store,
    directory,
    events,
    newAllianceId: () => `al_${randomBytes(8).toString('hex')}`,
  });
  const designRound = createDesignRoundService({ store, gateway, events, publisher });
  const consent = createConsentService({ store, gateway, events, publisher });
  const agreementView = createAgreementViewService({ store, publisher });
  const pulseSchedule = createPulseScheduleService({
    store,
    gateway,
    events,
    logger: logger.child('pulses'),
    sealer: deps.sealer,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  const checkIn = createCheckInService({ store, gateway, sealer: deps.sealer });
  const flags = createFlagService({ store, gateway });
  const renegotiationRound = createRenegotiationRoundService({ store, events });
  const membership = createMembershipService({ store, directory, events, logger: logger.child('membership') });
  const newcomers = createNewcomerService({ store, gateway, events, publisher });
  const settings = createSettingsService({ store, directory, gateway, events });
  const privacy = createPrivacyService({ store, gateway, events });
  const digests = createDigestService({ store, gateway, publisher });
  const home = createHomeService({ store, gateway });
  const workspace = createWorkspaceService({ store, logger: logger.child('workspace') });
  const outbox = createOutbox({
    store,
    dms: deps.dms ?? createDmSender({ clients, timer: realTimer }),
    events,
    logger: logger.child('outbox'),
    owner: deps.owner,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    renderers: {
      [DELIVERY_KINDS.designInvite]: (d) => designRound.renderInvitation(d.subjectId, d.userId),
      [DELIVERY_KINDS.pulseInvite]: (d, now) => pulseSchedule.renderInvitation(d.subjectId, d.userId, now),
      [DELIVERY_KINDS.pulseReminder]: (d, now) => pulseSchedule.renderReminder(d.subjectId, d.userId, now),
      [DELIVERY_KINDS.newcomerWelcome]: (d) => newcomers.renderWelcome(d.subjectId, d.userId),
      [DELIVERY_KINDS.joinInvitation]: (d) => newcomers.renderJoinInvitation(d.subjectId, d.userId),
      [DELIVERY_KINDS.reportUnreachable]: (d) => membership.renderReport(d),
    },
  });

  events.install(reactionsOf({ designRound, consent, pulseSchedule, flags, digests, membership, outbox, privacy }));

  return {
    events,
    setup,
    designRound,
    consent,
    agreementView,
    pulseSchedule,
    checkIn,
    flags,
    renegotiationRound,
    membership,
    newcomers,
    settings,
    privacy,
    digests,
    home,
    workspace,
    outbox,
  };
}

export type Services = ReturnType<typeof buildServices>;
