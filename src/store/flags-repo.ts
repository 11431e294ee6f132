import type { Flag, FlagState } from '../domain/flag.js';
import type { SignalKind } from '../domain/signal-settings.js';
import type { Evidence } from '../domain/signals.js';
import type { Db } from './db.js';

interface FlagRow {
  id: number;
  team_id: string;
  alliance_id: string;
  kind: SignalKind;
  occurrence_key: string;
  evidence_json: string;
  state: FlagState;
  snoozed_until: number | null;
  snoozed_by: string | null;
  snooze_reason: string | null;
  round_id: number | null;
  message_channel: string | null;
  message_ts: string | null;
  created_at: number;
}

// Dates inside evidence are stored as ISO strings; bring them back.
function reviveEvidence(json: string): Evidence {
  const evidence = JSON.parse(json) as Evidence;
  if (evidence.kind === 'reviewDate') evidence.activatedAt = new Date(evidence.activatedAt);
  return evidence;
}

const toFlag = (r: FlagRow): Flag => ({
  id: r.id,
  teamId: r.team_id,
  allianceId: r.alliance_id,
  kind: r.kind,
  occurrenceKey: r.occurrence_key,
  evidence: reviveEvidence(r.evidence_json),
  state: r.state,
  snoozedUntil: r.snoozed_until === null ? null : new Date(r.snoozed_until),
  snoozedBy: r.snoozed_by,
  snoozeReason: r.snooze_reason,
  roundId: r.round_id,
  messageChannel: r.message_channel,
  messageTs: r.message_ts,
  createdAt: new Date(r.created_at),
});

export function createFlagsRepo(db: Db) {
  const insert = db.prepare(`
    INSERT INTO flags (team_id, alliance_id, kind, occurrence_key, evidence_json, created_at)
    VALUES (@teamId, @allianceId, @kind, @key, @evidence, @now)
    ON CONFLICT (alliance_id, occurrence_key) DO NOTHING`);
  const byId = db.prepare('SELECT * FROM flags WHERE id = ?');
  const ofAlliance = db.prepare('SELECT * FROM flags WHERE alliance_id = ? ORDER BY id');
  const unresolved = db.prepare("SELECT * FROM flags WHERE alliance_id = ? AND state <> 'resolved' ORDER BY id");
  const snoozedKinds = db.prepare(
    "SELECT kind, max(snoozed_until) AS until FROM flags WHERE alliance_id = ? AND state = 'snoozed' AND snoozed_until > ? GROUP BY kind",
  );
  const setMessage = db.prepare('UPDATE flags SET message_channel = ?, message_ts = ? WHERE id = ?');
  const snooze = db.prepare(`
    UPDATE flags SET state = 'snoozed', snoozed_until = @until, snoozed_by = @by, snooze_reason = @reason
     WHERE id = @id AND state IN ('open', 'snoozed')`);
  const toRenegotiating = db.prepare(
    "UPDATE flags SET state = 'renegotiating', round_id = @roundId WHERE id = @id AND state IN ('open', 'snoozed')",
  );
  const resolveRound = db.prepare(
    "UPDATE flags SET state = 'resolved', resolved_at = @now WHERE round_id = @roundId AND state = 'renegotiating'",
  );
  const ofRound = db.prepare('SELECT * FROM flags WHERE round_id = ? ORDER BY id');
  const openOfKind = db.prepare(
    "SELECT * FROM flags WHERE alliance_id = ? AND kind = ? AND state IN ('open', 'snoozed') ORDER BY id DESC LIMIT 1",
  );
  const updateEvidence = db.prepare('UPDATE flags SET evidence_json = ? WHERE id = ?');

  return {
    /** Stores a flag for a new occurrence; null when this occurrence was flagged before. */
    raise(input: {
      teamId: string;
      allianceId: string;
      kind: SignalKind;
      key: string;
      evidence: Evidence;
      now: Date;
    }): Flag | null {
      const result = insert.run({ ...input, evidence: JSON.stringify(input.evidence), now: input.now.getTime() });
      if (result.changes === 0) return null;
      return toFlag(byId.get(Number(result.lastInsertRowid)) as FlagRow);
    },
    get(id: number): Flag | undefined {
      const row = byId.get(id) as FlagRow | undefined;
      return row ? toFlag(row) : undefined;
    },
    all(allianceId: string): Flag[] {
      return (ofAlliance.all(allianceId) as FlagRow[]).map(toFlag);
    },
    unresolved(allianceId: string): Flag[] {
      return (unresolved.all(allianceId) as FlagRow[]).map(toFlag);
    },
    /** Kinds snoozed at `now`, with when their snooze ends. */
    snoozedKinds(allianceId: string, now: Date): Map<SignalKind, Date> {
      const rows = snoozedKinds.all(allianceId, now.getTime()) as { kind: SignalKind; until: number }[];
      return new Map(rows.map((r) => [r.kind, new Date(r.until)]));
    },
    setMessage(id: number, channel: string, ts: string): void {
      setMessage.run(channel, ts, id);
    },
    snooze(id: number, until: Date, by: string, reason: string): boolean {
      return snooze.run({ id, until: until.getTime(), by, reason }).changes > 0;
    },
    markRenegotiating(id: number, roundId: number): boolean {
      return toRenegotiating.run({ id, roundId }).changes > 0;
    },
    resolveRound(roundId: number, now: Date): number {
      return resolveRound.run({ roundId, now: now.getTime() }).changes;
    },
    /** The latest flag of a kind the team has not acted on yet (open or quieted). */
    openOfKind(allianceId: string, kind: SignalKind): Flag | undefined {
      const row = openOfKind.get(allianceId, kind) as FlagRow | undefined;
      return row ? toFlag(row) : undefined;
    },
    updateEvidence(id: number, evidence: Evidence): void {
      updateEvidence.run(JSON.stringify(evidence), id);
    },
    ofRound(roundId: number): Flag[] {
      return (ofRound.all(roundId) as FlagRow[]).map(toFlag);
    },
  };
}

export type FlagsRepo = ReturnType<typeof createFlagsRepo>;
