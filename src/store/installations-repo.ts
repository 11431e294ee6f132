import type { Installation } from '../domain/installation.js';
import type { Db } from './db.js';

/**
 * Installations as stored: the tokens are sealed bytes (the store never sees a token in the clear;
 * sealing and opening happen above it). Keys: '' stands for "none" in enterprise_id and team_id.
 */
export interface StoredInstallation extends Omit<Installation, 'botToken' | 'refreshToken'> {
  keyId: string;
  botToken: Buffer;
  refreshToken: Buffer | null;
  generation: number;
  refreshOwner: string | null;
  refreshUntil: Date | null;
  refreshedAt: Date | null;
}

interface InstallationRow {
  enterprise_id: string;
  team_id: string;
  is_enterprise_install: number;
  team_name: string | null;
  enterprise_name: string | null;
  app_id: string | null;
  bot_id: string | null;
  bot_user_id: string;
  bot_scopes: string;
  installer_user_id: string | null;
  key_id: string;
  bot_token: Buffer;
  refresh_token: Buffer | null;
  expires_at: number | null;
  generation: number;
  refresh_owner: string | null;
  refresh_until: number | null;
  installed_at: number;
  refreshed_at: number | null;
}

const orNull = (value: string): string | null => (value === '' ? null : value);
const instant = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

const toStored = (row: InstallationRow): StoredInstallation => ({
  enterpriseId: orNull(row.enterprise_id),
  teamId: orNull(row.team_id),
  isEnterpriseInstall: row.is_enterprise_install === 1,
  teamName: row.team_name,
  enterpriseName: row.enterprise_name,
  appId: row.app_id,
  botId: row.bot_id,
  botUserId: row.bot_user_id,
  botScopes: row.bot_scopes === '' ? [] : row.bot_scopes.split(','),
  installerUserId: row.installer_user_id,
  keyId: row.key_id,
  botToken: row.bot_token,
  refreshToken: row.refresh_token,
  expiresAt: instant(row.expires_at),
  generation: row.generation,
  refreshOwner: row.refresh_owner,
  refreshUntil: instant(row.refresh_until),
  installedAt: new Date(row.installed_at),
  refreshedAt: instant(row.refreshed_at),
});

export interface InstallationKeyInput {
  enterpriseId: string | null;
  teamId: string | null;
}

const keyParams = (key: InstallationKeyInput) => ({ e: key.enterpriseId ?? '', t: key.teamId ?? '' });

