import { userChangeSchema } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import type { ListenerRegistry } from '../registry.js';

/** `user_change`: a deactivated account stops taking part in its alliances. */
export function registerUserChange(on: ListenerRegistry, deps: ListenerDeps): void {
  on.event('user_change', async ({ body }) => {
    const parsed = userChangeSchema.safeParse(body);
    if (!parsed.success) return;
    await deps.membership.accountChanged({
      teamId: parsed.data.team_id,
      userId: parsed.data.event.user.id,
      deleted: parsed.data.event.user.deleted,
      eventId: parsed.data.event_id,
      now: deps.clock.now(),
    });
  });
}
