-- Foundation: workspaces, the scheduler's job table and the Events API de-duplication ledger.
-- Every later table carries team_id so Alliance can serve many workspaces from one database.
-- Instants are stored as INTEGER milliseconds since the Unix epoch (UTC).

CREATE TABLE workspaces (
  team_id        TEXT PRIMARY KEY,
  team_name      TEXT,
  bot_user_id    TEXT,
  installed_at   INTEGER NOT NULL,
  -- Set when Slack tells us the app was uninstalled or its tokens revoked; scheduled work for the
  -- workspace stops until it is installed again.
  uninstalled_at INTEGER
);

-- Due work. One row per run of a job; recurring work schedules its next row when it runs.
-- A row is claimed by one atomic UPDATE (state pending -> running with a lease), so two processes
-- ticking the same database never run the same row twice. A lease that expires (the process died)
-- makes the row claimable again; job handlers are written to be safe to re-run.
CREATE TABLE jobs (
  id               INTEGER PRIMARY KEY,
  team_id          TEXT    NOT NULL REFERENCES workspaces(team_id) ON DELETE CASCADE,
  kind             TEXT    NOT NULL,
  subject_id       TEXT    NOT NULL,
  run_at           INTEGER NOT NULL,
  state            TEXT    NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'running', 'done', 'failed', 'cancelled')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  lease_owner      TEXT,
  lease_expires_at INTEGER,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  finished_at      INTEGER,
  UNIQUE (kind, subject_id, run_at)
);
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_subject ON jobs (subject_id, kind);

-- Slack retries an event it thinks we missed; the event_id is the same each time.
CREATE TABLE processed_events (
  team_id     TEXT    NOT NULL,
  event_id    TEXT    NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, event_id)
) WITHOUT ROWID;
