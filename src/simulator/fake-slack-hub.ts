/**
 * One Slack serving several workspaces, for an app installed in many of them through OAuth.
 *
 * Each workspace is a FakeSlack of its own (its people, channels, messages, modals). The hub is what
 * the app talks to (`SLACK_API_URL` and `SLACK_OAUTH_AUTHORIZE_URL` point at it):
 *
 * - `GET /oauth/v2/authorize`: Slack's authorize page. The person installing is taken to have
 *   picked a workspace (the `team` parameter, as Slack accepts it to preselect one, else the first
 *   workspace; an organization id for an org-wide install) and clicked Allow (`decision=deny` to
 *   cancel). It redirects to the app's redirect URL with a one-time `code` and the `state`.
 * - `oauth.v2.access`: exchanges the code for a bot token (the client id and secret must match), or
 *   with `grant_type=refresh_token` renews a rotating token. A refresh token works once: a second use
 *   answers `invalid_refresh_token`, as Slack's does. With token rotation on, bot tokens expire
 *   (`token_expired`) `expiresInSeconds` after they were issued, on the hub's clock.
 * - `auth.test`: answers for the token's own workspace and bot.
 * - Every other method: the token says which installation is calling (an org-wide token names its
 *   workspace with `team_id`, as WebClient sends it); the call is forwarded to that workspace's
 *   FakeSlack under the workspace's own token, and recorded here with the token it came with.
 *   Unknown tokens answer `invalid_auth`; revoked ones (uninstalled) `token_revoked`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FakeSlack } from './fake-slack.js';
import { listenLocally, simulatorServer } from './local-server.js';

export interface FakeSlackHubOptions {
  clientId?: string;
  clientSecret?: string;
  appId?: string;
  /** Token rotation on (the app's manifest enables it): bot tokens expire after this many seconds. */
  tokenRotation?: { expiresInSeconds: number };
  /** The hub's clock in epoch milliseconds (token expiry). */
  now?: () => number;
}

export interface HubOrganization {
  id: string;
  name: string;
  /** The org-wide bot user (the same in every workspace of the organization). */
  botUserId: string;
  botId: string;
}

export interface HubCall {
  method: string;
  /** The workspace the call was for (for oauth.v2.access: the installation's workspace or organization). */
  teamId: string | null;
  /** The token the app sent (undefined for oauth.v2.access, which authenticates with the client secret). */
  token: string | undefined;
  grantType?: string;
  status: number;
  error: string | undefined;
  at: number;
}

interface Grant {
  code: string;
  teamId: string | null;
  enterpriseId: string | null;
  userId: string;
  redirectUri: string;
  scope: string;
  used: boolean;
}

interface HubInstallation {
  key: string;
  teamId: string | null;
  enterpriseId: string | null;
  scope: string;
  installerId: string;
  refreshToken: string | null;
  spentRefreshTokens: Set<string>;
}

interface IssuedToken {
  token: string;
  installation: HubInstallation;
  expiresAt: number | null;
  revoked: boolean;
}

type Args = Record<string, string>;

function randomText(length: number): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (const b of randomBytes(length)) out += chars[b % chars.length];
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

/** The flat arguments of a Web API request (form or JSON body; nested values left as text). */
function argsOf(req: IncomingMessage, body: Buffer): Args {
  const args: Args = {};
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim();
  if (type === 'application/json' && body.length > 0) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed && typeof parsed === 'object')
        for (const [k, v] of Object.entries(parsed)) args[k] = typeof v === 'string' ? v : JSON.stringify(v);
    } catch {
      // The workspace's fake reports the malformed body.
    }
  } else if (type === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) args[k] = v;
  }
  return args;
}

export class FakeSlackHub {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly appId: string;
  private readonly rotation: { expiresInSeconds: number } | undefined;
  private readonly clock: () => number;
  private readonly server: Server;
  private port = 0;
  private readonly workspaces = new Map<string, { fake: FakeSlack; enterpriseId: string | null }>();
  private readonly organizations = new Map<string, HubOrganization>();
  private readonly grants = new Map<string, Grant>();
  private readonly installations = new Map<string, HubInstallation>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly callLog: HubCall[] = [];
  private readonly redirectUrls: string[] = [];
  private refreshLatencyMs = 0;

