import { type AgreementContent, contentHash } from '../domain/agreement.js';
import type { PulseResults } from '../domain/pulse.js';
import type { Evidence } from '../domain/signals.js';
import {
  FORMER_MEMBER,
  withdrawFromAgreement,
  withdrawFromEvidence,
  withdrawFromResults,
} from '../domain/withdrawal.js';
import type { Db } from './db.js';

/** One person's own records in a workspace, as `/alliance export` gives them back. */
export interface PersonalRecords {
  designAnswers: { allianceId: string; roundId: number; promptId: string; text: string }[];
  checkIns: {
    allianceId: string;
    pulseId: number;
    scheduledAt: Date;
    working: string;
    atRisk: string;
    renegotiate: boolean;
    renegotiateReason: string;
    ratings: Record<string, number>;
  }[];
  commitmentChecks: { allianceId: string; pulseId: number; promptId: string; status: string }[];
  consents: { allianceId: string; versionNumber: number; agreedAt: Date }[];
  reservations: { allianceId: string; versionNumber: number; concern: string; watch: string; status: string }[];
}

/**
 * A person's data across a workspace: read back for export, and withdrawn for "forget me". SQL for
 * the whole person lives here so that nothing of theirs is missed in one table or another.
 */
export function createPeopleRepo(db: Db) {
  const q = {
    answers: db.prepare(`
      SELECT r.alliance_id, a.round_id, a.prompt_id, a.text FROM answers a JOIN design_rounds r ON r.id = a.round_id
       WHERE a.team_id = ? AND a.user_id = ? ORDER BY a.round_id, a.prompt_id`),
    checkIns: db.prepare(`
      SELECT p.alliance_id, p.id AS pulse_id, p.scheduled_at, r.id AS response_id, r.working, r.at_risk, r.renegotiate, r.renegotiate_reason
        FROM pulse_responses r JOIN pulses p ON p.id = r.pulse_id
       WHERE r.team_id = ? AND r.user_id = ? ORDER BY p.scheduled_at`),
    ratings: db.prepare('SELECT aspect_id, rating FROM pulse_ratings WHERE response_id = ?'),
    commitments: db.prepare(`
      SELECT p.alliance_id, c.pulse_id, c.prompt_id, c.status FROM commitment_checks c JOIN pulses p ON p.id = c.pulse_id
       WHERE c.team_id = ? AND c.user_id = ? ORDER BY c.pulse_id`),
    consents: db.prepare(`
      SELECT v.alliance_id, v.number, c.agreed_at FROM consents c JOIN agreement_versions v ON v.id = c.version_id
       WHERE c.team_id = ? AND c.user_id = ? ORDER BY c.agreed_at`),
    reservations: db.prepare(`
      SELECT r.alliance_id, v.number, r.concern, r.watch, r.status FROM reservations r
        JOIN agreement_versions v ON v.id = r.version_id WHERE r.team_id = ? AND r.user_id = ? ORDER BY r.id`),
    words: db.prepare(`
      SELECT text FROM answers WHERE team_id = @team AND user_id = @user
      UNION ALL SELECT text FROM answer_drafts WHERE team_id = @team AND user_id = @user
      UNION ALL SELECT working FROM pulse_responses WHERE team_id = @team AND user_id = @user
      UNION ALL SELECT at_risk FROM pulse_responses WHERE team_id = @team AND user_id = @user
      UNION ALL SELECT renegotiate_reason FROM pulse_responses WHERE team_id = @team AND user_id = @user
      UNION ALL SELECT concern FROM reservations WHERE team_id = @team AND user_id = @user
      UNION ALL SELECT watch FROM reservations WHERE team_id = @team AND user_id = @user
      UNION ALL SELECT reason FROM design_rounds WHERE team_id = @team AND started_by = @user AND reason IS NOT NULL
      UNION ALL SELECT snooze_reason FROM flags WHERE team_id = @team AND snoozed_by = @user AND snooze_reason IS NOT NULL`),
    versions: db.prepare(
      'SELECT id, content_json FROM agreement_versions WHERE team_id = ? AND instr(content_json, ?) > 0',
    ),
    updateVersion: db.prepare(
      'UPDATE agreement_versions SET content_json = ?, content_hash = ?, withdrawals = withdrawals + 1 WHERE id = ?',
    ),
    pulses: db.prepare('SELECT id, results_json FROM pulses WHERE team_id = ? AND results_json IS NOT NULL'),
    updateResults: db.prepare('UPDATE pulses SET results_json = ? WHERE id = ?'),
    flags: db.prepare('SELECT id, evidence_json FROM flags WHERE team_id = ?'),
    updateEvidence: db.prepare('UPDATE flags SET evidence_json = ? WHERE id = ?'),
  };
  // Rows that are theirs alone go; rows the team shares keep a placeholder instead of their name.
  const deletions = [
    'DELETE FROM answers WHERE team_id = @team AND user_id = @user',
    'DELETE FROM answer_drafts WHERE team_id = @team AND user_id = @user',
    'DELETE FROM design_progress WHERE team_id = @team AND user_id = @user',
    'DELETE FROM pulse_responses WHERE team_id = @team AND user_id = @user',
    'DELETE FROM pulse_participation WHERE team_id = @team AND user_id = @user',
    'DELETE FROM pulse_invitees WHERE team_id = @team AND user_id = @user',
    'DELETE FROM commitment_checks WHERE team_id = @team AND user_id = @user',
    'DELETE FROM consents WHERE team_id = @team AND user_id = @user',
    'DELETE FROM reservations WHERE team_id = @team AND user_id = @user',
    'DELETE FROM deliveries WHERE team_id = @team AND user_id = @user',
    'DELETE FROM dm_channels WHERE team_id = @team AND user_id = @user',
    'DELETE FROM home_views WHERE team_id = @team AND user_id = @user',
    'DELETE FROM admissions WHERE team_id = @team AND user_id = @user',
    'DELETE FROM privacy_change_consents WHERE team_id = @team AND user_id = @user',
    'DELETE FROM alliance_members WHERE team_id = @team AND user_id = @user',
    'DELETE FROM agreement_posts WHERE team_id = @team AND recipient_id = @user',
    'UPDATE admissions SET admitted_by = @placeholder WHERE team_id = @team AND admitted_by = @user',
    'UPDATE privacy_changes SET proposed_by = @placeholder WHERE team_id = @team AND proposed_by = @user',
    'UPDATE privacy_changes SET decided_by = @placeholder WHERE team_id = @team AND decided_by = @user',
    'UPDATE agreement_versions SET compiled_by = @placeholder WHERE team_id = @team AND compiled_by = @user',
    'UPDATE alliances SET starter_id = @placeholder WHERE team_id = @team AND starter_id = @user',
    'UPDATE design_rounds SET reason = NULL WHERE team_id = @team AND started_by = @user',
    'UPDATE design_rounds SET started_by = @placeholder WHERE team_id = @team AND started_by = @user',
    'UPDATE digests SET posted_by = @placeholder WHERE team_id = @team AND posted_by = @user',
    'UPDATE flags SET snooze_reason = NULL, snoozed_by = @placeholder WHERE team_id = @team AND snoozed_by = @user',
  ].map((sql) => db.prepare(sql));

  return {
    /** Everything this person gave, for their own export. */
    records(teamId: string, userId: string): PersonalRecords {
      const checkIns = (
        q.checkIns.all(teamId, userId) as {
          alliance_id: string;
          pulse_id: number;
          scheduled_at: number;
          response_id: string;
          working: string;
          at_risk: string;
          renegotiate: number;
          renegotiate_reason: string;
        }[]
      ).map((r) => ({
        allianceId: r.alliance_id,
        pulseId: r.pulse_id,
        scheduledAt: new Date(r.scheduled_at),
        working: r.working,
        atRisk: r.at_risk,
        renegotiate: r.renegotiate === 1,
        renegotiateReason: r.renegotiate_reason,
        ratings: Object.fromEntries(
          (q.ratings.all(r.response_id) as { aspect_id: string; rating: number }[]).map((x) => [x.aspect_id, x.rating]),
        ),
      }));
      return {
        designAnswers: (
          q.answers.all(teamId, userId) as { alliance_id: string; round_id: number; prompt_id: string; text: string }[]
        ).map((r) => ({ allianceId: r.alliance_id, roundId: r.round_id, promptId: r.prompt_id, text: r.text })),
        checkIns,
        commitmentChecks: (
          q.commitments.all(teamId, userId) as {
            alliance_id: string;
            pulse_id: number;
            prompt_id: string;
            status: string;
          }[]
        ).map((r) => ({ allianceId: r.alliance_id, pulseId: r.pulse_id, promptId: r.prompt_id, status: r.status })),
        consents: (q.consents.all(teamId, userId) as { alliance_id: string; number: number; agreed_at: number }[]).map(
          (r) => ({ allianceId: r.alliance_id, versionNumber: r.number, agreedAt: new Date(r.agreed_at) }),
        ),
        reservations: (
          q.reservations.all(teamId, userId) as {
            alliance_id: string;
            number: number;
            concern: string;
            watch: string;
            status: string;
          }[]
        ).map((r) => ({
          allianceId: r.alliance_id,
          versionNumber: r.number,
          concern: r.concern,
          watch: r.watch,
          status: r.status,
        })),
      };
    },

    /**
     * Inside a transaction: removes the person from the workspace's records. Their own rows are
     * deleted; shared records (agreements, figures, flags, who started or compiled what) keep a
     * placeholder instead of their name and words. With secure_delete the freed pages are zeroed.
     */
    forget(teamId: string, userId: string): void {
      const words = (q.words.pluck().all({ team: teamId, user: userId }) as string[]).filter((w) => w.trim() !== '');
      for (const row of q.versions.all(teamId, userId) as { id: number; content_json: string }[]) {
        const content = withdrawFromAgreement(JSON.parse(row.content_json) as AgreementContent, userId);
        q.updateVersion.run(JSON.stringify(content), contentHash(content), row.id);
      }
      const mentions = (json: string) =>
        json.includes(userId) || words.some((w) => json.includes(JSON.stringify(w).slice(1, -1)));
      for (const row of q.pulses.all(teamId) as { id: number; results_json: string }[]) {
        if (!mentions(row.results_json)) continue;
        const results = withdrawFromResults(JSON.parse(row.results_json) as PulseResults, userId, words);
        q.updateResults.run(JSON.stringify(results), row.id);
      }
      for (const row of q.flags.all(teamId) as { id: number; evidence_json: string }[]) {
        if (!mentions(row.evidence_json)) continue;
        const evidence = withdrawFromEvidence(JSON.parse(row.evidence_json) as Evidence, userId, words);
        q.updateEvidence.run(JSON.stringify(evidence), row.id);
      }
      for (const statement of deletions) statement.run({ team: teamId, user: userId, placeholder: FORMER_MEMBER });
    },
  };
}

export type PeopleRepo = ReturnType<typeof createPeopleRepo>;
