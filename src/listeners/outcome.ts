import type { Context } from '@slack/bolt';
import type { RequestOutcome } from '../metrics.js';

/** Where a listener notes, on the request's own context, how its request ended (read by the registry). */
const OUTCOME = 'allianceOutcome';

/**
 * The request was turned down (a payload, value or form that did not validate) or failed
 * unexpectedly. A failure is never overwritten by a refusal.
 */
export function noteOutcome(context: Context, outcome: Exclude<RequestOutcome, 'ok'>): void {
  if (context[OUTCOME] !== 'failed') context[OUTCOME] = outcome;
}

export function outcomeOf(context: Context): RequestOutcome {
  const outcome: unknown = context[OUTCOME];
  return outcome === 'refused' || outcome === 'failed' ? outcome : 'ok';
}
