import type { ListenerRegistry } from '../registry.js';
import type { CheckInForm } from '../../../domain/pulse.js';
import { noticeView } from '../../../services/design.js';
import { slackErrorCode } from '../../clients.js';
import { CHECKIN_BLOCKS, INPUT_ACTION, VIEWS } from '../../ids.js';
import { pulseRefSchema, stateReader, type StateValues, viewSubmissionSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';
import { SOMETHING_WENT_WRONG } from '../failures.js';

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

/** Domain error keys → the modal's block ids. */
function errorBlock(key: string): string {
  if (key === 'working') return CHECKIN_BLOCKS.working;
  if (key === 'atRisk') return CHECKIN_BLOCKS.atRisk;
  if (key === 'reason') return CHECKIN_BLOCKS.reason;
  return key; // rating:<id>, commitment:<id>, reservation:<id> are block ids already
}

export function registerCheckInView(on: ListenerRegistry, deps: ListenerDeps): void {
  on.view(VIEWS.checkIn, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const meta = parsed.success ? pulseRefSchema.safeParse(parsed.data.view.private_metadata) : null;
    if (!parsed.success || !meta?.success) {
      await ack({ response_action: 'update', view: noticeView('This form did not come from Alliance as it is now, so nothing was saved. Use `/alliance checkin` in the alliance’s channel.') });
      return;
    }
    let result;
    try {
      result = deps.pulses.submitCheckIn({
        teamId: parsed.data.team.id,
        userId: parsed.data.user.id,
        pulseId: meta.data.p,
        editKey: meta.data.k,
        form: readCheckInForm(parsed.data.view.state.values),
        now: deps.clock.now(),
      });
    } catch (error) {
      deps.logger.error('check-in: saving failed:', error instanceof Error ? error.message : 'error');
      await ack({ response_action: 'errors', errors: { [CHECKIN_BLOCKS.working]: SOMETHING_WENT_WRONG } });
      return;
    }
    if (result.kind === 'errors') {
      await ack({ response_action: 'errors', errors: Object.fromEntries(Object.entries(result.errors).map(([k, v]) => [errorBlock(k), v])) });
      return;
    }
    if (result.kind === 'notice') {
      await ack({ response_action: 'update', view: noticeView(result.text) });
      return;
    }
    await ack({ response_action: 'update', view: result.view });
    await result.after?.().catch((error: unknown) => deps.logger.warn('check-in: follow-up failed:', slackErrorCode(error) ?? 'error'));
  });
}
