import type { Logger } from '@slack/bolt';
import { type Clock, realTimer, type Timer } from '../clock.js';
import {
  expired,
  type Installation,
  type InstallationKey,
  REFRESH_CLAIM_MS,
  refreshDue,
} from '../domain/installation.js';
import { JOB_KINDS } from '../domain/job.js';
import { RenewalRefused, type TokenRenewer } from '../slack/token-renewer.js';
import type { Store } from '../store/index.js';
import type { StoredInstallation } from '../store/installations-repo.js';
import type { TokenVault } from './token-vault.js';

/** No installation serves this workspace (never installed, or uninstalled): Slack cannot be called for it. */
export class NotInstalled extends Error {
  override readonly name = 'NotInstalled';
  /** Shaped like a Web API error, so the Slack adapters report it as they report Slack's own. */
  readonly data = { ok: false, error: 'not_installed' };
  constructor(readonly teamId: string) {
    super(`Alliance is not installed in workspace ${teamId}`);
  }
}

/** What Bolt asks for: a workspace, an organization, or an organization's org-wide install. */
export interface InstallationQuery {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}

export interface InstallationDeps {
  store: Store;
  vault: TokenVault;
  renewer: TokenRenewer;
  clock: Clock;
  logger: Logger;
  /** Identifies this process in the refresh claim. */
  owner: string;
  /** Real elapsed time, for waiting on another process's refresh. */
  timer?: Timer;
}

/** How often a process waiting for another one's refresh looks again. */
const WAIT_POLL_MS = 50;

const keyOf = (row: InstallationKey): InstallationKey => ({ enterpriseId: row.enterpriseId, teamId: row.teamId });
const keyText = (key: InstallationKey): string => `${key.enterpriseId ?? '-'}/${key.teamId ?? '-'}`;
const where = (key: InstallationKey): string =>
  key.teamId ? `workspace ${key.teamId}` : `organization ${key.enterpriseId ?? '?'}`;

const sealContext = (key: InstallationKey, field: 'bot' | 'refresh') => `${keyText(key)}:${field}`;

function openStored(vault: TokenVault, row: StoredInstallation): Installation {
  const key = keyOf(row);
  return {
    ...key,
    isEnterpriseInstall: row.isEnterpriseInstall,
    teamName: row.teamName,
    enterpriseName: row.enterpriseName,
    appId: row.appId,
    botId: row.botId,
    botUserId: row.botUserId,
    botScopes: row.botScopes,
    installerUserId: row.installerUserId,
    botToken: vault.open(row.botToken, row.keyId, sealContext(key, 'bot')),
    refreshToken: row.refreshToken ? vault.open(row.refreshToken, row.keyId, sealContext(key, 'refresh')) : null,
    expiresAt: row.expiresAt,
    installedAt: row.installedAt,
  };
}

/** How many installations are sealed under a key the vault does not have (they cannot be opened). */
export function unopenableInstallations(store: Store, vault: TokenVault): number {
  let n = 0;
  for (const [keyId, count] of store.installations.keyIds()) if (!vault.knows(keyId)) n += count;
  return n;
}

/**
 * Re-seals every stored token under the vault's current key (`npm run rotate-key`). Rows already
 * under it are left alone; a row renewed meanwhile is sealed under the current key already.
 */
export function rekeyInstallations(store: Store, vault: TokenVault): { resealed: number; current: number } {
  const stranded = unopenableInstallations(store, vault);
  if (stranded > 0) {
    throw new Error(
      `${stranded} installation(s) are sealed under a key that is neither INSTALLATION_ENCRYPTION_KEY nor INSTALLATION_ENCRYPTION_KEY_PREVIOUS; nothing was changed`,
    );
  }
  let resealed = 0;
  let current = 0;
  for (const row of store.installations.all()) {
    if (row.keyId === vault.currentKeyId) {
      current += 1;
      continue;
    }
    const opened = openStored(vault, row);
    const key = keyOf(row);
    const done = store.installations.reseal(key, {
      generation: row.generation,
      keyId: vault.currentKeyId,
      botToken: vault.seal(opened.botToken, sealContext(key, 'bot')),
      refreshToken: opened.refreshToken ? vault.seal(opened.refreshToken, sealContext(key, 'refresh')) : null,
    });
    if (done) resealed += 1;
    else current += 1;
  }
  return { resealed, current };
}

