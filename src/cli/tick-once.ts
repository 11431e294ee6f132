import { fixedClock } from '../clock.js';
import { ConfigError, type OAuthConfig, type RuntimeConfig } from '../config.js';
import { composeCore } from '../core.js';
import type { AppLogger } from '../logger.js';
import { prepareManyWorkspaces } from '../many-workspaces.js';
import type { RunDueReport } from '../scheduler/run-due.js';
import { type AnswerSealer, createAnswerSealer } from '../services/answer-sealer.js';
import { createSlackClient, type SlackClients, webClientOptions } from '../slack/clients.js';
import { prepareDatabase } from '../startup-checks.js';
import { createStore } from '../store/index.js';

/** Without the signing secret an anonymous pulse's sealed answers cannot be opened: its close fails and says why. */
const missingSecretSealer: AnswerSealer = {
  seal() {
    throw new ConfigError(
      'SLACK_SIGNING_SECRET is not set, so anonymous answers cannot be sealed; set it as for npm start.',
    );
  },
  open() {
    throw new ConfigError(
      'An anonymous pulse is due to close, but SLACK_SIGNING_SECRET is not set, so its sealed ' +
        'answers cannot be opened; set it as for npm start.',
    );
  },
};

/** Opens the database, runs one tick at `at` with the same services as the app, closes. */
export async function runTickOnce(input: {
  runtime: RuntimeConfig;
  botToken: string | undefined;
  signingSecret: string | undefined;
  /** Installed in many workspaces: each workspace's token comes from the installation store. */
  oauth?: OAuthConfig | undefined;
  at: Date;
  logger: AppLogger;
}): Promise<RunDueReport> {
  // An unusable DATABASE_PATH is one sentence (StartupError), as for npm start.
  const db = prepareDatabase(input.runtime.databasePath, input.at);
  try {
    const store = createStore(db);
    const clock = fixedClock(input.at);
    const sealer = input.signingSecret ? createAnswerSealer(input.signingSecret) : missingSecretSealer;
    if (input.oauth) {
      const owner = `alliance-tick-${process.pid}`;
      const many = prepareManyWorkspaces({
        oauth: input.oauth,
        store,
        clock,
        logger: input.logger,
        clientOptions: webClientOptions({
          slackApiUrl: input.runtime.slackApiUrl,
          logger: input.logger.child('slack'),
        }),
        owner,
      });
      const core = composeCore({
        store,
        clock,
        logger: input.logger,
        clients: many.clients,
        sealer,
        owner,
        installations: many.installations,
        purgeAfterDays: input.oauth.uninstallGraceDays,
      });
      return await core.tick(input.at);
    }
    const token = input.botToken;
    if (!token && (store.jobs.hasDue(input.at) || store.deliveries.hasDue(input.at))) {
      throw new ConfigError(
        'Work is due that talks to Slack, but SLACK_BOT_TOKEN is not set: set it as for npm start ' +
          '(see Configuration in README.md).',
      );
    }
    const client = token
      ? createSlackClient(
          token,
          webClientOptions({ slackApiUrl: input.runtime.slackApiUrl, logger: input.logger.child('slack') }),
        )
      : undefined;
    const clients: SlackClients = {
      forTeam(teamId) {
        const workspace = store.workspaces.get(teamId);
        if (!client)
          throw new Error(
            'SLACK_BOT_TOKEN is not set, so due work that talks to Slack cannot run; set it as for npm start.',
          );
        if (!workspace) throw new Error(`workspace ${teamId} is not registered in this database`);
        return client;
      },
    };
    const core = composeCore({ store, clock, logger: input.logger, clients, sealer });
    return await core.tick(input.at);
  } finally {
    db.close();
  }
}
