import type { DigestRecord } from '../domain/digest.js';
import type { Db } from './db.js';

interface DigestRow {
  id: number;
  alliance_id: string;
  kind: 'scheduled' | 'manual';
  period_key: string | null;
  pulse_id: number | null;
  channel_id: string | null;
  ts: string | null;
  thread_ts: string | null;
  posted_at: number;
}

const toDigest = (r: DigestRow): DigestRecord => ({
  id: r.id,
  allianceId: r.alliance_id,
  kind: r.kind,
  periodKey: r.period_key,
  pulseId: r.pulse_id,
  channelId: r.channel_id,
  ts: r.ts,
  threadTs: r.thread_ts,
  postedAt: new Date(r.posted_at),
});

export function createDigestsRepo(db: Db) {
  const insert = db.prepare(`
    INSERT INTO digests (team_id, alliance_id, kind, period_key, pulse_id, posted_at, posted_by)
    VALUES (@teamId, @allianceId, @kind, @periodKey, @pulseId, @now, @postedBy)
    ON CONFLICT DO NOTHING`);
  const setMessage = db.prepare('UPDATE digests SET channel_id = ?, ts = ? WHERE id = ?');
  const setThread = db.prepare('UPDATE digests SET thread_ts = ? WHERE id = ?');
  const lastManual = db.prepare("SELECT max(posted_at) FROM digests WHERE alliance_id = ? AND kind = 'manual'");
  const ofAlliance = db.prepare('SELECT * FROM digests WHERE alliance_id = ? ORDER BY id');
  const celebrate = db.prepare(`
    INSERT INTO celebrations (alliance_id, team_id, streak_key, digest_id, celebrated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT DO NOTHING`);
  const celebrated = db.prepare('SELECT 1 FROM celebrations WHERE alliance_id = ? AND streak_key = ?');

  return {
    /** When `/alliance digest post` last posted this alliance's digest, if ever. */
    lastManualPostAt(allianceId: string): Date | null {
      const at = lastManual.pluck().get(allianceId) as number | null;
      return at === null ? null : new Date(at);
    },
    /** Records a digest about to be posted; null when this period's scheduled digest exists already. */
    begin(input: {
      teamId: string;
      allianceId: string;
      kind: 'scheduled' | 'manual';
      periodKey: string | null;
      pulseId: number | null;
      postedBy: string | null;
      now: Date;
    }): number | null {
      const result = insert.run({ ...input, now: input.now.getTime() });
      return result.changes > 0 ? Number(result.lastInsertRowid) : null;
    },
    setMessage(id: number, channelId: string, ts: string): void {
      setMessage.run(channelId, ts, id);
    },
    /** The digest's thread reply (comments and details), once posted. */
    setThread(id: number, ts: string): void {
      setThread.run(ts, id);
    },
    all(allianceId: string): DigestRecord[] {
      return (ofAlliance.all(allianceId) as DigestRow[]).map(toDigest);
    },
    /** Records that a streak was celebrated; false if it already had been. */
    celebrate(allianceId: string, teamId: string, streakKey: string, digestId: number | null, now: Date): boolean {
      return celebrate.run(allianceId, teamId, streakKey, digestId, now.getTime()).changes > 0;
    },
    wasCelebrated(allianceId: string, streakKey: string): boolean {
      return celebrated.get(allianceId, streakKey) !== undefined;
    },
  };
}

export type DigestsRepo = ReturnType<typeof createDigestsRepo>;
