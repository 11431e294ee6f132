/**
 * A fake Slack Web API on a real loopback HTTP server.
 *
 * The app under test talks to it through Bolt's WebClient (`slackApiUrl: fake.apiUrl`), exactly as it
 * talks to slack.com: POST `/api/<method>` with a form-urlencoded body (nested values JSON-encoded)
 * and `Authorization: Bearer <token>`. The fake keeps the state Slack keeps (channels, members,
 * messages, ephemeral messages, DMs, modal stacks, App Home views, pins, files), answers with
 * Slack-shaped bodies and Slack's own error names, validates Block Kit as Slack does, and records every
 * call so tests can assert on what the app sent.
 *
 * Behaviour this mimics, method by method, is noted where it is not obvious. Everything answers HTTP
 * 200 with `{ ok: true | false }` (Slack's Web API uses no other status codes) except 429 from the rate
 * limiter and failures injected with `failNext`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { checkMessage, isObject, validateView } from './block-kit.js';
import { listenLocally, simulatorServer } from './local-server.js';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface FakeSlackOptions {
  teamId?: string;
  teamName?: string;
  /** The workspace's subdomain, used in permalinks and auth.test's url. Defaults to the lower-cased team name. */
  teamDomain?: string;
  botUserId?: string;
  botUserName?: string;
  botId?: string;
  botToken?: string;
  /** The app-level token (xapp-…) apps.connections.open accepts (Socket Mode). */
  appToken?: string;
  appId?: string;
  /** Largest page conversations.members / users.list return (smaller `limit` args are honoured). */
  membersPageSize?: number;
  /** When set, at most this many API calls per fixed one-second window; the rest get 429. */
  workspaceRateLimitPerSecond?: number;
  /** How long a trigger_id can be exchanged for a view. Slack: 3 seconds. */
  triggerTtlMs?: number;
  /** The fake's clock in epoch milliseconds (triggers, response_url windows, ts values, rate limiting). */
  now?: () => number;
}

export interface FakeUserInput {
  id: string;
  name: string;
  realName?: string;
  displayName?: string;
  tz?: string;
  /** Seconds east of UTC; computed from `tz` at the fake's current time when omitted. */
  tzOffset?: number;
  isBot?: boolean;
  deleted?: boolean;
  /** A workspace admin. */
  isAdmin?: boolean;
}

export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  displayName: string;
  tz: string;
  tzOffset: number | undefined;
  isBot: boolean;
  deleted: boolean;
  isAdmin: boolean;
}

