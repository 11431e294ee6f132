-- Installations through Slack's OAuth flow, when Alliance serves many workspaces.
--
-- One row per installation: a workspace (team_id, with enterprise_id when the workspace belongs to
-- an Enterprise Grid organization) or a whole organization (an org-wide install: enterprise_id set,
-- team_id ''). '' rather than NULL keeps the primary key a real key (SQLite lets NULLs repeat).
--
-- Tokens are never stored in the clear: bot_token and refresh_token hold AES-256-GCM sealed bytes,
-- sealed with the key named by key_id (a fingerprint of the key, never the key itself), bound to the
-- row's enterprise_id and team_id so a sealed token copied into another row does not open there.
--
-- Token rotation: refresh tokens are single-use, so one process at a time may spend one. A process
-- claims the refresh by an atomic UPDATE that sets refresh_owner/refresh_until where no live claim
-- exists and generation is still the one it read; the winner writes the new tokens and bumps
-- generation; everyone else re-reads the row.
CREATE TABLE installations (
  enterprise_id         TEXT    NOT NULL DEFAULT '',
  team_id               TEXT    NOT NULL DEFAULT '',
  is_enterprise_install INTEGER NOT NULL DEFAULT 0 CHECK (is_enterprise_install IN (0, 1)),
  team_name             TEXT,
  enterprise_name       TEXT,
  app_id                TEXT,
  bot_id                TEXT,
  bot_user_id           TEXT    NOT NULL,
  bot_scopes            TEXT    NOT NULL DEFAULT '',
  installer_user_id     TEXT,
  key_id                TEXT    NOT NULL,
  bot_token             BLOB    NOT NULL,
  refresh_token         BLOB,
  -- When the bot token expires (token rotation on); NULL for tokens that do not expire.
  expires_at            INTEGER,
  generation            INTEGER NOT NULL DEFAULT 0,
  refresh_owner         TEXT,
  refresh_until         INTEGER,
  installed_at          INTEGER NOT NULL,
  refreshed_at          INTEGER,
  PRIMARY KEY (enterprise_id, team_id),
  CHECK (team_id <> '' OR (enterprise_id <> '' AND is_enterprise_install = 1))
) WITHOUT ROWID;
-- A workspace's own installation is looked up by team id on every Web API call.
CREATE INDEX installations_team ON installations (team_id) WHERE team_id <> '';

-- The organization a workspace belongs to (Enterprise Grid), so its token can be found when the
-- installation is org-wide.
ALTER TABLE workspaces ADD COLUMN enterprise_id TEXT;
CREATE INDEX workspaces_enterprise ON workspaces (enterprise_id) WHERE enterprise_id IS NOT NULL;
