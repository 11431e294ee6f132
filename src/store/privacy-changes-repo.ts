import type { PrivacySettings } from '../domain/permissions.js';
import type { Db } from './db.js';

export interface PrivacyChange {
  id: number;
  teamId: string;
  allianceId: string;
  proposedBy: string;
  changes: Partial<PrivacySettings>;
  status: 'proposed' | 'applied' | 'declined' | 'superseded';
  createdAt: Date;
  decidedBy: string | null;
  messageChannel: string | null;
  messageTs: string | null;
}

interface ChangeRow {
  id: number;
  team_id: string;
  alliance_id: string;
  proposed_by: string;
  changes_json: string;
  status: PrivacyChange['status'];
  created_at: number;
  decided_by: string | null;
  message_channel: string | null;
  message_ts: string | null;
}

const toChange = (r: ChangeRow): PrivacyChange => ({
  id: r.id,
  teamId: r.team_id,
  allianceId: r.alliance_id,
  proposedBy: r.proposed_by,
  changes: JSON.parse(r.changes_json) as Partial<PrivacySettings>,
  status: r.status,
  createdAt: new Date(r.created_at),
  decidedBy: r.decided_by,
  messageChannel: r.message_channel,
  messageTs: r.message_ts,
});

/** Settings changes that weaken privacy, waiting for every member's agreement. */
export function createPrivacyChangesRepo(db: Db) {
  const supersede = db.prepare(
    "UPDATE privacy_changes SET status = 'superseded', decided_at = ? WHERE alliance_id = ? AND status = 'proposed'",
  );
  const insert = db.prepare(`
    INSERT INTO privacy_changes (team_id, alliance_id, proposed_by, changes_json, status, created_at)
    VALUES (?, ?, ?, ?, 'proposed', ?)`);
  const byId = db.prepare('SELECT * FROM privacy_changes WHERE id = ?');
  const proposed = db.prepare("SELECT * FROM privacy_changes WHERE alliance_id = ? AND status = 'proposed'");
  const decide = db.prepare(
    "UPDATE privacy_changes SET status = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = 'proposed'",
  );
  const setMessage = db.prepare('UPDATE privacy_changes SET message_channel = ?, message_ts = ? WHERE id = ?');
  const agree = db.prepare(
    'INSERT INTO privacy_change_consents (change_id, team_id, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const agreed = db.prepare('SELECT user_id FROM privacy_change_consents WHERE change_id = ? ORDER BY user_id');

  return {
    /** Proposes a change; one proposed at a time per alliance, so an earlier one is superseded. */
    propose(input: {
      teamId: string;
      allianceId: string;
      proposedBy: string;
      changes: Partial<PrivacySettings>;
      now: Date;
    }): { id: number; superseded: boolean } {
      const superseded = supersede.run(input.now.getTime(), input.allianceId).changes > 0;
      const result = insert.run(
        input.teamId,
        input.allianceId,
        input.proposedBy,
        JSON.stringify(input.changes),
        input.now.getTime(),
      );
      return { id: Number(result.lastInsertRowid), superseded };
    },
    get(id: number): PrivacyChange | undefined {
      const row = byId.get(id) as ChangeRow | undefined;
      return row ? toChange(row) : undefined;
    },
    proposed(allianceId: string): PrivacyChange | undefined {
      const row = proposed.get(allianceId) as ChangeRow | undefined;
      return row ? toChange(row) : undefined;
    },
    /** Settles a proposal; false when it was no longer proposed. */
    decide(id: number, status: 'applied' | 'declined', by: string | null, now: Date): boolean {
      return decide.run(status, now.getTime(), by, id).changes > 0;
    },
    setMessage(id: number, channel: string, ts: string): void {
      setMessage.run(channel, ts, id);
    },
    agree(id: number, teamId: string, userId: string): boolean {
      return agree.run(id, teamId, userId).changes > 0;
    },
    agreed(id: number): string[] {
      return agreed.pluck().all(id) as string[];
    },
  };
}

export type PrivacyChangesRepo = ReturnType<typeof createPrivacyChangesRepo>;
