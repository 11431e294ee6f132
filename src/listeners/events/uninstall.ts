import { eventEnvelopeSchema, tokensRevokedSchema } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import type { ListenerRegistry } from '../registry.js';

/** `app_uninstalled` and `tokens_revoked`: the workspace's scheduled work stops. */
export function registerUninstallEvents(on: ListenerRegistry, deps: ListenerDeps): void {
  on.event('app_uninstalled', async ({ body }) => {
    const envelope = eventEnvelopeSchema.safeParse(body);
    if (!envelope.success) return;
    deps.workspace.botAccessLost({ teamId: envelope.data.team_id, botTokensRevoked: true, now: deps.clock.now() });
  });
  on.event('tokens_revoked', async ({ body }) => {
    const revoked = tokensRevokedSchema.safeParse(body);
    if (!revoked.success) return;
    const botTokensRevoked = (revoked.data.event.tokens.bot ?? []).length > 0;
    deps.workspace.botAccessLost({ teamId: revoked.data.team_id, botTokensRevoked, now: deps.clock.now() });
  });
}
