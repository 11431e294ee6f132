/**
 * The Slack side of the conversation: requests to the app's `/slack/events` endpoint exactly as Slack
 * sends them, signed with the app's signing secret, plus what the user's Slack client does with the
 * app's HTTP answers (closing, updating or pushing modals; showing a slash command's reply).
 *
 * Signing follows Slack's scheme (and Bolt's verifier): `X-Slack-Request-Timestamp: <seconds>` and
 * `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>")>`.
 * Slash commands and interactions arrive as `application/x-www-form-urlencoded` (interactions in a
 * `payload` field holding JSON); Events API callbacks as `application/json`.
 *
 * Anything a real user could not do (click a button not on a message they can see, submit a modal
 * that is not on top, leave a required input empty, pick an option that is not offered) throws, so a
 * test cannot pass by doing the impossible.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { elementOptions, isObject, sameOption } from './block-kit.js';
import type { FakeSlack, FakeView, StoredMessage } from './fake-slack.js';

export interface SlackSenderOptions {
  /** e.g. http://127.0.0.1:PORT/slack/events */
  appUrl: string;
  signingSecret: string;
  fake: FakeSlack;
  teamId?: string;
  appId?: string;
  /** The deprecated verification token Slack still includes in payloads. */
  verificationToken?: string;
  /** Clock for request timestamps, epoch milliseconds. */
  now?: () => number;
  /**
   * Awaited after each request is answered: the app acks first and finishes its work afterwards,
   * as Slack apps must; tests wait for that work before looking at what the user sees.
   */
  settle?: () => Promise<void>;
}

export interface SenderResult {
  status: number;
  /** Parsed JSON when the app answered with JSON, else the raw text. */
  body: unknown;
  text: string;
  /** How long the app took to answer (Slack gives up after 3 seconds). */
  elapsedMs: number;
}

export interface CommandResult extends SenderResult {
  triggerId: string;
  responseUrl: string;
  /** What the Slack client did with a non-empty answer body: showed it, or an error for an invalid one. */
  delivered?: { ok: boolean; error?: string; messages?: string[] };
}

export interface InteractionResult extends SenderResult {
  triggerId: string;
  /** Absent for interactions inside views (Slack sends no response_url there). */
  responseUrl?: string;
}

export interface SubmitResult extends SenderResult {
  /** `response_action: 'errors'` — the modal stays open showing these. */
  errors?: Record<string, string>;
  /** The view now on top of the user's stack after the answer was applied (undefined when the stack closed). */
  view?: FakeView;
  /** What the client did with the answer. */
  outcome: 'closed' | 'cleared' | 'errors' | 'updated' | 'pushed' | 'failed';
  triggerId: string;
}

export type CloseResult = ({ sent: true } & SenderResult) | { sent: false };

type Obj = Record<string, unknown>;

const STATEFUL_TYPES = new Set([
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
  'rich_text_input',
  'file_input',
  'static_select',
  'external_select',
  'multi_static_select',
  'multi_external_select',
  'users_select',
  'multi_users_select',
  'conversations_select',
  'multi_conversations_select',
  'channels_select',
  'multi_channels_select',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'checkboxes',
  'radio_buttons',
]);

interface StatefulElement {
  blockId: string;
  actionId: string;
  element: Obj;
  /** The input block holding it, when it is in one (only input blocks have labels / required-ness). */
  input?: Obj;
}

/** Thrown when a test asks a user to do something Slack's client would not let them do. */
export class ImpossibleUserAction extends Error {
  constructor(message: string) {
    super(`SlackSender: impossible for a real user: ${message}`);
    this.name = 'ImpossibleUserAction';
  }
}

