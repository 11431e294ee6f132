import type { AgreementContent, AgreementVersion, Reservation, VersionStatus } from '../domain/agreement.js';
import type { Db } from './db.js';
import { keepParsed } from './parsed-cache.js';

interface VersionRow {
  id: number;
  team_id: string;
  alliance_id: string;
  number: number;
  round_id: number;
  content_json: string;
  content_hash: string;
  status: VersionStatus;
  compiled_by: string;
  compiled_at: number;
  activated_at: number | null;
  ended_at: number | null;
  visibility: 'channel' | 'members';
}

const toVersion = (row: VersionRow): AgreementVersion => ({
  id: row.id,
  teamId: row.team_id,
  allianceId: row.alliance_id,
  number: row.number,
  roundId: row.round_id,
  content: JSON.parse(row.content_json) as AgreementContent,
  contentHash: row.content_hash,
  status: row.status,
  compiledBy: row.compiled_by,
  compiledAt: new Date(row.compiled_at),
  activatedAt: row.activated_at === null ? null : new Date(row.activated_at),
  endedAt: row.ended_at === null ? null : new Date(row.ended_at),
  visibility: row.visibility,
});

/**
 * A version's content changes only when someone withdraws their words ("forget me"; a trigger
 * refuses any other change), and that rewrites its hash too; yet the same version is read and parsed
 * on every check-in of its alliance. Each repository keeps the contents it parsed, frozen so no
 * reader can change what the next one gets, keyed by the version's id and checked against its
 * current content hash (a withdrawal, or an id freed by a purge and reused, holds another content).
 * Bounded: emptied when full.
 */
const PARSED_CONTENTS_LIMIT = 1000;

export interface AgreementPost {
  channelId: string;
  part: number;
  ts: string;
  recipientId: string | null;
}

interface ReservationRow {
  id: number;
  alliance_id: string;
  version_id: number;
  user_id: string;
  concern: string;
  watch: string;
  status: 'open' | 'resolved';
  created_at: number;
}

const toReservation = (r: ReservationRow): Reservation => ({
  id: r.id,
  allianceId: r.alliance_id,
  versionId: r.version_id,
  userId: r.user_id,
  concern: r.concern,
  watch: r.watch,
  status: r.status,
  createdAt: new Date(r.created_at),
});

