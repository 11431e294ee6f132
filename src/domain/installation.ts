/**
 * An installation of Alliance through Slack's OAuth flow: in one workspace, or org-wide in an
 * Enterprise Grid organization (then it serves every workspace of the organization).
 */

/** Where an installation belongs. `teamId` is null for an org-wide install. */
export interface InstallationKey {
  enterpriseId: string | null;
  teamId: string | null;
}

export interface Installation extends InstallationKey {
  isEnterpriseInstall: boolean;
  teamName: string | null;
  enterpriseName: string | null;
  appId: string | null;
  botId: string | null;
  botUserId: string;
  botScopes: string[];
  installerUserId: string | null;
  botToken: string;
  /** Set when token rotation is on: the bot token expires and this single-use token renews it. */
  refreshToken: string | null;
  expiresAt: Date | null;
  installedAt: Date;
}

/**
 * A token that expires within this margin is renewed before it is used (Slack's bot tokens live
 * 12 hours with rotation on; Bolt's own margin is the same two hours).
 */
export const REFRESH_AHEAD_MS = 2 * 60 * 60_000;

/** How long one process may hold the claim to renew a workspace's token before others may try. */
export const REFRESH_CLAIM_MS = 30_000;

/** True when the token should be renewed before use. */
export function refreshDue(installation: Pick<Installation, 'refreshToken' | 'expiresAt'>, now: Date): boolean {
  if (installation.refreshToken === null || installation.expiresAt === null) return false;
  return installation.expiresAt.getTime() - now.getTime() <= REFRESH_AHEAD_MS;
}

/** True when the token can no longer be used at all. */
export function expired(installation: Pick<Installation, 'expiresAt'>, now: Date): boolean {
  return installation.expiresAt !== null && installation.expiresAt.getTime() <= now.getTime();
}

const DAY_MS = 86_400_000;

/**
 * When an uninstalled workspace's data is due to be deleted: it is kept `purgeAfterDays` (the grace
 * period) so a reinstall resumes it.
 */
export function purgeDueAt(uninstalledAt: Date, purgeAfterDays: number): Date {
  return new Date(uninstalledAt.getTime() + purgeAfterDays * DAY_MS);
}
