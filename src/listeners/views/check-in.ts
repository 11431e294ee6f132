import type { CheckInForm } from '../../domain/pulse.js';
import { CHECKIN_BLOCKS, INPUT_ACTION, VIEWS } from '../../slack/ids.js';
import { pulseRef, type StateValues, stateReader } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { onSubmit } from '../on-submit.js';
import type { ListenerRegistry } from '../registry.js';

/** Reads the check-in modal's inputs into the domain's form, whatever was asked. */
export function readCheckInForm(values: StateValues): CheckInForm {
  const read = stateReader(values, INPUT_ACTION);
  const form: CheckInForm = {
    ratings: {},
    commitments: {},
    reservations: {},
    working: read.text(CHECKIN_BLOCKS.working),
    atRisk: read.text(CHECKIN_BLOCKS.atRisk),
    renegotiate: read.options(CHECKIN_BLOCKS.renegotiate).includes('yes'),
    renegotiateReason: read.text(CHECKIN_BLOCKS.reason),
  };
  for (const blockId of Object.keys(values)) {
    const [kind, ...rest] = blockId.split(':');
    const id = rest.join(':');
    if (kind === 'rating') form.ratings[id] = read.option(blockId);
    else if (kind === 'commitment') form.commitments[id] = read.option(blockId);
    else if (kind === 'reservation') form.reservations[id] = read.option(blockId);
  }
  return form;
}

/** Domain error keys → the modal's block ids (rating:<id> and the like are block ids already). */
const ERROR_BLOCKS: Record<string, string> = {
  working: CHECKIN_BLOCKS.working,
  atRisk: CHECKIN_BLOCKS.atRisk,
  reason: CHECKIN_BLOCKS.reason,
};

export function registerCheckInView(on: ListenerRegistry, deps: ListenerDeps): void {
  onSubmit(on, deps, VIEWS.checkIn, pulseRef, async (s) => {
    const result = await deps.checkIn.submitCheckIn({
      teamId: s.teamId,
      userId: s.userId,
      pulseId: s.meta.pulseId,
      editKey: s.meta.editKey,
      form: readCheckInForm(s.values),
      now: deps.clock.now(),
    });
    if (result.kind === 'errors')
      return {
        kind: 'errors',
        errors: Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [ERROR_BLOCKS[k] ?? k, v])),
      };
    return result;
  });
}
