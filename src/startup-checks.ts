import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AppConfig } from './config.js';
import type { AppLogger } from './logger.js';
import { slackErrorCode } from './slack/errors.js';
import { type Db, openDatabase } from './store/db.js';
import { MigrationError, migrate } from './store/migrate.js';

/**
 * What can stop Alliance from starting, checked one by one with a bounded wait, each turned into one
 * sentence for the person running it: the variable or the cause, and what to do. Nothing here
 * prints a stack trace; anything not recognised is left to the caller as an unexpected error.
 */

/** A problem the person running Alliance can fix; its message is the one sentence they see. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** How long startup waits for Slack to answer before it gives up. */
export const SLACK_WAIT_SECONDS = 10;
/** How long one request to Slack may take during startup. */
const SLACK_REQUEST_TIMEOUT_MS = 4_000;

// ---------------------------------------------------------------------------------------------
// The database
// ---------------------------------------------------------------------------------------------

/** Opens and migrates the database at `path`, or explains in one sentence why it cannot. */
export function prepareDatabase(path: string, now: Date): Db {
  let db: Db | undefined;
  try {
    db = openDatabase(path);
    migrate(db, now);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof MigrationError) throw error;
    const sentence = explainDatabaseError(error, path);
    if (sentence === undefined) throw error;
    throw new StartupError(sentence);
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** The nearest existing ancestor of `path` (or `path` itself). */
function nearestExisting(path: string): string {
  let at = path;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

function isWritableFolder(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function explainDatabaseError(error: unknown, path: string): string | undefined {
  const nativeModule = explainNativeModuleError(error);
  if (nativeModule !== undefined) return nativeModule;
  const file = resolve(path);
  const where = `DATABASE_PATH (${file})`;
  const code = errorCode(error);
  const folder = dirname(file);
  const existing = nearestExisting(folder);
  const existingIsFile = existsSync(existing) && !statSync(existing).isDirectory();

  if (code === 'ENOTDIR' || code === 'EEXIST' || (code === 'SQLITE_CANTOPEN' && existingIsFile)) {
    return (
      `Alliance cannot use ${where}: ${existing} is a file, not a folder; point DATABASE_PATH ` +
      `at a file inside a folder.`
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    const syscall = (error as { syscall?: unknown }).syscall;
    if (syscall === 'mkdir') {
      return (
        `Alliance cannot use ${where}: it may not create the folder ${folder} (permission ` +
        `denied); create it with write access for the user running Alliance, or point ` +
        `DATABASE_PATH elsewhere.`
      );
    }
    if (existsSync(file)) {
      return (
        `Alliance cannot use ${where}: the database is read-only for the user running Alliance; ` +
        `give it write access to the file and to ${folder} (SQLite keeps its -wal and -shm files ` +
        `beside the database).`
      );
    }
    return (
      `Alliance cannot use ${where}: the user running Alliance may not write in ${folder}; give ` +
      `it write access to that folder, or point DATABASE_PATH elsewhere.`
    );
  }
  if (code === 'EROFS') {
    return (
      `Alliance cannot use ${where}: ${existing} is on a read-only file system; point ` +
      `DATABASE_PATH at a writable place, such as a mounted volume.`
    );
  }
  // Other errors of the file system (they name the system call), e.g. ELOOP or ENAMETOOLONG.
  if (typeof (error as { syscall?: unknown }).syscall === 'string') {
    return (
      `Alliance cannot use ${where}: ${(error as Error).message}; point DATABASE_PATH at a file ` +
      `in a folder Alliance may write to.`
    );
  }
  if (code === 'SQLITE_CANTOPEN') {
    if (existsSync(file) && statSync(file).isDirectory()) {
      return (
        `Alliance cannot use ${where}: it is a folder; point DATABASE_PATH at a file inside it, ` +
        `such as ${resolve(file, 'alliance.db')}.`
      );
    }
    if (!isWritableFolder(folder)) {
      return (
        `Alliance cannot use ${where}: the user running Alliance may not write in ${folder}; ` +
        `give it write access to that folder, or point DATABASE_PATH elsewhere.`
      );
    }
    return (
      `Alliance cannot use ${where}: SQLite cannot open it there; point DATABASE_PATH at a file ` +
      `in a folder Alliance may write to.`
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return (
      `Alliance cannot use ${where}: the database is read-only for the user running Alliance; ` +
      `give it write access to the file and to ${folder} (SQLite keeps its -wal and -shm files ` +
      `beside the database).`
    );
  }
  if (code === 'SQLITE_NOTADB') {
    return (
      `Alliance cannot use ${where}: the file there is not a SQLite database; point ` +
      `DATABASE_PATH at Alliance's database or at a new file.`
    );
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return (
      `Alliance cannot use ${where}: the database is damaged; restore it from a backup (see ` +
      `'Backups' in README.md).`
    );
  }
  if (code === 'SQLITE_FULL') {
    return `Alliance cannot use ${where}: the disk is full; free some space and start again.`;
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return `Alliance cannot use ${where}: another program keeps the database locked; stop it and start again.`;
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return (
      `Alliance cannot use ${where}: SQLite cannot read or write it there (disk I/O error); ` +
      `point DATABASE_PATH at a regular file on a local disk.`
    );
  }
  return undefined;
}

/**
 * better-sqlite3 is compiled for one Node.js version (its NODE_MODULE_VERSION); run with another
 * (Node upgraded after `npm ci`, node_modules copied between machines), it cannot be loaded.
 */
export function explainNativeModuleError(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : '';
  if (errorCode(error) !== 'ERR_DLOPEN_FAILED' || !message.includes('better_sqlite3')) return undefined;
  const mismatch = /NODE_MODULE_VERSION|did not self-register/.test(message);
  return mismatch
    ? `Alliance cannot load better-sqlite3: it was built for another version of Node.js than this ` +
        `one (${process.version}); run npm rebuild better-sqlite3 (or npm ci) with the Node.js that ` +
        `runs Alliance.`
    : `Alliance cannot load better-sqlite3 (${message.split('\n')[0]}); run npm ci again on this ` +
        `machine, with the Node.js that runs Alliance (see 'better-sqlite3: prebuilt or compiled' in ` +
        `README.md).`;
}

// ---------------------------------------------------------------------------------------------
// The HTTP port
// ---------------------------------------------------------------------------------------------

/** Turns an error from listening on `port` into one sentence, when it is one a person can fix. */
export function listenFailure(error: unknown, port: number): Error {
  const code = errorCode(error);
  if (code === 'EADDRINUSE') {
    return new StartupError(
      `Alliance cannot start: port ${port} (PORT) is already in use by another program; stop that ` +
        `program or set PORT to a free port.`,
    );
  }
  if (code === 'EACCES') {
    return new StartupError(
      `Alliance cannot start: it may not listen on port ${port} (PORT), which needs extra ` +
        `privileges; set PORT to 1024 or above (the default is 3000) and let a reverse proxy ` +
        `listen on 80 or 443.`,
    );
  }
  if (code.startsWith('E')) {
    return new StartupError(`Alliance cannot start: it cannot listen on port ${port} (PORT): ${code}.`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

// ---------------------------------------------------------------------------------------------
// Slack
// ---------------------------------------------------------------------------------------------

export interface Identity {
  teamId: string;
  teamName: string | null;
  botUserId: string;
  botId: string;
}

function apiUrl(config: AppConfig): string {
  return config.slackApiUrl ?? 'https://slack.com/api/';
}

function reason(error: unknown): string {
  const original = (error as { original?: unknown }).original;
  const inner = original instanceof Error ? original : error;
  const cause = (inner as { cause?: unknown }).cause;
  const text = cause instanceof Error ? cause.message : inner instanceof Error ? inner.message : String(inner);
  if (/aborted due to timeout/i.test(text)) return `no answer within ${SLACK_REQUEST_TIMEOUT_MS / 1000} s`;
  return text.replace(/^A request error occurred: /, '');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Calls `attempt` until it succeeds, Slack refuses (an `ok: false` answer, thrown at once), or
 * SLACK_WAIT_SECONDS pass; a request that hangs is cut off. Says what it is waiting for.
 */
async function untilSlackAnswers<T>(
  what: string,
  attempt: () => Promise<T>,
  logger: AppLogger,
  unreachable: (lastReason: string) => string,
): Promise<T> {
  let lastReason = 'no answer';
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new StartupError(unreachable(lastReason)));
    }, SLACK_WAIT_SECONDS * 1000);
  });
  const loop = async (): Promise<T> => {
    for (let tries = 1; ; tries += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (slackErrorCode(error) !== undefined || timedOut) throw error;
        lastReason = reason(error);
        if (tries === 1) {
          logger.info(
            `Slack is not answering yet (${lastReason}); still waiting for ${what}, for up to ${SLACK_WAIT_SECONDS} s`,
          );
        }
        await sleep(Math.min(250 * 2 ** (tries - 1), 2_000));
      }
    }
  };
  const answered = loop();
  // After the deadline the loop stops at its next step; what it throws then is of no interest.
  answered.catch(() => {});
  try {
    return await Promise.race([answered, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Loaded when first needed, so opening the database and answering /healthz need not wait for it. */
async function startupClient(token: string, config: AppConfig, logger: AppLogger) {
  const { createSlackClient } = await import('./slack/clients.js');
  return createSlackClient(token, {
    logger: logger.child('slack', 'error'),
    ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
    // Retries are ours (untilSlackAnswers), with a deadline and a log line.
    retryConfig: { retries: 0 },
    timeout: SLACK_REQUEST_TIMEOUT_MS,
  });
}

/** Asks Slack which workspace and bot SLACK_BOT_TOKEN belongs to (auth.test). */
export async function identifyBot(config: AppConfig, logger: AppLogger): Promise<Identity> {
  const url = apiUrl(config);
  logger.info(`Waiting for Slack to confirm SLACK_BOT_TOKEN (auth.test at ${url})`);
  const client = await startupClient(config.slack.botToken, config, logger);
  try {
    const result = await untilSlackAnswers(
      'SLACK_BOT_TOKEN to be confirmed',
      () => client.auth.test(),
      logger,
      (last) =>
        `Alliance could not reach Slack at ${url} within ${SLACK_WAIT_SECONDS} s (${last}), so ` +
        `SLACK_BOT_TOKEN could not be checked; check the network, a proxy or ` +
        `firewall${config.slackApiUrl ? ', or SLACK_API_URL' : ''}.`,
    );
    if (!result.team_id || !result.user_id || !result.bot_id) {
      throw new StartupError(
        'Slack did not say which workspace SLACK_BOT_TOKEN belongs to; check that it is a bot token (xoxb-…).',
      );
    }
    return { teamId: result.team_id, teamName: result.team ?? null, botUserId: result.user_id, botId: result.bot_id };
  } catch (error) {
    const code = slackErrorCode(error);
    if (code) {
      throw new StartupError(
        `Slack refused SLACK_BOT_TOKEN (${code}); copy the Bot User OAuth Token again from your ` +
          `app's OAuth & Permissions page (see 'Quick start' in README.md).`,
      );
    }
    throw error;
  }
}

/**
 * Socket Mode: checks SLACK_APP_TOKEN the way the Socket Mode client will use it
 * (apps.connections.open), so a refused token is one sentence instead of endless reconnecting.
 */
export async function checkAppToken(config: AppConfig, appToken: string, logger: AppLogger): Promise<void> {
  const url = apiUrl(config);
  logger.info(`Waiting for Slack to accept SLACK_APP_TOKEN (apps.connections.open at ${url})`);
  const client = await startupClient(appToken, config, logger);
  try {
    await untilSlackAnswers(
      'SLACK_APP_TOKEN to be accepted',
      () => client.apps.connections.open(),
      logger,
      (last) =>
        `Alliance could not reach Slack at ${url} within ${SLACK_WAIT_SECONDS} s (${last}), so ` +
        `SLACK_APP_TOKEN could not be checked; check the network, a proxy or ` +
        `firewall${config.slackApiUrl ? ', or SLACK_API_URL' : ''}.`,
    );
  } catch (error) {
    const code = slackErrorCode(error);
    if (code) {
      throw new StartupError(
        `Slack refused SLACK_APP_TOKEN (${code}); generate an app-level token with the ` +
          `connections:write scope under Basic Information → App-Level Tokens in your app's ` +
          `settings, or unset SLACK_APP_TOKEN to use HTTP mode.`,
      );
    }
    throw error;
  }
}

/** SLACK_BOT_TOKEN, then (Socket Mode) SLACK_APP_TOKEN; answers who the bot is. */
export async function checkSlackTokens(config: AppConfig, logger: AppLogger): Promise<Identity> {
  const identity = await identifyBot(config, logger);
  if (config.slack.appToken !== undefined) await checkAppToken(config, config.slack.appToken, logger);
  return identity;
}

/** Waits for the Socket Mode connection to open, for at most SLACK_WAIT_SECONDS. */
export async function socketModeConnected(starting: Promise<unknown>, logger: AppLogger): Promise<void> {
  logger.info('Waiting for the Socket Mode connection to Slack to open');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new StartupError(
            `Alliance could not open its Socket Mode connection to Slack within ` +
              `${SLACK_WAIT_SECONDS} s, though Slack accepted SLACK_APP_TOKEN; check that the ` +
              `network lets WebSocket (wss://) connections out to Slack.`,
          ),
        ),
      SLACK_WAIT_SECONDS * 1000,
    );
  });
  try {
    await Promise.race([starting, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Once running
// ---------------------------------------------------------------------------------------------

/** What the person running Alliance needs once it is up: where its data is and how to reach it. */
export function runningDetails(input: { socketMode: boolean; port: number; databasePath: string }): string[] {
  const lines = [
    `Database: ${resolve(input.databasePath)}`,
    `Health check: http://localhost:${input.port}/healthz`,
    `Metrics (Prometheus): http://localhost:${input.port}/metrics`,
  ];
  if (input.socketMode) {
    lines.push('Connected to Slack over Socket Mode: Slack needs no request URL');
  } else {
    lines.push(
      `Request URL to give Slack (slash command, Interactivity, Event Subscriptions): https://<your ` +
        `public host>/slack/events, forwarded to port ${input.port} here`,
    );
  }
  return lines;
}
