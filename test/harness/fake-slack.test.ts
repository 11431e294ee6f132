import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../src/simulator/fake-slack.js';
import { fakeWebClient, platformError, slackError } from '../support/web-client.js';

let fake: FakeSlack;
let client: webApi.WebClient;

function arrangeWorkspace(f: FakeSlack): void {
  f.addUser({ id: 'U1', name: 'ana', realName: 'Ana Lima' });
  f.addUser({ id: 'U2', name: 'ben', tz: 'America/New_York' });
  f.addUser({ id: 'U3', name: 'cy' });
  f.addUser({ id: 'UGONE', name: 'gone', deleted: true });
  f.addUser({ id: 'UOTHERBOT', name: 'otherbot', isBot: true });
  f.addChannel({ id: 'CPUB', name: 'team', members: ['U1', 'U2'], botIsMember: true });
  f.addChannel({ id: 'COUT', name: 'elsewhere', members: ['U1'] });
  f.addChannel({ id: 'CPRIV', name: 'secret', isPrivate: true, members: ['U1'] });
  f.addChannel({ id: 'CPRIVIN', name: 'inner', isPrivate: true, members: ['U1', 'U3'], botIsMember: true });
  f.addChannel({ id: 'CARCH', name: 'old', members: ['U1'], botIsMember: true, isArchived: true });
}

beforeEach(async () => {
  fake = await FakeSlack.start();
  arrangeWorkspace(fake);
  client = fakeWebClient(fake);
});

afterEach(async () => {
  await fake.close();
});

describe('transport and auth', () => {
  it('answers auth.test with the bot identity', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({
      ok: true,
      team_id: 'T0ALLIANCE',
      team: 'Alliance',
      user_id: 'UBOT',
      bot_id: fake.botId,
      url: 'https://alliance.slack.com/',
    });
  });

  it('rejects a wrong token with invalid_auth and a missing one with not_authed', async () => {
    const wrong = fakeWebClient(fake, { token: 'xoxb-wrong' });
    expect(await slackError(wrong.auth.test())).toBe('invalid_auth');
    const res = await fetch(`${fake.apiUrl}auth.test`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('accepts the token as a form field, as Slack does', async () => {
    const res = await fetch(`${fake.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: fake.botToken }).toString(),
    });
    expect(await res.json()).toMatchObject({ ok: true, user_id: 'UBOT' });
  });

  it('accepts JSON bodies with a bearer token', async () => {
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.botToken}` },
      body: JSON.stringify({ channel: 'CPUB', text: 'json', blocks: [{ type: 'divider' }] }),
    });
    const json: unknown = await res.json();
    expect(json).toMatchObject({ ok: true, channel: 'CPUB' });
    expect(fake.messages('CPUB')[0]?.text).toBe('json');
  });

  it('answers unknown methods with unknown_method', async () => {
    expect(await slackError(client.apiCall('nope.nothing'))).toBe('unknown_method');
  });

  it('records calls with JSON-encoded fields parsed and the token left out', async () => {
    await client.chat.postMessage({
      channel: 'CPUB',
      text: 'hi',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }],
      metadata: { event_type: 'agreement_posted', event_payload: { id: 7 } },
    });
    const [call] = fake.calls('chat.postMessage');
    expect(call?.status).toBe(200);
    expect(call?.args.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }]);
    expect(call?.args.metadata).toEqual({ event_type: 'agreement_posted', event_payload: { id: 7 } });
    expect(call?.args).not.toHaveProperty('token');
    expect(call?.response).toMatchObject({ ok: true, channel: 'CPUB' });
    expect(fake.calls()).toHaveLength(1);
    fake.clearCalls();
    expect(fake.calls()).toEqual([]);
  });
});

