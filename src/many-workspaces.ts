import type { AppOptions } from '@slack/bolt';
import type * as webApi from '@slack/web-api';
import type { Clock } from './clock.js';
import type { OAuthConfig } from './config.js';
import type { AppLogger } from './logger.js';
import { boltInstallationStore } from './services/bolt-installation-store.js';
import { createInstallationService, type InstallationService } from './services/installations.js';
import { createTokenVault } from './services/token-vault.js';
import { installedWorkspaceClients, type SlackClients } from './slack/clients.js';
import { BOT_SCOPES, INSTALL_PATH, installedPage, notInstalledPage, REDIRECT_PATH } from './slack/install-pages.js';
import { createTokenRenewer } from './slack/token-renewer.js';
import { StartupError } from './startup-checks.js';
import type { Store } from './store/index.js';

export interface ManyWorkspaces {
  installations: InstallationService;
  /** Each workspace's Web API client, with that workspace's current token. */
  clients: SlackClients;
  /** What Bolt needs to run the install flow and authorize each request from the installation store. */
  boltOptions: Pick<
    AppOptions,
    'clientId' | 'clientSecret' | 'stateSecret' | 'scopes' | 'installationStore' | 'installerOptions'
  >;
}

/**
 * Alliance installed in many workspaces through Slack's OAuth flow: the installation store in the
 * database (tokens sealed with INSTALLATION_ENCRYPTION_KEY), Bolt's install pages, and the clients
 * that find each workspace's token there, for listeners and scheduled jobs alike.
 */
export function prepareManyWorkspaces(input: {
  oauth: OAuthConfig;
  store: Store;
  clock: Clock;
  logger: AppLogger;
  clientOptions: webApi.WebClientOptions;
  owner: string;
}): ManyWorkspaces {
  const { oauth, store, clock } = input;
  const vault = createTokenVault({ current: oauth.encryptionKey, previous: oauth.previousEncryptionKey });
  const installations = createInstallationService({
    store,
    vault,
    renewer: createTokenRenewer({
      clientId: oauth.clientId,
      clientSecret: oauth.clientSecret,
      options: input.clientOptions,
    }),
    clock,
    logger: input.logger.child('installations'),
    owner: input.owner,
  });
  const stranded = installations.unopenable();
  if (stranded > 0) {
    throw new StartupError(
      `Alliance cannot start: ${stranded} installation(s) in the database were sealed under a key that is neither INSTALLATION_ENCRYPTION_KEY nor INSTALLATION_ENCRYPTION_KEY_PREVIOUS; set the key they were sealed with (see 'Rotating the encryption key' in README.md).`,
    );
  }
  return {
    installations,
    clients: installedWorkspaceClients(installations, input.clientOptions),
    boltOptions: {
      clientId: oauth.clientId,
      clientSecret: oauth.clientSecret,
      stateSecret: oauth.stateSecret,
      scopes: [...BOT_SCOPES],
      installationStore: boltInstallationStore(installations, clock),
      installerOptions: {
        authorizationUrl: oauth.authorizeUrl,
        installPath: INSTALL_PATH,
        redirectUriPath: REDIRECT_PATH,
        // /slack/install goes straight to Slack's page (setting the state cookie on the way).
        directInstall: true,
        // oauth.v2.access and auth.test go where every other Web API call goes.
        clientOptions: input.clientOptions,
        callbackOptions: {
          success: (installation, _options, _req, res) =>
            installedPage(res, {
              teamName: installation.team?.name ?? installation.enterprise?.name ?? null,
              orgWide: installation.isEnterpriseInstall === true,
            }),
          failure: (error, _options, _req, res) => notInstalledPage(res, error.code),
        },
      },
    },
  };
}