export interface FakeChannelInput {
  id: string;
  name: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  /** Human members. The bot's membership is `botIsMember`. */
  members: string[];
  botIsMember?: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  members: string[];
  botIsMember: boolean;
  created: number;
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface StoredMessage {
  ts: string;
  channel: string;
  /** The author: the bot user for messages the app posted. */
  user: string;
  text: string;
  blocks: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  reply_broadcast?: boolean;
  metadata?: MessageMetadata;
  pinned: boolean;
  edited?: { user: string; ts: string };
  bot_id?: string;
  app_id?: string;
  /** File ids shared with this message (files.completeUploadExternal). */
  files?: string[];
  /** How the message came to be: an API call, a response_url / command response, or arranged by a test. */
  via: 'api' | 'response_url' | 'test';
}

export interface EphemeralMessage {
  ts: string;
  channel: string;
  /** The one user who can see it. */
  user: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  /** chat.postEphemeral, a response_url post, or the HTTP body answering a slash command. */
  via: 'chat.postEphemeral' | 'response_url' | 'command_response';
  /** Set when a later response_url post replaced or deleted it. */
  replaced: boolean;
  deleted: boolean;
}

export interface RecordedCall {
  method: string;
  /** The request parameters, JSON-encoded fields (blocks, view, metadata, …) parsed. The token is left out. */
  args: Record<string, unknown>;
  response: unknown;
  status: number;
  at: number;
}

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface FakeView {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  title: PlainText | null;
  submit: PlainText | null;
  close: PlainText | null;
  blocks: unknown[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  hash: string;
  state: { values: Record<string, Record<string, unknown>> };
  root_view_id: string | null;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  submit_disabled: boolean;
}

export interface FakeFile {
  id: string;
  filename: string;
  title: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  altText?: string;
  /** The bytes that arrived at the upload URL (null until then). */
  bytes: Buffer | null;
  completed: boolean;
  channel?: string;
  thread_ts?: string;
  initial_comment?: string;
  /** ts of the message that shared it. */
  message_ts?: string;
}

export interface ResponseUrlPost {
  url: string;
  body: unknown;
  status: number;
  response: unknown;
  at: number;
}

export type InjectedFailure = { status: 429; retryAfterSec: number } | { status: 500 } | { error: string };

export interface PinRecord {
  channel: string;
  ts: string;
  created: number;
}

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

type Args = Record<string, unknown>;
type Handler = (args: Args) => Record<string, unknown>;

/** A Slack API error: `{ ok: false, error: code, ...extra }`. */
class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

function invalidArguments(messages: string[]): SlackApiError {
  return new SlackApiError('invalid_arguments', { response_metadata: { messages } });
}

function missing(key: string): SlackApiError {
  // Observed shape: {"ok":false,"error":"invalid_arguments","response_metadata":{"messages":["[ERROR] missing required field: channel"]}}
  return invalidArguments([`[ERROR] missing required field: ${key}`]);
}

/** Parameters WebClient JSON-encodes because their values are objects or arrays. */
const JSON_FIELDS = new Set([
  'blocks',
  'attachments',
  'view',
  'metadata',
  'files',
  'users',
  'unfurls',
  'file_uploads',
  'options',
]);

function argStr(args: Args, key: string): string | undefined {
  const v = args[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function requireStr(args: Args, key: string): string {
  const v = argStr(args, key);
  if (v === undefined || v === '') throw missing(key);
  return v;
}

function argBool(args: Args, key: string): boolean {
  const v = args[key];
  return v === true || v === 'true' || v === '1' || v === 1;
}

function argInt(args: Args, key: string): number | undefined {
  const s = argStr(args, key);
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? Math.trunc(n) : Number.NaN;
}

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function randomId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const b of bytes) out += ALPHANUM[b % ALPHANUM.length];
  return out;
}

function randomMixed(length: number): string {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let out = '';
  for (const b of randomBytes(length)) out += chars[b % chars.length];
  return out;
}

/** Slack ts values as one comparable integer of microseconds ("1700000000.000123"). */
export function tsToMicros(ts: string): bigint {
  const [sec = '0', frac = ''] = ts.split('.');
  return BigInt(sec) * 1_000_000n + BigInt(`${frac}000000`.slice(0, 6));
}

export function compareTs(a: string, b: string): number {
  const d = tsToMicros(a) - tsToMicros(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

const MIME_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  md: 'text/plain',
};

/** Seconds east of UTC for an IANA zone at an instant, as Slack reports `tz_offset`. */
function zoneOffsetSeconds(tz: string, at: number): number {
  const dtf = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const parts: Record<string, number> = {};
  for (const p of dtf.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 1000);
}

function zoneLabel(tz: string, at: number): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? tz;
}

/** Slack fills in a block_id for every block and an action_id for every interactive element. */
function fillIds(blocks: unknown[]): unknown[] {
  const out = clone(blocks);
  const fillElement = (el: unknown): void => {
    if (
      isObject(el) &&
      typeof el.type === 'string' &&
      !['image', 'plain_text', 'mrkdwn'].includes(el.type) &&
      el.action_id === undefined
    ) {
      el.action_id = randomMixed(4);
    }
  };
  for (const b of out) {
    if (!isObject(b)) continue;
    if (b.block_id === undefined) b.block_id = randomMixed(5);
    if (Array.isArray(b.elements) && b.type === 'actions') b.elements.forEach(fillElement);
    if (b.accessory !== undefined) fillElement(b.accessory);
    if (b.element !== undefined) fillElement(b.element);
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

/** Minimal multipart/form-data parser: enough for WebClient's FormData uploads. */
function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, data, CRLF, then the next delimiter.
    const part = body.subarray(start + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      parts.push({
        name,
        ...(filename !== undefined ? { filename } : {}),
        data: Buffer.from(part.subarray(headerEnd + 4)),
      });
    }
    pos = next;
  }
  return parts;
}

interface Trigger {
  id: string;
  userId: string;
  issuedAt: number;
  used: boolean;
  /** Set when the interaction happened inside a view (a modal button, a submission). */
  viewId?: string;
}

interface ResponseUrlState {
  id: string;
  url: string;
  userId: string | undefined;
  channel: string | undefined;
  /** The message a `replace_original` / `delete_original` acts on, if any. */
  original: { kind: 'message' | 'ephemeral'; channel: string; ts: string } | undefined;
  createdAt: number;
  posts: number[];
}

interface DmState {
  id: string;
  userId: string;
  open: boolean;
  created: number;
}

/** The user a trigger minted without one belongs to. */
export const ANONYMOUS_TRIGGER_USER = 'U0ANONYMOUS';

/** Slack keeps a modal stack at most three views deep (views.push docs: "the app is limited to pushing 2 additional views"). */
export const MAX_VIEW_STACK = 3;

/** A response_url accepts up to 5 posts within 30 minutes of the interaction. */
export const RESPONSE_URL_MAX_POSTS = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

export class FakeSlack {
  readonly teamId: string;
  readonly teamName: string;
  readonly teamDomain: string;
  readonly botUserId: string;
  readonly botUserName: string;
  readonly botId: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly appId: string;
  /**
   * Socket Mode: hands out a WebSocket URL for apps.connections.open (set by FakeSocketMode in
   * socket-mode.ts). Unset, Slack answers as for an app whose Socket Mode is off.
   */
  socketModeUrl: (() => string) | undefined;
  readonly membersPageSize: number;
  readonly triggerTtlMs: number;
  /** Number of 429 answers sent (rate limiter and injected 429s). */
  rateLimitedCount = 0;

  private readonly server: Server;
  private port = 0;
  private readonly clock: () => number;
  private readonly rateLimit: number | undefined;
  private rateWindowStart = -1;
  private rateWindowCount = 0;

  private readonly userMap = new Map<string, FakeUser>();
  private readonly channelMap = new Map<string, FakeChannel>();
  private readonly dms = new Map<string, DmState>();
  private readonly messageMap = new Map<string, StoredMessage[]>();
  private readonly latencies = new Map<string, number>();
  private readonly deleted: StoredMessage[] = [];
  private readonly ephemeralList: EphemeralMessage[] = [];
  private readonly pins: PinRecord[] = [];
  private readonly callLog: RecordedCall[] = [];
  private readonly failures = new Map<string, InjectedFailure[]>();
  private readonly triggers = new Map<string, Trigger>();
  private triggerCounter = 0;
  private readonly stacks = new Map<string, FakeView[]>();
  private readonly homes = new Map<string, FakeView>();
  private readonly closedViews: FakeView[] = [];
  private readonly fileMap = new Map<string, FakeFile>();
  private readonly uploadKeys = new Map<string, string>();
  private readonly responseUrls = new Map<string, ResponseUrlState>();
  private readonly responsePosts: ResponseUrlPost[] = [];
  private lastTsMicros = 0n;
  private readonly handlers: Record<string, Handler>;

  private constructor(options: FakeSlackOptions) {
    this.teamId = options.teamId ?? 'T0ALLIANCE';
    this.teamName = options.teamName ?? 'Alliance';
    this.teamDomain = options.teamDomain ?? this.teamName.toLowerCase().replace(/[^a-z0-9-]/g, '');
    this.botUserId = options.botUserId ?? 'UBOT';
    this.botUserName = options.botUserName ?? 'alliance';
    this.botId = options.botId ?? 'B0ALLIANCE';
    this.botToken = options.botToken ?? 'xoxb-test-token';
    this.appToken = options.appToken ?? 'xapp-1-A0ALLIANCE-1-test';
    this.appId = options.appId ?? 'A0ALLIANCE';
    this.membersPageSize = options.membersPageSize ?? 100;
    this.triggerTtlMs = options.triggerTtlMs ?? 3000;
    this.rateLimit = options.workspaceRateLimitPerSecond;
    this.clock = options.now ?? (() => Date.now());
    this.userMap.set(this.botUserId, {
      id: this.botUserId,
      name: this.botUserName,
      realName: this.teamName,
      displayName: '',
      tz: 'America/Los_Angeles',
      tzOffset: undefined,
      isBot: true,
      deleted: false,
      isAdmin: false,
    });
    this.handlers = this.buildHandlers();
    this.server = simulatorServer((req, res) => this.route(req, res));
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(options);
    fake.port = await listenLocally(fake.server);
    return fake;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Pass as WebClient's `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  now(): number {
    return this.clock();
  }

  // -------------------------------------------------------------------------------------------
  // World state arranged by tests
  // -------------------------------------------------------------------------------------------

  addUser(input: FakeUserInput): FakeUser {
    const user: FakeUser = {
      id: input.id,
      name: input.name,
      realName: input.realName ?? input.name,
      displayName: input.displayName ?? input.name,
      tz: input.tz ?? 'Europe/Berlin',
      tzOffset: input.tzOffset,
      isBot: input.isBot ?? false,
      deleted: input.deleted ?? false,
      isAdmin: input.isAdmin ?? false,
    };
    this.userMap.set(user.id, user);
    return user;
  }

  /** Deactivate (or reactivate) a user, as an admin would. */
  setUserDeleted(userId: string, deleted = true): void {
    const user = this.userMap.get(userId);
    if (!user) throw new Error(`FakeSlack: no user ${userId}`);
    user.deleted = deleted;
  }

  /**
   * Take a person out of the workspace altogether (as when an Enterprise Grid member is removed from
   * it): the app no longer sees them, so a message addressed to their id finds no channel.
   */
  removeUser(userId: string): void {
    if (!this.userMap.delete(userId)) throw new Error(`FakeSlack: no user ${userId}`);
    this.dms.delete(userId);
    for (const channel of this.channelMap.values()) channel.members = channel.members.filter((m) => m !== userId);
  }

  addChannel(input: FakeChannelInput): FakeChannel {
    const channel: FakeChannel = {
      id: input.id,
      name: input.name,
      isPrivate: input.isPrivate ?? false,
      isArchived: input.isArchived ?? false,
      members: [...input.members],
      botIsMember: input.botIsMember ?? false,
      created: Math.floor(this.clock() / 1000),
    };
    this.channelMap.set(channel.id, channel);
    return channel;
  }

  setChannelMembers(channelId: string, members: string[], options: { botIsMember?: boolean } = {}): void {
    const channel = this.requireChannel(channelId);
    channel.members = [...members];
    if (options.botIsMember !== undefined) channel.botIsMember = options.botIsMember;
  }

  setBotMembership(channelId: string, isMember: boolean): void {
    this.requireChannel(channelId).botIsMember = isMember;
  }

  archiveChannel(channelId: string, archived = true): void {
    this.requireChannel(channelId).isArchived = archived;
  }

  user(id: string): FakeUser | undefined {
    const u = this.userMap.get(id);
    return u ? { ...u } : undefined;
  }

  users(): FakeUser[] {
    return [...this.userMap.values()].map((u) => ({ ...u }));
  }

  channel(id: string): FakeChannel | undefined {
    const c = this.channelMap.get(id);
    return c ? { ...c, members: [...c.members] } : undefined;
  }

  channels(): FakeChannel[] {
    return [...this.channelMap.values()].map((c) => ({ ...c, members: [...c.members] }));
  }

  /** The DM channel id Slack gives the bot's conversation with a user: `D<userId>` here. */
  dmChannelId(userId: string): string {
    return `D${userId}`;
  }

  /**
   * Arrange a message a person wrote (e.g. before the app looks at history). Returns it; the ts is
   * generated unless given.
   */
  addMessage(input: {
    channel: string;
    user: string;
    text: string;
    ts?: string;
    thread_ts?: string;
    blocks?: unknown[];
  }): StoredMessage {
    const msg: StoredMessage = {
      ts: input.ts ?? this.nextTs(),
      channel: input.channel,
      user: input.user,
      text: input.text,
      blocks: input.blocks ? fillIds(input.blocks) : [],
      pinned: false,
      via: 'test',
      ...(input.thread_ts !== undefined ? { thread_ts: input.thread_ts } : {}),
    };
    this.insertMessage(msg);
    return clone(msg);
  }

  // -------------------------------------------------------------------------------------------
  // Recorded calls and state Slack keeps
  // -------------------------------------------------------------------------------------------

  calls(method?: string): RecordedCall[] {
    return this.callLog.filter((c) => method === undefined || c.method === method);
  }

  clearCalls(): void {
    this.callLog.length = 0;
  }

  /** Messages in a channel or DM (`D…` id or a user id), oldest first, thread replies included. */
  messages(channelId: string): StoredMessage[] {
    const id = /^[UW]/.test(channelId) ? this.dmChannelId(channelId) : channelId;
    return clone(this.messageMap.get(id) ?? []);
  }

  /** Every message in every conversation, oldest first. */
  allMessages(): StoredMessage[] {
    return clone([...this.messageMap.values()].flat().sort((a, b) => compareTs(a.ts, b.ts)));
  }

  message(channelId: string, ts: string): StoredMessage | undefined {
    const m = this.findMessage(channelId, ts);
    return m ? clone(m) : undefined;
  }

  deletedMessages(): StoredMessage[] {
    return clone(this.deleted);
  }

  /** Ephemeral messages, optionally only those one user saw. */
  ephemerals(userId?: string): EphemeralMessage[] {
    return clone(this.ephemeralList.filter((e) => userId === undefined || e.user === userId));
  }

  pinned(channelId?: string): PinRecord[] {
    return this.pins.filter((p) => channelId === undefined || p.channel === channelId).map((p) => ({ ...p }));
  }

  /** The user's open modal stack, bottom first. */
  openViews(userId: string): FakeView[] {
    return clone(this.stacks.get(userId) ?? []);
  }

  topView(userId: string): FakeView | undefined {
    const stack = this.stacks.get(userId);
    const top = stack?.[stack.length - 1];
    return top ? clone(top) : undefined;
  }

  /**
   * Rewrites an open modal's private_metadata, as a crafted client could before submitting:
   * Slack hands the app whatever the client sends back, so the app must not trust it.
   */
  tamperViewMetadata(viewId: string, privateMetadata: string): void {
    for (const stack of this.stacks.values()) {
      const view = stack.find((v) => v.id === viewId);
      if (view) view.private_metadata = privateMetadata;
    }
  }

  /** The view published to the user's App Home, if any. */
  homeView(userId: string): FakeView | undefined {
    const v = this.homes.get(userId);
    return v ? clone(v) : undefined;
  }

  /** Views that were closed (popped, cleared or replaced-by-close), oldest first. */
  closedViewHistory(): FakeView[] {
    return clone(this.closedViews);
  }

  /** A modal (in any user's stack) or an App Home view by id. */
  findView(viewId: string): { userId: string; view: FakeView; surface: 'modal' | 'home' } | undefined {
    for (const [userId, stack] of this.stacks) {
      const view = stack.find((v) => v.id === viewId);
      if (view) return { userId, view: clone(view), surface: 'modal' };
    }
    for (const [userId, view] of this.homes)
      if (view.id === viewId) return { userId, view: clone(view), surface: 'home' };
    return undefined;
  }

  files(): FakeFile[] {
    return [...this.fileMap.values()].map((f) => ({ ...f, bytes: f.bytes ? Buffer.from(f.bytes) : null }));
  }

  responses(): ResponseUrlPost[] {
    return clone(this.responsePosts);
  }

  // -------------------------------------------------------------------------------------------
  // Triggers and response_urls (minted here, handed to the app by SlackSender)
  // -------------------------------------------------------------------------------------------

  /**
   * Issue a trigger_id, as Slack does with each interaction. `userId` is whose screen a modal opens
   * on; `viewId` marks triggers born inside a view (required context for views.push).
   */
  mintTriggerId(userId: string = ANONYMOUS_TRIGGER_USER, options: { viewId?: string } = {}): string {
    this.triggerCounter += 1;
    // Slack's format: "<digits>.<digits>.<hex>" (e.g. 12345.98765.abcd2358fdea).
    const id = `${1000 + this.triggerCounter}.${Math.floor(this.clock() / 1000)}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, {
      id,
      userId,
      issuedAt: this.clock(),
      used: false,
      ...(options.viewId ? { viewId: options.viewId } : {}),
    });
    return id;
  }

  /** Make a trigger `ms` older, to test expiry without sleeping. */
  ageTrigger(triggerId: string, ms: number): void {
    const t = this.triggers.get(triggerId);
    if (!t) throw new Error(`FakeSlack: unknown trigger ${triggerId}`);
    t.issuedAt -= ms;
  }

  /**
   * Issue a response_url. With `channel` + `ts` it belongs to that message (a button click on it):
   * `replace_original` / `delete_original` act on it. `ephemeral: true` says that message is an
   * ephemeral one (seen by `userId`). Without a message (slash commands), posts create ephemeral
   * messages for `userId` in `channel`, and later `replace_original` posts replace the last of them.
   */
  responseUrl(options: { channel?: string; ts?: string; userId?: string; ephemeral?: boolean } = {}): string {
    const id = randomId('', 12);
    const url = `${this.origin}/response/${this.teamId}/${id}/${randomMixed(24)}`;
    const original =
      options.channel !== undefined && options.ts !== undefined
        ? {
            kind: options.ephemeral ? ('ephemeral' as const) : ('message' as const),
            channel: options.channel,
            ts: options.ts,
          }
        : undefined;
    this.responseUrls.set(id, {
      id,
      url,
      userId: options.userId,
      channel: options.channel,
      original,
      createdAt: this.clock(),
      posts: [],
    });
    return url;
  }

  /** Make a response_url `ms` older (its 30-minute window). */
  ageResponseUrl(url: string, ms: number): void {
    const state = this.responseUrlState(url);
    if (!state) throw new Error(`FakeSlack: unknown response_url ${url}`);
    state.createdAt -= ms;
    state.posts = state.posts.map((t) => t - ms);
  }

  // -------------------------------------------------------------------------------------------
  // Failure injection
  // -------------------------------------------------------------------------------------------

  /**
   * The next `times` calls to `method` ('*' for any method) fail this way: HTTP 429 with
   * Retry-After, HTTP 500, or HTTP 200 `{ ok: false, error }`.
   */
  failNext(method: string, failure: InjectedFailure, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(failure);
    this.failures.set(method, queue);
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /** Delays every answer to `method` ('*' for all) by `ms`, after its effect has happened. */
  setLatency(method: string, ms: number): void {
    if (ms > 0) this.latencies.set(method, ms);
    else this.latencies.delete(method);
  }

  // -------------------------------------------------------------------------------------------
  // The Slack client's side of views: used by SlackSender to apply what the user's Slack client
  // does after a view_submission / view_closed answer.
  // -------------------------------------------------------------------------------------------

  /** The user submitted or closed the top view: it pops; the one below shows again. */
  popView(userId: string): FakeView | undefined {
    const stack = this.stacks.get(userId);
    const top = stack?.pop();
    if (top) this.closedViews.push(top);
    if (stack && stack.length === 0) this.stacks.delete(userId);
    return top ? clone(top) : undefined;
  }

  /** `response_action: 'clear'` or a view with clear_on_close: every view in the stack closes. */
  clearViews(userId: string): void {
    const stack = this.stacks.get(userId) ?? [];
    this.closedViews.push(...stack);
    this.stacks.delete(userId);
  }

  /** Remember the input state the user's client had when submitting (Slack keeps it on the view). */
  setViewState(viewId: string, state: FakeView['state']): void {
    for (const stack of this.stacks.values()) {
      const v = stack.find((x) => x.id === viewId);
      if (v) v.state = clone(state);
    }
    for (const v of this.homes.values()) if (v.id === viewId) v.state = clone(state);
  }

  /**
   * `response_action: 'update'` — replace a view in place. Throws (as the user would see an error)
   * when the new view is invalid.
   */
  replaceViewFromResponse(userId: string, viewId: string, input: unknown): FakeView {
    const errors = validateView(input);
    if (errors.length > 0)
      throw new Error(`FakeSlack: response_action update carried an invalid view:\n${errors.join('\n')}`);
    if (!isObject(input) || input.type !== 'modal')
      throw new Error('FakeSlack: response_action update must carry a modal view');
    const stack = this.stacks.get(userId) ?? [];
    const index = stack.findIndex((v) => v.id === viewId);
    const current = stack[index];
    if (!current) throw new Error(`FakeSlack: view ${viewId} is not open for ${userId}`);
    const next = this.buildView(input, {
      id: current.id,
      root: current.root_view_id,
      previous: current.previous_view_id,
      except: current.id,
    });
    stack[index] = next;
    return clone(next);
  }

  /** `response_action: 'push'` — push a view above the submitted one. */
  pushViewFromResponse(userId: string, input: unknown): FakeView {
    const errors = validateView(input);
    if (errors.length > 0)
      throw new Error(`FakeSlack: response_action push carried an invalid view:\n${errors.join('\n')}`);
    if (!isObject(input) || input.type !== 'modal')
      throw new Error('FakeSlack: response_action push must carry a modal view');
    const stack = this.stacks.get(userId);
    const top = stack?.[stack.length - 1];
    if (!stack || !top) throw new Error(`FakeSlack: no open modal for ${userId} to push onto`);
    if (stack.length >= MAX_VIEW_STACK)
      throw new Error(`FakeSlack: response_action push exceeds the ${MAX_VIEW_STACK}-view stack limit`);
    const view = this.buildView(input, { root: stack[0]?.id ?? top.id, previous: top.id });
    stack.push(view);
    return clone(view);
  }

  /**
   * Show what the app answered a slash command with (the HTTP body of its ack), as the Slack client
   * does: ephemeral to the invoking user unless `response_type: 'in_channel'`. Returns the error Slack
   * would show instead, if the message is invalid.
   */
  deliverCommandResponse(input: { userId: string; channelId: string; body: unknown }): {
    ok: boolean;
    error?: string;
    messages?: string[];
  } {
    const body = typeof input.body === 'string' ? { text: input.body } : input.body;
    if (!isObject(body)) return { ok: false, error: 'invalid_payload' };
    const check = checkMessage(body);
    if (check.code) return { ok: false, error: check.code, messages: check.messages };
    this.materializeResponse(body, {
      userId: input.userId,
      channel: input.channelId,
      original: undefined,
      via: 'command_response',
    });
    return { ok: true };
  }

  // -------------------------------------------------------------------------------------------
  // HTTP routing
  // -------------------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const body = await readBody(req);
    if (url.pathname.startsWith('/api/'))
      return this.handleApi(decodeURIComponent(url.pathname.slice('/api/'.length)), req, url, body, res);
    if (url.pathname.startsWith('/upload/v1/'))
      return this.handleUpload(url.pathname.slice('/upload/v1/'.length), req, body, res);
    if (url.pathname.startsWith('/response/')) return this.handleResponseUrl(url, body, res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  private parseRequest(
    req: IncomingMessage,
    url: URL,
    body: Buffer,
  ): { args: Args; bodyToken: string | undefined; error?: string } {
    const args: Args = {};
    for (const [k, v] of url.searchParams) args[k] = v;
    const contentType = (req.headers['content-type'] ?? '').toString();
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    let bodyToken: string | undefined;
    if (body.length > 0) {
      if (mediaType === 'application/json') {
        try {
          const parsed: unknown = JSON.parse(body.toString('utf8'));
          if (!isObject(parsed)) return { args, bodyToken, error: 'invalid_json' };
          // Slack does not read tokens from JSON bodies: they must come in the Authorization header.
          for (const [k, v] of Object.entries(parsed)) if (k !== 'token') args[k] = v;
        } catch {
          return { args, bodyToken, error: 'invalid_json' };
        }
      } else if (mediaType === 'application/x-www-form-urlencoded' || mediaType === 'text/plain') {
        for (const [k, v] of new URLSearchParams(body.toString('utf8'))) args[k] = v;
      } else if (mediaType === 'multipart/form-data') {
        for (const part of parseMultipart(body, contentType))
          args[part.name] = part.filename !== undefined ? part.data : part.data.toString('utf8');
      } else if (mediaType === '') {
        return { args, bodyToken, error: 'missing_post_type' };
      } else {
        return { args, bodyToken, error: 'invalid_post_type' };
      }
    }
    if (typeof args.token === 'string') bodyToken = args.token;
    delete args.token;
    for (const key of Object.keys(args)) {
      const v = args[key];
      if (JSON_FIELDS.has(key) && typeof v === 'string' && /^\s*[[{]/.test(v)) {
        try {
          args[key] = JSON.parse(v);
        } catch {
          // Left as the raw string; the method reports the format error.
        }
      }
    }
    return { args, bodyToken };
  }

  private send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...headers,
    });
    res.end(text);
  }

  private handleApi(method: string, req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): void {
    const at = this.clock();
    const { args, bodyToken, error: parseError } = this.parseRequest(req, url, body);
    const record = (status: number, response: unknown): void => {
      this.callLog.push({ method, args, response, status, at });
    };

    // Workspace-wide limiter, fixed one-second windows; Retry-After is whole seconds (at least 1).
    if (this.rateLimit !== undefined) {
      const windowStart = Math.floor(at / 1000) * 1000;
      if (windowStart !== this.rateWindowStart) {
        this.rateWindowStart = windowStart;
        this.rateWindowCount = 0;
      }
      this.rateWindowCount += 1;
      if (this.rateWindowCount > this.rateLimit) {
        const retryAfter = Math.max(1, Math.ceil((windowStart + 1000 - at) / 1000));
        const response = { ok: false, error: 'ratelimited' };
        this.rateLimitedCount += 1;
        record(429, response);
        return this.send(res, 429, response, { 'retry-after': String(retryAfter) });
      }
    }

    const injected = this.takeFailure(method);
    if (injected) {
      if ('error' in injected) {
        const response = { ok: false, error: injected.error };
        record(200, response);
        return this.send(res, 200, response);
      }
      if (injected.status === 429) {
        const response = { ok: false, error: 'ratelimited' };
        this.rateLimitedCount += 1;
        record(429, response);
        return this.send(res, 429, response, { 'retry-after': String(injected.retryAfterSec) });
      }
      const response = 'Internal Server Error';
      record(500, response);
      return this.send(res, 500, response);
    }

    const answer = (response: Record<string, unknown>): void => {
      record(200, response);
      // Slack acts first and answers after the network delay: a client that dies while waiting has
      // had its effect, without knowing it (what the outbox's reconciliation exists for).
      const latency = this.latencies.get(method) ?? this.latencies.get('*') ?? 0;
      if (latency > 0) setTimeout(() => this.send(res, 200, response), latency);
      else this.send(res, 200, response);
    };

    if (parseError) return answer({ ok: false, error: parseError });

    const header = req.headers.authorization;
    const headerToken =
      typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '') : undefined;
    const token = headerToken ?? bodyToken;
    if (token === undefined || token === '') return answer({ ok: false, error: 'not_authed' });
    // The one method that takes the app-level token, not the bot token.
    if (method === 'apps.connections.open') {
      if (token === this.botToken) return answer({ ok: false, error: 'not_allowed_token_type' });
      if (token !== this.appToken) return answer({ ok: false, error: 'invalid_auth' });
      if (!this.socketModeUrl) return answer({ ok: false, error: 'socket_mode_not_enabled' });
      return answer({ ok: true, url: this.socketModeUrl() });
    }
    if (token !== this.botToken) return answer({ ok: false, error: 'invalid_auth' });

    const handler = this.handlers[method];
    if (!handler) return answer({ ok: false, error: 'unknown_method', req_method: method });
    try {
      answer({ ok: true, ...handler(args) });
    } catch (error) {
      if (error instanceof SlackApiError) return answer({ ok: false, error: error.code, ...error.extra });
      throw error;
    }
  }

  private takeFailure(method: string): InjectedFailure | undefined {
    for (const key of [method, '*']) {
      const queue = this.failures.get(key);
      if (queue && queue.length > 0) {
        const f = queue.shift();
        if (queue.length === 0) this.failures.delete(key);
        return f;
      }
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Shared helpers for methods
  // -------------------------------------------------------------------------------------------

  private requireChannel(id: string): FakeChannel {
    const c = this.channelMap.get(id);
    if (!c) throw new Error(`FakeSlack: no channel ${id}`);
    return c;
  }

  private nextTs(): string {
    let micros = BigInt(Math.floor(this.clock())) * 1000n;
    if (micros <= this.lastTsMicros) micros = this.lastTsMicros + 1n;
    this.lastTsMicros = micros;
    const sec = micros / 1_000_000n;
    const frac = (micros % 1_000_000n).toString().padStart(6, '0');
    return `${sec}.${frac}`;
  }

  private isHuman(userId: string): FakeUser | undefined {
    const u = this.userMap.get(userId);
    return u && !u.isBot && u.id !== this.botUserId ? u : undefined;
  }

  private channelByIdOrName(ref: string): FakeChannel | undefined {
    const byId = this.channelMap.get(ref);
    if (byId) return byId;
    const name = ref.replace(/^#/, '');
    return [...this.channelMap.values()].find((c) => c.name === name);
  }

  private dmFor(userId: string): DmState {
    let dm = this.dms.get(userId);
    if (!dm) {
      dm = { id: this.dmChannelId(userId), userId, open: false, created: Math.floor(this.clock() / 1000) };
      this.dms.set(userId, dm);
    }
    return dm;
  }

  /** A `D…` id the fake knows (`D<userId>` for an existing person). */
  private dmById(id: string): DmState | undefined {
    if (!id.startsWith('D')) return undefined;
    const user = this.isHuman(id.slice(1));
    return user ? this.dmFor(user.id) : undefined;
  }

  /**
   * Where a message for `channel` goes, as chat.postMessage resolves it: a user id means the bot's
   * DM with that person (Slack answers with the `D…` id); a channel must have the bot as a member.
   */
  private postTarget(ref: string | undefined): string {
    if (ref === undefined || ref === '') throw new SlackApiError('channel_not_found');
    if (/^[UW]/.test(ref)) {
      const user = this.userMap.get(ref);
      if (!user) throw new SlackApiError('channel_not_found');
      if (user.isBot || user.id === this.botUserId) throw new SlackApiError('cannot_dm_bot');
      // A deactivated person's DM still exists and Slack accepts the post (Slack staff on
      // python-slack-sdk#1156: "their channel histories still exist"); conversations.open refuses them.
      return this.dmFor(user.id).id;
    }
    const dm = this.dmById(ref);
    if (dm) return dm.id;
    const channel = this.channelByIdOrName(ref);
    if (!channel) throw new SlackApiError('channel_not_found');
    if (channel.isPrivate && !channel.botIsMember) throw new SlackApiError('channel_not_found');
    if (channel.isArchived) throw new SlackApiError('is_archived');
    if (!channel.botIsMember) throw new SlackApiError('not_in_channel');
    return channel.id;
  }

  /** Read access (history, members, pins): private channels the bot is not in do not exist for it. */
  private readable(
    ref: string | undefined,
    opts: { requireMember: boolean },
  ): { id: string; channel?: FakeChannel; dm?: DmState } {
    if (ref === undefined || ref === '') throw new SlackApiError('channel_not_found');
    const dm = this.dmById(ref);
    if (dm) return { id: dm.id, dm };
    const channel = this.channelByIdOrName(ref);
    if (!channel) throw new SlackApiError('channel_not_found');
    if (channel.isPrivate && !channel.botIsMember) throw new SlackApiError('channel_not_found');
    if (opts.requireMember && !channel.botIsMember) throw new SlackApiError('not_in_channel');
    return { id: channel.id, channel };
  }

  private insertMessage(msg: StoredMessage): void {
    const list = this.messageMap.get(msg.channel) ?? [];
    list.push(msg);
    list.sort((a, b) => compareTs(a.ts, b.ts));
    this.messageMap.set(msg.channel, list);
  }

  private findMessage(channelId: string, ts: string): StoredMessage | undefined {
    const id = /^[UW]/.test(channelId) ? this.dmChannelId(channelId) : channelId;
    return this.messageMap.get(id)?.find((m) => m.ts === ts);
  }

  private removeMessage(channelId: string, ts: string): StoredMessage | undefined {
    const list = this.messageMap.get(channelId);
    const index = list?.findIndex((m) => m.ts === ts) ?? -1;
    if (!list || index < 0) return undefined;
    const [removed] = list.splice(index, 1);
    if (removed) this.deleted.push(removed);
    return removed;
  }

  private parseBlocksArg(args: Args): unknown[] | undefined {
    const blocks = args.blocks;
    if (blocks === undefined || blocks === '') return undefined;
    if (!Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
    return blocks;
  }

  private parseMetadataArg(args: Args): MessageMetadata | undefined {
    const metadata = args.metadata;
    if (metadata === undefined || metadata === '') return undefined;
    if (!isObject(metadata) || typeof metadata.event_type !== 'string' || !isObject(metadata.event_payload)) {
      throw new SlackApiError('invalid_metadata_format');
    }
    return { event_type: metadata.event_type, event_payload: metadata.event_payload };
  }

  private checkMessageArgs(text: string | undefined, blocks: unknown[] | undefined, attachments: unknown): void {
    const check = checkMessage({
      ...(text !== undefined ? { text } : {}),
      ...(blocks !== undefined ? { blocks } : {}),
      ...(attachments !== undefined ? { attachments } : {}),
    });
    if (check.code === 'invalid_blocks')
      throw new SlackApiError('invalid_blocks', { response_metadata: { messages: check.messages } });
    if (check.code) throw new SlackApiError(check.code);
  }

  /** A message as the Web API returns it (chat.postMessage's `message`, conversations.history). */
  private apiMessage(m: StoredMessage, includeMetadata: boolean): Record<string, unknown> {
    const replies =
      m.thread_ts === undefined
        ? (this.messageMap.get(m.channel) ?? []).filter((r) => r.thread_ts === m.ts && r.ts !== m.ts)
        : [];
    const out: Record<string, unknown> = {
      type: 'message',
      ...(m.thread_ts !== undefined && m.reply_broadcast ? { subtype: 'thread_broadcast' } : {}),
      user: m.user,
      text: m.text,
      ts: m.ts,
      team: this.teamId,
      ...(m.bot_id ? { bot_id: m.bot_id, app_id: m.app_id } : {}),
      ...(m.blocks.length > 0 ? { blocks: clone(m.blocks) } : {}),
      ...(m.attachments ? { attachments: clone(m.attachments) } : {}),
      ...(m.thread_ts !== undefined
        ? { thread_ts: m.thread_ts, parent_user_id: this.findMessage(m.channel, m.thread_ts)?.user }
        : {}),
      ...(m.edited ? { edited: { ...m.edited } } : {}),
      ...(m.pinned ? { pinned_to: [m.channel] } : {}),
      ...(m.files ? { files: m.files.map((id) => this.apiFile(id)) } : {}),
      ...(includeMetadata && m.metadata ? { metadata: clone(m.metadata) } : {}),
    };
    const lastReply = replies[replies.length - 1];
    if (replies.length > 0 && lastReply) {
      Object.assign(out, {
        thread_ts: m.ts,
        reply_count: replies.length,
        reply_users_count: new Set(replies.map((r) => r.user)).size,
        latest_reply: lastReply.ts,
        reply_users: [...new Set(replies.map((r) => r.user))],
      });
    }
    return out;
  }

  private apiFile(id: string): Record<string, unknown> {
    const f = this.fileMap.get(id);
    if (!f) return { id };
    const ext = f.filename.includes('.') ? (f.filename.split('.').pop() ?? '').toLowerCase() : '';
    return {
      id: f.id,
      created: Math.floor(this.clock() / 1000),
      name: f.filename,
      title: f.title,
      mimetype: MIME_TYPES[ext] ?? 'application/octet-stream',
      filetype: ext || 'binary',
      user: this.botUserId,
      size: f.bytes?.length ?? f.length,
      url_private: `${this.origin}/files-pri/${this.teamId}-${f.id}/${encodeURIComponent(f.filename)}`,
      permalink: `https://${this.teamDomain}.slack.com/files/${this.botUserId}/${f.id}/${encodeURIComponent(f.filename)}`,
      ...(f.altText !== undefined ? { alt_txt: f.altText } : {}),
    };
  }

  private apiUser(u: FakeUser): Record<string, unknown> {
    const offset = u.tzOffset ?? zoneOffsetSeconds(u.tz, this.clock());
    return {
      id: u.id,
      team_id: this.teamId,
      name: u.name,
      deleted: u.deleted,
      color: '9f69e7',
      real_name: u.realName,
      tz: u.tz,
      tz_label: zoneLabel(u.tz, this.clock()),
      tz_offset: offset,
      profile: {
        real_name: u.realName,
        real_name_normalized: u.realName,
        display_name: u.displayName,
        display_name_normalized: u.displayName,
        team: this.teamId,
        ...(u.id === this.botUserId ? { bot_id: this.botId, api_app_id: this.appId } : {}),
      },
      is_admin: u.isAdmin,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: u.isBot,
      is_app_user: false,
      updated: Math.floor(this.clock() / 1000),
    };
  }

  private apiChannel(c: FakeChannel): Record<string, unknown> {
    return {
      id: c.id,
      name: c.name,
      name_normalized: c.name,
      is_channel: true,
      is_group: false,
      is_im: false,
      is_mpim: false,
      is_private: c.isPrivate,
      created: c.created,
      is_archived: c.isArchived,
      is_general: false,
      is_shared: false,
      is_org_shared: false,
      is_ext_shared: false,
      is_member: c.botIsMember,
      topic: { value: '', creator: '', last_set: 0 },
      purpose: { value: '', creator: '', last_set: 0 },
    };
  }

  private apiIm(dm: DmState): Record<string, unknown> {
    return {
      id: dm.id,
      created: dm.created,
      is_im: true,
      is_org_shared: false,
      user: dm.userId,
      is_user_deleted: this.userMap.get(dm.userId)?.deleted ?? false,
      priority: 0,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Views
  // -------------------------------------------------------------------------------------------

  private consumeTrigger(args: Args): Trigger {
    const id = argStr(args, 'trigger_id') ?? argStr(args, 'interactivity_pointer');
    if (id === undefined || id === '') throw missing('trigger_id');
    const trigger = this.triggers.get(id);
    // Real names from the views.open/push docs: invalid_trigger_id, expired_trigger_id, exchanged_trigger_id.
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (this.clock() - trigger.issuedAt > this.triggerTtlMs) throw new SlackApiError('expired_trigger_id');
    if (trigger.used) throw new SlackApiError('exchanged_trigger_id');
    trigger.used = true;
    return trigger;
  }

  private viewArg(args: Args, expectedType: 'modal' | 'home' | 'any'): Record<string, unknown> {
    const view = args.view;
    if (view === undefined || view === '') throw missing('view');
    if (!isObject(view)) throw invalidArguments(['[ERROR] must provide an object [json-pointer:/view]']);
    const errors = validateView(view);
    if (errors.length > 0) throw invalidArguments(errors);
    if (expectedType !== 'any' && view.type !== expectedType) {
      throw invalidArguments([`[ERROR] must be a valid enum value [json-pointer:/view/type]`]);
    }
    return view;
  }

  private allViews(): FakeView[] {
    return [...[...this.stacks.values()].flat(), ...this.homes.values()];
  }

  private assertExternalIdFree(externalId: unknown, exceptViewId?: string): void {
    if (typeof externalId !== 'string' || externalId === '') return;
    // external_id must be unique across the workspace's views (checked among views still open).
    if (this.allViews().some((v) => v.external_id === externalId && v.id !== exceptViewId))
      throw new SlackApiError('duplicate_external_id');
  }

  private buildView(
    input: Record<string, unknown>,
    opts: { id?: string; root?: string | null; previous?: string | null; except?: string },
  ): FakeView {
    this.assertExternalIdFree(input.external_id, opts.except);
    const plain = (v: unknown): PlainText | null =>
      isObject(v) && typeof v.text === 'string' ? { type: 'plain_text', text: v.text, emoji: v.emoji !== false } : null;
    const id = opts.id ?? randomId('V');
    return {
      id,
      team_id: this.teamId,
      type: input.type === 'home' ? 'home' : 'modal',
      title: plain(input.title),
      submit: plain(input.submit),
      close: plain(input.close),
      blocks: fillIds(Array.isArray(input.blocks) ? input.blocks : []),
      private_metadata: typeof input.private_metadata === 'string' ? input.private_metadata : '',
      callback_id: typeof input.callback_id === 'string' ? input.callback_id : '',
      external_id: typeof input.external_id === 'string' ? input.external_id : '',
      hash: `${Math.floor(this.clock() / 1000)}.${randomMixed(8)}`,
      state: { values: {} },
      root_view_id: opts.root === undefined ? id : opts.root,
      previous_view_id: opts.previous ?? null,
      app_id: this.appId,
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      submit_disabled: input.submit_disabled === true,
    };
  }

  private locateView(args: Args): { userId: string; view: FakeView; surface: 'modal' | 'home'; stack?: FakeView[] } {
    const viewId = argStr(args, 'view_id');
    const externalId = argStr(args, 'external_id');
    if (!viewId && !externalId) throw missing('view_id');
    const match = (v: FakeView): boolean => (viewId ? v.id === viewId : v.external_id === externalId);
    for (const [userId, stack] of this.stacks) {
      const view = stack.find(match);
      if (view) return { userId, view, surface: 'modal', stack };
    }
    for (const [userId, view] of this.homes) if (match(view)) return { userId, view, surface: 'home' };
    throw new SlackApiError('not_found');
  }

  // -------------------------------------------------------------------------------------------
  // Files and response_url endpoints
  // -------------------------------------------------------------------------------------------

  private handleUpload(key: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const fileId = this.uploadKeys.get(key);
    const file = fileId ? this.fileMap.get(fileId) : undefined;
    if (!file) return this.send(res, 404, 'Not Found');
    const contentType = (req.headers['content-type'] ?? '').toString();
    let bytes = body;
    // WebClient.filesUploadV2 POSTs the bytes as multipart/form-data (a FormData with one Blob part);
    // a raw POST of the bytes is accepted too, as files.slack.com does.
    if (/^multipart\/form-data/i.test(contentType)) {
      const parts = parseMultipart(body, contentType);
      const part = parts.find((p) => p.filename !== undefined) ?? parts[0];
      bytes = part ? part.data : Buffer.alloc(0);
    }
    file.bytes = Buffer.from(bytes);
    this.send(res, 200, `OK - ${bytes.length}`);
  }

  private responseUrlState(url: string): ResponseUrlState | undefined {
    const id = /\/response\/[^/]+\/([^/]+)\//.exec(url)?.[1];
    return id ? this.responseUrls.get(id) : undefined;
  }

  private handleResponseUrl(url: URL, body: Buffer, res: ServerResponse): void {
    const at = this.clock();
    const state = this.responseUrlState(url.pathname);
    const fullUrl = `${this.origin}${url.pathname}`;
    const reply = (status: number, response: unknown, parsed: unknown): void => {
      this.responsePosts.push({ url: fullUrl, body: parsed, status, response, at });
      this.send(res, status, response);
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      const form = new URLSearchParams(body.toString('utf8')).get('payload');
      try {
        parsed = form !== null ? JSON.parse(form) : undefined;
      } catch {
        parsed = undefined;
      }
    }
    if (!state) return reply(404, { ok: false, error: 'invalid_url' }, parsed);
    // Slack: a response_url can be used up to 5 times within 30 minutes of the interaction.
    if (at - state.createdAt > RESPONSE_URL_TTL_MS) return reply(404, { ok: false, error: 'expired_url' }, parsed);
    state.posts = state.posts.filter((t) => at - t <= RESPONSE_URL_TTL_MS);
    if (state.posts.length >= RESPONSE_URL_MAX_POSTS) return reply(404, { ok: false, error: 'used_url' }, parsed);
    if (!isObject(parsed)) return reply(400, { ok: false, error: 'invalid_payload' }, parsed);
    state.posts.push(at);

    if (parsed.delete_original === true || parsed.delete_original === 'true') {
      if (state.original) this.deleteOriginal(state.original);
      return reply(200, { ok: true }, parsed);
    }
    const check = checkMessage(parsed);
    if (check.code) {
      // Webhook-style endpoints answer 400 with the error name (e.g. a 400 invalid_blocks).
      return reply(400, { ok: false, error: check.code, response_metadata: { messages: check.messages } }, parsed);
    }
    const created = this.materializeResponse(parsed, {
      userId: state.userId,
      channel: state.channel,
      original: state.original,
      via: 'response_url',
    });
    if (created) state.original = created;
    return reply(200, { ok: true }, parsed);
  }

  private deleteOriginal(original: { kind: 'message' | 'ephemeral'; channel: string; ts: string }): void {
    if (original.kind === 'message') {
      this.removeMessage(original.channel, original.ts);
      return;
    }
    const eph = this.ephemeralList.find((e) => e.channel === original.channel && e.ts === original.ts);
    if (eph) eph.deleted = true;
  }

  /**
   * Apply a message sent via a response_url (or a slash command's HTTP answer): replace the original,
   * post in channel, or show an ephemeral to the user. Returns the message it created, if any.
   */
  private materializeResponse(
    body: Record<string, unknown>,
    target: {
      userId: string | undefined;
      channel: string | undefined;
      original: ResponseUrlState['original'];
      via: 'response_url' | 'command_response';
    },
  ): ResponseUrlState['original'] {
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? fillIds(body.blocks) : [];
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
    const replace = body.replace_original === true || body.replace_original === 'true';
    if (replace && target.original) {
      const o = target.original;
      if (o.kind === 'message') {
        const m = this.findMessage(o.channel, o.ts);
        if (m) {
          m.text = text;
          m.blocks = blocks;
          m.edited = { user: this.botUserId, ts: this.nextTs() };
        }
      } else {
        const e = this.ephemeralList.find((x) => x.channel === o.channel && x.ts === o.ts);
        if (e) {
          e.text = text;
          e.blocks = blocks;
          e.replaced = true;
        }
      }
      return undefined;
    }
    const channel = target.channel ?? target.original?.channel;
    if (channel === undefined) return undefined;
    if (body.response_type === 'in_channel') {
      const msg: StoredMessage = {
        ts: this.nextTs(),
        channel,
        user: this.botUserId,
        text,
        blocks,
        pinned: false,
        bot_id: this.botId,
        app_id: this.appId,
        via: 'response_url',
        ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
      };
      this.insertMessage(msg);
      return { kind: 'message', channel, ts: msg.ts };
    }
    if (target.userId === undefined) return undefined;
    const eph: EphemeralMessage = {
      ts: this.nextTs(),
      channel,
      user: target.userId,
      text,
      blocks,
      via: target.via,
      replaced: false,
      deleted: false,
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
    };
    this.ephemeralList.push(eph);
    return { kind: 'ephemeral', channel, ts: eph.ts };
  }

  // -------------------------------------------------------------------------------------------
  // Methods
  // -------------------------------------------------------------------------------------------

  private buildHandlers(): Record<string, Handler> {
    return {
      'api.test': (args) => ({ args }),

      'auth.test': () => ({
        url: `https://${this.teamDomain}.slack.com/`,
        team: this.teamName,
        user: this.botUserName,
        team_id: this.teamId,
        user_id: this.botUserId,
        bot_id: this.botId,
        is_enterprise_install: false,
      }),

      'chat.postMessage': (args) => {
        const channel = this.postTarget(argStr(args, 'channel'));
        const text = argStr(args, 'text');
        const blocks = this.parseBlocksArg(args);
        const metadata = this.parseMetadataArg(args);
        this.checkMessageArgs(text, blocks, args.attachments);
        const threadTs = argStr(args, 'thread_ts');
        const msg: StoredMessage = {
          ts: this.nextTs(),
          channel,
          user: this.botUserId,
          text: text ?? '',
          blocks: blocks ? fillIds(blocks) : [],
          pinned: false,
          bot_id: this.botId,
          app_id: this.appId,
          via: 'api',
          ...(Array.isArray(args.attachments) ? { attachments: clone(args.attachments) } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          ...(threadTs && argBool(args, 'reply_broadcast') ? { reply_broadcast: true } : {}),
          ...(metadata ? { metadata } : {}),
        };
        this.insertMessage(msg);
        return {
          channel,
          ts: msg.ts,
          message: {
            ...this.apiMessage(msg, true),
            bot_profile: { id: this.botId, app_id: this.appId, name: this.botUserName, team_id: this.teamId },
          },
        };
      },

      'chat.postEphemeral': (args) => {
        const channel = this.postTarget(argStr(args, 'channel'));
        const user = requireStr(args, 'user');
        const dm = this.dmById(channel);
        const isMember = dm ? dm.userId === user : (this.channelMap.get(channel)?.members.includes(user) ?? false);
        if (!this.userMap.has(user) || !isMember) throw new SlackApiError('user_not_in_channel');
        const text = argStr(args, 'text');
        const blocks = this.parseBlocksArg(args);
        this.checkMessageArgs(text, blocks, args.attachments);
        const threadTs = argStr(args, 'thread_ts');
        const eph: EphemeralMessage = {
          ts: this.nextTs(),
          channel,
          user,
          text: text ?? '',
          blocks: blocks ? fillIds(blocks) : [],
          via: 'chat.postEphemeral',
          replaced: false,
          deleted: false,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        };
        this.ephemeralList.push(eph);
        return { message_ts: eph.ts };
      },

      'chat.update': (args) => {
        const ref = argStr(args, 'channel');
        const ts = requireStr(args, 'ts');
        const { id } = this.readable(ref, { requireMember: false });
        const msg = this.findMessage(id, ts);
        if (!msg) throw new SlackApiError('message_not_found');
        if (msg.user !== this.botUserId) throw new SlackApiError('cant_update_message');
        const text = argStr(args, 'text');
        const blocks = this.parseBlocksArg(args);
        const metadata = this.parseMetadataArg(args);
        // chat.update: omitted `blocks` keep the previous blocks (pass [] to remove them); same for text.
        const nextText = text ?? msg.text;
        const nextBlocks = blocks ?? msg.blocks;
        this.checkMessageArgs(nextText === '' ? undefined : nextText, nextBlocks, args.attachments ?? msg.attachments);
        msg.text = nextText;
        msg.blocks = blocks ? fillIds(blocks) : msg.blocks;
        if (Array.isArray(args.attachments)) msg.attachments = clone(args.attachments);
        if (metadata) msg.metadata = metadata;
        msg.edited = { user: this.botUserId, ts: this.nextTs() };
        return { channel: id, ts, text: msg.text, message: this.apiMessage(msg, true) };
      },

      'chat.delete': (args) => {
        const { id } = this.readable(argStr(args, 'channel'), { requireMember: false });
        const ts = requireStr(args, 'ts');
        const msg = this.findMessage(id, ts);
        if (!msg) throw new SlackApiError('message_not_found');
        if (msg.user !== this.botUserId) throw new SlackApiError('cant_delete_message');
        this.removeMessage(id, ts);
        this.pins.splice(0, this.pins.length, ...this.pins.filter((p) => !(p.channel === id && p.ts === ts)));
        return { channel: id, ts };
      },

      'chat.getPermalink': (args) => {
        const { id } = this.readable(argStr(args, 'channel'), { requireMember: false });
        const ts = requireStr(args, 'message_ts');
        const msg = this.findMessage(id, ts);
        if (!msg) throw new SlackApiError('message_not_found');
        const base = `https://${this.teamDomain}.slack.com/archives/${id}/p${ts.replace('.', '')}`;
        const permalink =
          msg.thread_ts !== undefined && msg.thread_ts !== ts ? `${base}?thread_ts=${msg.thread_ts}&cid=${id}` : base;
        return { channel: id, permalink };
      },

      'conversations.info': (args) => {
        const { channel, dm } = this.readable(argStr(args, 'channel'), { requireMember: false });
        if (dm) return { channel: this.apiIm(dm) };
        if (!channel) throw new SlackApiError('channel_not_found');
        const out = this.apiChannel(channel);
        if (argBool(args, 'include_num_members'))
          out.num_members = channel.members.length + (channel.botIsMember ? 1 : 0);
        return { channel: out };
      },

      'conversations.members': (args) => {
        const { channel, dm } = this.readable(argStr(args, 'channel'), { requireMember: false });
        const all = dm
          ? [this.botUserId, dm.userId]
          : channel
            ? [...channel.members, ...(channel.botIsMember ? [this.botUserId] : [])]
            : [];
        return this.paginate(
          all,
          args,
          (id) => `user:${id}`,
          (id) => id,
        );
      },

      'conversations.join': (args) => {
        const ref = argStr(args, 'channel');
        const channel = ref ? this.channelByIdOrName(ref) : undefined;
        if (!channel) throw new SlackApiError('channel_not_found');
        // Apps can only join public channels; private ones must invite the bot.
        if (channel.isPrivate) throw new SlackApiError('method_not_supported_for_channel_type');
        if (channel.isArchived) throw new SlackApiError('is_archived');
        if (channel.botIsMember) {
          return {
            channel: this.apiChannel(channel),
            warning: 'already_in_channel',
            response_metadata: { warnings: ['already_in_channel'] },
          };
        }
        channel.botIsMember = true;
        return { channel: this.apiChannel(channel) };
      },

      'conversations.open': (args) => {
        const channelRef = argStr(args, 'channel');
        const usersArg = args.users;
        if (channelRef) {
          const dm = this.dmById(channelRef);
          if (!dm) throw new SlackApiError('channel_not_found');
          const already = dm.open;
          dm.open = true;
          return {
            ...(already ? { no_op: true, already_open: true } : {}),
            channel: argBool(args, 'return_im') ? this.apiIm(dm) : { id: dm.id },
          };
        }
        const ids = (
          Array.isArray(usersArg) ? usersArg.map(String) : typeof usersArg === 'string' ? usersArg.split(',') : []
        )
          .map((s) => s.trim())
          .filter((s) => s !== '' && s !== this.botUserId);
        if (ids.length === 0) throw new SlackApiError('users_list_not_supplied');
        if (ids.length > 1)
          throw new SlackApiError('not_supported_by_fake', {
            detail: 'FakeSlack opens 1:1 DMs only (no multi-person DMs).',
          });
        const userId = ids[0] ?? '';
        const user = this.userMap.get(userId);
        if (!user) throw new SlackApiError('user_not_found');
        if (user.isBot) throw new SlackApiError('cannot_dm_bot');
        if (user.deleted) throw new SlackApiError('user_disabled');
        if (argBool(args, 'prevent_creation') && !this.dms.get(userId)?.open) return { no_op: true, channel: {} };
        const dm = this.dmFor(userId);
        const already = dm.open;
        dm.open = true;
        return {
          ...(already ? { no_op: true, already_open: true } : {}),
          channel: argBool(args, 'return_im') ? this.apiIm(dm) : { id: dm.id },
        };
      },

      'conversations.history': (args) => {
        const { id } = this.readable(argStr(args, 'channel'), { requireMember: true });
        const includeMetadata = argBool(args, 'include_all_metadata');
        const inclusive = argBool(args, 'inclusive');
        const oldest = argStr(args, 'oldest');
        const latest = argStr(args, 'latest');
        // History shows top-level messages (and broadcast replies), newest first; replies live in conversations.replies.
        let list = (this.messageMap.get(id) ?? []).filter(
          (m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.reply_broadcast,
        );
        list = list.filter((m) => {
          if (oldest !== undefined && oldest !== '' && oldest !== '0') {
            const c = compareTs(m.ts, oldest);
            if (c < 0 || (c === 0 && !inclusive)) return false;
          }
          if (latest !== undefined && latest !== '') {
            const c = compareTs(m.ts, latest);
            if (c > 0 || (c === 0 && !inclusive)) return false;
          }
          return true;
        });
        list = [...list].sort((a, b) => compareTs(b.ts, a.ts));
        const page = this.paginate(
          list,
          args,
          (m) => `next_ts:${m.ts}`,
          (m) => this.apiMessage(m, includeMetadata),
          { defaultLimit: 100, maxLimit: 999, key: 'messages' },
        );
        const more = isObject(page.response_metadata) && page.response_metadata.next_cursor !== '';
        return {
          messages: page.messages,
          has_more: more,
          pin_count: this.pins.filter((p) => p.channel === id).length,
          channel_actions_ts: null,
          channel_actions_count: 0,
          ...(more ? { response_metadata: page.response_metadata } : {}),
        };
      },

      'conversations.replies': (args) => {
        const { id } = this.readable(argStr(args, 'channel'), { requireMember: true });
        const ts = requireStr(args, 'ts');
        const parent = this.findMessage(id, ts);
        if (!parent) throw new SlackApiError('thread_not_found');
        const includeMetadata = argBool(args, 'include_all_metadata');
        const thread = (this.messageMap.get(id) ?? []).filter((m) => m.ts === ts || m.thread_ts === ts);
        const page = this.paginate(
          thread,
          args,
          (m) => `next_ts:${m.ts}`,
          (m) => this.apiMessage(m, includeMetadata),
          { defaultLimit: 1000, maxLimit: 1000, key: 'messages' },
        );
        const more = isObject(page.response_metadata) && page.response_metadata.next_cursor !== '';
        return {
          messages: page.messages,
          has_more: more,
          ...(more ? { response_metadata: page.response_metadata } : {}),
        };
      },

      'users.info': (args) => {
        const user = this.userMap.get(requireStr(args, 'user'));
        if (!user) throw new SlackApiError('user_not_found');
        return { user: this.apiUser(user) };
      },

      'users.list': (args) => {
        const page = this.paginate(
          [...this.userMap.values()],
          args,
          (u) => `user:${u.id}`,
          (u) => this.apiUser(u),
          { key: 'members' },
        );
        return { ...page, cache_ts: Math.floor(this.clock() / 1000) };
      },

      'pins.add': (args) => {
        const { id } = this.readable(argStr(args, 'channel'), { requireMember: true });
        const ts = requireStr(args, 'timestamp');
        const msg = this.findMessage(id, ts);
        if (!msg) throw new SlackApiError('message_not_found');
        if (msg.pinned) throw new SlackApiError('already_pinned');
        msg.pinned = true;
        this.pins.push({ channel: id, ts, created: Math.floor(this.clock() / 1000) });
        return {};
      },

      'pins.remove': (args) => {
        const { id } = this.readable(argStr(args, 'channel'), { requireMember: true });
        const ts = requireStr(args, 'timestamp');
        const msg = this.findMessage(id, ts);
        if (!msg) throw new SlackApiError('message_not_found');
        if (!msg.pinned) throw new SlackApiError('no_pin');
        msg.pinned = false;
        this.pins.splice(0, this.pins.length, ...this.pins.filter((p) => !(p.channel === id && p.ts === ts)));
        return {};
      },

      'pins.list': (args) => {
        const { id } = this.readable(argStr(args, 'channel'), { requireMember: true });
        const items = this.pins
          .filter((p) => p.channel === id)
          .map((p) => {
            const m = this.findMessage(id, p.ts);
            return {
              type: 'message',
              created: p.created,
              created_by: this.botUserId,
              channel: id,
              ...(m ? { message: this.apiMessage(m, false) } : {}),
            };
          });
        return { items };
      },

      'views.open': (args) => {
        const input = this.viewArg(args, 'modal');
        const trigger = this.consumeTrigger(args);
        const view = this.buildView(input, {});
        const previous = this.stacks.get(trigger.userId) ?? [];
        this.closedViews.push(...previous);
        this.stacks.set(trigger.userId, [view]);
        return { view: clone(view) };
      },

      'views.push': (args) => {
        const input = this.viewArg(args, 'modal');
        const trigger = this.consumeTrigger(args);
        const stack = this.stacks.get(trigger.userId);
        const top = stack?.[stack.length - 1];
        // A push needs an open modal (the trigger comes from an interaction inside it).
        if (!stack || !top || (trigger.viewId !== undefined && !stack.some((v) => v.id === trigger.viewId)))
          throw new SlackApiError('not_found');
        if (stack.length >= MAX_VIEW_STACK) throw new SlackApiError('push_limit_reached');
        const view = this.buildView(input, { root: stack[0]?.id ?? top.id, previous: top.id });
        stack.push(view);
        return { view: clone(view) };
      },

      'views.update': (args) => {
        const located = this.locateView(args);
        const input = this.viewArg(args, located.surface);
        const hash = argStr(args, 'hash');
        if (hash !== undefined && hash !== '' && hash !== located.view.hash) throw new SlackApiError('hash_conflict');
        const next = this.buildView(input, {
          id: located.view.id,
          root: located.view.root_view_id,
          previous: located.view.previous_view_id,
          except: located.view.id,
        });
        if (located.surface === 'home') this.homes.set(located.userId, next);
        else if (located.stack) located.stack[located.stack.indexOf(located.view)] = next;
        return { view: clone(next) };
      },

      'views.publish': (args) => {
        const userId = requireStr(args, 'user_id');
        const user = this.userMap.get(userId);
        if (!user || user.isBot) throw new SlackApiError('user_not_found');
        const input = this.viewArg(args, 'home');
        const current = this.homes.get(userId);
        const hash = argStr(args, 'hash');
        if (hash !== undefined && hash !== '' && current && hash !== current.hash)
          throw new SlackApiError('hash_conflict');
        // The App Home view keeps its id across publishes; the hash changes each time.
        const view = this.buildView(input, {
          ...(current ? { id: current.id, except: current.id } : {}),
          root: null,
          previous: null,
        });
        this.homes.set(userId, view);
        return { view: clone(view) };
      },

      'files.getUploadURLExternal': (args) => {
        const filename = requireStr(args, 'filename');
        const length = argInt(args, 'length');
        if (length === undefined) throw missing('length');
        if (Number.isNaN(length) || length < 1)
          throw invalidArguments(['[ERROR] must be greater than or equal to 1 [json-pointer:/length]']);
        const id = randomId('F');
        const key = randomMixed(32);
        const altText = argStr(args, 'alt_text');
        this.fileMap.set(id, {
          id,
          filename,
          title: filename,
          length,
          bytes: null,
          completed: false,
          ...(altText ? { altText } : {}),
        });
        this.uploadKeys.set(key, id);
        return { upload_url: `${this.origin}/upload/v1/${key}`, file_id: id };
      },

      'files.completeUploadExternal': (args) => {
        const files = args.files;
        if (files === undefined) throw missing('files');
        if (!Array.isArray(files) || files.length === 0)
          throw invalidArguments(['[ERROR] must provide at least 1 items [json-pointer:/files]']);
        const entries = files.map((f) => {
          if (!isObject(f) || typeof f.id !== 'string')
            throw invalidArguments(['[ERROR] missing required field: id [json-pointer:/files]']);
          const file = this.fileMap.get(f.id);
          // A file never uploaded (or unknown) cannot be completed.
          if (!file || file.bytes === null) throw new SlackApiError('file_not_found');
          return { file, title: typeof f.title === 'string' ? f.title : undefined };
        });
        const channelRef = argStr(args, 'channel_id') ?? argStr(args, 'channels');
        const channel = channelRef ? this.postTarget(channelRef) : undefined;
        const threadTs = argStr(args, 'thread_ts');
        const comment = argStr(args, 'initial_comment');
        const blocks = this.parseBlocksArg(args);
        let messageTs: string | undefined;
        if (channel) {
          // Sharing posts a message carrying the files (in the thread when thread_ts is given).
          const msg: StoredMessage = {
            ts: this.nextTs(),
            channel,
            user: this.botUserId,
            text: comment ?? '',
            blocks: blocks ? fillIds(blocks) : [],
            pinned: false,
            bot_id: this.botId,
            app_id: this.appId,
            via: 'api',
            files: entries.map((e) => e.file.id),
            ...(threadTs ? { thread_ts: threadTs } : {}),
          };
          this.insertMessage(msg);
          messageTs = msg.ts;
        }
        for (const { file, title } of entries) {
          file.completed = true;
          if (title !== undefined) file.title = title;
          if (channel) {
            file.channel = channel;
            if (messageTs) file.message_ts = messageTs;
          }
          if (threadTs) file.thread_ts = threadTs;
          if (comment !== undefined) file.initial_comment = comment;
        }
        return { files: entries.map((e) => this.apiFile(e.file.id)) };
      },
    };
  }

  /**
   * Cursor pagination as Slack does it: `limit` (capped), an opaque base64 cursor naming the next
   * item, and `response_metadata.next_cursor` ('' on the last page).
   */
  private paginate<T>(
    items: T[],
    args: Args,
    cursorOf: (item: T) => string,
    render: (item: T) => unknown,
    opts: { defaultLimit?: number; maxLimit?: number; key?: string } = {},
  ): Record<string, unknown> & { response_metadata: { next_cursor: string } } {
    const key = opts.key ?? 'members';
    const requested = argInt(args, 'limit');
    const cap = opts.maxLimit ?? this.membersPageSize;
    const base =
      requested === undefined || Number.isNaN(requested) || requested <= 0
        ? (opts.defaultLimit ?? this.membersPageSize)
        : requested;
    const limit = Math.min(base, cap);
    let start = 0;
    const cursor = argStr(args, 'cursor');
    if (cursor) {
      const decoded = Buffer.from(cursor, 'base64').toString('utf8');
      start = items.findIndex((i) => cursorOf(i) === decoded);
      if (start < 0) throw new SlackApiError('invalid_cursor');
    }
    const page = items.slice(start, start + limit);
    const next = items[start + limit];
    return {
      [key]: page.map(render),
      response_metadata: { next_cursor: next === undefined ? '' : Buffer.from(cursorOf(next)).toString('base64') },
    };
  }
}
