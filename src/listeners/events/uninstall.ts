import type { z } from 'zod';
import { accessLostEnvelopeSchema, tokensRevokedSchema } from '../../slack/payloads.js';
import type { ListenerDeps } from '../deps.js';
import type { ListenerRegistry } from '../registry.js';

/** Who lost access and when, as the envelope says. */
function lostAccess(envelope: z.infer<typeof accessLostEnvelopeSchema>) {
  const authorization = envelope.authorizations?.[0];
  return {
    teamId: envelope.team_id,
    eventTime: envelope.event_time === undefined ? undefined : new Date(envelope.event_time * 1000),
    enterpriseId: envelope.enterprise_id ?? authorization?.enterprise_id ?? null,
    orgWide: authorization?.is_enterprise_install === true,
  };
}

/** `app_uninstalled` and `tokens_revoked`: the workspace's tokens go and its scheduled work stops. */
export function registerUninstallEvents(on: ListenerRegistry, deps: ListenerDeps): void {
  on.event('app_uninstalled', async ({ body }) => {
    const envelope = accessLostEnvelopeSchema.safeParse(body);
    if (!envelope.success) return;
    deps.workspace.botAccessLost({ ...lostAccess(envelope.data), botTokensRevoked: true, now: deps.clock.now() });
  });
  on.event('tokens_revoked', async ({ body }) => {
    const revoked = tokensRevokedSchema.safeParse(body);
    if (!revoked.success) return;
    const botTokensRevoked = (revoked.data.event.tokens.bot ?? []).length > 0;
    deps.workspace.botAccessLost({ ...lostAccess(revoked.data), botTokensRevoked, now: deps.clock.now() });
  });
}
