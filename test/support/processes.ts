import { type ChildProcess, spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Finished>;
  /** Everything written so far. */
  output(): { stdout: string; stderr: string };
}

/** The configuration variables Alliance reads; a test that runs in the project sets each of them. */
export const CONFIG_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'PORT',
  'DATABASE_PATH',
  'SLACK_API_URL',
  'LOG_LEVEL',
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'INSTALLATION_ENCRYPTION_KEY',
  'INSTALLATION_ENCRYPTION_KEY_PREVIOUS',
  'SLACK_OAUTH_AUTHORIZE_URL',
  'UNINSTALL_GRACE_DAYS',
] as const;

function watch(child: ChildProcess): Running {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Finished>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, output: () => ({ stdout, stderr }) };
}

/** Only what the test gives: no developer's shell variables leak in. */
function cleanEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
}

/**
 * Runs one of the compiled entry points (`dist/…js`, built by the test run's global setup as by
 * `npm ci`) as a real child process with plain node, as the npm scripts do; or a test's own
 * TypeScript fixture (`test/…ts`) through tsx. The app's sources are never run uncompiled.
 * `cwd` defaults to the project; pass an empty directory to keep a developer's `.env` out.
 */
export function runEntry(
  entry: string,
  args: string[],
  env: Record<string, string>,
  cwd: string = PROJECT_ROOT,
  /** Run as another user (a test run as root needs one for whom permissions apply). */
  as?: { uid: number; gid: number },
): Running {
  const compiled = /^dist\/.+\.js$/.test(entry);
  const fixture = /^test\/.+\.ts$/.test(entry);
  if (!compiled && !fixture) {
    throw new Error(`runEntry runs the compiled app: pass dist/….js, not ${entry}`);
  }
  const loader = fixture ? ['--import', import.meta.resolve('tsx')] : [];
  const child = spawn(process.execPath, [...loader, join(PROJECT_ROOT, entry), ...args], {
    cwd,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...as,
  });
  return watch(child);
}

/**
 * Runs the compiled app from `appRoot`, a copy laid out as a production install is (the container
 * image's /app: dist/, migrations/, package.json and node_modules, without the sources).
 */
export function runInstalled(appRoot: string, env: Record<string, string>, cwd: string): Running {
  const child = spawn(process.execPath, [join(appRoot, 'dist/main.js')], {
    cwd,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watch(child);
}

/**
 * Runs `npm run <script> -- <args>` in the project, as an operator would. The project's `.env` (if a
 * developer has one) is read by the app, so every configuration variable is set here, blank when
 * the test does not give it: a variable already set, even blank, wins over `.env`.
 */
export function runNpm(script: string, args: string[], env: Record<string, string>): Running {
  const config = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, '']));
  const child = spawn('npm', ['run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd: PROJECT_ROOT,
    env: cleanEnv({ ...config, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watch(child);
}

export async function waitFor(condition: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port nothing listens on (bound, then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** True when a process holds the port (binding it fails). */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, () => probe.close(() => resolve(false)));
  });
}
