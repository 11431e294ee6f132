-- Trust: the privacy promises kept by the data itself.

-- Each version keeps the visibility it was compiled under: making the agreement visible to the
-- channel later applies to versions compiled from then on, never to what was written before.
ALTER TABLE agreement_versions ADD COLUMN visibility TEXT NOT NULL DEFAULT 'channel'
  CHECK (visibility IN ('channel', 'members'));
UPDATE agreement_versions
   SET visibility = coalesce(
     (SELECT json_extract(a.settings_json, '$.visibility') FROM alliances a WHERE a.id = agreement_versions.alliance_id),
     'channel');

-- Someone who is not a member asks to join; a current member admits them before they see anything
-- of a members-only agreement (and before a former member can commit again).
CREATE TABLE admissions (
  alliance_id     TEXT    NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
  team_id         TEXT    NOT NULL,
  user_id         TEXT    NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('requested', 'admitted')),
  requested_at    INTEGER NOT NULL,
  admitted_by     TEXT,
  admitted_at     INTEGER,
  message_channel TEXT,
  message_ts      TEXT,
  PRIMARY KEY (alliance_id, user_id)
) WITHOUT ROWID;

-- A settings change that weakens privacy (anonymity off, a lower threshold, members-only to the
-- channel) waits here until every current member has agreed; it then applies to what comes next.
CREATE TABLE privacy_changes (
  id              INTEGER PRIMARY KEY,
  team_id         TEXT    NOT NULL,
  alliance_id     TEXT    NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
  proposed_by     TEXT    NOT NULL,
  -- JSON: the weakened fields and their proposed values.
  changes_json    TEXT    NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('proposed', 'applied', 'declined', 'superseded')),
  created_at      INTEGER NOT NULL,
  decided_at      INTEGER,
  decided_by      TEXT,
  message_channel TEXT,
  message_ts      TEXT
);
CREATE UNIQUE INDEX privacy_changes_one_proposed ON privacy_changes (alliance_id) WHERE status = 'proposed';

CREATE TABLE privacy_change_consents (
  change_id INTEGER NOT NULL REFERENCES privacy_changes(id) ON DELETE CASCADE,
  team_id   TEXT    NOT NULL,
  user_id   TEXT    NOT NULL,
  PRIMARY KEY (change_id, user_id)
) WITHOUT ROWID;

-- An anonymous answer while its pulse is open: sealed (AES-256-GCM, with a key derived from a
-- secret that is not in the database), padded to one size, under the hash of the member's edit
-- key. It is written with the member's participation, so the database alone holds only who has
-- answered, never what. When the pulse closes the answers are opened, frozen into the pulse's
-- figures, and these rows deleted; no plain anonymous answer is ever written.
CREATE TABLE pulse_sealed_answers (
  key_hash TEXT    PRIMARY KEY,
  pulse_id INTEGER NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
  team_id  TEXT    NOT NULL,
  sealed   BLOB    NOT NULL
) WITHOUT ROWID;
CREATE INDEX pulse_sealed_answers_pulse ON pulse_sealed_answers (pulse_id);
