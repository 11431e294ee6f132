import type { AgreementContent } from './agreement.js';
import type { PulseResults } from './pulse.js';
import type { Evidence } from './signals.js';

/**
 * "Forget me": what stays of a person once they withdraw their data. The team's records still read
 * as a whole, with a placeholder where their name and words were.
 */

/** Shown instead of a former member's name; it is not a Slack id, so it never becomes a mention. */
export const FORMER_MEMBER = 'a former member';
/** Shown instead of a former member's words in an agreement. */
export const WITHDRAWN_WORDS = '(withdrawn at the request of the member who wrote it)';

/** An agreement with the person's name and answers replaced by the placeholder. */
export function withdrawFromAgreement(content: AgreementContent, userId: string): AgreementContent {
  return {
    ...content,
    members: content.members.map((m) => (m === userId ? FORMER_MEMBER : m)),
    sections: content.sections.map((section) => ({
      ...section,
      prompts: section.prompts.map((prompt) => ({
        ...prompt,
        answers: prompt.answers.map((a) =>
          a.userId === userId ? { userId: FORMER_MEMBER, text: WITHDRAWN_WORDS } : a,
        ),
      })),
    })),
  };
}

/**
 * A pulse's frozen results without the person's words (their named comments and reasons) and
 * without their name on an at-risk commitment. Counts and averages stay: they describe the team.
 */
export function withdrawFromResults(results: PulseResults, userId: string, words: readonly string[]): PulseResults {
  const theirs = new Set(words.map((w) => w.trim()).filter((w) => w !== ''));
  const keep = (texts: readonly string[]) => texts.filter((t) => !theirs.has(t.trim()));
  return {
    ...results,
    commitments: {
      ...results.commitments,
      atRiskPromptsByUser: results.commitments.atRiskPromptsByUser.filter((c) => c.userId !== userId),
    },
    comments: {
      working: keep(results.comments.working),
      atRisk: keep(results.comments.atRisk),
      renegotiateReasons: keep(results.comments.renegotiateReasons),
    },
  };
}

/** A flag's evidence with the person's name replaced and their words removed. */
export function withdrawFromEvidence(evidence: Evidence, userId: string, words: readonly string[]): Evidence {
  const swap = (ids: readonly string[]) => ids.map((id) => (id === userId ? FORMER_MEMBER : id));
  const theirs = new Set(words.map((w) => w.trim()));
  switch (evidence.kind) {
    case 'membershipChange': {
      const { proposal, ...rest } = evidence;
      const withdrawn = evidence.byUserId === userId || evidence.joined.includes(userId);
      return {
        ...rest,
        joined: swap(evidence.joined),
        left: swap(evidence.left),
        byUserId: evidence.byUserId === userId ? FORMER_MEMBER : evidence.byUserId,
        ...(proposal !== undefined ? { proposal: withdrawn ? WITHDRAWN_WORDS : proposal } : {}),
      };
    }
    case 'someoneAsks':
      return { ...evidence, reasons: evidence.reasons.filter((r) => !theirs.has(r.trim())) };
    case 'lingering':
      if (evidence.subject === 'reservation' && evidence.userId === userId) {
        return { ...evidence, userId: FORMER_MEMBER, concern: WITHDRAWN_WORDS };
      }
      if (evidence.subject === 'commitment' && evidence.userId === userId) {
        return { ...evidence, userId: FORMER_MEMBER, text: null };
      }
      return evidence;
    default:
      return evidence;
  }
}
