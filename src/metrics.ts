/**
 * What Alliance counts for the operator (served as Prometheus text on GET /metrics by the running
 * app; see prometheus.ts). Every label value is one of the fixed words below or a job kind: never a
 * user id, channel, team or anything a person typed.
 */
export type RequestKind = 'command' | 'action' | 'view' | 'event';
/**
 * ok: answered (a sentence saying why nothing changed included); refused: the payload, button
 * value or form did not validate (tampered, stale or left with inline errors), so nothing was
 * done; failed: an unexpected error, and the person was told something went wrong.
 */
export type RequestOutcome = 'ok' | 'refused' | 'failed';
export type DeliveryOutcome = 'sent' | 'retried' | 'unreachable' | 'failed' | 'cancelled';
export type JobOutcome = 'done' | 'retry' | 'failed';

export const REQUEST_KINDS: readonly RequestKind[] = ['command', 'action', 'view', 'event'];
export const REQUEST_OUTCOMES: readonly RequestOutcome[] = ['ok', 'refused', 'failed'];
export const DELIVERY_OUTCOMES: readonly DeliveryOutcome[] = ['sent', 'retried', 'unreachable', 'failed', 'cancelled'];
export const JOB_OUTCOMES: readonly JobOutcome[] = ['done', 'retry', 'failed'];

export interface Metrics {
  /** A request from Slack was handled to the end. */
  request(kind: RequestKind, outcome: RequestOutcome): void;
  /** Seconds from the request reaching Alliance's listener to its ack. */
  acked(kind: RequestKind, seconds: number): void;
  /** A direct message the outbox tried to send, and what became of it. */
  delivery(outcome: DeliveryOutcome): void;
  /** Slack answered 429 and the Web API client waited out its Retry-After. */
  rateLimited(): void;
  /** A scheduled job ran; `lagSeconds` is how long after its due time it started. */
  job(kind: string, outcome: JobOutcome, lagSeconds: number): void;
  pulseOpened(): void;
  pulseClosed(): void;
}

/** Counts nothing: for the tick command and tests that do not look. */
export const noMetrics: Metrics = {
  request() {},
  acked() {},
  delivery() {},
  rateLimited() {},
  job() {},
  pulseOpened() {},
  pulseClosed() {},
};
