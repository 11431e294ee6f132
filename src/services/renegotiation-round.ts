import type { AgreementVersion } from '../domain/agreement.js';
import { renegotiationReason } from '../domain/flag.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';
import { liveAllianceIn, refusal } from './access.js';
import type { Events } from './events.js';

export interface RenegotiationRoundDeps {
  store: Store;
  events: Events;
}

/**
 * Renegotiation: reopens the agreement in effect as a new design round, started by hand
 * (`/alliance renegotiate`) or from a flag. The version in effect stays so until the next is agreed.
 */
export function createRenegotiationRoundService(deps: RenegotiationRoundDeps) {
  const { store } = deps;

  /** Each member's answers in a version, as their starting point in the new round. */
  function answersIn(version: AgreementVersion, userId: string): Record<string, string> {
    const answers: Record<string, string> = {};
    for (const section of version.content.sections) {
      for (const prompt of section.prompts) {
        const answer = prompt.answers.find((a) => a.userId === userId);
        if (answer) answers[prompt.id] = answer.text;
      }
    }
    return answers;
  }

  /**
   * Opens a renegotiation round on the version in effect: members' current answers are copied in
   * as their starting point (newcomers start empty), and everyone is invited again.
   */
  async function startRound(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    reason: string | null;
    flagId: number | null;
    now: Date;
  }): Promise<Notice> {
    const alliance = store.alliances.get(input.allianceId);
    if (!alliance || alliance.teamId !== input.teamId || alliance.status === 'archived') {
      return notice(NOTICES.allianceGone);
    }
    const refused = refusal(store, alliance, input.userId, 'start-renegotiation');
    if (refused) return refused;
    const active = alliance.activeVersionId ? store.agreements.version(alliance.activeVersionId) : undefined;
    if (!active || alliance.status !== 'active') return notice(NOTICES.nothingToRenegotiate);
    const opened = await deps.events.run(input.now, (record): Notice | null => {
      if (store.design.currentOpenRound(alliance.id) || store.agreements.proposedVersion(alliance.id)) {
        return notice(NOTICES.renegotiationUnderWay);
      }
      const roundId = store.design.openRound({
        teamId: alliance.teamId,
        allianceId: alliance.id,
        baseVersionId: active.id,
        reason: input.reason,
        startedBy: input.userId,
        now: input.now,
      });
      if (input.flagId !== null) {
        store.design.setFlag(roundId, input.flagId);
        store.flags.markRenegotiating(input.flagId, roundId);
      }
      for (const userId of store.alliances.members(alliance.id)) {
        const answers = answersIn(active, userId);
        store.design.saveAnswers({ roundId, teamId: alliance.teamId, userId, answers, now: input.now });
      }
      record({ type: 'roundOpened', allianceId: alliance.id, roundId });
      return null;
    });
    return opened ?? notice(NOTICES.renegotiationStarted(active.number));
  }

  /** `/alliance renegotiate [reason]` in a channel. */
  function startRoundInChannel(input: {
    teamId: string;
    userId: string;
    channelId: string;
    reason: string | null;
    now: Date;
  }): Promise<Notice> {
    const alliance = liveAllianceIn(store, input.teamId, input.channelId);
    if ('kind' in alliance) return Promise.resolve(alliance);
    return startRound({ ...input, allianceId: alliance.id, flagId: null });
  }

  /** "Start a renegotiation" on a flag. */
  function startFromFlag(input: { teamId: string; userId: string; flagId: number; now: Date }): Promise<Notice> {
    const flag = store.flags.get(input.flagId);
    const alliance = flag ? store.alliances.get(flag.allianceId) : undefined;
    if (!flag || !alliance || alliance.teamId !== input.teamId) return Promise.resolve(notice(NOTICES.signalStale));
    const refused = refusal(store, alliance, input.userId, 'act-on-flag');
    if (refused) return Promise.resolve(refused);
    if (flag.state === 'renegotiating' || flag.state === 'resolved') {
      return Promise.resolve(notice(NOTICES.renegotiationFromSignalStarted));
    }
    return startRound({
      teamId: input.teamId,
      userId: input.userId,
      allianceId: alliance.id,
      reason: renegotiationReason(flag),
      flagId: flag.id,
      now: input.now,
    });
  }

  return { startRound, startRoundInChannel, startFromFlag };
}

export type RenegotiationRoundService = ReturnType<typeof createRenegotiationRoundService>;