export function createInstallationsRepo(db: Db) {
  // Installing again replaces everything: new tokens, a new generation, any claim to refresh dropped.
  const upsert = db.prepare(`
    INSERT INTO installations (enterprise_id, team_id, is_enterprise_install, team_name, enterprise_name, app_id,
      bot_id, bot_user_id, bot_scopes, installer_user_id, key_id, bot_token, refresh_token, expires_at, installed_at)
    VALUES (@e, @t, @isEnterpriseInstall, @teamName, @enterpriseName, @appId, @botId, @botUserId, @botScopes,
      @installerUserId, @keyId, @botToken, @refreshToken, @expiresAt, @now)
    ON CONFLICT (enterprise_id, team_id) DO UPDATE SET
      is_enterprise_install = excluded.is_enterprise_install, team_name = excluded.team_name,
      enterprise_name = excluded.enterprise_name, app_id = excluded.app_id, bot_id = excluded.bot_id,
      bot_user_id = excluded.bot_user_id, bot_scopes = excluded.bot_scopes,
      installer_user_id = excluded.installer_user_id, key_id = excluded.key_id, bot_token = excluded.bot_token,
      refresh_token = excluded.refresh_token, expires_at = excluded.expires_at, installed_at = excluded.installed_at,
      generation = installations.generation + 1, refresh_owner = NULL, refresh_until = NULL, refreshed_at = NULL`);
  const byKey = db.prepare('SELECT * FROM installations WHERE enterprise_id = @e AND team_id = @t');
  // A workspace's own installation (by the team index), else its organization's org-wide one.
  const ownInstall = db.prepare("SELECT * FROM installations WHERE team_id = ? AND team_id <> '' LIMIT 1");
  const claim = db.prepare(`
    UPDATE installations SET refresh_owner = @owner, refresh_until = @until
     WHERE enterprise_id = @e AND team_id = @t AND generation = @generation
       AND (refresh_owner IS NULL OR refresh_until <= @now)`);
  const renewed = db.prepare(`
    UPDATE installations SET key_id = @keyId, bot_token = @botToken, refresh_token = @refreshToken,
      expires_at = @expiresAt, generation = generation + 1, refresh_owner = NULL, refresh_until = NULL,
      refreshed_at = @now
     WHERE enterprise_id = @e AND team_id = @t AND refresh_owner = @owner AND generation = @generation`);
  const release = db.prepare(`
    UPDATE installations SET refresh_owner = NULL, refresh_until = NULL
     WHERE enterprise_id = @e AND team_id = @t AND refresh_owner = @owner`);
  const removeKey = db.prepare('DELETE FROM installations WHERE enterprise_id = @e AND team_id = @t');
  const removeTeam = db.prepare("DELETE FROM installations WHERE team_id = ? AND team_id <> ''");
  const all = db.prepare('SELECT * FROM installations ORDER BY enterprise_id, team_id');
  const keyIds = db.prepare('SELECT key_id, COUNT(*) AS n FROM installations GROUP BY key_id');
  const reseal = db.prepare(`
    UPDATE installations SET key_id = @keyId, bot_token = @botToken, refresh_token = @refreshToken
     WHERE enterprise_id = @e AND team_id = @t AND generation = @generation`);
  const count = db.prepare('SELECT COUNT(*) FROM installations');

  return {
    save(
      input: Omit<StoredInstallation, 'generation' | 'refreshOwner' | 'refreshUntil' | 'installedAt' | 'refreshedAt'>,
      now: Date,
    ): void {
      upsert.run({
        ...keyParams(input),
        isEnterpriseInstall: input.isEnterpriseInstall ? 1 : 0,
        teamName: input.teamName,
        enterpriseName: input.enterpriseName,
        appId: input.appId,
        botId: input.botId,
        botUserId: input.botUserId,
        botScopes: input.botScopes.join(','),
        installerUserId: input.installerUserId,
        keyId: input.keyId,
        botToken: input.botToken,
        refreshToken: input.refreshToken,
        expiresAt: input.expiresAt?.getTime() ?? null,
        now: now.getTime(),
      });
    },
    get(key: InstallationKeyInput): StoredInstallation | undefined {
      const row = byKey.get(keyParams(key)) as InstallationRow | undefined;
      return row ? toStored(row) : undefined;
    },
    /** The installation serving a workspace: its own, else its organization's org-wide one. */
    forTeam(teamId: string, enterpriseId: string | null): StoredInstallation | undefined {
      const own = ownInstall.get(teamId) as InstallationRow | undefined;
      const row =
        own ?? (enterpriseId ? (byKey.get({ e: enterpriseId, t: '' }) as InstallationRow | undefined) : undefined);
      return row ? toStored(row) : undefined;
    },
    /**
     * Claims the right to spend the refresh token of `generation`. False when another process holds
     * a live claim, or has already renewed the token (the generation moved on).
     */
    claimRefresh(
      key: InstallationKeyInput,
      input: { generation: number; owner: string; now: Date; claimMs: number },
    ): boolean {
      return (
        claim.run({
          ...keyParams(key),
          generation: input.generation,
          owner: input.owner,
          now: input.now.getTime(),
          until: input.now.getTime() + input.claimMs,
        }).changes === 1
      );
    },
    /** Writes renewed tokens; only the claim holder can, and only once. */
    saveRenewed(
      key: InstallationKeyInput,
      input: {
        owner: string;
        generation: number;
        keyId: string;
        botToken: Buffer;
        refreshToken: Buffer;
        expiresAt: Date;
        now: Date;
      },
    ): boolean {
      return (
        renewed.run({
          ...keyParams(key),
          owner: input.owner,
          generation: input.generation,
          keyId: input.keyId,
          botToken: input.botToken,
          refreshToken: input.refreshToken,
          expiresAt: input.expiresAt.getTime(),
          now: input.now.getTime(),
        }).changes === 1
      );
    },
    releaseClaim(key: InstallationKeyInput, owner: string): void {
      release.run({ ...keyParams(key), owner });
    },
    /** Deletes one installation (its tokens with it). True when there was one. */
    remove(key: InstallationKeyInput): boolean {
      return removeKey.run(keyParams(key)).changes > 0;
    },
    /** Deletes a workspace's own installation(s), whatever organization they were keyed under. */
    removeForTeam(teamId: string): number {
      return removeTeam.run(teamId).changes;
    },
    all(): StoredInstallation[] {
      return (all.all() as InstallationRow[]).map(toStored);
    },
    count(): number {
      return count.pluck().get() as number;
    },
    /** How many rows each key sealed. */
    keyIds(): Map<string, number> {
      const rows = keyIds.all() as { key_id: string; n: number }[];
      return new Map(rows.map((r) => [r.key_id, r.n]));
    },
    /** Replaces the sealed tokens of one row (key rotation); false if the row changed meanwhile. */
    reseal(
      key: InstallationKeyInput,
      input: { generation: number; keyId: string; botToken: Buffer; refreshToken: Buffer | null },
    ): boolean {
      return reseal.run({ ...keyParams(key), ...input }).changes === 1;
    },
  };
}

export type InstallationsRepo = ReturnType<typeof createInstallationsRepo>;
