import type { ListenerRegistry } from '../registry.js';
import { ACTIONS } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { replyPrivately } from '../reply.js';
import { afterAck, parseClick, parseRoundRef } from './click.js';

export function registerDesignActions(on: ListenerRegistry, deps: ListenerDeps): void {
  // "Add my answers": opens the member's prompts where they left off.
  on.action(ACTIONS.addAnswers, async (args) => {
    await args.ack();
    await afterAck(args, deps, 'add answers', async () => {
      const click = await parseClick(args, deps, parseRoundRef);
      if (!click) return;
      const opened = deps.design.openAnswers({ teamId: click.body.team.id, userId: click.body.user.id, allianceId: click.value.a, roundId: click.value.r });
      if (opened.kind === 'notice') {
        await replyPrivately({ respond: args.respond, client: args.client, logger: deps.logger }, click.target, opened.text);
        return;
      }
      await args.client.views.open({ trigger_id: click.body.trigger_id, view: opened.view });
    });
  });

  // "Compile now": the starter compiles with at least two answers in.
  on.action(ACTIONS.compileNow, async (args) => {
    await args.ack();
    await afterAck(args, deps, 'compile now', async () => {
      const click = await parseClick(args, deps, parseRoundRef);
      if (!click) return;
      const result = await deps.design.compile({ teamId: click.body.team.id, roundId: click.value.r, byUserId: click.body.user.id, now: deps.clock.now() });
      if (result.kind === 'notice') await replyPrivately({ respond: args.respond, client: args.client, logger: deps.logger }, click.target, result.text);
    });
  });
}
