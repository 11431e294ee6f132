import type { ListenerRegistry } from '../registry.js';
import { ACTIONS } from '../../ids.js';
import { pulseRefSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';
import { replyPrivately } from '../reply.js';
import { afterAck, parseClick } from './click.js';

const parsePulseRef = (value: string | undefined) => {
  const parsed = pulseRefSchema.safeParse(value ?? '');
  return parsed.success ? parsed.data : null;
};

export function registerPulseActions(on: ListenerRegistry, deps: ListenerDeps): void {
  // "Check in" (invitation, reminder) and "Edit my answer" (after answering) both open the modal.
  for (const actionId of [ACTIONS.checkIn, ACTIONS.editCheckIn]) {
    on.action(actionId, async (args) => {
      await args.ack();
      await afterAck(args, deps, 'check in', async () => {
        const click = await parseClick(args, deps, parsePulseRef);
        if (!click) return;
        const opened = deps.pulses.openCheckIn({ teamId: click.body.team.id, userId: click.body.user.id, pulseId: click.value.p, editKey: click.value.k, now: deps.clock.now() });
        if (opened.kind === 'notice') {
          await replyPrivately({ respond: args.respond, client: args.client, logger: deps.logger }, click.target, opened.text);
          return;
        }
        await args.client.views.open({ trigger_id: click.body.trigger_id, view: opened.view });
      });
    });
  }
}
