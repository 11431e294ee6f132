-- Weekly digests. A scheduled digest is posted once per alliance and digest period (the local date
-- of its scheduled instant); `/alliance digest post` adds manual ones. Celebrations are recorded
-- per streak, so a streak is celebrated once however many digests it spans.

CREATE TABLE digests (
  id           INTEGER PRIMARY KEY,
  team_id      TEXT    NOT NULL,
  alliance_id  TEXT    NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
  kind         TEXT    NOT NULL CHECK (kind IN ('scheduled', 'manual')),
  period_key   TEXT,
  pulse_id     INTEGER REFERENCES pulses(id),
  channel_id   TEXT,
  ts           TEXT,
  posted_at    INTEGER NOT NULL,
  posted_by    TEXT
);
CREATE UNIQUE INDEX digests_one_per_period ON digests (alliance_id, period_key) WHERE kind = 'scheduled';

CREATE TABLE celebrations (
  alliance_id   TEXT    NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
  team_id       TEXT    NOT NULL,
  streak_key    TEXT    NOT NULL,
  digest_id     INTEGER REFERENCES digests(id),
  celebrated_at INTEGER NOT NULL,
  PRIMARY KEY (alliance_id, streak_key)
) WITHOUT ROWID;