export function signSlackRequest(signingSecret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

export class SlackSender {
  /** Where signed requests go; a restarted app listens on a new port. */
  appUrl: string;
  private readonly settle: (() => Promise<void>) | undefined;
  private readonly signingSecret: string;
  private readonly fake: FakeSlack;
  private readonly teamId: string;
  private readonly appId: string;
  private readonly verificationToken: string;
  private readonly clock: () => number;

  constructor(options: SlackSenderOptions) {
    this.appUrl = options.appUrl;
    this.settle = options.settle;
    this.signingSecret = options.signingSecret;
    this.fake = options.fake;
    this.teamId = options.teamId ?? options.fake.teamId;
    this.appId = options.appId ?? options.fake.appId;
    this.verificationToken = options.verificationToken ?? 'fake-verification-token';
    this.clock = options.now ?? (() => Date.now());
  }

  // -------------------------------------------------------------------------------------------
  // Transport
  // -------------------------------------------------------------------------------------------

  /** Send an arbitrary body; signature and timestamp are computed unless given (for negative tests). */
  async raw(input: {
    body: string;
    contentType: string;
    timestamp?: number | string;
    signature?: string;
    headers?: Record<string, string>;
  }): Promise<SenderResult> {
    const timestamp = input.timestamp ?? Math.floor(this.clock() / 1000);
    const signature = input.signature ?? signSlackRequest(this.signingSecret, Number(timestamp), input.body);
    const started = Date.now();
    const res = await fetch(this.appUrl, {
      method: 'POST',
      headers: {
        'content-type': input.contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature,
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        ...input.headers,
      },
      body: input.body,
    });
    const text = await res.text();
    const elapsedMs = Date.now() - started;
    await this.settle?.();
    const contentType = res.headers.get('content-type') ?? '';
    let body: unknown = text;
    if (/json/i.test(contentType) && text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: res.status, body, text, elapsedMs };
  }

  private form(fields: Record<string, string>): Promise<SenderResult> {
    return this.raw({ body: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' });
  }

  private interaction(payload: Obj): Promise<SenderResult> {
    return this.form({ payload: JSON.stringify(payload) });
  }

  private json(payload: Obj, headers: Record<string, string> = {}): Promise<SenderResult> {
    return this.raw({ body: JSON.stringify(payload), contentType: 'application/json', headers });
  }

  // -------------------------------------------------------------------------------------------
  // Common payload parts
  // -------------------------------------------------------------------------------------------

  private team(): Obj {
    return { id: this.teamId, domain: this.fake.teamDomain };
  }

  private userRef(userId: string): Obj {
    const u = this.fake.user(userId);
    const name = u?.name ?? userId.toLowerCase();
    return { id: userId, username: name, name, team_id: this.teamId };
  }

  private actionTs(): string {
    const ms = this.clock();
    return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
  }

  private channelRef(channelId: string): Obj {
    if (channelId.startsWith('D')) return { id: channelId, name: 'directmessage' };
    const c = this.fake.channel(channelId);
    return { id: channelId, name: c ? c.name : channelId };
  }

  private assertActiveUser(userId: string): void {
    const u = this.fake.user(userId);
    if (!u) throw new Error(`SlackSender: no user ${userId} in the fake workspace (addUser first)`);
    if (u.deleted) throw new Error(`SlackSender: user ${userId} is deactivated and cannot use Slack`);
    if (u.isBot) throw new Error(`SlackSender: ${userId} is a bot user, not a person`);
  }

  // -------------------------------------------------------------------------------------------
  // Slash commands
  // -------------------------------------------------------------------------------------------

  /**
   * Invoke a slash command. Slack shows a non-empty answer body to the user (ephemeral unless
   * `response_type: 'in_channel'`); that is applied to the fake and reported in `delivered`.
   */
  async command(input: { userId: string; channelId: string; text: string; command?: string }): Promise<CommandResult> {
    this.assertActiveUser(input.userId);
    const channelId = /^[UW]/.test(input.channelId) ? this.fake.dmChannelId(input.channelId) : input.channelId;
    const channel = this.fake.channel(channelId);
    if (channel?.isPrivate && !channel.members.includes(input.userId)) {
      throw new ImpossibleUserAction(`${input.userId} is not in private channel ${channelId}`);
    }
    const triggerId = this.fake.mintTriggerId(input.userId);
    const responseUrl = this.fake.responseUrl({ channel: channelId, userId: input.userId });
    const user = this.fake.user(input.userId);
    const channelName = channelId.startsWith('D')
      ? 'directmessage'
      : channel?.isPrivate
        ? 'privategroup'
        : (channel?.name ?? channelId);
    const result = await this.form({
      token: this.verificationToken,
      team_id: this.teamId,
      team_domain: this.fake.teamDomain,
      channel_id: channelId,
      channel_name: channelName,
      user_id: input.userId,
      user_name: user?.name ?? input.userId,
      command: input.command ?? '/alliance',
      text: input.text,
      api_app_id: this.appId,
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: triggerId,
    });
    const out: CommandResult = { ...result, triggerId, responseUrl };
    if (result.status === 200 && result.text.trim() !== '') {
      out.delivered = this.fake.deliverCommandResponse({ userId: input.userId, channelId, body: result.body });
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Buttons on messages
  // -------------------------------------------------------------------------------------------

  /**
   * Click a button on a message the user can see: a channel message, a DM (pass the `D…` id or the
   * user id), or one of the user's ephemeral messages (including response_url replies).
   */
  async clickButton(input: {
    userId: string;
    channelId: string;
    ts: string;
    actionId: string;
    value?: string;
  }): Promise<InteractionResult> {
    this.assertActiveUser(input.userId);
    const channelId = /^[UW]/.test(input.channelId) ? this.fake.dmChannelId(input.channelId) : input.channelId;
    const message = this.fake.message(channelId, input.ts);
    const ephemeral = message
      ? undefined
      : this.fake.ephemerals(input.userId).find((e) => e.channel === channelId && e.ts === input.ts && !e.deleted);
    if (!message && !ephemeral) {
      throw new ImpossibleUserAction(`no message ${input.ts} in ${channelId} visible to ${input.userId}`);
    }
    if (message) this.assertCanSee(input.userId, channelId);
    const blocks = message ? message.blocks : (ephemeral?.blocks ?? []);
    const { block, button } = this.findButton(blocks, input.actionId, input.value, `message ${input.ts}`);
    const threadTs = message?.thread_ts ?? ephemeral?.thread_ts;
    const triggerId = this.fake.mintTriggerId(input.userId);
    const responseUrl = this.fake.responseUrl({
      channel: channelId,
      ts: input.ts,
      userId: input.userId,
      ephemeral: !message,
    });
    const payload: Obj = {
      type: 'block_actions',
      user: this.userRef(input.userId),
      api_app_id: this.appId,
      token: this.verificationToken,
      container: {
        type: 'message',
        message_ts: input.ts,
        channel_id: channelId,
        is_ephemeral: !message,
        ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      },
      trigger_id: triggerId,
      team: this.team(),
      enterprise: null,
      is_enterprise_install: false,
      channel: this.channelRef(channelId),
      // Slack sends the message for ordinary messages; ephemeral messages come without it.
      ...(message ? { message: this.messagePayload(message) } : {}),
      state: { values: stateValues(statefulElements(blocks), {}, { enforceRequired: false }) },
      response_url: responseUrl,
      actions: [this.buttonAction(block, button)],
    };
    const result = await this.interaction(payload);
    return { ...result, triggerId, responseUrl };
  }

  private assertCanSee(userId: string, channelId: string): void {
    if (channelId.startsWith('D')) {
      if (channelId !== this.fake.dmChannelId(userId))
        throw new ImpossibleUserAction(`${userId} cannot see DM ${channelId}`);
      return;
    }
    const c = this.fake.channel(channelId);
    if (c?.isPrivate && !c.members.includes(userId))
      throw new ImpossibleUserAction(`${userId} cannot see private channel ${channelId}`);
  }

  private messagePayload(m: StoredMessage): Obj {
    return {
      type: 'message',
      user: m.user,
      text: m.text,
      ts: m.ts,
      team: this.teamId,
      ...(m.bot_id ? { bot_id: m.bot_id, app_id: m.app_id } : {}),
      blocks: m.blocks,
      ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
      ...(m.edited ? { edited: m.edited } : {}),
    };
  }

  private findButton(
    blocks: unknown[],
    actionId: string,
    value: string | undefined,
    where: string,
  ): { block: Obj; button: Obj } {
    const buttons: { block: Obj; button: Obj }[] = [];
    for (const block of blocks) {
      if (!isObject(block)) continue;
      const candidates = [
        ...(block.type === 'actions' && Array.isArray(block.elements) ? block.elements : []),
        ...(block.accessory !== undefined ? [block.accessory] : []),
      ];
      for (const el of candidates) if (isObject(el) && el.type === 'button') buttons.push({ block, button: el });
    }
    const matches = buttons.filter(
      ({ button }) => button.action_id === actionId && (value === undefined || button.value === value),
    );
    const first = matches[0];
    if (!first) {
      const seen = buttons.map(
        ({ button }) => `${String(button.action_id)}${button.value !== undefined ? `=${String(button.value)}` : ''}`,
      );
      throw new ImpossibleUserAction(
        `no button action_id=${actionId}${value !== undefined ? ` value=${value}` : ''} on ${where}; ` +
          `buttons there: ${seen.length ? seen.join(', ') : '(none)'}`,
      );
    }
    if (matches.length > 1 && value === undefined) {
      throw new ImpossibleUserAction(
        `several buttons with action_id=${actionId} on ${where}; pass the value to pick one`,
      );
    }
    return first;
  }

  private buttonAction(block: Obj, button: Obj): Obj {
    return {
      action_id: button.action_id,
      block_id: block.block_id,
      text: button.text,
      ...(button.value !== undefined ? { value: button.value } : {}),
      ...(button.url !== undefined ? { url: button.url } : {}),
      ...(button.style !== undefined ? { style: button.style } : {}),
      type: 'button',
      action_ts: this.actionTs(),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Views
  // -------------------------------------------------------------------------------------------

  private viewPayload(view: FakeView, state: FakeView['state']): Obj {
    return {
      id: view.id,
      team_id: view.team_id,
      type: view.type,
      blocks: view.blocks,
      private_metadata: view.private_metadata,
      callback_id: view.callback_id,
      state,
      hash: view.hash,
      title: view.title,
      clear_on_close: view.clear_on_close,
      notify_on_close: view.notify_on_close,
      close: view.close,
      submit: view.submit,
      previous_view_id: view.previous_view_id,
      root_view_id: view.root_view_id,
      app_id: view.app_id,
      external_id: view.external_id,
      app_installed_team_id: view.app_installed_team_id,
      bot_id: view.bot_id,
    };
  }

  /** The view the user sees: the top of their modal stack, or their App Home. */
  private visibleView(userId: string, viewId: string | undefined): { view: FakeView; surface: 'modal' | 'home' } {
    const top = this.fake.topView(userId);
    if (viewId === undefined) {
      if (!top) throw new ImpossibleUserAction(`${userId} has no open modal`);
      return { view: top, surface: 'modal' };
    }
    if (top?.id === viewId) return { view: top, surface: 'modal' };
    const home = this.fake.homeView(userId);
    if (home?.id === viewId) return { view: home, surface: 'home' };
    const found = this.fake.findView(viewId);
    if (found?.userId === userId && found.surface === 'modal') {
      throw new ImpossibleUserAction(
        `view ${viewId} is under another modal in ${userId}'s stack; only the top one can be used`,
      );
    }
    throw new ImpossibleUserAction(`view ${viewId} is not open for ${userId}`);
  }

  /** Click a button in the user's top modal or App Home (container type `view`). */
  async clickInView(input: {
    userId: string;
    viewId: string;
    actionId: string;
    value?: string;
    values?: Record<string, unknown>;
  }): Promise<InteractionResult> {
    this.assertActiveUser(input.userId);
    const { view } = this.visibleView(input.userId, input.viewId);
    const { block, button } = this.findButton(view.blocks, input.actionId, input.value, `view ${view.id}`);
    const state = {
      values: stateValues(statefulElements(view.blocks), input.values ?? {}, { enforceRequired: false }),
    };
    this.fake.setViewState(view.id, state);
    const triggerId = this.fake.mintTriggerId(input.userId, { viewId: view.id });
    const payload: Obj = {
      type: 'block_actions',
      user: this.userRef(input.userId),
      api_app_id: this.appId,
      token: this.verificationToken,
      container: { type: 'view', view_id: view.id },
      trigger_id: triggerId,
      team: this.team(),
      enterprise: null,
      is_enterprise_install: false,
      view: this.viewPayload(view, state),
      actions: [this.buttonAction(block, button)],
      state,
    };
    const result = await this.interaction(payload);
    return { ...result, triggerId };
  }

  /**
   * Submit the user's top modal. `values` (keyed by action_id) override what the inputs start with;
   * selects take option `value` strings. Then the app's answer is applied as Slack applies it.
   */
  async submitView(input: {
    userId: string;
    viewId?: string;
    values?: Record<string, unknown>;
  }): Promise<SubmitResult> {
    this.assertActiveUser(input.userId);
    const { view, surface } = this.visibleView(input.userId, input.viewId);
    if (surface !== 'modal') throw new ImpossibleUserAction('App Home views have no submit button');
    if (!view.submit) throw new ImpossibleUserAction(`modal ${view.id} has no submit button`);
    const state = { values: stateValues(statefulElements(view.blocks), input.values ?? {}, { enforceRequired: true }) };
    this.fake.setViewState(view.id, state);
    const triggerId = this.fake.mintTriggerId(input.userId, { viewId: view.id });
    const payload: Obj = {
      type: 'view_submission',
      team: this.team(),
      user: this.userRef(input.userId),
      api_app_id: this.appId,
      token: this.verificationToken,
      trigger_id: triggerId,
      view: this.viewPayload(view, state),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const result = await this.interaction(payload);
    if (result.status !== 200) {
      // Slack shows "We had some trouble connecting" and leaves the modal as it was.
      return { ...result, outcome: 'failed', view: this.fake.topView(input.userId), triggerId };
    }
    if (result.text.trim() === '') {
      this.fake.popView(input.userId);
      return { ...result, outcome: 'closed', view: this.fake.topView(input.userId), triggerId };
    }
    const body = result.body;
    if (!isObject(body))
      throw new Error(`SlackSender: the app answered a view_submission with a non-JSON body: ${result.text}`);
    switch (body.response_action) {
      case undefined:
        this.fake.popView(input.userId);
        return { ...result, outcome: 'closed', view: this.fake.topView(input.userId), triggerId };
      case 'errors': {
        const errors = body.errors;
        if (!isObject(errors)) throw new Error('SlackSender: response_action errors without an errors object');
        const inputBlockIds = new Set(
          view.blocks
            .filter((b) => isObject(b) && b.type === 'input')
            .map((b) => (isObject(b) ? String(b.block_id) : '')),
        );
        const out: Record<string, string> = {};
        for (const [blockId, message] of Object.entries(errors)) {
          // Errors can only be shown under input blocks of the submitted view.
          if (!inputBlockIds.has(blockId))
            throw new Error(
              `SlackSender: response_action errors names block ${blockId}, which is not an input ` +
                `block of view ${view.id}`,
            );
          out[blockId] = String(message);
        }
        return { ...result, outcome: 'errors', errors: out, view: this.fake.topView(input.userId), triggerId };
      }
      case 'update':
        return {
          ...result,
          outcome: 'updated',
          view: this.fake.replaceViewFromResponse(input.userId, view.id, body.view),
          triggerId,
        };
      case 'push':
        return {
          ...result,
          outcome: 'pushed',
          view: this.fake.pushViewFromResponse(input.userId, body.view),
          triggerId,
        };
      case 'clear':
        this.fake.clearViews(input.userId);
        return { ...result, outcome: 'cleared', triggerId };
      default:
        throw new Error(`SlackSender: unknown response_action ${String(body.response_action)}`);
    }
  }

  /**
   * The user closes their top modal (Cancel / ×). Slack sends `view_closed` only for views opened with
   * `notify_on_close: true`; a view with `clear_on_close: true` closes the whole stack.
   */
  /** Closes the top modal; `values` is what the user typed in it without submitting (keyed as for submitView). */
  async closeView(input: { userId: string; viewId?: string; values?: Record<string, unknown> }): Promise<CloseResult> {
    this.assertActiveUser(input.userId);
    const { view, surface } = this.visibleView(input.userId, input.viewId);
    if (surface !== 'modal') throw new ImpossibleUserAction('App Home views cannot be closed');
    // Slack sends the inputs as they stand: initial values, plus whatever was typed.
    const typed = {
      values: stateValues(statefulElements(view.blocks), input.values ?? {}, { enforceRequired: false }),
    };
    const cleared = view.clear_on_close;
    if (cleared) this.fake.clearViews(input.userId);
    else this.fake.popView(input.userId);
    if (!view.notify_on_close) return { sent: false };
    const result = await this.interaction({
      type: 'view_closed',
      team: this.team(),
      user: this.userRef(input.userId),
      api_app_id: this.appId,
      token: this.verificationToken,
      view: this.viewPayload(view, typed),
      is_cleared: cleared,
      is_enterprise_install: false,
      enterprise: null,
    });
    return { sent: true, ...result };
  }

  // -------------------------------------------------------------------------------------------
  // Events API
  // -------------------------------------------------------------------------------------------

  /** Deliver an Events API `event_callback`. Retries carry X-Slack-Retry-Num / X-Slack-Retry-Reason. */
  event(
    event: Record<string, unknown>,
    options: { eventId?: string; retryNum?: number; retryReason?: string; eventTime?: number } = {},
  ): Promise<SenderResult> {
    const eventTime = options.eventTime ?? Math.floor(this.clock() / 1000);
    const eventId = options.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
    const authorization = {
      enterprise_id: null,
      team_id: this.teamId,
      user_id: this.fake.botUserId,
      is_bot: true,
      is_enterprise_install: false,
    };
    const envelope: Obj = {
      token: this.verificationToken,
      team_id: this.teamId,
      context_team_id: this.teamId,
      context_enterprise_id: null,
      api_app_id: this.appId,
      event: { ...event, event_ts: event.event_ts ?? this.actionTs() },
      type: 'event_callback',
      event_id: eventId,
      event_time: eventTime,
      authorizations: [authorization],
      is_ext_shared_channel: false,
      // Opaque to apps; Slack sends a "4-<base64url json>" string.
      event_context: `4-${Buffer.from(JSON.stringify({ ...authorization, app_id: this.appId })).toString('base64url')}`,
    };
    const headers: Record<string, string> = {};
    if (options.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(options.retryNum);
      headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
    }
    return this.json(envelope, headers);
  }

  /** A person writes a message: stored in the fake (history sees it) and delivered as a `message` event. */
  async userMessage(input: {
    userId: string;
    channelId: string;
    text: string;
    threadTs?: string;
  }): Promise<SenderResult & { ts: string }> {
    this.assertActiveUser(input.userId);
    const channelId = /^[UW]/.test(input.channelId) ? this.fake.dmChannelId(input.channelId) : input.channelId;
    const stored = this.fake.addMessage({
      channel: channelId,
      user: input.userId,
      text: input.text,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    });
    const channel = this.fake.channel(channelId);
    const channelType = channelId.startsWith('D') ? 'im' : channel?.isPrivate ? 'group' : 'channel';
    const result = await this.event({
      type: 'message',
      channel: channelId,
      user: input.userId,
      text: input.text,
      ts: stored.ts,
      event_ts: stored.ts,
      channel_type: channelType,
      team: this.teamId,
      client_msg_id: randomUUIDLike(),
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    });
    return { ...result, ts: stored.ts };
  }

  /** Slack's one-time URL verification handshake when the Request URL is saved. */
  urlVerification(challenge: string): Promise<SenderResult> {
    return this.json({ token: this.verificationToken, challenge, type: 'url_verification' });
  }
}

function randomUUIDLike(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---------------------------------------------------------------------------------------------
// view.state.values, built as the Slack client builds it
// ---------------------------------------------------------------------------------------------

/** Elements that carry state: the element of each input block, and stateful elements in actions / section accessories. */
export function statefulElements(blocks: unknown[]): StatefulElement[] {
  const out: StatefulElement[] = [];
  for (const block of blocks) {
    if (!isObject(block) || typeof block.block_id !== 'string') continue;
    const add = (el: unknown, input?: Obj): void => {
      if (
        isObject(el) &&
        typeof el.type === 'string' &&
        STATEFUL_TYPES.has(el.type) &&
        typeof el.action_id === 'string'
      ) {
        out.push({ blockId: String(block.block_id), actionId: el.action_id, element: el, ...(input ? { input } : {}) });
      }
    };
    if (block.type === 'input') add(block.element, block);
    if (block.type === 'actions' && Array.isArray(block.elements)) block.elements.forEach((el) => add(el));
    if (block.type === 'section') add(block.accessory);
  }
  return out;
}

function initialState(element: Obj): Obj {
  const type = String(element.type);
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return { type, value: element.initial_value ?? null };
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type, selected_option: element.initial_option ?? null };
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return { type, selected_options: element.initial_options ?? [] };
    case 'users_select':
      return { type, selected_user: element.initial_user ?? null };
    case 'multi_users_select':
      return { type, selected_users: element.initial_users ?? [] };
    case 'conversations_select':
      return { type, selected_conversation: element.initial_conversation ?? null };
    case 'multi_conversations_select':
      return { type, selected_conversations: element.initial_conversations ?? [] };
    case 'channels_select':
      return { type, selected_channel: element.initial_channel ?? null };
    case 'multi_channels_select':
      return { type, selected_channels: element.initial_channels ?? [] };
    case 'datepicker':
      return { type, selected_date: element.initial_date ?? null };
    case 'timepicker':
      return { type, selected_time: element.initial_time ?? null };
    case 'datetimepicker':
      return { type, selected_date_time: element.initial_date_time ?? null };
    case 'rich_text_input':
      return { type, rich_text_value: element.initial_value ?? { type: 'rich_text', elements: [] } };
    case 'file_input':
      return { type, files: [] };
    default:
      return { type };
  }
}

function impossible(message: string): Error {
  return new ImpossibleUserAction(message);
}

function strings(raw: unknown, what: string): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v) => {
    if (typeof v !== 'string') throw impossible(`${what} takes string values, got ${JSON.stringify(v)}`);
    return v;
  });
}

/** What the user entered into one element, in the shape Slack reports it. */
function enteredState(element: Obj, raw: unknown, label: string): Obj {
  const type = String(element.type);
  const pickOption = (value: unknown): Obj => {
    if (isObject(value)) value = value.value;
    const option = elementOptions(element).find((o) => o.value === value);
    if (!option) throw impossible(`${JSON.stringify(value)} is not an option of ${label}`);
    return option;
  };
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input': {
      if (raw !== null && typeof raw !== 'string') throw impossible(`${label} takes text`);
      const max = typeof element.max_length === 'number' ? element.max_length : undefined;
      if (typeof raw === 'string' && max !== undefined && [...raw].length > max)
        throw impossible(`${label} accepts at most ${max} characters`);
      return { type, value: raw };
    }
    case 'number_input': {
      const text = typeof raw === 'number' ? String(raw) : raw;
      if (text !== null && (typeof text !== 'string' || !/^-?\d+(\.\d+)?$/.test(text)))
        throw impossible(`${label} takes a number`);
      if (typeof text === 'string' && text.includes('.') && element.is_decimal_allowed !== true)
        throw impossible(`${label} takes whole numbers`);
      return { type, value: text };
    }
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: raw === null ? null : pickOption(raw) };
    case 'external_select': {
      if (raw === null) return { type, selected_option: null };
      if (isObject(raw)) return { type, selected_option: raw };
      const [value = ''] = strings(raw, label);
      return { type, selected_option: { text: { type: 'plain_text', text: value, emoji: true }, value } };
    }
    case 'multi_static_select':
    case 'checkboxes': {
      const values = raw === null ? [] : Array.isArray(raw) ? raw : [raw];
      const max = typeof element.max_selected_items === 'number' ? element.max_selected_items : undefined;
      if (max !== undefined && values.length > max) throw impossible(`${label} allows at most ${max} selections`);
      return { type, selected_options: values.map(pickOption) };
    }
    case 'multi_external_select': {
      const values = raw === null ? [] : Array.isArray(raw) ? raw : [raw];
      return {
        type,
        selected_options: values.map((v) =>
          isObject(v) ? v : { text: { type: 'plain_text', text: String(v), emoji: true }, value: String(v) },
        ),
      };
    }
    case 'users_select':
      return { type, selected_user: raw === null ? null : (strings(raw, label)[0] ?? null) };
    case 'multi_users_select':
      return { type, selected_users: raw === null ? [] : strings(raw, label) };
    case 'conversations_select':
      return { type, selected_conversation: raw === null ? null : (strings(raw, label)[0] ?? null) };
    case 'multi_conversations_select':
      return { type, selected_conversations: raw === null ? [] : strings(raw, label) };
    case 'channels_select':
      return { type, selected_channel: raw === null ? null : (strings(raw, label)[0] ?? null) };
    case 'multi_channels_select':
      return { type, selected_channels: raw === null ? [] : strings(raw, label) };
    case 'datepicker': {
      if (raw !== null && (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw)))
        throw impossible(`${label} takes a YYYY-MM-DD date`);
      return { type, selected_date: raw };
    }
    case 'timepicker': {
      if (raw !== null && (typeof raw !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(raw)))
        throw impossible(`${label} takes an HH:mm time`);
      return { type, selected_time: raw };
    }
    case 'datetimepicker':
      if (raw !== null && typeof raw !== 'number') throw impossible(`${label} takes epoch seconds`);
      return { type, selected_date_time: raw };
    case 'rich_text_input':
      if (typeof raw === 'string') {
        return {
          type,
          rich_text_value: {
            type: 'rich_text',
            elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: raw }] }],
          },
        };
      }
      return { type, rich_text_value: raw };
    default:
      return { type };
  }
}

