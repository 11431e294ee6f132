import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realTimer } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { FakeSlack } from '../../src/simulator/fake-slack.js';
import { createSlackClient, singleWorkspaceClients, webClientOptions } from '../../src/slack/clients.js';
import { createDmSender, type DmSender } from '../../src/slack/dm-sender.js';

const message = { text: 'Hello from Alliance', blocks: [] };

/** The DM sender against the simulated Slack Web API: what each call sends and what it makes of the answer. */
describe('the DM sender', () => {
  let fake: FakeSlack;
  let dms: DmSender;
  beforeAll(async () => {
    fake = await FakeSlack.start();
    fake.addUser({ id: 'UALICE', name: 'alice' });
    fake.addUser({ id: 'UROBOT', name: 'robot', isBot: true });
    const logger = createLogger('error', 'test', () => {});
    const client = createSlackClient(fake.botToken, webClientOptions({ slackApiUrl: fake.apiUrl, logger }));
    dms = createDmSender({ clients: singleWorkspaceClients(fake.teamId, client), timer: realTimer });
  });
  afterAll(async () => fake.close());

  it('posts a first message to the person’s id in one call and answers with the DM channel it landed in', async () => {
    fake.clearCalls();
    const posted = await dms.post(fake.teamId, 'UALICE', message, 41);
    expect(posted).toEqual({ ok: true, channel: fake.dmChannelId('UALICE'), ts: expect.any(String) });
    expect(fake.calls().map((c) => [c.method, c.args.channel])).toEqual([['chat.postMessage', 'UALICE']]);
    expect(fake.messages(fake.dmChannelId('UALICE')).map((m) => m.text)).toContain('Hello from Alliance');
    // The crash-recovery lookup works with the channel the post answered with.
    if (!posted.ok) throw new Error('not posted');
    expect(await dms.findDelivered(fake.teamId, posted.channel, 41)).toEqual({ ok: true, ts: posted.ts });
    expect(await dms.findDelivered(fake.teamId, posted.channel, 42)).toEqual({ ok: true, ts: null });
  });

  it('says a person Slack does not know, or a bot, cannot be reached; a vanished DM channel is stale', async () => {
    expect(await dms.post(fake.teamId, 'UNOBODY', message, 1)).toEqual({
      ok: false,
      error: 'user_not_found',
      meaning: 'unreachable',
    });
    expect(await dms.post(fake.teamId, 'UROBOT', message, 2)).toMatchObject({ ok: false, meaning: 'unreachable' });
    expect(await dms.post(fake.teamId, 'DNOBODY', message, 3)).toEqual({
      ok: false,
      error: 'channel_not_found',
      meaning: 'stale-channel',
    });
  });
});