  private constructor(options: FakeSlackHubOptions) {
    this.clientId = options.clientId ?? '1111111111.2222222222';
    this.clientSecret = options.clientSecret ?? 'fake-client-secret-0123456789abcdef';
    this.appId = options.appId ?? 'A0ALLIANCE';
    this.rotation = options.tokenRotation;
    this.clock = options.now ?? (() => Date.now());
    this.server = simulatorServer((req, res) => this.route(req, res));
  }

  static async start(options: FakeSlackHubOptions = {}): Promise<FakeSlackHub> {
    const hub = new FakeSlackHub(options);
    hub.port = await listenLocally(hub.server);
    return hub;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The app's SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  /** The app's SLACK_OAUTH_AUTHORIZE_URL. */
  get authorizeUrl(): string {
    return `${this.origin}/oauth/v2/authorize`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // -------------------------------------------------------------------------------------------
  // Arranged by tests
  // -------------------------------------------------------------------------------------------

  /** A workspace, optionally part of an organization added with `addOrganization`. */
  addWorkspace(fake: FakeSlack, options: { enterpriseId?: string } = {}): void {
    this.workspaces.set(fake.teamId, { fake, enterpriseId: options.enterpriseId ?? null });
  }

  addOrganization(organization: HubOrganization): void {
    this.organizations.set(organization.id, organization);
  }

  /** The redirect URLs of the app's settings; the first is used when the app sends none. */
  setRedirectUrls(urls: string[]): void {
    this.redirectUrls.splice(0, this.redirectUrls.length, ...urls);
  }

  /** Delays every refresh answer (after the refresh has happened), so concurrent refreshes overlap. */
  setRefreshLatency(ms: number): void {
    this.refreshLatencyMs = ms;
  }

  calls(method?: string): HubCall[] {
    return this.callLog.filter((c) => method === undefined || c.method === method).map((c) => ({ ...c }));
  }

  clearCalls(): void {
    this.callLog.length = 0;
  }

  /** The bot tokens issued for a workspace (or organization), oldest first, and whether each still works. */
  tokensOf(id: string): { token: string; usable: boolean; expiresAt: number | null }[] {
    return [...this.tokens.values()]
      .filter(
        (t) => t.installation.teamId === id || (t.installation.teamId === null && t.installation.enterpriseId === id),
      )
      .map((t) => ({ token: t.token, usable: this.usable(t), expiresAt: t.expiresAt }));
  }

  /** The refresh token Slack would accept now for a workspace's installation (null without rotation). */
  currentRefreshToken(id: string): string | null {
    return this.installationOf(id)?.refreshToken ?? null;
  }

  /** Uninstalls the app from a workspace (or organization): its tokens stop working at once. */
  uninstall(id: string): void {
    const installation = this.installationOf(id);
    if (!installation) throw new Error(`FakeSlackHub: the app is not installed in ${id}`);
    for (const t of this.tokens.values()) if (t.installation === installation) t.revoked = true;
    installation.refreshToken = null;
    this.installations.delete(installation.key);
  }

  // -------------------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------------------

  private installationOf(id: string): HubInstallation | undefined {
    return [...this.installations.values()].find(
      (i) => i.teamId === id || (i.teamId === null && i.enterpriseId === id),
    );
  }

  private usable(t: IssuedToken): boolean {
    return !t.revoked && (t.expiresAt === null || t.expiresAt > this.clock());
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const body = await readBody(req);
    if (req.method === 'GET' && url.pathname === '/oauth/v2/authorize') return this.authorize(url, res);
    if (url.pathname.startsWith('/api/')) return this.api(decodeURIComponent(url.pathname.slice(5)), req, body, res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }

  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const refuse = (text: string) => {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (q.get('client_id') !== this.clientId) return refuse('Invalid client_id parameter');
    const redirectUri = q.get('redirect_uri') ?? this.redirectUrls[0];
    if (!redirectUri) return refuse('The app has no redirect URL');
    if (this.redirectUrls.length > 0 && !this.redirectUrls.includes(redirectUri)) {
      return refuse('redirect_uri did not match any configured URIs');
    }
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    if (q.get('decision') === 'deny') {
      back.searchParams.set('error', 'access_denied');
    } else {
      const picked = q.get('team') ?? [...this.workspaces.keys()][0];
      if (!picked) return refuse('No workspace to install in');
      const organization = this.organizations.get(picked);
      const workspace = this.workspaces.get(picked);
      if (!organization && !workspace) return refuse(`No workspace ${picked}`);
      const code = `${randomText(10)}.${randomText(10)}.${randomBytes(16).toString('hex')}`;
      this.grants.set(code, {
        code,
        teamId: organization ? null : picked,
        enterpriseId: organization ? organization.id : (workspace?.enterpriseId ?? null),
        userId: q.get('user') ?? 'UINSTALLER',
        redirectUri,
        scope: q.get('scope') ?? '',
        used: false,
      });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  private record(call: Omit<HubCall, 'at'>): void {
    this.callLog.push({ ...call, at: this.clock() });
  }

  private json(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(payload));
  }

  private async api(method: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const args = argsOf(req, body);
    if (method === 'oauth.v2.access') return this.access(req, args, res);
    const header = req.headers.authorization;
    const token =
      typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '') : args.token;
    const fail = (teamId: string | null, error: string) => {
      this.record({ method, teamId, token, status: 200, error });
      this.json(res, 200, { ok: false, error });
    };
    if (!token) return fail(null, 'not_authed');
    const issued = this.tokens.get(token);
    if (!issued) return fail(null, 'invalid_auth');
    const installation = issued.installation;
    const teamId = installation.teamId ?? args.team_id ?? null;
    if (issued.revoked) return fail(teamId, 'token_revoked');
    if (issued.expiresAt !== null && issued.expiresAt <= this.clock()) return fail(teamId, 'token_expired');

    if (method === 'auth.test') {
      const answer = this.authTest(installation, teamId);
      this.record({ method, teamId, token, status: 200, error: undefined });
      return this.json(res, 200, answer);
    }
    const workspace = teamId ? this.workspaces.get(teamId) : undefined;
    if (!workspace || (installation.teamId === null && workspace.enterpriseId !== installation.enterpriseId)) {
      return fail(teamId, installation.teamId === null ? 'team_access_not_granted' : 'team_not_found');
    }
    // Forwarded to the workspace, under its own token.
    const forwarded = await fetch(`${workspace.fake.apiUrl}${method}`, {
      method: 'POST',
      headers: {
        'content-type': String(req.headers['content-type'] ?? 'application/x-www-form-urlencoded'),
        authorization: `Bearer ${workspace.fake.botToken}`,
      },
      body: body.length > 0 ? new Uint8Array(body) : null,
    });
    const text = await forwarded.text();
    let error: string | undefined;
    try {
      const parsed = JSON.parse(text) as { ok?: boolean; error?: string };
      if (parsed.ok === false) error = parsed.error;
    } catch {
      error = `http_${forwarded.status}`;
    }
    this.record({ method, teamId, token, status: forwarded.status, error });
    const headers: Record<string, string> = {
      'content-type': forwarded.headers.get('content-type') ?? 'application/json; charset=utf-8',
    };
    const retryAfter = forwarded.headers.get('retry-after');
    if (retryAfter) headers['retry-after'] = retryAfter;
    res.writeHead(forwarded.status, headers);
    res.end(text);
  }

  private authTest(installation: HubInstallation, teamId: string | null): Record<string, unknown> {
    const organization = installation.enterpriseId ? this.organizations.get(installation.enterpriseId) : undefined;
    if (installation.teamId === null && organization) {
      return {
        ok: true,
        url: `https://${organization.id.toLowerCase()}.enterprise.slack.com/`,
        team: organization.name,
        user: 'alliance',
        team_id: teamId ?? organization.id,
        user_id: organization.botUserId,
        bot_id: organization.botId,
        enterprise_id: organization.id,
        is_enterprise_install: true,
      };
    }
    const fake = this.workspaces.get(installation.teamId ?? '')?.fake;
    return {
      ok: true,
      url: `https://${fake?.teamDomain ?? 'workspace'}.slack.com/`,
      team: fake?.teamName,
      user: fake?.botUserName,
      team_id: installation.teamId,
      user_id: fake?.botUserId,
      bot_id: fake?.botId,
      ...(installation.enterpriseId ? { enterprise_id: installation.enterpriseId } : {}),
      is_enterprise_install: false,
    };
  }

  private issue(installation: HubInstallation): { access_token: string; refresh_token?: string; expires_in?: number } {
    const kind = installation.teamId === null ? 'org' : 'bot';
    if (!this.rotation) {
      const token = `xoxb-${randomText(8)}-${randomText(10)}-${randomText(20)}`;
      this.tokens.set(token, { token, installation, expiresAt: null, revoked: false });
      return { access_token: token };
    }
    const token = `xoxe.xoxb-1-${kind}${randomText(30)}`;
    const refresh = `xoxe-1-${randomText(40)}`;
    this.tokens.set(token, {
      token,
      installation,
      expiresAt: this.clock() + this.rotation.expiresInSeconds * 1000,
      revoked: false,
    });
    installation.refreshToken = refresh;
    return { access_token: token, refresh_token: refresh, expires_in: this.rotation.expiresInSeconds };
  }

  private access(req: IncomingMessage, args: Args, res: ServerResponse): void {
    const grantType = args.grant_type ?? 'authorization_code';
    let clientId = args.client_id;
    let clientSecret = args.client_secret;
    const header = req.headers.authorization;
    if (typeof header === 'string' && /^Basic\s+/i.test(header)) {
      const [id, secret] = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64')
        .toString('utf8')
        .split(':');
      clientId = id;
      clientSecret = secret;
    }
    const answer = (installation: HubInstallation | null, payload: Record<string, unknown>) => {
      const error = payload.ok === false ? String(payload.error) : undefined;
      this.record({
        method: 'oauth.v2.access',
        teamId: installation?.teamId ?? installation?.enterpriseId ?? null,
        token: undefined,
        grantType,
        status: 200,
        error,
      });
      const send = () => this.json(res, 200, payload);
      if (grantType === 'refresh_token' && this.refreshLatencyMs > 0) setTimeout(send, this.refreshLatencyMs);
      else send();
    };
    if (clientId !== this.clientId) return answer(null, { ok: false, error: 'invalid_client_id' });
    if (clientSecret !== this.clientSecret) return answer(null, { ok: false, error: 'bad_client_secret' });

    if (grantType === 'refresh_token') {
      const refresh = args.refresh_token;
      const installation = [...this.installations.values()].find(
        (i) => i.refreshToken === refresh || (refresh !== undefined && i.spentRefreshTokens.has(refresh)),
      );
      if (!installation || !refresh || installation.refreshToken !== refresh) {
        return answer(installation ?? null, { ok: false, error: 'invalid_refresh_token' });
      }
      installation.spentRefreshTokens.add(refresh);
      return answer(installation, { ok: true, ...this.installationAnswer(installation), ...this.issue(installation) });
    }
    if (grantType !== 'authorization_code') return answer(null, { ok: false, error: 'invalid_grant_type' });

    const grant = args.code ? this.grants.get(args.code) : undefined;
    if (!grant) return answer(null, { ok: false, error: 'invalid_code' });
    if (grant.used) return answer(null, { ok: false, error: 'code_already_used' });
    if (args.redirect_uri && args.redirect_uri !== grant.redirectUri) {
      return answer(null, { ok: false, error: 'bad_redirect_uri' });
    }
    grant.used = true;
    const key = `${grant.enterpriseId ?? ''}/${grant.teamId ?? ''}`;
    const previous = this.installations.get(key);
    if (previous) for (const t of this.tokens.values()) if (t.installation === previous) t.revoked = true;
    const installation: HubInstallation = {
      key,
      teamId: grant.teamId,
      enterpriseId: grant.enterpriseId,
      scope: grant.scope,
      installerId: grant.userId,
      refreshToken: null,
      spentRefreshTokens: new Set(),
    };
    this.installations.set(key, installation);
    const tokens = this.issue(installation);
    answer(installation, {
      ok: true,
      ...this.installationAnswer(installation),
      authed_user: { id: grant.userId },
      ...tokens,
    });
  }

  private installationAnswer(installation: HubInstallation): Record<string, unknown> {
    const organization = installation.enterpriseId ? this.organizations.get(installation.enterpriseId) : undefined;
    const fake = installation.teamId ? this.workspaces.get(installation.teamId)?.fake : undefined;
    return {
      app_id: this.appId,
      scope: installation.scope,
      token_type: 'bot',
      bot_user_id: fake?.botUserId ?? organization?.botUserId,
      team: fake ? { id: fake.teamId, name: fake.teamName } : null,
      enterprise: organization ? { id: organization.id, name: organization.name } : null,
      is_enterprise_install: installation.teamId === null,
    };
  }
}
