import { ACTIONS } from '../../ids.js';
import { roundRefSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';
import type { ListenerRegistry } from '../registry.js';
import { onClick } from './click.js';

export function registerDesignActions(on: ListenerRegistry, deps: ListenerDeps): void {
  // "Add my answers": opens the member's prompts where they left off.
  onClick(on, deps, ACTIONS.addAnswers, roundRefSchema, (c) =>
    deps.design.openAnswers({ teamId: c.teamId, userId: c.userId, allianceId: c.value.a, roundId: c.value.r }),
  );
  // "Compile now": the starter compiles with at least two answers in.
  onClick(on, deps, ACTIONS.compileNow, roundRefSchema, async (c) => {
    const result = await deps.design.compile({
      teamId: c.teamId,
      roundId: c.value.r,
      byUserId: c.userId,
      now: deps.clock.now(),
    });
    return result.kind === 'notice' ? result : undefined;
  });
}
