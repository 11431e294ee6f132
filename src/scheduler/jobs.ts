import { JOB_KINDS } from '../domain/job.js';
import type { Services } from '../services/index.js';
import type { JobHandler } from './run-due.js';

/** Maps each job kind to the use case that performs it. */
export function buildJobHandlers(services: Services): Record<string, JobHandler> {
  return {
    [JOB_KINDS.pulseOpen]: (job, now) => services.pulseSchedule.runOpen(job, now),
    [JOB_KINDS.pulseRemind]: (job, now) => services.pulseSchedule.runRemind(job, now),
    [JOB_KINDS.pulseClose]: (job, now) => services.pulseSchedule.runClose(job, now),
    [JOB_KINDS.signalsDaily]: (job, now) => services.flags.runDaily(job, now),
    [JOB_KINDS.digestPost]: (job, now) => services.digests.runScheduled(job, now),
    [JOB_KINDS.retentionDaily]: (job, now) => services.memberData.runRetention(job, now),
    [JOB_KINDS.workspacePurge]: (job, now) => services.workspace.runPurge(job, now),
  };
}
