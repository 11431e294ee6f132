import type { ListenerRegistry } from '../registry.js';
import { ACTIONS } from '../../ids.js';
import { flagRefSchema, versionRefSchema } from '../../payloads.js';
import type { ListenerDeps } from '../deps.js';
import { replyPrivately } from '../reply.js';
import { afterAck, parseClick } from './click.js';

const parseFlagRef = (value: string | undefined) => {
  const parsed = flagRefSchema.safeParse(value ?? '');
  return parsed.success ? parsed.data : null;
};
const parseVersionRef = (value: string | undefined) => {
  const parsed = versionRefSchema.safeParse(value ?? '');
  return parsed.success ? parsed.data : null;
};

export function registerRenegotiationActions(on: ListenerRegistry, deps: ListenerDeps): void {
  const reply = (args: Parameters<typeof afterAck>[0], target: { userId: string; channelId?: string | undefined }, text: string) =>
    replyPrivately({ respond: args.respond, client: args.client, logger: deps.logger }, target, text);

  on.action(ACTIONS.startRenegotiation, async (args) => {
    await args.ack();
    await afterAck(args, deps, 'start renegotiation', async () => {
      const click = await parseClick(args, deps, parseFlagRef);
      if (!click) return;
      const result = await deps.renegotiation.startFromFlag({ teamId: click.body.team.id, userId: click.body.user.id, flagId: click.value.f, now: deps.clock.now() });
      await reply(args, click.target, result.text);
    });
  });

  on.action(ACTIONS.notNow, async (args) => {
    await args.ack();
    await afterAck(args, deps, 'not now', async () => {
      const click = await parseClick(args, deps, parseFlagRef);
      if (!click) return;
      const opened = deps.renegotiation.openSnooze({ teamId: click.body.team.id, userId: click.body.user.id, flagId: click.value.f });
      if (opened.kind === 'notice') return reply(args, click.target, opened.text);
      await args.client.views.open({ trigger_id: click.body.trigger_id, view: opened.view });
    });
  });

  on.action(ACTIONS.commit, async (args) => {
    await args.ack();
    await afterAck(args, deps, 'commit', async () => {
      const click = await parseClick(args, deps, parseVersionRef);
      if (!click) return;
      const result = await deps.renegotiation.commit({ teamId: click.body.team.id, userId: click.body.user.id, allianceId: click.value.a, versionId: click.value.v, now: deps.clock.now() });
      await reply(args, click.target, result.text);
    });
  });

  on.action(ACTIONS.proposeChanges, async (args) => {
    await args.ack();
    await afterAck(args, deps, 'propose changes', async () => {
      const click = await parseClick(args, deps, parseVersionRef);
      if (!click) return;
      const opened = deps.renegotiation.openProposal({ teamId: click.body.team.id, userId: click.body.user.id, allianceId: click.value.a, versionId: click.value.v });
      if (opened.kind === 'notice') return reply(args, click.target, opened.text);
      await args.client.views.open({ trigger_id: click.body.trigger_id, view: opened.view });
    });
  });
}
