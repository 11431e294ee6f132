-- Pulses: the periodic check-ins on how well the team is living its agreement.
--
-- Anonymity: in an anonymous pulse the response row holds no user id. Who has answered is kept in
-- pulse_participation, which holds no link to the response. Editing an anonymous answer needs the
-- member's edit token, which only Slack holds (in the "Edit my answer" button of their DM); the
-- response row stores its SHA-256 hash. Response ids are random and the tables have no rowid and
-- no timestamps, so neither storage order nor times can line a response up with a participant.

CREATE TABLE pulses (
  id            INTEGER PRIMARY KEY,
  team_id       TEXT    NOT NULL,
  alliance_id   TEXT    NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
  -- The agreement version in effect when the pulse opened; it asks about this one.
  version_id    INTEGER REFERENCES agreement_versions(id),
  -- The local date of the scheduled occurrence: one pulse per alliance and period, ever.
  period_key    TEXT    NOT NULL,
  scheduled_at  INTEGER NOT NULL,
  opens_at      INTEGER NOT NULL,
  closes_at     INTEGER NOT NULL,
  remind_at     INTEGER,
  status        TEXT    NOT NULL CHECK (status IN ('open', 'closed', 'skipped')),
  anonymous     INTEGER NOT NULL,
  threshold     INTEGER NOT NULL,
  closed_at     INTEGER,
  -- Figures frozen when the pulse closes (JSON of the domain's PulseResults).
  results_json  TEXT,
  UNIQUE (alliance_id, period_key)
);
CREATE INDEX pulses_alliance ON pulses (alliance_id, scheduled_at);

-- The members asked in this pulse (the denominator of participation, and who gets reminded).
CREATE TABLE pulse_invitees (
  pulse_id INTEGER NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
  team_id  TEXT    NOT NULL,
  user_id  TEXT    NOT NULL,
  PRIMARY KEY (pulse_id, user_id)
) WITHOUT ROWID;

-- Who has answered. No timestamp and no response id, on purpose (see above).
CREATE TABLE pulse_participation (
  pulse_id INTEGER NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
  team_id  TEXT    NOT NULL,
  user_id  TEXT    NOT NULL,
  PRIMARY KEY (pulse_id, user_id)
) WITHOUT ROWID;

CREATE TABLE pulse_responses (
  id                 TEXT    PRIMARY KEY,
  pulse_id           INTEGER NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
  team_id            TEXT    NOT NULL,
  -- NULL in anonymous pulses.
  user_id            TEXT,
  -- Anonymous pulses: SHA-256 of the member's edit token.
  edit_key_hash      TEXT    UNIQUE,
  working            TEXT    NOT NULL DEFAULT '',
  at_risk            TEXT    NOT NULL DEFAULT '',
  renegotiate        INTEGER NOT NULL DEFAULT 0,
  renegotiate_reason TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE UNIQUE INDEX pulse_responses_named ON pulse_responses (pulse_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX pulse_responses_pulse ON pulse_responses (pulse_id);

CREATE TABLE pulse_ratings (
  response_id TEXT    NOT NULL REFERENCES pulse_responses(id) ON DELETE CASCADE,
  aspect_id   TEXT    NOT NULL,
  rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  PRIMARY KEY (response_id, aspect_id)
) WITHOUT ROWID;

CREATE TABLE pulse_reservation_checks (
  response_id    TEXT    NOT NULL REFERENCES pulse_responses(id) ON DELETE CASCADE,
  reservation_id INTEGER NOT NULL,
  still_concern  INTEGER NOT NULL,
  PRIMARY KEY (response_id, reservation_id)
) WITHOUT ROWID;

-- A member's own commitments are about them by nature, so their status is kept apart from the
-- (possibly anonymous) response: it says whose commitment, never which response it came with.
CREATE TABLE commitment_checks (
  pulse_id  INTEGER NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
  team_id   TEXT    NOT NULL,
  user_id   TEXT    NOT NULL,
  prompt_id TEXT    NOT NULL,
  status    TEXT    NOT NULL CHECK (status IN ('kept', 'at_risk', 'need_help')),
  PRIMARY KEY (pulse_id, user_id, prompt_id)
) WITHOUT ROWID;
