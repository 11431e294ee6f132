import type { App } from '@slack/bolt';
import { eventEnvelopeSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';

export function registerEvents(app: App, deps: ListenerDeps): void {
  // Slack re-sends an event (same event_id, with X-Slack-Retry-Num) when it thinks we missed it.
  // Bolt has already acknowledged it; here we make sure its effect happens once.
  app.use(async ({ body, next }) => {
    if ((body as { type?: unknown }).type === 'event_callback') {
      const envelope = eventEnvelopeSchema.safeParse(body);
      if (!envelope.success) {
        deps.logger.warn('events: envelope without team_id or event_id ignored');
        return;
      }
      const first = deps.store.events.recordOnce(envelope.data.team_id, envelope.data.event_id, deps.clock.now());
      if (!first) {
        deps.logger.debug(`events: duplicate delivery of ${envelope.data.event_id} ignored`);
        return;
      }
    }
    await next();
  });

  const stopWorkspace = async ({ body }: { body: unknown }) => {
    const envelope = eventEnvelopeSchema.safeParse(body);
    if (!envelope.success) return;
    if (deps.store.workspaces.markUninstalled(envelope.data.team_id, deps.clock.now())) {
      deps.logger.info(`workspace ${envelope.data.team_id}: app uninstalled or tokens revoked; scheduled work paused`);
    }
  };
  app.event('app_uninstalled', stopWorkspace);
  app.event('tokens_revoked', stopWorkspace);
}
