-- Where each reservation was shared in Slack (thread replies and DMs), so that when its author asks
-- to be forgotten the messages that quoted them can be withdrawn too, not only the stored rows.
CREATE TABLE reservation_posts (
  reservation_id INTEGER NOT NULL REFERENCES reservations(id) ON DELETE CASCADE,
  team_id        TEXT    NOT NULL,
  channel_id     TEXT    NOT NULL,
  ts             TEXT    NOT NULL,
  PRIMARY KEY (reservation_id, channel_id, ts)
) WITHOUT ROWID;
