-- Each pulse keeps the visibility its answers were given under, as agreement versions do (0007):
-- answers given while the alliance was members-only stay with the members after it opens up to
-- the channel, in digests, in flags and wherever else the pulse is shown.
ALTER TABLE pulses ADD COLUMN visibility TEXT NOT NULL DEFAULT 'channel'
  CHECK (visibility IN ('channel', 'members'));
UPDATE pulses
   SET visibility = coalesce(
     (SELECT json_extract(a.settings_json, '$.visibility') FROM alliances a WHERE a.id = pulses.alliance_id),
     'channel');
