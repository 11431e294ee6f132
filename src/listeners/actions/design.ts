import { ACTIONS } from '../../slack/ids.js';
import { roundRef } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { onClick } from '../on-click.js';
import type { ListenerRegistry } from '../registry.js';

export function registerDesignActions(on: ListenerRegistry, deps: ListenerDeps): void {
  // "Add my answers": opens the member's prompts where they left off.
  onClick(on, deps, ACTIONS.addAnswers, roundRef, (c) =>
    deps.designRound.openAnswers({
      teamId: c.teamId,
      userId: c.userId,
      allianceId: c.value.allianceId,
      roundId: c.value.roundId,
    }),
  );
  // "Compile now": the starter compiles with at least two answers in.
  onClick(on, deps, ACTIONS.compileNow, roundRef, async (c) => {
    const result = await deps.designRound.compile({
      teamId: c.teamId,
      roundId: c.value.roundId,
      byUserId: c.userId,
      now: deps.clock.now(),
    });
    return result.kind === 'notice' ? result : undefined;
  });
}