describe('chat.postMessage', () => {
  it('stores the message with Slack-generated block_ids and answers Slack-shaped', async () => {
    const res = await client.chat.postMessage({
      channel: 'CPUB',
      text: 'Hello',
      blocks: [{ type: 'section', text: { type: 'plain_text', text: 'Hello' } }],
    });
    expect(res.ok).toBe(true);
    expect(res.channel).toBe('CPUB');
    expect(res.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(res.message).toMatchObject({
      type: 'message',
      text: 'Hello',
      user: 'UBOT',
      bot_id: fake.botId,
      app_id: fake.appId,
      ts: res.ts,
    });
    const [stored] = fake.messages('CPUB');
    expect(stored).toMatchObject({ ts: res.ts, channel: 'CPUB', user: 'UBOT', text: 'Hello', pinned: false });
    expect(stored?.blocks[0]).toMatchObject({ type: 'section', block_id: expect.any(String) });
  });

  it('generates strictly increasing ts values', async () => {
    const a = await client.chat.postMessage({ channel: 'CPUB', text: 'a' });
    const b = await client.chat.postMessage({ channel: 'CPUB', text: 'b' });
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
  });

  it('refuses channels the bot cannot post in, with Slack’s error names', async () => {
    expect(await slackError(client.chat.postMessage({ channel: 'COUT', text: 'x' }))).toBe('not_in_channel');
    expect(await slackError(client.chat.postMessage({ channel: 'CPRIV', text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(client.chat.postMessage({ channel: 'CNOPE', text: 'x' }))).toBe('channel_not_found');
    expect(await slackError(client.chat.postMessage({ channel: 'CARCH', text: 'x' }))).toBe('is_archived');
    const ok = await client.chat.postMessage({ channel: 'CPRIVIN', text: 'inside' });
    expect(ok.channel).toBe('CPRIVIN');
  });

  it('needs text or blocks: no_text for neither, but blocks alone are accepted', async () => {
    expect(await slackError(client.chat.postMessage({ channel: 'CPUB', text: '' }))).toBe('no_text');
    const res = await client.chat.postMessage({ channel: 'CPUB', blocks: [{ type: 'divider' }] });
    expect(res.ok).toBe(true);
  });

  it('accepts 40,000 characters of text and refuses 40,001 with msg_too_long', async () => {
    await expect(client.chat.postMessage({ channel: 'CPUB', text: 'x'.repeat(40_000) })).resolves.toMatchObject({
      ok: true,
    });
    expect(await slackError(client.chat.postMessage({ channel: 'CPUB', text: 'x'.repeat(40_001) }))).toBe(
      'msg_too_long',
    );
  });

  it('answers invalid_blocks with Slack’s pointer message, and stores nothing', async () => {
    const err = await platformError(
      client.chat.postMessage({
        channel: 'CPUB',
        text: 't',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }],
      }),
    );
    expect(err.data.error).toBe('invalid_blocks');
    expect(err.data.response_metadata?.messages).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
    expect(fake.messages('CPUB')).toEqual([]);
  });

  it('answers invalid_metadata_format for malformed metadata', async () => {
    const bad = client.apiCall('chat.postMessage', { channel: 'CPUB', text: 'x', metadata: { event_payload: {} } });
    expect(await slackError(bad)).toBe('invalid_metadata_format');
  });

  it('stores thread replies with thread_ts; history shows the parent with reply_count, replies shows both', async () => {
    const parent = await client.chat.postMessage({ channel: 'CPUB', text: 'parent' });
    const reply = await client.chat.postMessage({ channel: 'CPUB', text: 'reply', thread_ts: parent.ts ?? '' });
    const stored = fake.messages('CPUB');
    expect(stored.map((m) => [m.text, m.thread_ts])).toEqual([
      ['parent', undefined],
      ['reply', parent.ts],
    ]);
    const history = await client.conversations.history({ channel: 'CPUB' });
    expect(history.messages?.map((m) => m.text)).toEqual(['parent']);
    expect(history.messages?.[0]).toMatchObject({ reply_count: 1, latest_reply: reply.ts, thread_ts: parent.ts });
    const replies = await client.conversations.replies({ channel: 'CPUB', ts: parent.ts ?? '' });
    expect(replies.messages?.map((m) => m.text)).toEqual(['parent', 'reply']);
  });
});

describe('DMs', () => {
  it('posting to a user id lands in D<userId> and answers with that channel id', async () => {
    const res = await client.chat.postMessage({ channel: 'U1', text: 'psst' });
    expect(res.channel).toBe('DU1');
    expect(fake.messages('DU1').map((m) => m.text)).toEqual(['psst']);
    expect(fake.messages('U1').map((m) => m.text)).toEqual(['psst']);
  });

  it('conversations.open returns the same D… channel, and posting there lands in the same DM', async () => {
    const opened = await client.conversations.open({ users: 'U2' });
    expect(opened.channel?.id).toBe('DU2');
    expect(opened.already_open).toBeUndefined();
    const again = await client.conversations.open({ users: 'U2' });
    expect(again).toMatchObject({ ok: true, no_op: true, already_open: true, channel: { id: 'DU2' } });
    await client.chat.postMessage({ channel: 'DU2', text: 'one' });
    await client.chat.postMessage({ channel: 'U2', text: 'two' });
    expect(fake.messages('DU2').map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('refuses DMs with bots (cannot_dm_bot), deactivated people (user_disabled) and unknown users (user_not_found)', async () => {
    expect(await slackError(client.conversations.open({ users: 'UOTHERBOT' }))).toBe('cannot_dm_bot');
    expect(await slackError(client.chat.postMessage({ channel: 'UOTHERBOT', text: 'x' }))).toBe('cannot_dm_bot');
    expect(await slackError(client.conversations.open({ users: 'UGONE' }))).toBe('user_disabled');
    expect(await slackError(client.conversations.open({ users: 'UNOBODY' }))).toBe('user_not_found');
    expect(await slackError(client.chat.postMessage({ channel: 'UNOBODY', text: 'x' }))).toBe('channel_not_found');
  });

  it('accepts a post to a deactivated user’s id, as Slack does (the DM history still exists)', async () => {
    const res = await client.chat.postMessage({ channel: 'UGONE', text: 'still delivered' });
    expect(res.channel).toBe('DUGONE');
  });
});

describe('chat.update / delete / getPermalink / postEphemeral / pins', () => {
  it('updates in place, keeps blocks when only text changes, and marks the edit', async () => {
    const posted = await client.chat.postMessage({
      channel: 'CPUB',
      text: 'v1',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'v1' } }],
    });
    const ts = posted.ts ?? '';
    const res = await client.chat.update({ channel: 'CPUB', ts, text: 'v2' });
    expect(res).toMatchObject({ ok: true, channel: 'CPUB', ts, text: 'v2' });
    const [m] = fake.messages('CPUB');
    expect(m?.text).toBe('v2');
    expect(m?.blocks).toHaveLength(1);
    expect(m?.edited?.user).toBe('UBOT');
    await client.chat.update({ channel: 'CPUB', ts, text: 'v3', blocks: [] });
    expect(fake.messages('CPUB')[0]?.blocks).toEqual([]);
  });

  it('answers message_not_found and cant_update_message', async () => {
    expect(await slackError(client.chat.update({ channel: 'CPUB', ts: '1.000001', text: 'x' }))).toBe(
      'message_not_found',
    );
    const human = fake.addMessage({ channel: 'CPUB', user: 'U1', text: 'mine' });
    expect(await slackError(client.chat.update({ channel: 'CPUB', ts: human.ts, text: 'x' }))).toBe(
      'cant_update_message',
    );
    expect(await slackError(client.chat.delete({ channel: 'CPUB', ts: human.ts }))).toBe('cant_delete_message');
  });

  it('deletes messages', async () => {
    const posted = await client.chat.postMessage({ channel: 'CPUB', text: 'bye' });
    await expect(client.chat.delete({ channel: 'CPUB', ts: posted.ts ?? '' })).resolves.toMatchObject({
      ok: true,
      ts: posted.ts,
    });
    expect(fake.messages('CPUB')).toEqual([]);
    expect(fake.deletedMessages().map((m) => m.text)).toEqual(['bye']);
  });

  it('builds permalinks like Slack', async () => {
    const posted = await client.chat.postMessage({ channel: 'CPUB', text: 'link me' });
    const ts = posted.ts ?? '';
    const res = await client.chat.getPermalink({ channel: 'CPUB', message_ts: ts });
    expect(res.permalink).toBe(`https://alliance.slack.com/archives/CPUB/p${ts.replace('.', '')}`);
    expect(await slackError(client.chat.getPermalink({ channel: 'CPUB', message_ts: '1.000001' }))).toBe(
      'message_not_found',
    );
  });

  it('posts ephemerals only to channel members', async () => {
    const res = await client.chat.postEphemeral({ channel: 'CPUB', user: 'U1', text: 'only you' });
    expect(res.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.ephemerals('U1')).toMatchObject([
      { channel: 'CPUB', user: 'U1', text: 'only you', via: 'chat.postEphemeral' },
    ]);
    expect(await slackError(client.chat.postEphemeral({ channel: 'CPUB', user: 'U3', text: 'x' }))).toBe(
      'user_not_in_channel',
    );
    expect(fake.messages('CPUB')).toEqual([]);
  });

  it('pins once, then answers already_pinned', async () => {
    const posted = await client.chat.postMessage({ channel: 'CPUB', text: 'pin me' });
    await expect(client.pins.add({ channel: 'CPUB', timestamp: posted.ts ?? '' })).resolves.toMatchObject({ ok: true });
    expect(fake.messages('CPUB')[0]?.pinned).toBe(true);
    expect(fake.pinned('CPUB')).toHaveLength(1);
    expect(await slackError(client.pins.add({ channel: 'CPUB', timestamp: posted.ts ?? '' }))).toBe('already_pinned');
    expect(await slackError(client.pins.add({ channel: 'CPUB', timestamp: '1.000001' }))).toBe('message_not_found');
  });
});

describe('conversations', () => {
  it('conversations.info reports membership, privacy, archival and name', async () => {
    const pub = await client.conversations.info({ channel: 'CPUB' });
    expect(pub.channel).toMatchObject({
      id: 'CPUB',
      name: 'team',
      is_member: true,
      is_private: false,
      is_archived: false,
    });
    const out = await client.conversations.info({ channel: 'COUT' });
    expect(out.channel).toMatchObject({ is_member: false });
    const arch = await client.conversations.info({ channel: 'CARCH' });
    expect(arch.channel).toMatchObject({ is_archived: true });
    const inner = await client.conversations.info({ channel: 'CPRIVIN' });
    expect(inner.channel).toMatchObject({ is_private: true, is_member: true });
    expect(await slackError(client.conversations.info({ channel: 'CPRIV' }))).toBe('channel_not_found');
  });

  it('conversations.join joins public channels only', async () => {
    await client.conversations.join({ channel: 'COUT' });
    expect(fake.channel('COUT')?.botIsMember).toBe(true);
    const again = await client.conversations.join({ channel: 'COUT' });
    expect(again.warning).toBe('already_in_channel');
    expect(await slackError(client.conversations.join({ channel: 'CPRIV' }))).toBe(
      'method_not_supported_for_channel_type',
    );
    expect(await slackError(client.conversations.join({ channel: 'CARCH2' }))).toBe('channel_not_found');
  });

  it('conversations.members paginates with next_cursor and honours smaller limits', async () => {
    const small = await FakeSlack.start({ membersPageSize: 2 });
    try {
      small.addChannel({ id: 'CBIG', name: 'big', members: ['U1', 'U2', 'U3', 'U4'], botIsMember: true });
      const c = fakeWebClient(small);
      const first = await c.conversations.members({ channel: 'CBIG' });
      expect(first.members).toEqual(['U1', 'U2']);
      const cursor = first.response_metadata?.next_cursor ?? '';
      expect(cursor).not.toBe('');
      const second = await c.conversations.members({ channel: 'CBIG', cursor });
      expect(second.members).toEqual(['U3', 'U4']);
      const third = await c.conversations.members({
        channel: 'CBIG',
        cursor: second.response_metadata?.next_cursor ?? '',
      });
      expect(third.members).toEqual(['UBOT']);
      expect(third.response_metadata?.next_cursor).toBe('');
      const one = await c.conversations.members({ channel: 'CBIG', limit: 1 });
      expect(one.members).toEqual(['U1']);
      const all: string[] = [];
      for await (const page of c.paginate('conversations.members', { channel: 'CBIG' })) {
        all.push(...((page as webApi.ConversationsMembersResponse).members ?? []));
      }
      expect(all).toEqual(['U1', 'U2', 'U3', 'U4', 'UBOT']);
      expect(await slackError(c.conversations.members({ channel: 'CBIG', cursor: 'bm9wZQ==' }))).toBe('invalid_cursor');
    } finally {
      await small.close();
    }
  });

  it('conversations.members hides private channels the bot is not in', async () => {
    expect(await slackError(client.conversations.members({ channel: 'CPRIV' }))).toBe('channel_not_found');
    const inner = await client.conversations.members({ channel: 'CPRIVIN' });
    expect(inner.members).toEqual(['U1', 'U3', 'UBOT']);
  });

  it('conversations.history: newest first, exclusive oldest/latest, limit with has_more, metadata only on request', async () => {
    const a = await client.chat.postMessage({
      channel: 'CPUB',
      text: 'a',
      metadata: { event_type: 'kind', event_payload: { n: 1 } },
    });
    const b = await client.chat.postMessage({ channel: 'CPUB', text: 'b' });
    const c = await client.chat.postMessage({ channel: 'CPUB', text: 'c' });
    const all = await client.conversations.history({ channel: 'CPUB' });
    expect(all.messages?.map((m) => m.text)).toEqual(['c', 'b', 'a']);
    expect(all.messages?.[2]).not.toHaveProperty('metadata');
    const withMeta = await client.conversations.history({ channel: 'CPUB', include_all_metadata: true });
    expect(withMeta.messages?.[2]?.metadata).toEqual({ event_type: 'kind', event_payload: { n: 1 } });
    const between = await client.conversations.history({ channel: 'CPUB', oldest: a.ts ?? '', latest: c.ts ?? '' });
    expect(between.messages?.map((m) => m.ts)).toEqual([b.ts]);
    const inclusive = await client.conversations.history({ channel: 'CPUB', oldest: a.ts ?? '', inclusive: true });
    expect(inclusive.messages).toHaveLength(3);
    const page = await client.conversations.history({ channel: 'CPUB', limit: 2 });
    expect(page.messages?.map((m) => m.text)).toEqual(['c', 'b']);
    expect(page.has_more).toBe(true);
    const rest = await client.conversations.history({
      channel: 'CPUB',
      limit: 2,
      cursor: page.response_metadata?.next_cursor ?? '',
    });
    expect(rest.messages?.map((m) => m.text)).toEqual(['a']);
    expect(rest.has_more).toBe(false);
    expect(await slackError(client.conversations.history({ channel: 'COUT' }))).toBe('not_in_channel');
  });
});

describe('users.info', () => {
  it('returns Slack’s user shape with tz defaults', async () => {
    const res = await client.users.info({ user: 'U1' });
    expect(res.user).toMatchObject({
      id: 'U1',
      team_id: 'T0ALLIANCE',
      name: 'ana',
      real_name: 'Ana Lima',
      deleted: false,
      is_bot: false,
      tz: 'Europe/Berlin',
      profile: { real_name: 'Ana Lima', display_name: 'ana' },
    });
    expect([3600, 7200]).toContain(res.user?.tz_offset);
    expect(typeof res.user?.tz_label).toBe('string');
    const ny = await client.users.info({ user: 'U2' });
    expect([-18000, -14400]).toContain(ny.user?.tz_offset);
    expect((await client.users.info({ user: 'UGONE' })).user?.deleted).toBe(true);
    expect(await slackError(client.users.info({ user: 'UNOBODY' }))).toBe('user_not_found');
  });

  it('uses an explicit tzOffset when given', async () => {
    fake.addUser({ id: 'U9', name: 'nine', tz: 'Asia/Kolkata', tzOffset: 19800 });
    expect((await client.users.info({ user: 'U9' })).user?.tz_offset).toBe(19800);
  });
});

describe('views and triggers', () => {
  const modal = (title = 'Agreement', extra: Record<string, unknown> = {}) => ({
    type: 'modal' as const,
    title: { type: 'plain_text' as const, text: title },
    submit: { type: 'plain_text' as const, text: 'Save' },
    blocks: [
      {
        type: 'input',
        block_id: 'b',
        label: { type: 'plain_text', text: 'Name' },
        element: { type: 'plain_text_input', action_id: 'name' },
      },
    ],
    ...extra,
  });

  it('views.open opens a new stack for the trigger’s user', async () => {
    const trigger = fake.mintTriggerId('U1');
    const res = await client.views.open({ trigger_id: trigger, view: modal() });
    expect(res.view).toMatchObject({
      type: 'modal',
      title: { text: 'Agreement' },
      team_id: 'T0ALLIANCE',
      app_id: fake.appId,
      previous_view_id: null,
    });
    expect(res.view?.id).toMatch(/^V/);
    expect(res.view?.root_view_id).toBe(res.view?.id);
    expect(res.view?.hash).toEqual(expect.any(String));
    expect(fake.openViews('U1').map((v) => v.id)).toEqual([res.view?.id]);
  });

  it('refuses unknown, expired and reused triggers with Slack’s names', async () => {
    expect(await slackError(client.views.open({ trigger_id: '1.2.nope', view: modal() }))).toBe('invalid_trigger_id');
    const old = fake.mintTriggerId('U1');
    fake.ageTrigger(old, 3001);
    expect(await slackError(client.views.open({ trigger_id: old, view: modal() }))).toBe('expired_trigger_id');
    const young = fake.mintTriggerId('U1');
    fake.ageTrigger(young, 2000);
    await expect(client.views.open({ trigger_id: young, view: modal() })).resolves.toMatchObject({ ok: true });
    expect(await slackError(client.views.open({ trigger_id: young, view: modal() }))).toBe('exchanged_trigger_id');
  });

  it('follows a custom clock: a trigger is good for exactly triggerTtlMs', async () => {
    let now = 1_700_000_000_000;
    const timed = await FakeSlack.start({ now: () => now, triggerTtlMs: 3000 });
    try {
      timed.addUser({ id: 'U1', name: 'ana' });
      const c = fakeWebClient(timed);
      const atLimit = timed.mintTriggerId('U1');
      const beyond = timed.mintTriggerId('U1');
      now += 3000;
      await expect(c.views.open({ trigger_id: atLimit, view: modal() })).resolves.toMatchObject({ ok: true });
      now += 1;
      expect(await slackError(c.views.open({ trigger_id: beyond, view: modal() }))).toBe('expired_trigger_id');
    } finally {
      await timed.close();
    }
  });

  it('validates views: invalid_arguments with pointer messages, without using up the trigger', async () => {
    const trigger = fake.mintTriggerId('U1');
    const err = await platformError(client.views.open({ trigger_id: trigger, view: modal('x'.repeat(25)) }));
    expect(err.data.error).toBe('invalid_arguments');
    expect(err.data.response_metadata?.messages).toEqual([
      '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
    ]);
    await expect(client.views.open({ trigger_id: trigger, view: modal('x'.repeat(24)) })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('views.push stacks up to three views, then push_limit_reached', async () => {
    const opened = await client.views.open({ trigger_id: fake.mintTriggerId('U1'), view: modal('One') });
    const rootId = opened.view?.id ?? '';
    const second = await client.views.push({
      trigger_id: fake.mintTriggerId('U1', { viewId: rootId }),
      view: modal('Two'),
    });
    expect(second.view).toMatchObject({ root_view_id: rootId, previous_view_id: rootId });
    await client.views.push({ trigger_id: fake.mintTriggerId('U1'), view: modal('Three') });
    expect(fake.openViews('U1').map((v) => v.title?.text)).toEqual(['One', 'Two', 'Three']);
    expect(await slackError(client.views.push({ trigger_id: fake.mintTriggerId('U1'), view: modal('Four') }))).toBe(
      'push_limit_reached',
    );
    expect(await slackError(client.views.push({ trigger_id: fake.mintTriggerId('U2'), view: modal('Lonely') }))).toBe(
      'not_found',
    );
  });

  it('views.update by view_id or external_id, with hash checks', async () => {
    const opened = await client.views.open({
      trigger_id: fake.mintTriggerId('U1'),
      view: modal('One', { external_id: 'ext-1' }),
    });
    const id = opened.view?.id ?? '';
    const hash = opened.view?.hash ?? '';
    const updated = await client.views.update({ view_id: id, hash, view: modal('Two', { external_id: 'ext-1' }) });
    expect(updated.view).toMatchObject({ id, title: { text: 'Two' } });
    expect(updated.view?.hash).not.toBe(hash);
    expect(await slackError(client.views.update({ view_id: id, hash, view: modal('Stale') }))).toBe('hash_conflict');
    const byExternal = await client.views.update({
      external_id: 'ext-1',
      view: modal('Three', { external_id: 'ext-1' }),
    });
    expect(byExternal.view?.id).toBe(id);
    expect(fake.topView('U1')?.title?.text).toBe('Three');
    expect(await slackError(client.views.update({ view_id: 'VNOPE', view: modal() }))).toBe('not_found');
    expect(
      await slackError(
        client.views.open({ trigger_id: fake.mintTriggerId('U2'), view: modal('Dup', { external_id: 'ext-1' }) }),
      ),
    ).toBe('duplicate_external_id');
  });

  it('views.publish keeps one App Home view per user, same id, new hash', async () => {
    const home = { type: 'home' as const, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Welcome' } }] };
    const first = await client.views.publish({ user_id: 'U1', view: home });
    const second = await client.views.publish({ user_id: 'U1', view: home, hash: first.view?.hash ?? '' });
    expect(second.view?.id).toBe(first.view?.id);
    expect(second.view?.hash).not.toBe(first.view?.hash);
    expect(fake.homeView('U1')?.blocks).toHaveLength(1);
    expect(await slackError(client.views.publish({ user_id: 'U1', view: home, hash: first.view?.hash ?? '' }))).toBe(
      'hash_conflict',
    );
    expect(await slackError(client.views.publish({ user_id: 'U1', view: modal() }))).toBe('invalid_arguments');
  });
});

describe('files (filesUploadV2 end to end)', () => {
  it('uploads the bytes to the upload URL and shares them in the thread with the comment', async () => {
    const parent = await client.chat.postMessage({ channel: 'CPUB', text: 'chart below' });
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
    const res = await client.filesUploadV2({
      channel_id: 'CPUB',
      thread_ts: parent.ts ?? '',
      file: bytes,
      filename: 'chart.png',
      title: 'Chart',
      initial_comment: 'Here it is',
    });
    expect(res.ok).toBe(true);
    expect(fake.calls().map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    const [file] = fake.files();
    expect(file).toMatchObject({
      filename: 'chart.png',
      title: 'Chart',
      channel: 'CPUB',
      thread_ts: parent.ts,
      initial_comment: 'Here it is',
      completed: true,
      length: 12,
    });
    expect(file?.bytes?.equals(bytes)).toBe(true);
    const shared = fake.messages('CPUB').find((m) => m.files !== undefined);
    expect(shared).toMatchObject({ thread_ts: parent.ts, text: 'Here it is', files: [file?.id] });
  });

  it('refuses to complete an upload whose bytes never arrived, and channels the bot is not in', async () => {
    const url = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 3 });
    expect(url.upload_url).toMatch(new RegExp(`^${fake.origin}/upload/v1/`));
    expect(
      await slackError(client.files.completeUploadExternal({ files: [{ id: url.file_id ?? '' }], channel_id: 'CPUB' })),
    ).toBe('file_not_found');
    await fetch(url.upload_url ?? '', { method: 'POST', body: 'abc' });
    expect(
      await slackError(client.files.completeUploadExternal({ files: [{ id: url.file_id ?? '' }], channel_id: 'COUT' })),
    ).toBe('not_in_channel');
    await expect(
      client.files.completeUploadExternal({ files: [{ id: url.file_id ?? '' }], channel_id: 'CPUB' }),
    ).resolves.toMatchObject({ ok: true });
    expect(fake.files()[0]?.bytes?.toString()).toBe('abc');
  });
});

describe('rate limits and failure injection', () => {
  it('limits the workspace per fixed one-second window with Retry-After', async () => {
    let now = 1_700_000_000_100;
    const limited = await FakeSlack.start({ workspaceRateLimitPerSecond: 2, now: () => now });
    try {
      const c = fakeWebClient(limited, { rejectRateLimitedCalls: true });
      await c.auth.test();
      await c.auth.test();
      const error = await c.auth.test().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(webApi.WebAPIRateLimitedError);
      expect((error as webApi.WebAPIRateLimitedError).retryAfter).toBe(1);
      expect(limited.rateLimitedCount).toBe(1);
      expect(limited.calls('auth.test').map((r) => r.status)).toEqual([200, 200, 429]);
      now += 900; // next window starts at ...001.000
      await expect(c.auth.test()).resolves.toMatchObject({ ok: true });
    } finally {
      await limited.close();
    }
  });

  it('injects 429 with a Retry-After the client reads', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfterSec: 7 });
    const c = fakeWebClient(fake, { rejectRateLimitedCalls: true });
    const error = await c.chat.postMessage({ channel: 'CPUB', text: 'x' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(webApi.WebAPIRateLimitedError);
    expect((error as webApi.WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(fake.rateLimitedCount).toBe(1);
    await expect(c.chat.postMessage({ channel: 'CPUB', text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  it('a retrying WebClient waits out Retry-After and succeeds', async () => {
    fake.failNext('auth.test', { status: 429, retryAfterSec: 1 });
    const c = fakeWebClient(fake, { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    const started = Date.now();
    await expect(c.auth.test()).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.calls('auth.test').map((r) => r.status)).toEqual([429, 200]);
  });

  it('injects HTTP 500 and Slack errors, `times` times', async () => {
    fake.failNext('auth.test', { status: 500 });
    const error = await client.auth.test().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(webApi.WebAPIHTTPError);
    expect((error as webApi.WebAPIHTTPError).statusCode).toBe(500);
    fake.failNext('chat.postMessage', { error: 'fatal_error' }, 2);
    expect(await slackError(client.chat.postMessage({ channel: 'CPUB', text: 'x' }))).toBe('fatal_error');
    expect(await slackError(client.chat.postMessage({ channel: 'CPUB', text: 'x' }))).toBe('fatal_error');
    await expect(client.chat.postMessage({ channel: 'CPUB', text: 'x' })).resolves.toMatchObject({ ok: true });
    expect(fake.messages('CPUB')).toHaveLength(1);
  });
});

describe('response_url', () => {
  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('replace_original edits the message the url was minted for; delete_original removes it', async () => {
    const posted = await client.chat.postMessage({ channel: 'CPUB', text: 'vote' });
    const ts = posted.ts ?? '';
    const url = fake.responseUrl({ channel: 'CPUB', ts, userId: 'U1' });
    const res = await post(url, { replace_original: true, text: 'voted' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(fake.message('CPUB', ts)?.text).toBe('voted');
    await post(url, { delete_original: true });
    expect(fake.message('CPUB', ts)).toBeUndefined();
    expect(fake.responses().map((r) => r.status)).toEqual([200, 200]);
  });

  it('posts without replace_original become ephemeral to the user; in_channel posts are public', async () => {
    const url = fake.responseUrl({ channel: 'CPUB', userId: 'U1' });
    await post(url, { text: 'just you' });
    await post(url, { text: 'everyone', response_type: 'in_channel' });
    expect(fake.ephemerals('U1').map((e) => [e.text, e.via])).toEqual([['just you', 'response_url']]);
    expect(fake.messages('CPUB').map((m) => m.text)).toEqual(['everyone']);
  });

  it('accepts five posts within 30 minutes, refuses the sixth, and expires after 30 minutes', async () => {
    const url = fake.responseUrl({ channel: 'CPUB', userId: 'U1' });
    for (let i = 0; i < 5; i += 1) expect((await post(url, { text: `n${i}` })).status).toBe(200);
    const sixth = await post(url, { text: 'n5' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toMatchObject({ ok: false, error: 'used_url' });
    const fresh = fake.responseUrl({ channel: 'CPUB', userId: 'U1' });
    fake.ageResponseUrl(fresh, 30 * 60 * 1000 + 1);
    const late = await post(fresh, { text: 'late' });
    expect(late.status).toBe(404);
    expect(await late.json()).toMatchObject({ error: 'expired_url' });
  });

  it('validates the message like chat.postMessage', async () => {
    const url = fake.responseUrl({ channel: 'CPUB', userId: 'U1' });
    const res = await post(url, { blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      ok: false,
      error: 'invalid_blocks',
      response_metadata: { messages: ['[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]'] },
    });
    expect(fake.ephemerals()).toEqual([]);
  });
});