function isEmptyState(state: Obj): boolean {
  for (const [key, value] of Object.entries(state)) {
    if (key === 'type') continue;
    if (value === null || value === undefined || value === '') return true;
    if (Array.isArray(value)) return value.length === 0;
    if (key === 'rich_text_value' && isObject(value) && Array.isArray(value.elements))
      return value.elements.length === 0;
    return false;
  }
  return true;
}

/**
 * `{ [block_id]: { [action_id]: value } }` for every stateful element, starting from the initial
 * values (Slack includes untouched initial values) overridden by `overrides` keyed by action_id, or
 * by block_id when several inputs share an action_id (block ids are unique within a view).
 * With `enforceRequired`, refuses what the Slack client refuses to submit: an empty required input
 * or text shorter than min_length.
 */
export function stateValues(
  elements: StatefulElement[],
  overrides: Record<string, unknown>,
  opts: { enforceRequired: boolean },
): Record<string, Record<string, unknown>> {
  for (const key of Object.keys(overrides)) {
    if (elements.some((e) => e.blockId === key)) continue;
    const owners = elements.filter((e) => e.actionId === key);
    if (owners.length === 0) {
      throw impossible(
        `no input with action_id or block_id=${key}; inputs are: ` +
          `${elements.map((e) => `${e.blockId}/${e.actionId}`).join(', ') || '(none)'}`,
      );
    }
    if (owners.length > 1)
      throw impossible(
        `action_id=${key} is used by several inputs (blocks ${owners.map((o) => o.blockId).join(', ')})`,
      );
  }
  const values: Record<string, Record<string, unknown>> = {};
  for (const item of elements) {
    const labelObj = item.input && isObject(item.input.label) ? item.input.label : undefined;
    const label = `"${labelObj ? String(labelObj.text) : item.actionId}" (block ${item.blockId})`;
    const key = Object.hasOwn(overrides, item.blockId) ? item.blockId : item.actionId;
    const state = Object.hasOwn(overrides, key)
      ? enteredState(item.element, overrides[key], label)
      : initialState(item.element);
    if (opts.enforceRequired && item.input) {
      if (item.input.optional !== true && isEmptyState(state)) {
        throw impossible(`required input ${label} is empty; Slack would not send the submission`);
      }
      const min = item.element.min_length;
      if (
        typeof min === 'number' &&
        typeof state.value === 'string' &&
        state.value !== '' &&
        [...state.value].length < min
      ) {
        throw impossible(`input ${label} needs at least ${min} characters`);
      }
    }
    const block = values[item.blockId] ?? {};
    block[item.actionId] = state;
    values[item.blockId] = block;
  }
  return values;
}

/** True when `option` is one of the options `element` offers (exported for tests of builders). */
export function offersOption(element: Obj, option: unknown): boolean {
  return elementOptions(element).some((o) => sameOption(o, option));
}
