import type { z } from 'zod';
import type { ModalView } from '../slack/blocks/kit.js';
import { noticeView } from '../slack/blocks/kit.js';
import { slackErrorCode } from '../slack/clients.js';
import type { Notice } from '../slack/notices.js';
import { type StateValues, viewSubmissionSchema } from '../slack/payloads.js';
import type { ListenerDeps } from './deps.js';
import { SOMETHING_WENT_WRONG } from './failures.js';
import { noteOutcome } from './outcome.js';
import type { ListenerRegistry } from './registry.js';

export interface Submission<M> {
  teamId: string;
  userId: string;
  viewId: string;
  /** Our private_metadata, parsed and checked. */
  meta: M;
  values: StateValues;
}

/** How a modal answers a submission; `after` runs once Slack has its answer (posting, updating). */
export type SubmitOutcome = (
  | { kind: 'errors'; errors: Record<string, string> }
  | { kind: 'update'; view: ModalView }
  | { kind: 'close' }
  | Notice
) & { after?: () => Promise<void> };

/**
 * One modal's submissions, always the same shape: parse the payload and our private_metadata with
 * zod (a tampered or stale form is told so and nothing is written), run the service call within
 * Slack's three seconds, answer with inline errors, the next view or a close, then do the slow
 * part. An unexpected failure keeps the modal open with everything typed and says so inline.
 */
export function onSubmit<S extends z.ZodType>(
  on: ListenerRegistry,
  deps: ListenerDeps,
  callbackId: string,
  metaSchema: S,
  work: (submission: Submission<z.infer<S>>) => Promise<SubmitOutcome> | SubmitOutcome,
): void {
  on.view(callbackId, async ({ ack, body, context }) => {
    const parsed = viewSubmissionSchema.safeParse(body);
    const meta = parsed.success ? metaSchema.safeParse(parsed.data.view.private_metadata) : null;
    if (!parsed.success || !meta?.success) {
      noteOutcome(context, 'refused');
      await ack({
        response_action: 'update',
        view: noticeView(
          'This form did not come from Alliance as it is now, so nothing was saved. Start again from ' +
            'the command or the button in Slack.',
        ),
      });
      return;
    }
    const { team, user, view } = parsed.data;
    let outcome: SubmitOutcome;
    try {
      outcome = await work({
        teamId: team.id,
        userId: user.id,
        viewId: view.id,
        meta: meta.data,
        values: view.state.values,
      });
    } catch (error) {
      noteOutcome(context, 'failed');
      deps.logger.error(
        `view ${callbackId}: submission failed:`,
        slackErrorCode(error) ?? (error instanceof Error ? error.message : 'error'),
      );
      const firstInput = Object.keys(view.state.values)[0];
      await ack(
        firstInput
          ? { response_action: 'errors', errors: { [firstInput]: SOMETHING_WENT_WRONG } }
          : { response_action: 'update', view: noticeView(SOMETHING_WENT_WRONG) },
      );
      return;
    }
    if (outcome.kind === 'errors') {
      noteOutcome(context, 'refused');
      await ack({ response_action: 'errors', errors: outcome.errors });
    } else if (outcome.kind === 'update') await ack({ response_action: 'update', view: outcome.view });
    else if (outcome.kind === 'notice') await ack({ response_action: 'update', view: noticeView(outcome.text) });
    else await ack();
    if (!outcome.after) return;
    // The slow part waits for a pause in requests (a second at most), so a burst is acked first.
    await on.whenQuiet();
    await outcome.after().catch((error: unknown) => {
      noteOutcome(context, 'failed');
      deps.logger.error(`view ${callbackId}: follow-up failed:`, slackErrorCode(error) ?? error);
    });
  });
}

/** Maps a service's field-keyed errors to the modal's block ids. */
export function errorsOn<F extends string>(
  errors: Partial<Record<F, string>>,
  blocks: Readonly<Record<F, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors) as [F, string | undefined][])
    if (message) out[blocks[field]] = message;
  return out;
}
