import type {
  CheckInAnswers,
  CommitmentStatus,
  Pulse,
  PulseResults,
  PulseStatus,
  ResponseForResults,
  StoredResponse,
} from '../domain/pulse.js';
import type { Visibility } from '../domain/visibility.js';
import type { Db } from './db.js';

interface PulseRow {
  id: number;
  team_id: string;
  alliance_id: string;
  version_id: number | null;
  period_key: string;
  scheduled_at: number;
  opens_at: number;
  closes_at: number;
  remind_at: number | null;
  status: PulseStatus;
  anonymous: number;
  threshold: number;
  visibility: Visibility;
  closed_at: number | null;
  results_json: string | null;
}

const toPulse = (r: PulseRow): Pulse => ({
  id: r.id,
  teamId: r.team_id,
  allianceId: r.alliance_id,
  versionId: r.version_id,
  periodKey: r.period_key,
  scheduledAt: new Date(r.scheduled_at),
  opensAt: new Date(r.opens_at),
  closesAt: new Date(r.closes_at),
  remindAt: r.remind_at === null ? null : new Date(r.remind_at),
  status: r.status,
  anonymous: r.anonymous === 1,
  threshold: r.threshold,
  visibility: r.visibility,
  closedAt: r.closed_at === null ? null : new Date(r.closed_at),
  results: r.results_json === null ? null : (JSON.parse(r.results_json) as PulseResults),
});

