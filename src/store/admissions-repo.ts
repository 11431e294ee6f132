import type { Db } from './db.js';

export interface Admission {
  allianceId: string;
  userId: string;
  status: 'requested' | 'admitted';
  requestedAt: Date;
  admittedBy: string | null;
  messageChannel: string | null;
  messageTs: string | null;
}

interface AdmissionRow {
  alliance_id: string;
  user_id: string;
  status: 'requested' | 'admitted';
  requested_at: number;
  admitted_by: string | null;
  message_channel: string | null;
  message_ts: string | null;
}

const toAdmission = (r: AdmissionRow): Admission => ({
  allianceId: r.alliance_id,
  userId: r.user_id,
  status: r.status,
  requestedAt: new Date(r.requested_at),
  admittedBy: r.admitted_by,
  messageChannel: r.message_channel,
  messageTs: r.message_ts,
});

/** Requests to join an alliance, and who admitted whom. */
export function createAdmissionsRepo(db: Db) {
  const request = db.prepare(`
    INSERT INTO admissions (alliance_id, team_id, user_id, status, requested_at) VALUES (?, ?, ?, 'requested', ?)
    ON CONFLICT (alliance_id, user_id) DO NOTHING`);
  const get = db.prepare('SELECT * FROM admissions WHERE alliance_id = ? AND user_id = ?');
  const admit = db.prepare(`
    UPDATE admissions SET status = 'admitted', admitted_by = ?, admitted_at = ?
     WHERE alliance_id = ? AND user_id = ? AND status = 'requested'`);
  const setMessage = db.prepare(
    'UPDATE admissions SET message_channel = ?, message_ts = ? WHERE alliance_id = ? AND user_id = ?',
  );
  const remove = db.prepare('DELETE FROM admissions WHERE alliance_id = ? AND user_id = ?');
  const requested = db.prepare(
    "SELECT * FROM admissions WHERE alliance_id = ? AND status = 'requested' ORDER BY requested_at",
  );

  return {
    /** Records a request to join; 'duplicate' when this person already asked (or was admitted). */
    request(allianceId: string, teamId: string, userId: string, now: Date): 'created' | 'duplicate' {
      return request.run(allianceId, teamId, userId, now.getTime()).changes > 0 ? 'created' : 'duplicate';
    },
    get(allianceId: string, userId: string): Admission | undefined {
      const row = get.get(allianceId, userId) as AdmissionRow | undefined;
      return row ? toAdmission(row) : undefined;
    },
    /** A current member admits the person; false if there was no pending request. */
    admit(allianceId: string, userId: string, by: string, now: Date): boolean {
      return admit.run(by, now.getTime(), allianceId, userId).changes > 0;
    },
    setMessage(allianceId: string, userId: string, channel: string, ts: string): void {
      setMessage.run(channel, ts, allianceId, userId);
    },
    /** Requests no member has answered yet, oldest first. */
    requested(allianceId: string): Admission[] {
      return (requested.all(allianceId) as AdmissionRow[]).map(toAdmission);
    },
    /** Once they are a member (or leave again), the admission has served its purpose. */
    clear(allianceId: string, userId: string): void {
      remove.run(allianceId, userId);
    },
  };
}

export type AdmissionsRepo = ReturnType<typeof createAdmissionsRepo>;
