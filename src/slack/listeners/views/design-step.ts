import type { ListenerRegistry } from '../registry.js';
import { INPUT_ACTION, promptIdFromBlock, VIEWS } from '../../ids.js';
import { type StateValues, stepMetadataSchema, viewClosedSchema, viewSubmissionSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';
import { noticeView } from '../../../services/design.js';
import { SOMETHING_WENT_WRONG } from '../failures.js';
import { slackErrorCode } from '../../clients.js';

/** prompt id → text, from the inputs of a design step. */
function readAnswers(values: StateValues): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const [blockId, elements] of Object.entries(values)) {
    const promptId = promptIdFromBlock(blockId);
    if (promptId) answers[promptId] = elements[INPUT_ACTION]?.value ?? '';
  }
  return answers;
}

const TAMPERED = 'This form did not come from Alliance as it is now, so nothing was saved. Open your answers again from the alliance message.';

export function registerDesignStepView(on: ListenerRegistry, deps: ListenerDeps): void {
  on.view(VIEWS.designStep, async ({ ack, body }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const meta = parsed.success ? stepMetadataSchema.safeParse(parsed.data.view.private_metadata) : null;
    if (!parsed.success || !meta?.success) {
      await ack({ response_action: 'update', view: noticeView(TAMPERED) });
      return;
    }
    let result;
    try {
      result = deps.design.submitStep({
        teamId: parsed.data.team.id,
        userId: parsed.data.user.id,
        meta: meta.data,
        values: readAnswers(parsed.data.view.state.values),
        now: deps.clock.now(),
      });
    } catch (error) {
      deps.logger.error('design step: saving failed:', error);
      const first = Object.keys(parsed.data.view.state.values)[0];
      await ack(first ? { response_action: 'errors', errors: { [first]: SOMETHING_WENT_WRONG } } : undefined);
      return;
    }
    if (result.kind === 'errors') {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    await ack({ response_action: 'update', view: result.view });
    if (result.finishedNow) {
      try {
        await deps.design.afterFinished(result.roundId, parsed.data.team.id, deps.clock.now());
      } catch (error) {
        deps.logger.error('design step: follow-up after finishing failed:', slackErrorCode(error) ?? error);
      }
    }
  });

  // Closing the modal keeps what was typed in the open step (notify_on_close is set on every step).
  on.viewClosed(VIEWS.designStep, async ({ ack, body }) => {
    await ack();
    const parsed = viewClosedSchema.safeParse(body);
    const meta = parsed.success ? stepMetadataSchema.safeParse(parsed.data.view.private_metadata) : null;
    if (!parsed.success || !meta?.success) {
      deps.logger.warn('design step: a closed view could not be read; nothing saved');
      return;
    }
    deps.design.saveOnClose({
      teamId: parsed.data.team.id,
      userId: parsed.data.user.id,
      meta: meta.data,
      values: readAnswers(parsed.data.view.state.values),
      now: deps.clock.now(),
    });
  });
}