/**
 * Installations through Slack's OAuth flow: kept with their tokens sealed, handed out opened and
 * fresh (a rotating token is renewed before it expires, by exactly one process at a time), and
 * removed when Slack says the app lost access.
 */
export function createInstallationService(deps: InstallationDeps) {
  const { store, vault, clock, logger } = deps;
  const timer = deps.timer ?? realTimer;
  const renewing = new Map<string, Promise<Installation>>();

  const open = (row: StoredInstallation): Installation => openStored(vault, row);

  /**
   * Keeps a new installation (or a reinstall): sealed tokens, the workspace registered again (its
   * scheduled work resumes), any pending deletion of its data called off.
   */
  function save(installation: Omit<Installation, 'installedAt'>): void {
    const now = clock.now();
    const key = keyOf(installation);
    store.transaction(() => {
      store.installations.save(
        {
          ...installation,
          keyId: vault.currentKeyId,
          botToken: vault.seal(installation.botToken, sealContext(key, 'bot')),
          refreshToken: installation.refreshToken
            ? vault.seal(installation.refreshToken, sealContext(key, 'refresh'))
            : null,
        },
        now,
      );
      const teams = installation.teamId
        ? [{ teamId: installation.teamId, teamName: installation.teamName }]
        : store.tenancy.workspacesOf(installation.enterpriseId ?? '').map((teamId) => ({ teamId, teamName: null }));
      for (const team of teams) {
        store.tenancy.register({
          ...team,
          botUserId: installation.botUserId,
          enterpriseId: installation.enterpriseId,
          now,
        });
        store.jobs.cancelPending(team.teamId, JOB_KINDS.workspacePurge, now);
      }
    });
    logger.info(
      `${where(key)}: installed${installation.refreshToken ? ' (token rotation on)' : ''}; ${installation.botScopes.length} bot scopes`,
    );
  }

  /** The installation for Bolt's query, opened and fresh; undefined when there is none. */
  async function find(query: InstallationQuery): Promise<Installation | undefined> {
    const teamId = query.teamId ?? null;
    // A request names its organization when Slack sends it; otherwise the workspace's is remembered.
    const enterpriseId = query.enterpriseId ?? (teamId ? store.tenancy.enterpriseOf(teamId) : null);
    const row =
      query.isEnterpriseInstall || !teamId
        ? enterpriseId
          ? store.installations.get({ enterpriseId, teamId: null })
          : undefined
        : store.installations.forTeam(teamId, enterpriseId);
    // A workspace of an org-wide install is met through its requests: remember it and its
    // organization, so its scheduled work finds the organization's token.
    if (row && row.teamId === null && teamId) {
      store.tenancy.registerIfMissing({
        teamId,
        botUserId: row.botUserId,
        enterpriseId: row.enterpriseId,
        now: clock.now(),
      });
    }
    return row ? fresh(row) : undefined;
  }

  /** The bot token that works in a workspace now (renewed first if it is about to expire). */
  async function tokenFor(teamId: string): Promise<string> {
    const row = store.installations.forTeam(teamId, store.tenancy.enterpriseOf(teamId));
    if (!row) throw new NotInstalled(teamId);
    return (await fresh(row)).botToken;
  }

  /** One renewal per installation at a time in this process; the database claim covers other processes. */
  function fresh(row: StoredInstallation): Promise<Installation> {
    const opened = open(row);
    if (!refreshDue(opened, clock.now())) return Promise.resolve(opened);
    const id = keyText(row);
    let flight = renewing.get(id);
    if (!flight) {
      flight = renewOrWait(row).finally(() => renewing.delete(id));
      renewing.set(id, flight);
    }
    return flight;
  }

  async function renewOrWait(first: StoredInstallation): Promise<Installation> {
    const key = keyOf(first);
    const started = timer.now();
    let waited = false;
    let row = first;
    for (;;) {
      const now = clock.now();
      const opened = open(row);
      if (!refreshDue(opened, now)) return opened;
      const claimed = store.installations.claimRefresh(key, {
        generation: row.generation,
        owner: deps.owner,
        now,
        claimMs: REFRESH_CLAIM_MS,
      });
      if (claimed) return renewClaimed(row, opened);
      const latest = store.installations.get(key);
      if (!latest) throw new NotInstalled(key.teamId ?? key.enterpriseId ?? '?');
      if (latest.generation !== row.generation) {
        // Another process renewed it (or the app was installed again): use what it wrote.
        row = latest;
        continue;
      }
      // Another process is renewing right now. The token it is replacing works until it expires.
      if (!expired(opened, now)) return opened;
      if (!waited) {
        waited = true;
        logger.info(`${where(key)}: another process is renewing the expired bot token; waiting for it`);
      }
      if (timer.now() - started > REFRESH_CLAIM_MS) {
        throw new Error(`${where(key)}: the bot token expired and another process did not finish renewing it`);
      }
      await timer.sleep(WAIT_POLL_MS);
      row = store.installations.get(key) ?? row;
    }
  }

  async function renewClaimed(row: StoredInstallation, opened: Installation): Promise<Installation> {
    const key = keyOf(row);
    try {
      const renewed = await deps.renewer.renew(opened.refreshToken ?? '');
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + renewed.expiresInSeconds * 1000);
      // Saved whatever became of the claim meanwhile: the refresh token is spent, so this answer
      // holds the only tokens that work. Only a reinstall (a new generation) makes it moot.
      const saved = store.installations.saveRenewed(key, {
        owner: deps.owner,
        generation: row.generation,
        keyId: vault.currentKeyId,
        botToken: vault.seal(renewed.botToken, sealContext(key, 'bot')),
        refreshToken: vault.seal(renewed.refreshToken, sealContext(key, 'refresh')),
        expiresAt,
        now,
      });
      if (!saved) {
        const latest = store.installations.get(key);
        if (!latest) throw new NotInstalled(key.teamId ?? key.enterpriseId ?? '?');
        return open(latest);
      }
      logger.info(`${where(key)}: bot token renewed, valid until ${expiresAt.toISOString()}`);
      return { ...opened, botToken: renewed.botToken, refreshToken: renewed.refreshToken, expiresAt };
    } catch (error) {
      store.installations.releaseClaim(key, deps.owner);
      const latest = store.installations.get(key);
      if (latest && latest.generation !== row.generation) return open(latest);
      const reason = error instanceof RenewalRefused ? error.code : error instanceof Error ? error.message : 'error';
      logger.warn(`${where(key)}: the bot token could not be renewed (${reason})`);
      // Until it expires the current token still works; the next use tries again.
      if (!expired(opened, clock.now())) return opened;
      throw error;
    }
  }

  /**
   * Slack says the app lost access: the workspace's own tokens go at once; `enterpriseId` with
   * `orgWide` removes an org-wide install. Returns the workspaces that lost their installation.
   */
  function removeTokens(input: { teamId: string; enterpriseId: string | null; orgWide: boolean }): string[] {
    if (input.orgWide && input.enterpriseId) {
      const removed = store.installations.remove({ enterpriseId: input.enterpriseId, teamId: null });
      const teams = store.tenancy.workspacesOf(input.enterpriseId);
      if (removed) logger.info(`organization ${input.enterpriseId}: org-wide installation and its tokens deleted`);
      return teams.length > 0 ? teams : [input.teamId];
    }
    if (store.installations.removeForTeam(input.teamId) > 0) {
      logger.info(`workspace ${input.teamId}: installation and its tokens deleted`);
    }
    return [input.teamId];
  }

  /** When the installation now serving a workspace was made; undefined when there is none. */
  function installedAt(teamId: string): Date | undefined {
    return store.installations.forTeam(teamId, store.tenancy.enterpriseOf(teamId))?.installedAt;
  }

  return {
    save,
    find,
    tokenFor,
    removeTokens,
    installedAt,
    unopenable: () => unopenableInstallations(store, vault),
    count: () => store.installations.count(),
  };
}

export type InstallationService = ReturnType<typeof createInstallationService>;
