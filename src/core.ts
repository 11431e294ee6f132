import { randomUUID } from 'node:crypto';
import { buildJobHandlers } from './scheduler/jobs.js';
import { runDue, type SchedulerDeps } from './scheduler/run-due.js';
import { buildServices, type ServiceDeps } from './services/index.js';

/** Names this process in lease columns (jobs, deliveries, token refreshes). */
export function processOwner(): string {
  return `alliance-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/**
 * Services and the scheduler over a store and Slack clients. Shared by the running app and the
 * tick command, so both run exactly the same jobs. It imports nothing of Bolt, so the tick command
 * loads only the Web API client.
 */
export function composeCore(input: Omit<ServiceDeps, 'owner'> & { owner?: string }) {
  const deps: ServiceDeps = { ...input, owner: input.owner ?? processOwner() };
  const services = buildServices(deps);
  const schedulerDeps: SchedulerDeps = {
    jobs: deps.store.jobs,
    handlers: buildJobHandlers(services),
    steps: [
      { name: 'outbox', run: async (now) => void (await services.outbox.drain(now)) },
      { name: 'forget old event ids', run: async (now) => services.workspace.forgetOldEvents(now) },
    ],
    logger: deps.logger.child('scheduler'),
    owner: deps.owner,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  };
  return { services, tick: (now: Date) => runDue(schedulerDeps, now) };
}