export function createAgreementsRepo(db: Db) {
  const nextNumber = db.prepare('SELECT coalesce(max(number), 0) + 1 FROM agreement_versions WHERE alliance_id = ?');
  const insertVersion = db.prepare(`
    INSERT INTO agreement_versions (team_id, alliance_id, number, round_id, content_json, content_hash, status, compiled_by, compiled_at, visibility)
    VALUES (@teamId, @allianceId, @number, @roundId, @content, @hash, 'proposed', @compiledBy, @now, @visibility)`);
  const byId = db.prepare('SELECT * FROM agreement_versions WHERE id = ?');
  const hashById = db.prepare('SELECT content_hash FROM agreement_versions WHERE id = ?').pluck();
  const contentById = db.prepare('SELECT content_json FROM agreement_versions WHERE id = ?').pluck();
  const parsedContents = new Map<number, { hash: string; content: Readonly<AgreementContent> }>();
  const byNumber = db.prepare('SELECT * FROM agreement_versions WHERE alliance_id = ? AND number = ?');
  const ofAlliance = db.prepare('SELECT * FROM agreement_versions WHERE alliance_id = ? ORDER BY number');
  const proposed = db.prepare("SELECT * FROM agreement_versions WHERE alliance_id = ? AND status = 'proposed'");
  const setStatus = db.prepare(
    'UPDATE agreement_versions SET status = @status, ended_at = @endedAt WHERE id = @id AND status = @from',
  );
  const activate = db.prepare(
    "UPDATE agreement_versions SET status = 'active', activated_at = @now WHERE id = @id AND status = 'proposed'",
  );

  const insertPost = db.prepare(`
    INSERT INTO agreement_posts (version_id, team_id, channel_id, part, ts, recipient_id)
    VALUES (@versionId, @teamId, @channelId, @part, @ts, @recipientId)
    ON CONFLICT (version_id, channel_id, part) DO UPDATE SET ts = excluded.ts`);
  const postsOf = db.prepare(
    'SELECT channel_id, part, ts, recipient_id FROM agreement_posts WHERE version_id = ? ORDER BY channel_id, part',
  );

  const insertConsent = db.prepare(
    'INSERT INTO consents (version_id, team_id, user_id, agreed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const consentsOf = db.prepare('SELECT user_id FROM consents WHERE version_id = ?');

  const insertReservationPost = db.prepare(
    'INSERT OR IGNORE INTO reservation_posts (reservation_id, team_id, channel_id, ts) VALUES (?, ?, ?, ?)',
  );
  const reservationPostsOf = db.prepare(`
    SELECT p.channel_id, p.ts, v.number FROM reservation_posts p
    JOIN reservations r ON r.id = p.reservation_id JOIN agreement_versions v ON v.id = r.version_id
    WHERE r.team_id = ? AND r.user_id = ? ORDER BY p.ts`);
  const insertReservation = db.prepare(`
    INSERT INTO reservations (team_id, alliance_id, version_id, user_id, concern, watch, view_id, created_at)
    VALUES (@teamId, @allianceId, @versionId, @userId, @concern, @watch, @viewId, @now)
    ON CONFLICT (view_id) DO NOTHING`);
  const reservationsOfAlliance = db.prepare(
    'SELECT * FROM reservations WHERE alliance_id = ? AND status = ? ORDER BY id',
  );
  const resolveEarlier = db.prepare(
    "UPDATE reservations SET status = 'resolved', resolved_at = ? WHERE alliance_id = ? AND version_id < ? AND status = 'open'",
  );

  return {
    /** Writes a new immutable version, numbered after the alliance's last one. */
    insertVersion(input: {
      teamId: string;
      allianceId: string;
      roundId: number;
      content: AgreementContent;
      hash: string;
      compiledBy: string;
      /** The alliance's visibility when compiled; the version keeps it. */
      visibility: 'channel' | 'members';
      now: Date;
    }): AgreementVersion {
      const number = nextNumber.pluck().get(input.allianceId) as number;
      const id = Number(
        insertVersion.run({ ...input, number, content: JSON.stringify(input.content), now: input.now.getTime() })
          .lastInsertRowid,
      );
      const row = byId.get(id) as VersionRow;
      return toVersion(row);
    },
    version(id: number): AgreementVersion | undefined {
      const row = byId.get(id) as VersionRow | undefined;
      return row ? toVersion(row) : undefined;
    },
    /** A version's content alone, parsed once per repository and frozen (see PARSED_CONTENTS_LIMIT). */
    versionContent(id: number): Readonly<AgreementContent> | undefined {
      const hash = hashById.get(id) as string | undefined;
      if (hash === undefined) return undefined;
      const known = parsedContents.get(id);
      if (known?.hash === hash) return known.content;
      const content = JSON.parse(contentById.get(id) as string) as AgreementContent;
      return keepParsed(parsedContents, id, { hash, content }, PARSED_CONTENTS_LIMIT).content;
    },
    versionByNumber(allianceId: string, number: number): AgreementVersion | undefined {
      const row = byNumber.get(allianceId, number) as VersionRow | undefined;
      return row ? toVersion(row) : undefined;
    },
    versions(allianceId: string): AgreementVersion[] {
      return (ofAlliance.all(allianceId) as VersionRow[]).map(toVersion);
    },
    proposedVersion(allianceId: string): AgreementVersion | undefined {
      const row = proposed.get(allianceId) as VersionRow | undefined;
      return row ? toVersion(row) : undefined;
    },
    /** Moves a version from one status to another; false if it was no longer in `from`. */
    transition(id: number, from: VersionStatus, to: 'superseded' | 'withdrawn', now: Date): boolean {
      return setStatus.run({ id, from, status: to, endedAt: now.getTime() }).changes > 0;
    },
    activate(id: number, now: Date): boolean {
      return activate.run({ id, now: now.getTime() }).changes > 0;
    },
    recordPost(input: {
      versionId: number;
      teamId: string;
      channelId: string;
      part: number;
      ts: string;
      recipientId: string | null;
    }): void {
      insertPost.run(input);
    },
    posts(versionId: number): AgreementPost[] {
      return (
        postsOf.all(versionId) as { channel_id: string; part: number; ts: string; recipient_id: string | null }[]
      ).map((r) => ({
        channelId: r.channel_id,
        part: r.part,
        ts: r.ts,
        recipientId: r.recipient_id,
      }));
    },
    /** Records consent; false if this member had already agreed (a double click). */
    consent(versionId: number, teamId: string, userId: string, now: Date): boolean {
      return insertConsent.run(versionId, teamId, userId, now.getTime()).changes > 0;
    },
    consents(versionId: number): Set<string> {
      return new Set(consentsOf.pluck().all(versionId) as string[]);
    },
    addReservation(input: {
      teamId: string;
      allianceId: string;
      versionId: number;
      userId: string;
      concern: string;
      watch: string;
      viewId: string | null;
      now: Date;
    }): number | null {
      const result = insertReservation.run({ ...input, now: input.now.getTime() });
      return result.changes > 0 ? Number(result.lastInsertRowid) : null;
    },
    /** Records where a reservation was shared in Slack. */
    recordReservationPost(reservationId: number, teamId: string, post: { channel: string; ts: string }): void {
      insertReservationPost.run(reservationId, teamId, post.channel, post.ts);
    },
    /** Where a person's reservations were shared in Slack, with the version each was about. */
    reservationPostsOf(teamId: string, userId: string): { channel: string; ts: string; versionNumber: number }[] {
      return (reservationPostsOf.all(teamId, userId) as { channel_id: string; ts: string; number: number }[]).map(
        (r) => ({ channel: r.channel_id, ts: r.ts, versionNumber: r.number }),
      );
    },
    reservations(allianceId: string, status: 'open' | 'resolved' = 'open'): Reservation[] {
      return (reservationsOfAlliance.all(allianceId, status) as ReservationRow[]).map(toReservation);
    },
    /** Reservations raised about earlier versions, settled once the team agreed a newer one. */
    resolveReservationsBefore(allianceId: string, versionId: number, now: Date): number {
      return resolveEarlier.run(now.getTime(), allianceId, versionId).changes;
    },
  };
}

export type AgreementsRepo = ReturnType<typeof createAgreementsRepo>;