export function createPulsesRepo(db: Db) {
  const insert = db.prepare(`
    INSERT INTO pulses (team_id, alliance_id, version_id, period_key, scheduled_at, opens_at, closes_at, remind_at, status, anonymous, threshold, visibility, closed_at)
    VALUES (@teamId, @allianceId, @versionId, @periodKey, @scheduledAt, @opensAt, @closesAt, @remindAt, @status, @anonymous, @threshold, @visibility, @closedAt)
    ON CONFLICT (alliance_id, period_key) DO NOTHING`);
  const byId = db.prepare('SELECT * FROM pulses WHERE id = ?');
  const openOf = db.prepare(
    "SELECT * FROM pulses WHERE alliance_id = ? AND status = 'open' ORDER BY scheduled_at DESC LIMIT 1",
  );
  const closedUpTo = db.prepare(
    "SELECT * FROM pulses WHERE alliance_id = ? AND status = 'closed' AND id <= ? ORDER BY scheduled_at DESC LIMIT ?",
  );
  const closedOf = db.prepare(
    "SELECT * FROM pulses WHERE alliance_id = ? AND status = 'closed' ORDER BY scheduled_at DESC LIMIT ?",
  );
  const allOf = db.prepare('SELECT * FROM pulses WHERE alliance_id = ? ORDER BY scheduled_at');
  const close = db.prepare(
    "UPDATE pulses SET status = 'closed', closed_at = @now, results_json = @results WHERE id = @id AND status = 'open'",
  );

  const addInvitee = db.prepare(
    'INSERT INTO pulse_invitees (pulse_id, team_id, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const removeInvitee = db.prepare('DELETE FROM pulse_invitees WHERE pulse_id = ? AND user_id = ?');
  const invitees = db.prepare('SELECT user_id FROM pulse_invitees WHERE pulse_id = ? ORDER BY user_id');
  const isInvitee = db.prepare('SELECT 1 FROM pulse_invitees WHERE pulse_id = ? AND user_id = ?');
  const participate = db.prepare(
    'INSERT INTO pulse_participation (pulse_id, team_id, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const participated = db.prepare('SELECT 1 FROM pulse_participation WHERE pulse_id = ? AND user_id = ?');
  const participants = db.prepare('SELECT user_id FROM pulse_participation WHERE pulse_id = ?');
  const silent = db.prepare(`
    SELECT i.user_id FROM pulse_invitees i
     WHERE i.pulse_id = ? AND NOT EXISTS (SELECT 1 FROM pulse_participation p WHERE p.pulse_id = i.pulse_id AND p.user_id = i.user_id)
     ORDER BY i.user_id`);

  const insertSealed = db.prepare(
    'INSERT INTO pulse_sealed_answers (key_hash, pulse_id, team_id, sealed) VALUES (?, ?, ?, ?)',
  );
  const updateSealed = db.prepare('UPDATE pulse_sealed_answers SET sealed = ? WHERE key_hash = ? AND pulse_id = ?');
  const sealedByKey = db.prepare('SELECT sealed FROM pulse_sealed_answers WHERE key_hash = ? AND pulse_id = ?');
  const sealedOfPulse = db.prepare('SELECT sealed FROM pulse_sealed_answers WHERE pulse_id = ?');
  const deleteSealed = db.prepare('DELETE FROM pulse_sealed_answers WHERE pulse_id = ?');
  const pastRetention = db.prepare(`
    SELECT id, alliance_id, results_json FROM pulses
     WHERE team_id = ? AND status = 'closed' AND closed_at < ? AND comments_cleared_at IS NULL ORDER BY id`);
  const clearResponseWords = db.prepare(
    "UPDATE pulse_responses SET working = '', at_risk = '', renegotiate_reason = '' WHERE pulse_id = ?",
  );
  const clearResultWords = db.prepare('UPDATE pulses SET results_json = ?, comments_cleared_at = ? WHERE id = ?');
  const deleteParticipation = db.prepare('DELETE FROM pulse_participation WHERE pulse_id = ?');
  const deleteAnonymousResponses = db.prepare('DELETE FROM pulse_responses WHERE pulse_id = ? AND user_id IS NULL');

  const insertResponse = db.prepare(`
    INSERT INTO pulse_responses (id, pulse_id, team_id, user_id, edit_key_hash, working, at_risk, renegotiate, renegotiate_reason)
    VALUES (@id, @pulseId, @teamId, @userId, @editKeyHash, @working, @atRisk, @renegotiate, @reason)`);
  const updateResponse = db.prepare(`
    UPDATE pulse_responses SET working = @working, at_risk = @atRisk, renegotiate = @renegotiate, renegotiate_reason = @reason WHERE id = @id`);
  const namedResponse = db.prepare('SELECT * FROM pulse_responses WHERE pulse_id = ? AND user_id = ?');
  const keyedResponse = db.prepare('SELECT * FROM pulse_responses WHERE pulse_id = ? AND edit_key_hash = ?');
  const responsesOf = db.prepare('SELECT * FROM pulse_responses WHERE pulse_id = ? ORDER BY id');
  const deleteRatings = db.prepare('DELETE FROM pulse_ratings WHERE response_id = ?');
  const insertRating = db.prepare('INSERT INTO pulse_ratings (response_id, aspect_id, rating) VALUES (?, ?, ?)');
  const ratingsOf = db.prepare('SELECT aspect_id, rating FROM pulse_ratings WHERE response_id = ?');
  const deleteChecks = db.prepare('DELETE FROM pulse_reservation_checks WHERE response_id = ?');
  const insertCheck = db.prepare(
    'INSERT INTO pulse_reservation_checks (response_id, reservation_id, still_concern) VALUES (?, ?, ?)',
  );
  const checksOf = db.prepare(
    'SELECT reservation_id, still_concern FROM pulse_reservation_checks WHERE response_id = ?',
  );
  const upsertCommitment = db.prepare(`
    INSERT INTO commitment_checks (pulse_id, team_id, user_id, prompt_id, status) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (pulse_id, user_id, prompt_id) DO UPDATE SET status = excluded.status`);
  const commitmentsOf = db.prepare('SELECT user_id, prompt_id, status FROM commitment_checks WHERE pulse_id = ?');
  // Freezing a pulse reads all its answers in three queries, not three per response.
  const ratingsOfPulse = db.prepare(
    'SELECT r.response_id, r.aspect_id, r.rating FROM pulse_ratings r JOIN pulse_responses p ON p.id = r.response_id WHERE p.pulse_id = ?',
  );
  const checksOfPulse = db.prepare(
    'SELECT c.response_id, c.reservation_id, c.still_concern FROM pulse_reservation_checks c JOIN pulse_responses p ON p.id = c.response_id WHERE p.pulse_id = ?',
  );
  const commitmentsOfUser = db.prepare(
    'SELECT prompt_id, status FROM commitment_checks WHERE pulse_id = ? AND user_id = ?',
  );

  interface ResponseRow {
    id: string;
    user_id: string | null;
    working: string;
    at_risk: string;
    renegotiate: number;
    renegotiate_reason: string;
  }

  function loadResponse(row: ResponseRow, pulseId: number, commitmentUser: string | null): StoredResponse {
    const ratings = Object.fromEntries(
      (ratingsOf.all(row.id) as { aspect_id: string; rating: number }[]).map((r) => [r.aspect_id, r.rating]),
    );
    const reservations = Object.fromEntries(
      (checksOf.all(row.id) as { reservation_id: number; still_concern: number }[]).map((c) => [
        String(c.reservation_id),
        c.still_concern === 1,
      ]),
    );
    const commitments = commitmentUser
      ? Object.fromEntries(
          (commitmentsOfUser.all(pulseId, commitmentUser) as { prompt_id: string; status: CommitmentStatus }[]).map(
            (c) => [c.prompt_id, c.status],
          ),
        )
      : {};
    return {
      id: row.id,
      userId: row.user_id,
      answers: {
        ratings: ratings as CheckInAnswers['ratings'],
        commitments,
        reservations,
        working: row.working,
        atRisk: row.at_risk,
        renegotiate: row.renegotiate === 1,
        renegotiateReason: row.renegotiate_reason,
      },
    };
  }

  /** A new response (`replacing` false) has no details yet, so there is nothing to delete first. */
  function writeDetails(responseId: string, answers: CheckInAnswers, replacing: boolean): void {
    if (replacing) deleteRatings.run(responseId);
    for (const [aspect, rating] of Object.entries(answers.ratings)) insertRating.run(responseId, aspect, rating);
    if (replacing) deleteChecks.run(responseId);
    for (const [reservationId, still] of Object.entries(answers.reservations))
      insertCheck.run(responseId, Number(reservationId), still ? 1 : 0);
  }

  return {
    /** Creates the pulse of a period; returns null when that period already has one. */
    create(
      input: Pick<
        Pulse,
        | 'teamId'
        | 'allianceId'
        | 'versionId'
        | 'periodKey'
        | 'scheduledAt'
        | 'opensAt'
        | 'closesAt'
        | 'remindAt'
        | 'anonymous'
        | 'threshold'
        | 'visibility'
      > & {
        status: 'open' | 'skipped';
        now: Date;
      },
    ): number | null {
      const result = insert.run({
        ...input,
        scheduledAt: input.scheduledAt.getTime(),
        opensAt: input.opensAt.getTime(),
        closesAt: input.closesAt.getTime(),
        remindAt: input.remindAt?.getTime() ?? null,
        anonymous: input.anonymous ? 1 : 0,
        closedAt: input.status === 'skipped' ? input.now.getTime() : null,
      });
      return result.changes > 0 ? Number(result.lastInsertRowid) : null;
    },
    get(id: number): Pulse | undefined {
      const row = byId.get(id) as PulseRow | undefined;
      return row ? toPulse(row) : undefined;
    },
    openPulse(allianceId: string): Pulse | undefined {
      const row = openOf.get(allianceId) as PulseRow | undefined;
      return row ? toPulse(row) : undefined;
    },
    /** The latest closed pulses up to and including `pulseId`, newest first (what a digest about it could show). */
    closedPulsesUpTo(allianceId: string, pulseId: number, limit: number): Pulse[] {
      return (closedUpTo.all(allianceId, pulseId, limit) as PulseRow[]).map(toPulse);
    },
    /** The latest closed pulses, newest first. */
    closedPulses(allianceId: string, limit: number): Pulse[] {
      return (closedOf.all(allianceId, limit) as PulseRow[]).map(toPulse);
    },
    all(allianceId: string): Pulse[] {
      return (allOf.all(allianceId) as PulseRow[]).map(toPulse);
    },
    close(id: number, results: PulseResults, now: Date): boolean {
      return close.run({ id, now: now.getTime(), results: JSON.stringify(results) }).changes > 0;
    },
    addInvitees(pulseId: number, teamId: string, userIds: readonly string[]): void {
      for (const userId of userIds) addInvitee.run(pulseId, teamId, userId);
    },
    removeInvitee(pulseId: number, userId: string): void {
      removeInvitee.run(pulseId, userId);
    },
    invitees(pulseId: number): string[] {
      return invitees.pluck().all(pulseId) as string[];
    },
    isInvitee(pulseId: number, userId: string): boolean {
      return isInvitee.get(pulseId, userId) !== undefined;
    },
    /** Records that a member answered; false if they already had. */
    recordParticipation(pulseId: number, teamId: string, userId: string): boolean {
      return participate.run(pulseId, teamId, userId).changes > 0;
    },
    hasParticipated(pulseId: number, userId: string): boolean {
      return participated.get(pulseId, userId) !== undefined;
    },
    participants(pulseId: number): string[] {
      return participants.pluck().all(pulseId) as string[];
    },
    silentInvitees(pulseId: number): string[] {
      return silent.pluck().all(pulseId) as string[];
    },
    insertResponse(input: {
      id: string;
      pulseId: number;
      teamId: string;
      userId: string | null;
      editKeyHash: string | null;
      answers: CheckInAnswers;
    }): void {
      insertResponse.run({
        id: input.id,
        pulseId: input.pulseId,
        teamId: input.teamId,
        userId: input.userId,
        editKeyHash: input.editKeyHash,
        working: input.answers.working,
        atRisk: input.answers.atRisk,
        renegotiate: input.answers.renegotiate ? 1 : 0,
        reason: input.answers.renegotiateReason,
      });
      writeDetails(input.id, input.answers, false);
    },
    replaceResponse(id: string, answers: CheckInAnswers): void {
      updateResponse.run({
        id,
        working: answers.working,
        atRisk: answers.atRisk,
        renegotiate: answers.renegotiate ? 1 : 0,
        reason: answers.renegotiateReason,
      });
      writeDetails(id, answers, true);
    },
    namedResponse(pulseId: number, userId: string): StoredResponse | undefined {
      const row = namedResponse.get(pulseId, userId) as ResponseRow | undefined;
      return row ? loadResponse(row, pulseId, userId) : undefined;
    },
    /** An anonymous response found by its edit key; commitments come from `userId`, who holds the key. */
    keyedResponse(pulseId: number, editKeyHash: string, userId: string): StoredResponse | undefined {
      const row = keyedResponse.get(pulseId, editKeyHash) as ResponseRow | undefined;
      return row ? loadResponse(row, pulseId, userId) : undefined;
    },
    /** Stores an anonymous answer, sealed, under its edit key's hash. */
    insertSealedAnswer(pulseId: number, teamId: string, keyHash: string, sealed: Buffer): void {
      insertSealed.run(keyHash, pulseId, teamId, sealed);
    },
    replaceSealedAnswer(pulseId: number, keyHash: string, sealed: Buffer): boolean {
      return updateSealed.run(sealed, keyHash, pulseId).changes > 0;
    },
    sealedAnswer(pulseId: number, keyHash: string): Buffer | undefined {
      return (sealedByKey.pluck().get(keyHash, pulseId) as Buffer | undefined) ?? undefined;
    },
    /** Every sealed answer of a pulse, in the order of their random keys (no order of arrival). */
    sealedAnswers(pulseId: number): Buffer[] {
      return sealedOfPulse.pluck().all(pulseId) as Buffer[];
    },
    /**
     * After an anonymous pulse closed: its sealed answers are gone (frozen into its figures) and who
     * answered is kept only as a count, so no row pairs a person with having answered.
     */
    forgetAnonymousAnswers(pulseId: number): void {
      deleteSealed.run(pulseId);
      deleteAnonymousResponses.run(pulseId);
      deleteParticipation.run(pulseId);
    },
    /**
     * Retention: the words people wrote in pulses closed before `before` are cleared, from their
     * answers and from the frozen results; the figures stay. Each pulse is cleared once; returns
     * the pulses cleared this time.
     */
    clearCommentsBefore(teamId: string, before: Date, now: Date): { pulseId: number; allianceId: string }[] {
      const rows = pastRetention.all(teamId, before.getTime()) as {
        id: number;
        alliance_id: string;
        results_json: string | null;
      }[];
      for (const row of rows) {
        clearResponseWords.run(row.id);
        const results = row.results_json ? (JSON.parse(row.results_json) as PulseResults) : null;
        const cleared = results ? { ...results, comments: { working: [], atRisk: [], renegotiateReasons: [] } } : null;
        clearResultWords.run(cleared ? JSON.stringify(cleared) : null, now.getTime(), row.id);
      }
      return rows.map((row) => ({ pulseId: row.id, allianceId: row.alliance_id }));
    },
    saveCommitmentChecks(
      pulseId: number,
      teamId: string,
      userId: string,
      statuses: Readonly<Record<string, CommitmentStatus>>,
    ): void {
      for (const [promptId, status] of Object.entries(statuses))
        upsertCommitment.run(pulseId, teamId, userId, promptId, status);
    },
    /** Everything needed to freeze a pulse's results. */
    responsesForResults(pulseId: number): ResponseForResults[] {
      const ratings = new Map<string, Record<string, number>>();
      for (const r of ratingsOfPulse.all(pulseId) as { response_id: string; aspect_id: string; rating: number }[]) {
        const entry = ratings.get(r.response_id) ?? {};
        entry[r.aspect_id] = r.rating;
        ratings.set(r.response_id, entry);
      }
      const checks = new Map<string, Record<string, boolean>>();
      for (const c of checksOfPulse.all(pulseId) as {
        response_id: string;
        reservation_id: number;
        still_concern: number;
      }[]) {
        const entry = checks.get(c.response_id) ?? {};
        entry[String(c.reservation_id)] = c.still_concern === 1;
        checks.set(c.response_id, entry);
      }
      return (responsesOf.all(pulseId) as ResponseRow[]).map((row) => ({
        ratings: ratings.get(row.id) ?? {},
        renegotiate: row.renegotiate === 1,
        renegotiateReason: row.renegotiate_reason,
        working: row.working,
        atRisk: row.at_risk,
        reservations: checks.get(row.id) ?? {},
      }));
    },
    commitmentChecks(pulseId: number): { userId: string; promptId: string; status: CommitmentStatus }[] {
      return (commitmentsOf.all(pulseId) as { user_id: string; prompt_id: string; status: CommitmentStatus }[]).map(
        (c) => ({
          userId: c.user_id,
          promptId: c.prompt_id,
          status: c.status,
        }),
      );
    },
  };
}

export type PulsesRepo = ReturnType<typeof createPulsesRepo>;
