/**
 * Start-up, as an operator's process manager sees it, whole processes started through npm:
 *
 * - The floor: `npm run floor` in a scratch package whose one script is `exec node tick-floor.mjs
 *   <db>`: a plain node process that opens the same SQLite file with better-sqlite3, reads from it,
 *   loads the Slack Web API client and exits.
 * - `npm run tick` on an empty database (migrated, nothing due), from spawn to exit. Target: median
 *   ≤ 2 × the floor's median.
 * - `npm start` (HTTP mode, against the fake Slack): from spawn until `GET /healthz` first answers
 *   200. Target: median ≤ 1.5 × the floor's median. The same for Socket Mode, for information.
 * - Idle memory: once `/healthz` answers, the app is left alone for IDLE_MS and the resident set
 *   of the app's process is read from /proc (what `npm start` leaves running: npm, and Alliance as
 *   the node process its script `exec`s). Target: the app's RSS ≤ 120 MB; npm's is reported beside it.
 *
 * Runs alternate (floor, tick, start, floor, tick, …) so machine noise lands on all of them, after
 * one unmeasured run of each. The compiled app is built first if the sources changed, as the tests do.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { FakeSlack } from '../../src/simulator/fake-slack.js';
import buildDist from '../support/build-dist.js';
import { FakeSocketMode } from '../support/socket-mode.js';
import { tempDir } from '../support/temp-db.js';

export const TICK_RATIO_TARGET = 2;
export const HEALTHZ_RATIO_TARGET = 1.5;
export const IDLE_RSS_TARGET_BYTES = 120 * 1024 * 1024;
const IDLE_MS = 3000;
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FLOOR_SCRIPT = fileURLToPath(new URL('./tick-floor.mjs', import.meta.url));

export interface StartupOptions {
  /** Measured runs of each. Default 7. */
  runs?: number;
}

export interface Spread {
  runs: number[];
  min: number;
  median: number;
  max: number;
}

export interface StartupResult {
  runs: number;
  floorMs: Spread;
  tickMs: Spread;
  healthzHttpMs: Spread;
  healthzSocketMs: Spread;
  /** Resident set of the app's own process and of npm, after IDLE_MS idle, per `npm start` run (HTTP mode). */
  appRssBytes: Spread;
  npmRssBytes: Spread;
  tickRatio: number;
  healthzRatio: number;
  targets: {
    tick: { ratioAtMost: number; met: boolean };
    healthz: { ratioAtMost: number; met: boolean };
    idleRss: { bytesAtMost: number; met: boolean };
  };
  durationMs: number;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { runs: values, min: sorted[0] ?? Number.NaN, median, max: sorted.at(-1) ?? Number.NaN };
}

/** Only what the run needs: no developer's shell variables (or .env values) leak in. */
function env(extra: Record<string, string>): Record<string, string> {
  const blank = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'PORT', 'SLACK_API_URL'];
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...Object.fromEntries(blank.map((name) => [name, ''])),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Spawn to exit, in milliseconds; throws when the process fails. */
async function timeProcess(command: string, args: string[], cwd: string, vars: Record<string, string>) {
  const started = performance.now();
  const child = spawn(command, args, { cwd, env: env(vars), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await exited(child);
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim().slice(0, 400)}`);
  return ms;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process, from /proc (Linux), in bytes. */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** The processes started by `pid` (Linux). */
function childrenOf(pid: number): number[] {
  const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return tasks === '' ? [] : tasks.split(/\s+/).map(Number);
}

/**
 * `npm start` until /healthz answers 200 (then, optionally, idle and measure memory), then SIGTERM
 * to the process npm became, as a process manager would, and wait for it to exit.
 */
async function timeStart(
  vars: Record<string, string>,
  port: number,
  measureMemory: boolean,
): Promise<{ healthzMs: number; appRss: number; npmRss: number }> {
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: PROJECT_ROOT,
    env: env({ ...vars, PORT: String(port) }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = exited(child);
  let healthzMs = Number.NaN;
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`npm start exited ${child.exitCode}: ${stderr.trim().slice(0, 400)}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (res) => res.status === 200,
        () => false,
      );
      if (ok) {
        healthzMs = performance.now() - started;
        break;
      }
      if (performance.now() - started > 30_000) throw new Error('npm start: /healthz did not answer within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    let appRss = Number.NaN;
    let npmRss = Number.NaN;
    if (measureMemory && child.pid !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const app = childrenOf(child.pid)[0];
      if (app === undefined) throw new Error('npm start: no app process under npm');
      appRss = rssOf(app);
      npmRss = rssOf(child.pid);
    }
    return { healthzMs, appRss, npmRss };
  } finally {
    child.kill('SIGTERM');
    await exit;
  }
}

