-- Every check-in writes a page of each index on pulse_responses. Two of them indexed the same
-- thing: (pulse_id, user_id) for named answers (unique) and (pulse_id) for all of a pulse's
-- answers. One unique index on (pulse_id, user_id) serves both: SQLite lets NULLs repeat in a
-- unique index, so anonymous rows (user_id NULL) are still allowed side by side, and a member
-- still has at most one named answer per pulse.
CREATE UNIQUE INDEX pulse_responses_pulse_user ON pulse_responses (pulse_id, user_id);
DROP INDEX pulse_responses_named;
DROP INDEX pulse_responses_pulse;
