import type { ListenerRegistry } from '../registry.js';
import { noticeView } from '../../../services/design.js';
import { INPUT_ACTION, RESERVATION_BLOCKS, VIEWS } from '../../ids.js';
import { stateReader, versionRefSchema, viewSubmissionSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';
import { SOMETHING_WENT_WRONG } from '../failures.js';
import { slackErrorCode } from '../../clients.js';

export function registerReservationView(on: ListenerRegistry, deps: ListenerDeps): void {
  on.view(VIEWS.reservation, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const meta = parsed.success ? versionRefSchema.safeParse(parsed.data.view.private_metadata) : null;
    if (!parsed.success || !meta?.success) {
      await ack({ response_action: 'update', view: noticeView('This form did not come from Alliance as it is now, so nothing was saved.') });
      return;
    }
    const read = stateReader(parsed.data.view.state.values, INPUT_ACTION);
    try {
      const result = deps.consent.submitReservation({
        teamId: parsed.data.team.id,
        userId: parsed.data.user.id,
        viewId: parsed.data.view.id,
        allianceId: meta.data.a,
        versionId: meta.data.v,
        concern: read.text(RESERVATION_BLOCKS.concern),
        watch: read.text(RESERVATION_BLOCKS.watch),
        now: deps.clock.now(),
      });
      if (result.kind === 'errors') {
        const errors: Record<string, string> = {};
        if (result.errors.concern) errors[RESERVATION_BLOCKS.concern] = result.errors.concern;
        if (result.errors.watch) errors[RESERVATION_BLOCKS.watch] = result.errors.watch;
        await ack({ response_action: 'errors', errors });
      } else if (result.kind === 'notice') {
        await ack({ response_action: 'update', view: noticeView(result.text) });
      } else {
        await ack({
          response_action: 'update',
          view: noticeView(':memo: Your reservation is shared with the members, with your name. When you are ready, press *I agree* on the agreement; pulses will ask whether this is still a concern.'),
        });
        await result.share().catch((error: unknown) => deps.logger.error('reservation: sharing failed:', slackErrorCode(error) ?? error));
      }
    } catch (error) {
      deps.logger.error('reservation: saving failed:', slackErrorCode(error) ?? error);
      await ack({ response_action: 'errors', errors: { [RESERVATION_BLOCKS.concern]: SOMETHING_WENT_WRONG } });
    }
  });
}
