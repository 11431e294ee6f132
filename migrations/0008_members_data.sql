-- Members' control over their data: drafts kept apart from answers, the Home tab's last version,
-- and how long raw comments are kept.

-- What a member typed and closed without submitting ("Save for later"). Kept apart from answers,
-- so a compiled version holds only what members submitted; deleted when the round closes.
CREATE TABLE answer_drafts (
  round_id   INTEGER NOT NULL REFERENCES design_rounds(id) ON DELETE CASCADE,
  team_id    TEXT    NOT NULL,
  user_id    TEXT    NOT NULL,
  prompt_id  TEXT    NOT NULL,
  text       TEXT    NOT NULL,
  PRIMARY KEY (round_id, user_id, prompt_id)
) WITHOUT ROWID;

-- The hash of each person's last published Home, so an unchanged Home is not published again.
CREATE TABLE home_views (
  team_id      TEXT    NOT NULL,
  user_id      TEXT    NOT NULL,
  hash         TEXT    NOT NULL,
  published_at INTEGER NOT NULL,
  PRIMARY KEY (team_id, user_id)
) WITHOUT ROWID;

-- Raw pulse comments (the words people wrote) are kept this many days after their pulse closed;
-- the figures are kept. Set per workspace by its admins with `/alliance retention`.
ALTER TABLE workspaces ADD COLUMN comment_retention_days INTEGER NOT NULL DEFAULT 365;

-- When a pulse's raw comments were cleared under the retention setting.
ALTER TABLE pulses ADD COLUMN comments_cleared_at INTEGER;

-- A version stays a snapshot, with one exception: a member who asks to be forgotten has their name
-- and words replaced by a placeholder. Such an update must count itself in `withdrawals`, so the
-- content can change only on purpose, and the row says how often it did.
ALTER TABLE agreement_versions ADD COLUMN withdrawals INTEGER NOT NULL DEFAULT 0;
DROP TRIGGER agreement_versions_immutable;
CREATE TRIGGER agreement_versions_immutable
BEFORE UPDATE OF number, alliance_id ON agreement_versions
BEGIN
  SELECT RAISE(ABORT, 'agreement versions are immutable');
END;
CREATE TRIGGER agreement_versions_content_immutable
BEFORE UPDATE OF content_json, content_hash ON agreement_versions
WHEN NEW.withdrawals <= OLD.withdrawals
BEGIN
  SELECT RAISE(ABORT, 'agreement versions are immutable');
END;
