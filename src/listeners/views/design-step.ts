import { INPUT_ACTION, promptIdFromBlock, VIEWS } from '../../slack/ids.js';
import { designStepRef, type StateValues, viewClosedSchema } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import { onSubmit, type SubmitOutcome } from '../on-submit.js';
import type { ListenerRegistry } from '../registry.js';

/** prompt id → text, from the inputs of a design step. */
function readAnswers(values: StateValues): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const [blockId, elements] of Object.entries(values)) {
    const promptId = promptIdFromBlock(blockId);
    if (promptId) answers[promptId] = elements[INPUT_ACTION]?.value ?? '';
  }
  return answers;
}

export function registerDesignStepView(on: ListenerRegistry, deps: ListenerDeps): void {
  onSubmit(on, deps, VIEWS.designStep, designStepRef, (s): SubmitOutcome => {
    const result = deps.designRound.submitStep({
      teamId: s.teamId,
      userId: s.userId,
      meta: s.meta,
      values: readAnswers(s.values),
      now: deps.clock.now(),
    });
    if (result.kind === 'errors') return result;
    // After the last step: the progress line is updated, and the agreement compiled once everyone has answered.
    return { kind: 'update', view: result.view, after: () => deps.events.publish(result.events, deps.clock.now()) };
  });

  // Closing the modal keeps what was typed in the open step (notify_on_close is set on every step).
  on.viewClosed(VIEWS.designStep, async ({ ack, body }) => {
    await ack();
    const parsed = viewClosedSchema.safeParse(body);
    const meta = parsed.success ? designStepRef.safeParse(parsed.data.view.private_metadata) : null;
    if (!parsed.success || !meta?.success) {
      deps.logger.warn('design step: a closed view could not be read; nothing saved');
      return;
    }
    deps.designRound.saveOnClose({
      teamId: parsed.data.team.id,
      userId: parsed.data.user.id,
      meta: meta.data,
      values: readAnswers(parsed.data.view.state.values),
      now: deps.clock.now(),
    });
  });
}
