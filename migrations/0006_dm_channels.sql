-- The direct-message channel Alliance shares with each person, learned once from
-- conversations.open. Later messages go straight to it: one API call per message instead of two,
-- which halves what a pulse fan-out spends of the workspace's rate limit.
CREATE TABLE dm_channels (
  team_id    TEXT    NOT NULL,
  user_id    TEXT    NOT NULL,
  channel_id TEXT    NOT NULL,
  opened_at  INTEGER NOT NULL,
  PRIMARY KEY (team_id, user_id)
) WITHOUT ROWID;
