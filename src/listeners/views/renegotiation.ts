import { INPUT_ACTION, PROPOSE_BLOCKS, SNOOZE_BLOCKS, VIEWS } from '../../slack/ids.js';
import { NOTICES } from '../../slack/notices.js';
import { flagRef, stateReader, versionRef } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { onSubmit, type SubmitOutcome } from '../on-submit.js';
import type { ListenerRegistry } from '../registry.js';

export function registerRenegotiationViews(on: ListenerRegistry, deps: ListenerDeps): void {
  // "Not now": quiet the signal for a while, recording who and why.
  onSubmit(on, deps, VIEWS.snooze, flagRef, (s): SubmitOutcome => {
    const read = stateReader(s.values, INPUT_ACTION);
    const weeks = Number(read.option(SNOOZE_BLOCKS.weeks));
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 12)
      return { kind: 'errors', errors: { [SNOOZE_BLOCKS.weeks]: 'Pick how long to quiet this signal.' } };
    const reason = read.text(SNOOZE_BLOCKS.reason);
    if (reason.length > 300)
      return { kind: 'errors', errors: { [SNOOZE_BLOCKS.reason]: 'Please keep this under 300 characters.' } };
    const result = deps.flags.snooze({
      teamId: s.teamId,
      userId: s.userId,
      flagId: s.meta.flagId,
      weeks,
      reason,
      now: deps.clock.now(),
    });
    return result.kind === 'notice' ? result : { kind: 'close', after: result.after };
  });

  // A newcomer proposes changes instead of committing as things are.
  onSubmit(on, deps, VIEWS.propose, versionRef, (s): SubmitOutcome => {
    const result = deps.newcomers.propose({
      teamId: s.teamId,
      userId: s.userId,
      viewId: s.viewId,
      allianceId: s.meta.allianceId,
      versionId: s.meta.versionId,
      text: stateReader(s.values, INPUT_ACTION).text(PROPOSE_BLOCKS.text),
      now: deps.clock.now(),
    });
    if (result.kind === 'errors') return { kind: 'errors', errors: { [PROPOSE_BLOCKS.text]: result.error } };
    if (result.kind === 'notice') return result;
    return {
      kind: 'notice',
      text: NOTICES.proposalPosted,
      after: () => deps.events.publish(result.events, deps.clock.now()),
    };
  });
}
