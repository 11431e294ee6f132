import { existsSync } from 'node:fs';
import { z } from 'zod';

/**
 * Configuration comes from the environment, optionally seeded from a `.env` file.
 * Each problem is reported as one sentence naming the variable and where the README explains it;
 * values themselves are never echoed, because some of them are secrets.
 */

const README_SETUP = "see 'Quick start' in README.md to create the Slack app from manifest.json";

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

// Empty strings (e.g. a `.env` copied from `.env.example` and left blank) count as unset.
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

const slackSchema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string({ error: 'is not set' }).startsWith('xoxb-', { error: 'must be a bot token starting with xoxb-' }),
  ),
  SLACK_SIGNING_SECRET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    // Slack's signing secrets are 32 characters; anything shorter was pasted from elsewhere or cut off.
    z.string({ error: 'is not set' }).min(32, {
      error: (issue) =>
        `is ${String(issue.input).length} characters long, but the Signing Secret on your Slack ` +
        `app's Basic Information page has 32`,
    }),
  ),
  SLACK_APP_TOKEN: optionalText.pipe(
    z.string().startsWith('xapp-', { error: 'must be an app-level token starting with xapp-' }).optional(),
  ),
});

const runtimeSchema = z.object({
  PORT: z.preprocess(
    (v) => (v === '' || v === undefined ? '3000' : v),
    z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535, { error: 'must be a port number' }),
  ),
  DATABASE_PATH: z.preprocess((v) => (v === '' || v === undefined ? 'data/alliance.db' : v), z.string()),
  SLACK_API_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://slack.com/api/' }).optional(),
  ),
  LOG_LEVEL: z.preprocess(
    (v) => (v === '' || v === undefined ? 'info' : String(v).toLowerCase()),
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
  ),
});

export interface RuntimeConfig {
  port: number;
  /** The interface the HTTP server binds to; every interface when unset. */
  host?: string;
  databasePath: string;
  /** Web API base URL; tests point it at a local fake. Undefined means Slack's own. */
  slackApiUrl: string | undefined;
  logLevel: LogLevelName;
}

export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  /** When set, the app connects over Socket Mode instead of serving HTTP requests. */
  appToken: string | undefined;
}

/** One workspace: the bot token from SLACK_BOT_TOKEN. */
export type AppConfig = RuntimeConfig & { slack: SlackConfig };

/** Many workspaces: installed through Slack's OAuth flow, each workspace's tokens in the database. */
export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  /** 32 bytes; tokens are sealed under it. */
  encryptionKey: Buffer;
  /** The key before the current one, while stored tokens are re-sealed (`npm run rotate-key`). */
  previousEncryptionKey: Buffer | undefined;
  /** Slack's authorize page; tests point it at a fake. */
  authorizeUrl: string;
  /** Days an uninstalled workspace's data is kept before it is deleted. */
  uninstallGraceDays: number;
}

export type OAuthAppConfig = RuntimeConfig & {
  slack: { signingSecret: string; botToken?: undefined; appToken?: undefined };
  oauth: OAuthConfig;
};

/** What `npm start` runs with: one workspace, or many. */
export type StartConfig = AppConfig | OAuthAppConfig;

export const DEFAULT_AUTHORIZE_URL = 'https://slack.com/oauth/v2/authorize';
export const DEFAULT_UNINSTALL_GRACE_DAYS = 30;
const README_OAUTH = "see 'One workspace or many' in README.md";
const OAUTH_VARIABLES = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'INSTALLATION_ENCRYPTION_KEY'];

/** 32 random bytes, written as base64 (44 characters) or hex (64). */
const encryptionKey = z.string().transform((text, ctx) => {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : undefined;
  if (bytes?.length !== 32) {
    ctx.issues.push({
      code: 'custom',
      input: text,
      message:
        'must be 32 random bytes written as base64 (44 characters) or hex (64); make one with `openssl rand -base64 32`',
    });
    return z.NEVER;
  }
  return bytes;
});

