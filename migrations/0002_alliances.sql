-- Alliances and how they are designed: members, design rounds with their answers, agreement
-- versions (immutable snapshots), consent and reservations; plus the outbox every direct message
-- goes through. Every row carries team_id so a workspace's data can be found and removed as a whole.

CREATE TABLE alliances (
  id                TEXT    PRIMARY KEY,
  team_id           TEXT    NOT NULL REFERENCES workspaces(team_id) ON DELETE CASCADE,
  channel_id        TEXT    NOT NULL,
  name              TEXT    NOT NULL,
  template_id       TEXT    NOT NULL,
  starter_id        TEXT    NOT NULL,
  status            TEXT    NOT NULL CHECK (status IN ('designing', 'consenting', 'active', 'archived')),
  -- Validated by the domain's settings schema on every read; new fields get defaults there.
  settings_json     TEXT    NOT NULL,
  active_version_id INTEGER,
  -- The setup modal's view id: a double submission of the same modal creates one alliance.
  setup_view_id     TEXT    UNIQUE,
  created_at        INTEGER NOT NULL,
  activated_at      INTEGER,
  archived_at       INTEGER
);
-- One live alliance per channel.
CREATE UNIQUE INDEX alliances_live_channel ON alliances (team_id, channel_id) WHERE status <> 'archived';

CREATE TABLE alliance_members (
  alliance_id TEXT    NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
  team_id     TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,
  joined_at   INTEGER NOT NULL,
  left_at     INTEGER,
  left_reason TEXT,
  PRIMARY KEY (alliance_id, user_id)
) WITHOUT ROWID;
CREATE INDEX alliance_members_user ON alliance_members (team_id, user_id);

-- A design round is the first design of an alliance or a renegotiation of its active version.
CREATE TABLE design_rounds (
  id                   INTEGER PRIMARY KEY,
  team_id              TEXT    NOT NULL,
  alliance_id          TEXT    NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
  status               TEXT    NOT NULL CHECK (status IN ('open', 'compiled', 'cancelled')),
  base_version_id      INTEGER,
  reason               TEXT,
  started_by           TEXT    NOT NULL,
  started_at           INTEGER NOT NULL,
  closed_at            INTEGER,
  announcement_channel TEXT,
  announcement_ts      TEXT
);
CREATE UNIQUE INDEX design_rounds_one_open ON design_rounds (alliance_id) WHERE status = 'open';

-- Where each member is in the prompts, so a closed modal resumes at the same step.
CREATE TABLE design_progress (
  round_id    INTEGER NOT NULL REFERENCES design_rounds(id) ON DELETE CASCADE,
  team_id     TEXT    NOT NULL,
  user_id     TEXT    NOT NULL,
  next_step   INTEGER NOT NULL DEFAULT 0,
  finished_at INTEGER,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (round_id, user_id)
) WITHOUT ROWID;

CREATE TABLE answers (
  round_id   INTEGER NOT NULL REFERENCES design_rounds(id) ON DELETE CASCADE,
  team_id    TEXT    NOT NULL,
  user_id    TEXT    NOT NULL,
  prompt_id  TEXT    NOT NULL,
  text       TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (round_id, user_id, prompt_id)
) WITHOUT ROWID;

CREATE TABLE agreement_versions (
  id           INTEGER PRIMARY KEY,
  team_id      TEXT    NOT NULL,
  alliance_id  TEXT    NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
  number       INTEGER NOT NULL,
  round_id     INTEGER NOT NULL REFERENCES design_rounds(id),
  content_json TEXT    NOT NULL,
  content_hash TEXT    NOT NULL,
  status       TEXT    NOT NULL CHECK (status IN ('proposed', 'active', 'superseded', 'withdrawn')),
  compiled_by  TEXT    NOT NULL,
  compiled_at  INTEGER NOT NULL,
  activated_at INTEGER,
  ended_at     INTEGER,
  UNIQUE (alliance_id, number)
);
CREATE UNIQUE INDEX agreement_versions_one_active ON agreement_versions (alliance_id) WHERE status = 'active';
CREATE UNIQUE INDEX agreement_versions_one_proposed ON agreement_versions (alliance_id) WHERE status = 'proposed';
-- A version is a snapshot: its content never changes once written.
CREATE TRIGGER agreement_versions_immutable
BEFORE UPDATE OF content_json, content_hash, number, alliance_id ON agreement_versions
BEGIN
  SELECT RAISE(ABORT, 'agreement versions are immutable');
END;

-- The messages a version was posted as: part 0 carries the consent buttons; further parts are
-- thread replies when the agreement is too long for one message. Members-only agreements are
-- posted to each member's DM (recipient_id).
CREATE TABLE agreement_posts (
  version_id   INTEGER NOT NULL REFERENCES agreement_versions(id) ON DELETE CASCADE,
  team_id      TEXT    NOT NULL,
  channel_id   TEXT    NOT NULL,
  part         INTEGER NOT NULL,
  ts           TEXT    NOT NULL,
  recipient_id TEXT,
  PRIMARY KEY (version_id, channel_id, part)
);

CREATE TABLE consents (
  version_id INTEGER NOT NULL REFERENCES agreement_versions(id) ON DELETE CASCADE,
  team_id    TEXT    NOT NULL,
  user_id    TEXT    NOT NULL,
  agreed_at  INTEGER NOT NULL,
  PRIMARY KEY (version_id, user_id)
) WITHOUT ROWID;

CREATE TABLE reservations (
  id          INTEGER PRIMARY KEY,
  team_id     TEXT    NOT NULL,
  alliance_id TEXT    NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
  version_id  INTEGER NOT NULL REFERENCES agreement_versions(id) ON DELETE CASCADE,
  user_id     TEXT    NOT NULL,
  concern     TEXT    NOT NULL,
  watch       TEXT    NOT NULL,
  status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  -- The modal's view id: submitting the same reservation twice stores it once.
  view_id     TEXT    UNIQUE,
  created_at  INTEGER NOT NULL,
  resolved_at INTEGER
);
CREATE INDEX reservations_alliance ON reservations (alliance_id, status);

-- Every direct message goes through this outbox: one row per (kind, subject, member). A row is
-- claimed atomically, sent, and marked with Slack's ts; a crash mid-fan-out leaves the rest
-- pending for the next tick. Rows claimed before a crash are reconciled against the DM history
-- (each message carries its delivery id in its metadata) before being sent again.
CREATE TABLE deliveries (
  id               INTEGER PRIMARY KEY,
  team_id          TEXT    NOT NULL,
  alliance_id      TEXT    NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
  kind             TEXT    NOT NULL,
  subject_id       INTEGER NOT NULL,
  user_id          TEXT    NOT NULL,
  state            TEXT    NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'sending', 'sent', 'unreachable', 'failed', 'cancelled')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  lease_owner      TEXT,
  lease_expires_at INTEGER,
  dm_channel_id    TEXT,
  ts               TEXT,
  error            TEXT,
  reported_at      INTEGER,
  created_at       INTEGER NOT NULL,
  sent_at          INTEGER,
  UNIQUE (kind, subject_id, user_id)
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_alliance ON deliveries (alliance_id, kind, subject_id);
