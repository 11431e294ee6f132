import type { Logger } from '@slack/bolt';
import type { Job } from '../domain/job.js';
import { type JobOutcome, type Metrics, noMetrics } from '../metrics.js';
import type { JobsRepo } from '../store/jobs-repo.js';

/** A job handler does the work for one claimed row; throwing means "try again later". */
export type JobHandler = (job: Job, now: Date) => Promise<void>;

/** Work that is not a job row but is drained on every tick (e.g. the delivery outbox). */
export interface TickStep {
  name: string;
  run(now: Date): Promise<void>;
}

export interface SchedulerDeps {
  jobs: JobsRepo;
  handlers: Readonly<Record<string, JobHandler>>;
  steps?: readonly TickStep[];
  logger: Logger;
  /** Identifies this process in lease columns, so only the claimer can complete a row. */
  owner: string;
  /** How long a claim holds before another process may take the row over. */
  leaseMs?: number;
  /** Counts jobs run and how late they started, for the operator. */
  metrics?: Metrics;
}

export interface RunDueReport {
  ran: { id: number; kind: string; outcome: 'done' | 'retry' | 'failed' }[];
}

const DEFAULT_LEASE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 5;
// Bounds one tick so a handler that keeps scheduling due work cannot spin forever.
const MAX_JOBS_PER_TICK = 1000;

/** Back-off before retrying a failed job: 1, 4, 9, 16 minutes. */
export function retryDelayMs(attempts: number): number {
  return attempts * attempts * 60_000;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Runs everything due at `now`: claims job rows one by one with an atomic update, runs their
 * handlers, then runs the tick steps. The in-process cron tick and `npm run tick -- --at` both call
 * exactly this function, so what one does the other does.
 */
export async function runDue(deps: SchedulerDeps, now: Date): Promise<RunDueReport> {
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const metrics = deps.metrics ?? noMetrics;
  const report: RunDueReport = { ran: [] };
  const began = performance.now();
  // How late a job starts: after its due time by the tick's instant, plus the jobs run before it.
  const ran = (job: Job, outcome: JobOutcome, lagMs: number) => {
    report.ran.push({ id: job.id, kind: job.kind, outcome });
    metrics.job(job.kind, outcome, lagMs / 1000);
  };
  for (let i = 0; i < MAX_JOBS_PER_TICK; i++) {
    const job = deps.jobs.claimNext(deps.owner, now, leaseMs);
    if (!job) break;
    const lagMs = now.getTime() - job.runAt.getTime() + (performance.now() - began);
    const handler = deps.handlers[job.kind];
    if (!handler) {
      deps.jobs.fail(job.id, deps.owner, now, `no handler for job kind ${job.kind}`);
      deps.logger.error(`scheduler: no handler for job ${job.id} of kind ${job.kind}`);
      ran(job, 'failed', lagMs);
      continue;
    }
    try {
      await handler(job, now);
      deps.jobs.complete(job.id, deps.owner, now);
      ran(job, 'done', lagMs);
    } catch (error) {
      const message = describeError(error);
      if (job.attempts >= MAX_ATTEMPTS) {
        deps.jobs.fail(job.id, deps.owner, now, message);
        deps.logger.error(
          `scheduler: job ${job.id} (${job.kind}) failed for good after ${job.attempts} attempts:`,
          error,
        );
        ran(job, 'failed', lagMs);
      } else {
        deps.jobs.retryLater(job.id, deps.owner, new Date(now.getTime() + retryDelayMs(job.attempts)), message);
        deps.logger.warn(`scheduler: job ${job.id} (${job.kind}) will be retried:`, message);
        ran(job, 'retry', lagMs);
      }
    }
  }
  for (const step of deps.steps ?? []) {
    try {
      await step.run(now);
    } catch (error) {
      deps.logger.error(`scheduler: step ${step.name} failed:`, error);
    }
  }
  return report;
}