const required = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema);

const oauthSchema = z.object({
  SLACK_CLIENT_ID: required(
    z.string({ error: 'is not set' }).regex(/^\d+\.\d+$/, {
      error: "must be the Client ID from your Slack app's Basic Information page, such as 1234567890.1234567890",
    }),
  ),
  SLACK_CLIENT_SECRET: required(
    z
      .string({ error: 'is not set' })
      .min(16, { error: "is too short to be the Client Secret from your Slack app's Basic Information page" }),
  ),
  SLACK_STATE_SECRET: required(
    z.string({ error: 'is not set' }).min(16, { error: 'must be at least 16 characters; use a long random string' }),
  ),
  INSTALLATION_ENCRYPTION_KEY: required(z.string({ error: 'is not set' }).pipe(encryptionKey)),
  INSTALLATION_ENCRYPTION_KEY_PREVIOUS: optionalText.pipe(encryptionKey.optional()),
  SLACK_SIGNING_SECRET: slackSchema.shape.SLACK_SIGNING_SECRET,
  SLACK_OAUTH_AUTHORIZE_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, error: `must be an http(s) URL such as ${DEFAULT_AUTHORIZE_URL}` }).optional(),
  ),
  UNINSTALL_GRACE_DAYS: z.preprocess(
    (v) => (v === '' || v === undefined ? String(DEFAULT_UNINSTALL_GRACE_DAYS) : v),
    z.coerce
      .number({ error: 'must be a whole number of days' })
      .int({ error: 'must be a whole number of days' })
      .min(0, { error: 'must be a whole number of days' })
      .max(3650, { error: 'must be at most 3650 days' }),
  ),
});

/** True when any variable of the OAuth (many workspaces) configuration is set. */
export function wantsOAuth(env: Env): boolean {
  return OAUTH_VARIABLES.some((name) => (env[name] ?? '') !== '');
}

