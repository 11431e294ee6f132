-- Renegotiation flags: a signal the team chose showed up. One row per occurrence (the domain's
-- occurrence key), so an ongoing situation is flagged once; the row keeps its evidence and state.

CREATE TABLE flags (
  id              INTEGER PRIMARY KEY,
  team_id         TEXT    NOT NULL,
  alliance_id     TEXT    NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
  kind            TEXT    NOT NULL,
  occurrence_key  TEXT    NOT NULL,
  evidence_json   TEXT    NOT NULL,
  state           TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'snoozed', 'renegotiating', 'resolved')),
  snoozed_until   INTEGER,
  snoozed_by      TEXT,
  snooze_reason   TEXT,
  round_id        INTEGER REFERENCES design_rounds(id),
  message_channel TEXT,
  message_ts      TEXT,
  created_at      INTEGER NOT NULL,
  resolved_at     INTEGER,
  UNIQUE (alliance_id, occurrence_key)
);
CREATE INDEX flags_alliance_state ON flags (alliance_id, state);

-- Which flag (if any) started a design round, for the version history.
ALTER TABLE design_rounds ADD COLUMN flag_id INTEGER REFERENCES flags(id);
