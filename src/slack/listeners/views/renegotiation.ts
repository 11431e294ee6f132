import type { ListenerRegistry } from '../registry.js';
import { noticeView } from '../../../services/design.js';
import { slackErrorCode } from '../../clients.js';
import { INPUT_ACTION, PROPOSE_BLOCKS, SNOOZE_BLOCKS, VIEWS } from '../../ids.js';
import { flagRefSchema, stateReader, versionRefSchema, viewSubmissionSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';

const TAMPERED = 'This form did not come from Alliance as it is now, so nothing was changed.';

export function registerRenegotiationViews(on: ListenerRegistry, deps: ListenerDeps): void {
  // "Not now": quiet the signal for a while, recording who and why.
  on.view(VIEWS.snooze, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const meta = parsed.success ? flagRefSchema.safeParse(parsed.data.view.private_metadata) : null;
    if (!parsed.success || !meta?.success) {
      await ack({ response_action: 'update', view: noticeView(TAMPERED) });
      return;
    }
    const read = stateReader(parsed.data.view.state.values, INPUT_ACTION);
    const weeks = Number(read.option(SNOOZE_BLOCKS.weeks));
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 12) {
      await ack({ response_action: 'errors', errors: { [SNOOZE_BLOCKS.weeks]: 'Pick how long to quiet this signal.' } });
      return;
    }
    const reason = read.text(SNOOZE_BLOCKS.reason);
    if (reason.length > 300) {
      await ack({ response_action: 'errors', errors: { [SNOOZE_BLOCKS.reason]: 'Please keep this under 300 characters.' } });
      return;
    }
    const result = deps.renegotiation.snooze({ teamId: parsed.data.team.id, userId: parsed.data.user.id, flagId: meta.data.f, weeks, reason, now: deps.clock.now() });
    if (result.kind === 'notice') {
      await ack({ response_action: 'update', view: noticeView(result.text) });
      return;
    }
    await ack();
    await result.after().catch((error: unknown) => deps.logger.warn('snooze: follow-up failed:', slackErrorCode(error) ?? error));
  });

  // A newcomer proposes changes instead of committing as things are.
  on.view(VIEWS.propose, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const meta = parsed.success ? versionRefSchema.safeParse(parsed.data.view.private_metadata) : null;
    if (!parsed.success || !meta?.success) {
      await ack({ response_action: 'update', view: noticeView(TAMPERED) });
      return;
    }
    const result = deps.renegotiation.propose({
      teamId: parsed.data.team.id,
      userId: parsed.data.user.id,
      viewId: parsed.data.view.id,
      allianceId: meta.data.a,
      versionId: meta.data.v,
      text: stateReader(parsed.data.view.state.values, INPUT_ACTION).text(PROPOSE_BLOCKS.text),
      now: deps.clock.now(),
    });
    if (result.kind === 'errors') {
      await ack({ response_action: 'errors', errors: { [PROPOSE_BLOCKS.text]: result.error } });
      return;
    }
    if (result.kind === 'notice') {
      await ack({ response_action: 'update', view: noticeView(result.text) });
      return;
    }
    await ack({ response_action: 'update', view: noticeView(':speech_balloon: Your proposal is posted in the channel. You are now a member, so you will be part of the renegotiation if the team starts one.') });
    await result.after().catch((error: unknown) => deps.logger.warn('proposal: follow-up failed:', slackErrorCode(error) ?? error));
  });
}
