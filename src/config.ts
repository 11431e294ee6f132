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
        `is ${String(issue.input).length} characters long, but the Signing Secret on your Slack app's Basic Information page has 32`,
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

export type AppConfig = RuntimeConfig & { slack: SlackConfig };

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

function describe(issues: readonly z.core.$ZodIssue[]): string {
  const missing: string[] = [];
  const malformed: string[] = [];
  for (const issue of issues) {
    const name = String(issue.path[0]);
    if (issue.message === 'is not set') missing.push(name);
    else malformed.push(`${name} ${issue.message}`);
  }
  if (missing.length > 0) {
    const names = missing.join(' and ');
    return `Alliance cannot start: set ${names} in the environment or in .env (${README_SETUP}).`;
  }
  return `Alliance cannot start: ${malformed.join('; ')} (${README_SETUP}).`;
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
export function parseTickConfig(
  env: Env,
): RuntimeConfig & { botToken: string | undefined; signingSecret: string | undefined } {
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

export function parseConfig(env: Env): AppConfig {
  return { ...parseRuntimeConfig(env), slack: parseSlackConfig(env) };
}
