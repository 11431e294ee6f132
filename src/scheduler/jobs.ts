import { DIGEST_POST } from '../services/digests.js';
import type { ServiceDeps, Services } from '../services/index.js';
import { PULSE_CLOSE, PULSE_OPEN, PULSE_REMIND } from '../services/pulses.js';
import { SIGNALS_DAILY } from '../services/renegotiation.js';
import type { JobHandler } from './run-due.js';

/** Maps each job kind to the service call that performs it. */
export function buildJobHandlers(deps: ServiceDeps & Services): Record<string, JobHandler> {
  return {
    [PULSE_OPEN]: (job, now) => deps.pulses.runOpen(job, now),
    [PULSE_REMIND]: (job, now) => deps.pulses.runRemind(job, now),
    [PULSE_CLOSE]: (job, now) => deps.pulses.runClose(job, now),
    [SIGNALS_DAILY]: (job, now) => deps.renegotiation.runDaily(job, now),
    [DIGEST_POST]: (job, now) => deps.digests.runScheduled(job, now),
  };
}
