import type { Installation as BoltInstallation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { type Clock, systemClock } from '../clock.js';
import type { InstallationService } from './installations.js';

/**
 * Bolt's view of the installation store, over the installation service.
 *
 * - What Bolt stores after the OAuth flow is kept with its tokens sealed. Bolt states a rotating
 *   token's expiry on the system clock; the remaining lifetime is what is kept, on Alliance's clock.
 * - What Bolt fetches for each request is already fresh (renewed by the service, which claims the
 *   refresh in the database first), and carries no refresh token: Bolt's own renewal, which nothing
 *   stops two processes from running at once with the same single-use refresh token, never starts.
 */
export function boltInstallationStore(installations: InstallationService, clock: Clock): InstallationStore {
  return {
    async storeInstallation(installation) {
      const bot = installation.bot;
      if (!bot) throw new Error('the installation carries no bot token; Alliance needs its bot scopes');
      const expiresAt =
        typeof bot.expiresAt === 'number'
          ? new Date(clock.now().getTime() + (bot.expiresAt * 1000 - systemClock.now().getTime()))
          : null;
      installations.save({
        enterpriseId: installation.enterprise?.id ?? null,
        teamId: installation.team?.id ?? null,
        isEnterpriseInstall: installation.isEnterpriseInstall === true,
        teamName: installation.team?.name ?? null,
        enterpriseName: installation.enterprise?.name ?? null,
        appId: installation.appId ?? null,
        botId: bot.id,
        botUserId: bot.userId,
        botScopes: bot.scopes,
        installerUserId: installation.user.id,
        botToken: bot.token,
        refreshToken: bot.refreshToken ?? null,
        expiresAt,
      });
    },

    async fetchInstallation(query: InstallationQuery<boolean>) {
      const found = await installations.find(query);
      if (!found) throw new Error(`no installation for ${query.teamId ?? query.enterpriseId ?? 'this request'}`);
      const installation: BoltInstallation<'v2', boolean> = {
        team: found.teamId ? { id: found.teamId, ...(found.teamName ? { name: found.teamName } : {}) } : undefined,
        enterprise: found.enterpriseId
          ? { id: found.enterpriseId, ...(found.enterpriseName ? { name: found.enterpriseName } : {}) }
          : undefined,
        user: { token: undefined, scopes: undefined, id: found.installerUserId ?? '' },
        bot: { token: found.botToken, scopes: found.botScopes, id: found.botId ?? '', userId: found.botUserId },
        ...(found.appId ? { appId: found.appId } : {}),
        tokenType: 'bot',
        isEnterpriseInstall: found.isEnterpriseInstall,
        authVersion: 'v2',
      };
      return installation;
    },
  };
}
