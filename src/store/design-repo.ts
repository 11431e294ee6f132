import type { AnswerSheet } from '../domain/agreement.js';
import type { DesignRound, MemberProgress } from '../domain/design.js';
import type { Db } from './db.js';

interface RoundRow {
  id: number;
  team_id: string;
  alliance_id: string;
  status: DesignRound['status'];
  base_version_id: number | null;
  reason: string | null;
  started_by: string;
  started_at: number;
  announcement_channel: string | null;
  announcement_ts: string | null;
  flag_id: number | null;
}

const toRound = (row: RoundRow): DesignRound => ({
  id: row.id,
  teamId: row.team_id,
  allianceId: row.alliance_id,
  status: row.status,
  baseVersionId: row.base_version_id,
  reason: row.reason,
  startedBy: row.started_by,
  startedAt: new Date(row.started_at),
  announcementChannel: row.announcement_channel,
  announcementTs: row.announcement_ts,
  flagId: row.flag_id,
});

export function createDesignRepo(db: Db) {
  const insertRound = db.prepare(`
    INSERT INTO design_rounds (team_id, alliance_id, status, base_version_id, reason, started_by, started_at)
    VALUES (@teamId, @allianceId, 'open', @baseVersionId, @reason, @startedBy, @now)`);
  const roundById = db.prepare('SELECT * FROM design_rounds WHERE id = ?');
  const openRound = db.prepare("SELECT * FROM design_rounds WHERE alliance_id = ? AND status = 'open'");
  const latestRound = db.prepare('SELECT * FROM design_rounds WHERE alliance_id = ? ORDER BY id DESC LIMIT 1');
  const roundsOf = db.prepare('SELECT * FROM design_rounds WHERE alliance_id = ? ORDER BY id');
  const closeRound = db.prepare(
    "UPDATE design_rounds SET status = @status, closed_at = @now WHERE id = @id AND status = 'open'",
  );
  const reopenRound = db.prepare(
    "UPDATE design_rounds SET status = 'open', closed_at = NULL WHERE id = ? AND status = 'compiled'",
  );
  const setFlag = db.prepare('UPDATE design_rounds SET flag_id = ? WHERE id = ?');
  const setAnnouncement = db.prepare(
    'UPDATE design_rounds SET announcement_channel = ?, announcement_ts = ? WHERE id = ?',
  );

  const upsertAnswer = db.prepare(`
    INSERT INTO answers (round_id, team_id, user_id, prompt_id, text, created_at, updated_at)
    VALUES (@roundId, @teamId, @userId, @promptId, @text, @now, @now)
    ON CONFLICT (round_id, user_id, prompt_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at
    WHERE answers.text <> excluded.text`);
  const deleteAnswer = db.prepare('DELETE FROM answers WHERE round_id = ? AND user_id = ? AND prompt_id = ?');
  const answersOfUser = db.prepare('SELECT prompt_id, text FROM answers WHERE round_id = ? AND user_id = ?');
  const answersOfRound = db.prepare('SELECT user_id, prompt_id, text FROM answers WHERE round_id = ?');
  const upsertDraft = db.prepare(`
    INSERT INTO answer_drafts (round_id, team_id, user_id, prompt_id, text) VALUES (@roundId, @teamId, @userId, @promptId, @text)
    ON CONFLICT (round_id, user_id, prompt_id) DO UPDATE SET text = excluded.text`);
  const deleteDraft = db.prepare('DELETE FROM answer_drafts WHERE round_id = ? AND user_id = ? AND prompt_id = ?');
  const draftsOfUser = db.prepare('SELECT prompt_id, text FROM answer_drafts WHERE round_id = ? AND user_id = ?');
  const deleteDraftsOfRound = db.prepare('DELETE FROM answer_drafts WHERE round_id = ?');

  const saveProgress = db.prepare(`
    INSERT INTO design_progress (round_id, team_id, user_id, next_step, finished_at, updated_at)
    VALUES (@roundId, @teamId, @userId, @nextStep, @finishedAt, @now)
    ON CONFLICT (round_id, user_id) DO UPDATE SET
      next_step = excluded.next_step,
      finished_at = coalesce(design_progress.finished_at, excluded.finished_at),
      updated_at = excluded.updated_at`);
  const progressOfRound = db.prepare('SELECT user_id, next_step, finished_at FROM design_progress WHERE round_id = ?');
  const progressOfUser = db.prepare(
    'SELECT user_id, next_step, finished_at FROM design_progress WHERE round_id = ? AND user_id = ?',
  );

  type ProgressRow = { user_id: string; next_step: number; finished_at: number | null };
  const toProgress = (r: ProgressRow): MemberProgress => ({
    userId: r.user_id,
    nextStep: r.next_step,
    finished: r.finished_at !== null,
  });

  return {
    openRound(input: {
      teamId: string;
      allianceId: string;
      baseVersionId: number | null;
      reason: string | null;
      startedBy: string;
      now: Date;
    }): number {
      return Number(insertRound.run({ ...input, now: input.now.getTime() }).lastInsertRowid);
    },
    round(id: number): DesignRound | undefined {
      const row = roundById.get(id) as RoundRow | undefined;
      return row ? toRound(row) : undefined;
    },
    currentOpenRound(allianceId: string): DesignRound | undefined {
      const row = openRound.get(allianceId) as RoundRow | undefined;
      return row ? toRound(row) : undefined;
    },
    rounds(allianceId: string): DesignRound[] {
      return (roundsOf.all(allianceId) as RoundRow[]).map(toRound);
    },
    latestRound(allianceId: string): DesignRound | undefined {
      const row = latestRound.get(allianceId) as RoundRow | undefined;
      return row ? toRound(row) : undefined;
    },
    /** Closes an open round; false when it was not open (someone else closed it first). */
    closeRound(id: number, status: 'compiled' | 'cancelled', now: Date): boolean {
      return closeRound.run({ id, status, now: now.getTime() }).changes > 0;
    },
    reopenRound(id: number): boolean {
      return reopenRound.run(id).changes > 0;
    },
    setFlag(id: number, flagId: number): void {
      setFlag.run(flagId, id);
    },
    setAnnouncement(id: number, channelId: string, ts: string): void {
      setAnnouncement.run(channelId, ts, id);
    },
    /** Saves answers (empty text deletes the answer). */
    saveAnswers(input: {
      roundId: number;
      teamId: string;
      userId: string;
      answers: Readonly<Record<string, string>>;
      now: Date;
    }): void {
      for (const [promptId, text] of Object.entries(input.answers)) {
        if (text === '') deleteAnswer.run(input.roundId, input.userId, promptId);
        else
          upsertAnswer.run({
            roundId: input.roundId,
            teamId: input.teamId,
            userId: input.userId,
            promptId,
            text,
            now: input.now.getTime(),
          });
      }
    },
    /**
     * Saves what a member typed without submitting it (the modal closed). A draft equal to the
     * submitted answer, or empty, is no draft.
     */
    saveDrafts(input: {
      roundId: number;
      teamId: string;
      userId: string;
      drafts: Readonly<Record<string, string>>;
    }): void {
      const submitted = new Map(
        (answersOfUser.all(input.roundId, input.userId) as { prompt_id: string; text: string }[]).map((r) => [
          r.prompt_id,
          r.text,
        ]),
      );
      for (const [promptId, text] of Object.entries(input.drafts)) {
        if (text === (submitted.get(promptId) ?? '')) deleteDraft.run(input.roundId, input.userId, promptId);
        else upsertDraft.run({ roundId: input.roundId, teamId: input.teamId, userId: input.userId, promptId, text });
      }
    },
    /** Submitted steps clear the drafts of their prompts. */
    clearDrafts(roundId: number, userId: string, promptIds: readonly string[]): void {
      for (const promptId of promptIds) deleteDraft.run(roundId, userId, promptId);
    },
    draftsOf(roundId: number, userId: string): Map<string, string> {
      const rows = draftsOfUser.all(roundId, userId) as { prompt_id: string; text: string }[];
      return new Map(rows.map((r) => [r.prompt_id, r.text]));
    },
    /** A round closed: what was never submitted is deleted, never published. */
    deleteDrafts(roundId: number): void {
      deleteDraftsOfRound.run(roundId);
    },
    answersOf(roundId: number, userId: string): Map<string, string> {
      const rows = answersOfUser.all(roundId, userId) as { prompt_id: string; text: string }[];
      return new Map(rows.map((r) => [r.prompt_id, r.text]));
    },
    answerSheet(roundId: number): AnswerSheet {
      const sheet = new Map<string, Map<string, string>>();
      for (const row of answersOfRound.all(roundId) as { user_id: string; prompt_id: string; text: string }[]) {
        const forUser = sheet.get(row.user_id) ?? new Map<string, string>();
        forUser.set(row.prompt_id, row.text);
        sheet.set(row.user_id, forUser);
      }
      return sheet;
    },
    saveProgress(input: {
      roundId: number;
      teamId: string;
      userId: string;
      nextStep: number;
      finished: boolean;
      now: Date;
    }): void {
      saveProgress.run({
        roundId: input.roundId,
        teamId: input.teamId,
        userId: input.userId,
        nextStep: input.nextStep,
        finishedAt: input.finished ? input.now.getTime() : null,
        now: input.now.getTime(),
      });
    },
    progress(roundId: number): MemberProgress[] {
      return (progressOfRound.all(roundId) as ProgressRow[]).map(toProgress);
    },
    /** Who has finished answering in a round. */
    finishedMembers(roundId: number): Set<string> {
      return new Set(
        (progressOfRound.all(roundId) as ProgressRow[]).filter((r) => r.finished_at !== null).map((r) => r.user_id),
      );
    },
    progressOf(roundId: number, userId: string): MemberProgress | undefined {
      const row = progressOfUser.get(roundId, userId) as ProgressRow | undefined;
      return row ? toProgress(row) : undefined;
    },
  };
}

export type DesignRepo = ReturnType<typeof createDesignRepo>;