export async function benchStartup(options: StartupOptions = {}): Promise<StartupResult> {
  const began = performance.now();
  const runs = options.runs ?? 7;
  buildDist();
  const dir = tempDir('alliance-bench-startup-');
  const fake = await FakeSlack.start();
  const socket = await FakeSocketMode.start(fake);
  try {
    const db = dir.file('alliance.db');
    const floorPackage = dir.file('floor');
    mkdirSync(floorPackage);
    writeFileSync(
      join(floorPackage, 'package.json'),
      JSON.stringify({
        name: 'alliance-startup-floor',
        private: true,
        scripts: { floor: `exec node ${JSON.stringify(FLOOR_SCRIPT)} ${JSON.stringify(db)}` },
      }),
    );
    const tickVars = { DATABASE_PATH: db };
    const slackVars = {
      DATABASE_PATH: db,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: 'b'.repeat(32),
      SLACK_API_URL: fake.apiUrl,
    };
    const floor = () => timeProcess('npm', ['run', '--silent', 'floor'], floorPackage, {});
    const tick = () => timeProcess('npm', ['run', '--silent', 'tick'], PROJECT_ROOT, tickVars);
    // The first tick creates the database and applies the migrations: the empty database the rest open.
    await tick();
    await floor();
    await timeStart(slackVars, await freePort(), false);

    const floors: number[] = [];
    const ticks: number[] = [];
    const http: number[] = [];
    const socketMode: number[] = [];
    const appRss: number[] = [];
    const npmRss: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      floors.push(await floor());
      ticks.push(await tick());
      const started = await timeStart(slackVars, await freePort(), true);
      http.push(started.healthzMs);
      appRss.push(started.appRss);
      npmRss.push(started.npmRss);
      socketMode.push(
        (await timeStart({ ...slackVars, SLACK_APP_TOKEN: fake.appToken }, await freePort(), false)).healthzMs,
      );
    }
    const floorMs = spread(floors);
    const tickMs = spread(ticks);
    const healthzHttpMs = spread(http);
    const tickRatio = tickMs.median / floorMs.median;
    const healthzRatio = healthzHttpMs.median / floorMs.median;
    const rss = spread(appRss);
    return {
      runs,
      floorMs,
      tickMs,
      healthzHttpMs,
      healthzSocketMs: spread(socketMode),
      appRssBytes: rss,
      npmRssBytes: spread(npmRss),
      tickRatio,
      healthzRatio,
      targets: {
        tick: { ratioAtMost: TICK_RATIO_TARGET, met: tickRatio <= TICK_RATIO_TARGET },
        healthz: { ratioAtMost: HEALTHZ_RATIO_TARGET, met: healthzRatio <= HEALTHZ_RATIO_TARGET },
        idleRss: { bytesAtMost: IDLE_RSS_TARGET_BYTES, met: rss.median <= IDLE_RSS_TARGET_BYTES },
      },
      durationMs: performance.now() - began,
    };
  } finally {
    await socket.close();
    await fake.close();
    dir.cleanup();
  }
}

const msOf = (s: Spread) =>
  `median ${s.median.toFixed(0)} ms (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)}; runs ${s.runs.map((v) => v.toFixed(0)).join(', ')})`;
const mbOf = (s: Spread) =>
  `median ${(s.median / 1048576).toFixed(1)} MB (min ${(s.min / 1048576).toFixed(1)}, max ${(s.max / 1048576).toFixed(1)})`;
const verdict = (met: boolean) => (met ? 'target met' : 'TARGET MISSED');

export function formatStartup(r: StartupResult): string {
  return [
    `whole processes started through npm, ${r.runs} measured runs each, alternating, after one unmeasured run of each`,
    `  floor (npm run → node: open the SQLite file, read, load the Web API client, exit): ${msOf(r.floorMs)}`,
    `  npm run tick, empty database: ${msOf(r.tickMs)}`,
    `    ratio of medians ${r.tickRatio.toFixed(2)} × the floor; target ≤ ${r.targets.tick.ratioAtMost}: ${verdict(r.targets.tick.met)}`,
    `  npm start (HTTP mode) until GET /healthz answers 200: ${msOf(r.healthzHttpMs)}`,
    `    ratio of medians ${r.healthzRatio.toFixed(2)} × the floor; target ≤ ${r.targets.healthz.ratioAtMost}: ${verdict(r.targets.healthz.met)}`,
    `  npm start (Socket Mode) until GET /healthz answers 200: ${msOf(r.healthzSocketMs)} (for information)`,
    `  idle ${IDLE_MS / 1000} s after start (HTTP mode), resident memory of the app's process: ${mbOf(r.appRssBytes)}; ` +
      `target ≤ ${r.targets.idleRss.bytesAtMost / 1048576} MB: ${verdict(r.targets.idleRss.met)}`,
    `    npm's own process beside it: ${mbOf(r.npmRssBytes)}; both together: median ${((r.appRssBytes.median + r.npmRssBytes.median) / 1048576).toFixed(1)} MB`,
    `  took ${(r.durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}