export function parseOAuthConfig(env: Env): OAuthAppConfig {
  const runtime = parseRuntimeConfig(env);
  const both = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN'].filter((name) => (env[name] ?? '') !== '');
  if (both.length > 0) {
    throw new ConfigError(
      `Alliance cannot start: ${both.join(' and ')} ${both.length > 1 ? 'are' : 'is'} set together with the OAuth variables; set SLACK_BOT_TOKEN for one workspace, or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and INSTALLATION_ENCRYPTION_KEY for many (served over HTTP, not Socket Mode), not both (${README_OAUTH}).`,
    );
  }
  const parsed = oauthSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(describe(parsed.error.issues, README_OAUTH));
  const data = parsed.data;
  return {
    ...runtime,
    slack: { signingSecret: data.SLACK_SIGNING_SECRET },
    oauth: {
      clientId: data.SLACK_CLIENT_ID,
      clientSecret: data.SLACK_CLIENT_SECRET,
      stateSecret: data.SLACK_STATE_SECRET,
      encryptionKey: data.INSTALLATION_ENCRYPTION_KEY,
      previousEncryptionKey: data.INSTALLATION_ENCRYPTION_KEY_PREVIOUS,
      authorizeUrl: data.SLACK_OAUTH_AUTHORIZE_URL ?? DEFAULT_AUTHORIZE_URL,
      uninstallGraceDays: data.UNINSTALL_GRACE_DAYS,
    },
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** True when Slack's credentials are not set at all (as opposed to set but malformed). */
  constructor(
    message: string,
    readonly credentialsMissing = false,
  ) {
    super(message);
  }
}

/** Said after the missing-credentials sentence: there is a way to try Alliance without them. */
export const DEMO_HINT = 'To try Alliance without a Slack workspace, run `npm run demo` and open the page it prints.';

type Env = Record<string, string | undefined>;

/** Reads `.env` (if present) into process.env without overriding variables already set. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

function describe(issues: readonly z.core.$ZodIssue[], hint = README_SETUP): string {
  const missing: string[] = [];
  const malformed: string[] = [];
  for (const issue of issues) {
    const name = String(issue.path[0]);
    if (issue.message === 'is not set') missing.push(name);
    else malformed.push(`${name} ${issue.message}`);
  }
  if (missing.length > 0) {
    const names = missing.join(' and ');
    return `Alliance cannot start: set ${names} in the environment or in .env (${hint}).`;
  }
  return `Alliance cannot start: ${malformed.join('; ')} (${hint}).`;
}

export function parseRuntimeConfig(env: Env): RuntimeConfig {
  const parsed = runtimeSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(describe(parsed.error.issues));
  return {
    port: parsed.data.PORT,
    databasePath: parsed.data.DATABASE_PATH,
    slackApiUrl: parsed.data.SLACK_API_URL,
    logLevel: parsed.data.LOG_LEVEL,
  };
}

export function parseSlackConfig(env: Env): SlackConfig {
  const parsed = slackSchema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(
      describe(parsed.error.issues),
      parsed.error.issues.some((i) => i.message === 'is not set'),
    );
  return {
    botToken: parsed.data.SLACK_BOT_TOKEN,
    signingSecret: parsed.data.SLACK_SIGNING_SECRET,
    appToken: parsed.data.SLACK_APP_TOKEN,
  };
}

/**
 * The tick command needs the database settings, and the bot token only if something due talks to
 * Slack; a token that is set must still be well-formed.
 */
export function parseTickConfig(env: Env): RuntimeConfig & {
  botToken: string | undefined;
  signingSecret: string | undefined;
  /** Installed in many workspaces: their tokens are in the database, opened with this configuration. */
  oauth?: OAuthConfig;
} {
  if (wantsOAuth(env)) {
    const { slack, oauth, ...runtime } = parseOAuthConfig(env);
    return { ...runtime, botToken: undefined, signingSecret: slack.signingSecret, oauth };
  }
  const runtime = parseRuntimeConfig(env);
  // A blank token (a .env copied from .env.example) is no token, as for the signing secret below.
  const token = slackSchema.shape.SLACK_BOT_TOKEN.optional().safeParse(env.SLACK_BOT_TOKEN || undefined);
  if (!token.success)
    throw new ConfigError(describe(token.error.issues.map((i) => ({ ...i, path: ['SLACK_BOT_TOKEN'] }))));
  // Needed only to close an anonymous pulse (its answers are sealed with a key derived from it).
  const secret = slackSchema.shape.SLACK_SIGNING_SECRET.optional().safeParse(env.SLACK_SIGNING_SECRET || undefined);
  if (!secret.success)
    throw new ConfigError(describe(secret.error.issues.map((i) => ({ ...i, path: ['SLACK_SIGNING_SECRET'] }))));
  return { ...runtime, botToken: token.data, signingSecret: secret.data };
}

/** `npm run rotate-key`: the database and the two keys, nothing of Slack. */
export function parseKeyConfig(
  env: Env,
): RuntimeConfig & { encryptionKey: Buffer; previousEncryptionKey: Buffer | undefined } {
  const runtime = parseRuntimeConfig(env);
  const parsed = oauthSchema
    .pick({ INSTALLATION_ENCRYPTION_KEY: true, INSTALLATION_ENCRYPTION_KEY_PREVIOUS: true })
    .safeParse(env);
  if (!parsed.success)
    throw new ConfigError(describe(parsed.error.issues, "see 'Rotating the encryption key' in README.md"));
  return {
    ...runtime,
    encryptionKey: parsed.data.INSTALLATION_ENCRYPTION_KEY,
    previousEncryptionKey: parsed.data.INSTALLATION_ENCRYPTION_KEY_PREVIOUS,
  };
}

/** One workspace (SLACK_BOT_TOKEN) unless the OAuth variables are set. */
export function parseConfig(env: Env): StartConfig {
  if (wantsOAuth(env)) return parseOAuthConfig(env);
  return { ...parseRuntimeConfig(env), slack: parseSlackConfig(env) };
}
