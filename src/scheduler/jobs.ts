import type { ServiceDeps, Services } from '../services/index.js';
import type { JobHandler } from './run-due.js';

/** Maps each job kind to the service call that performs it. */
export function buildJobHandlers(_deps: ServiceDeps & Services): Record<string, JobHandler> {
  return {};
}
