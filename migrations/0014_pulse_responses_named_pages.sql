-- Every check-in wrote a page of the index behind edit_key_hash's UNIQUE, although a named answer
-- has no key (NULL) and only answers given before anonymous answers were sealed (0007) have one.
-- A column's UNIQUE cannot be dropped, so pulse_responses is rebuilt without it, and the keys that
-- exist get a partial unique index, which rows without a key never touch.
--
-- Dropping pulse_responses would delete the ratings and reservation checks hanging off it (ON DELETE
-- CASCADE), so they are set aside first and put back into tables recreated as 0003 made them.
CREATE TABLE pulse_ratings_kept AS SELECT response_id, aspect_id, rating FROM pulse_ratings;
CREATE TABLE pulse_reservation_checks_kept AS SELECT response_id, reservation_id, still_concern FROM pulse_reservation_checks;
DROP TABLE pulse_ratings;
DROP TABLE pulse_reservation_checks;

CREATE TABLE pulse_responses_rebuilt (
  id                 TEXT    PRIMARY KEY,
  pulse_id           INTEGER NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
  team_id            TEXT    NOT NULL,
  -- NULL in anonymous pulses.
  user_id            TEXT,
  -- Answers from before anonymous answers were sealed: SHA-256 of the member's edit key.
  edit_key_hash      TEXT,
  working            TEXT    NOT NULL DEFAULT '',
  at_risk            TEXT    NOT NULL DEFAULT '',
  renegotiate        INTEGER NOT NULL DEFAULT 0,
  renegotiate_reason TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;
INSERT INTO pulse_responses_rebuilt (id, pulse_id, team_id, user_id, edit_key_hash, working, at_risk, renegotiate, renegotiate_reason)
  SELECT id, pulse_id, team_id, user_id, edit_key_hash, working, at_risk, renegotiate, renegotiate_reason FROM pulse_responses;
DROP TABLE pulse_responses;
ALTER TABLE pulse_responses_rebuilt RENAME TO pulse_responses;
CREATE UNIQUE INDEX pulse_responses_pulse_user ON pulse_responses (pulse_id, user_id);
CREATE UNIQUE INDEX pulse_responses_edit_key ON pulse_responses (edit_key_hash) WHERE edit_key_hash IS NOT NULL;

CREATE TABLE pulse_ratings (
  response_id TEXT    NOT NULL REFERENCES pulse_responses(id) ON DELETE CASCADE,
  aspect_id   TEXT    NOT NULL,
  rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  PRIMARY KEY (response_id, aspect_id)
) WITHOUT ROWID;
INSERT INTO pulse_ratings (response_id, aspect_id, rating) SELECT response_id, aspect_id, rating FROM pulse_ratings_kept;

CREATE TABLE pulse_reservation_checks (
  response_id    TEXT    NOT NULL REFERENCES pulse_responses(id) ON DELETE CASCADE,
  reservation_id INTEGER NOT NULL,
  still_concern  INTEGER NOT NULL,
  PRIMARY KEY (response_id, reservation_id)
) WITHOUT ROWID;
INSERT INTO pulse_reservation_checks (response_id, reservation_id, still_concern)
  SELECT response_id, reservation_id, still_concern FROM pulse_reservation_checks_kept;

DROP TABLE pulse_ratings_kept;
DROP TABLE pulse_reservation_checks_kept;
