import type { ListenerRegistry } from '../registry.js';
import { ACTIONS } from '../../ids.js';
import { versionRefSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';
import { replyPrivately } from '../reply.js';
import { afterAck, parseClick } from './click.js';

const parseVersionRef = (value: string | undefined) => {
  const parsed = versionRefSchema.safeParse(value ?? '');
  return parsed.success ? parsed.data : null;
};

export function registerConsentActions(on: ListenerRegistry, deps: ListenerDeps): void {
  on.action(ACTIONS.agree, async (args) => {
    await args.ack();
    await afterAck(args, deps, 'agree', async () => {
      const click = await parseClick(args, deps, parseVersionRef);
      if (!click) return;
      const result = await deps.consent.agree({ teamId: click.body.team.id, userId: click.body.user.id, allianceId: click.value.a, versionId: click.value.v, now: deps.clock.now() });
      await replyPrivately({ respond: args.respond, client: args.client, logger: deps.logger }, click.target, result.text);
    });
  });

  on.action(ACTIONS.reservations, async (args) => {
    await args.ack();
    await afterAck(args, deps, 'open reservations', async () => {
      const click = await parseClick(args, deps, parseVersionRef);
      if (!click) return;
      const opened = deps.consent.openReservation({ teamId: click.body.team.id, userId: click.body.user.id, allianceId: click.value.a, versionId: click.value.v });
      if (opened.kind === 'notice') {
        await replyPrivately({ respond: args.respond, client: args.client, logger: deps.logger }, click.target, opened.text);
        return;
      }
      await args.client.views.open({ trigger_id: click.body.trigger_id, view: opened.view });
    });
  });

  on.action(ACTIONS.amend, async (args) => {
    await args.ack();
    await afterAck(args, deps, 'reopen prompts', async () => {
      const click = await parseClick(args, deps, parseVersionRef);
      if (!click) return;
      const result = await deps.consent.amend({ teamId: click.body.team.id, userId: click.body.user.id, allianceId: click.value.a, versionId: click.value.v, now: deps.clock.now() });
      await replyPrivately({ respond: args.respond, client: args.client, logger: deps.logger }, click.target, result.text);
    });
  });
}
