import { homeOpenedSchema } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import type { ListenerRegistry } from '../registry.js';

/** `app_home_opened` on the Home tab: publish this person's Home. */
export function registerHomeOpened(on: ListenerRegistry, deps: ListenerDeps): void {
  on.event('app_home_opened', async ({ body }) => {
    const parsed = homeOpenedSchema.safeParse(body);
    if (!parsed.success || parsed.data.event.tab !== 'home') return;
    await deps.home.publish({ teamId: parsed.data.team_id, userId: parsed.data.event.user, now: deps.clock.now() });
  });
}
