import { randomBytes } from 'node:crypto';
import { type Clock, realTimer } from '../clock.js';
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
import { renderDirectMessage } from './direct-messages.js';
import { createEvents } from './events.js';
import { createFlagService } from './flags.js';
import { createHomeService } from './home.js';
import { createMemberDataService } from './member-data.js';
import { createMembershipService } from './membership.js';
import { createNewcomerService } from './newcomers.js';
import { createOutbox } from './outbox.js';
import { createPrivacyService } from './privacy.js';
import { createPulseScheduleService } from './pulse-schedule.js';
import { reactionsOf } from './reactions.js';
import { createRenegotiationRoundService } from './renegotiation-round.js';
import { createSettingsService } from './settings.js';
import { createSetupService } from './setup.js';
import { createWorkspaceService, type WorkspaceInstallations } from './workspace.js';

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
  /** Installed in many workspaces (OAuth): their tokens, and how long an uninstalled one's data is kept. */
  installations?: WorkspaceInstallations | undefined;
  purgeAfterDays?: number | undefined;
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
  const checkIn = createCheckInService({ store, gateway, events, sealer: deps.sealer });
  const flags = createFlagService({ store, gateway });
  const renegotiationRound = createRenegotiationRoundService({ store, events });
  const membership = createMembershipService({ store, directory, events, logger: logger.child('membership') });
  const newcomers = createNewcomerService({ store, gateway, events, publisher });
  const settings = createSettingsService({ store, directory, gateway, events });
  const privacy = createPrivacyService({ store, gateway, events });
  const digests = createDigestService({ store, gateway, publisher });
  const home = createHomeService({ store, gateway });
  const dms = deps.dms ?? createDmSender({ clients, timer: realTimer });
  const memberData = createMemberDataService({
    store,
    gateway,
    events,
    dms,
    directory,
    publisher,
    logger: logger.child('members'),
  });
  const workspace = createWorkspaceService({
    store,
    logger: logger.child('workspace'),
    installations: deps.installations,
    purgeAfterDays: deps.purgeAfterDays,
  });
  const outbox = createOutbox({
    store,
    dms,
    events,
    logger: logger.child('outbox'),
    owner: deps.owner,
    render: (delivery, now) => renderDirectMessage(store, delivery, now),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });

  events.install(
    reactionsOf({ designRound, consent, pulseSchedule, flags, digests, membership, outbox, privacy, home, memberData }),
  );

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
    memberData,
    workspace,
    outbox,
  };
}

export type Services = ReturnType<typeof buildServices>;
