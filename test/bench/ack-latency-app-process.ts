/**
 * Runs the apps the ack benchmark compares, Alliance and a bare Bolt app (and, for context, a second
 * bare app), in a child process of their own. The fake Slack Web API stays in the parent and the load generator in another child, so
 * the apps' event loop does only the apps' work: in production Slack's API servers and the people
 * clicking are elsewhere too. What Alliance sends Slack after its ack (`views.open`, `chat.update`)
 * costs it the call, as in production, but not the fake's handling of that call.
 *
 * `forkAppHost` is the parent's side. Started with CHILD_FLAG, this module is the child's side; it
 * inherits the parent's `execArgv`, so under `tsx` it loads TypeScript the same way. Alliance itself
 * is loaded from `dist/`, compiled by `tsc` as `npm start` runs it (rebuilt first when stale): the
 * transpiled-on-the-fly sources carry the loader's helpers (function names set at run time) on the
 * hot path, which production does not.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { App, LogLevel } from '@slack/bolt';
import type { RunningAlliance } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';
import { buildHelpMessage } from '../../src/slack/blocks/help.js';
import { ACTIONS, COMMAND, VIEWS } from '../../src/slack/ids.js';
import buildDist from '../support/build-dist.js';

/** A module of the compiled app, typed as its source. */
const compiled = <M>(path: string): Promise<M> =>
  import(new URL(`../../dist/${path}`, import.meta.url).href) as Promise<M>;

const CHILD_FLAG = '--alliance-bench-apps';

/**
 * What the bare app listens to in each scenario: the same request as Alliance's, acked with nothing;
 * or, for context, `/alliance help` answered with Alliance's own help message.
 */
export type BareListener = 'command' | 'command-answering' | 'check-in-button' | 'check-in-submission';
const HELP_ANSWER = { response_type: 'ephemeral', ...buildHelpMessage() } as const;
const BARE_LISTENERS: Record<BareListener, (app: App) => void> = {
  command: (app) =>
    app.command(COMMAND, async ({ ack }) => {
      await ack();
    }),
  'command-answering': (app) =>
    app.command(COMMAND, async ({ ack }) => {
      await ack(HELP_ANSWER);
    }),
  'check-in-button': (app) =>
    app.action(ACTIONS.checkIn, async ({ ack }) => {
      await ack();
    }),
  'check-in-submission': (app) =>
    app.view(VIEWS.checkIn, async ({ ack }) => {
      await ack();
    }),
};

export interface AppHostSpec {
  /** Alliance's configuration: the database the parent set up, the fake Slack's URL and tokens. */
  config: AppConfig;
  /** Alliance's clock stands still here (ISO). */
  now: string;
  bareListener: BareListener;
  /** For context, a second bare app with this listener (its port is `contextPort`). */
  contextListener?: BareListener | undefined;
}

export interface AppHost {
  alliancePort: number;
  barePort: number;
  contextPort: number | undefined;
  /** A minor (young-generation) garbage collection in the apps' process. */
  collectGarbage(): Promise<void>;
  /** Resolves once Alliance's work started after its acks has finished. */
  allianceIdle(): Promise<void>;
  /** Lines Alliance has logged so far. */
  allianceLogLines(): Promise<number>;
  /** CPU time (user and system, µs) the apps' process has used so far. */
  cpuMicros(): Promise<number>;
  /** Time (µs) the apps' process has spent in garbage collections so far, the forced ones excepted. */
  gcMicros(): Promise<number>;
  startProfile(): Promise<void>;
  /** Stops the CPU profile and writes it (Chrome DevTools .cpuprofile) to `path`. */
  stopProfile(path: string): Promise<void>;
  close(): Promise<void>;
}

type Request =
  | { kind: 'gc' }
  | { kind: 'idle' }
  | { kind: 'log-lines' }
  | { kind: 'cpu' }
  | { kind: 'gc-time' }
  | { kind: 'profile-start' }
  | { kind: 'profile-stop'; path: string };
type ToChild = { kind: 'init'; spec: AppHostSpec } | { id: number; request: Request };
type ToParent =
  | { kind: 'ready'; alliancePort: number; barePort: number; contextPort: number | undefined }
  | { kind: 'start-failed'; message: string }
  | { id: number; ok: true; value?: number }
  | { id: number; ok: false; message: string };

const isObject = (message: unknown): message is Record<string, unknown> =>
  typeof message === 'object' && message !== null;

/** Starts both apps in a child process; resolves once both answer on their ports. */
export async function forkAppHost(spec: AppHostSpec): Promise<AppHost> {
  buildDist();
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], {
    serialization: 'advanced',
    stdio: 'inherit',
  });
  const waiting = new Map<number, { resolve: (value: number | undefined) => void; reject: (error: Error) => void }>();
  let exited: Error | undefined;
  const ready = new Promise<{ alliancePort: number; barePort: number; contextPort: number | undefined }>(
    (resolve, reject) => {
      child.on('message', (message: unknown) => {
        if (!isObject(message)) return;
        const m = message as ToParent;
        if ('kind' in m) {
          if (m.kind === 'ready')
            resolve({ alliancePort: m.alliancePort, barePort: m.barePort, contextPort: m.contextPort });
          else reject(new Error(`benchmark apps did not start: ${m.message}`));
          return;
        }
        const pending = waiting.get(m.id);
        if (!pending) return;
        waiting.delete(m.id);
        if (m.ok) pending.resolve(m.value);
        else pending.reject(new Error(`benchmark apps: ${m.message}`));
      });
      child.once('exit', (code, signal) => {
        exited = new Error(`benchmark apps' process exited (${signal ?? `code ${code}`})`);
        reject(exited);
        for (const pending of waiting.values()) pending.reject(exited);
        waiting.clear();
      });
    },
  );
  child.send({ kind: 'init', spec } satisfies ToChild);
  const ports = await ready;

  let nextId = 0;
  const ask = (request: Request): Promise<number | undefined> => {
    if (exited) return Promise.reject(exited);
    nextId += 1;
    const id = nextId;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      child.send({ id, request } satisfies ToChild);
    });
  };
  return {
    ...ports,
    collectGarbage: async () => void (await ask({ kind: 'gc' })),
    allianceIdle: async () => void (await ask({ kind: 'idle' })),
    allianceLogLines: async () => (await ask({ kind: 'log-lines' })) ?? 0,
    cpuMicros: async () => (await ask({ kind: 'cpu' })) ?? 0,
    gcMicros: async () => (await ask({ kind: 'gc-time' })) ?? 0,
    startProfile: async () => void (await ask({ kind: 'profile-start' })),
    stopProfile: async (path) => void (await ask({ kind: 'profile-stop', path })),
    async close() {
      if (exited || child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      });
    },
  };
}

/**
 * A minor garbage collection: collecting the young generation before each round keeps one app's
 * leftover garbage from being collected (and the pause billed) during the other's round. Only the
 * young generation: forcing full collections ages compiled code and makes both apps slower than they
 * are in service.
 */
function youngGarbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc !== 'function') throw new Error('ack-latency: could not get a gc() function');
  const collect = gc as (options: { type: 'minor' | 'major' }) => void;
  return () => collect({ type: 'minor' });
}

interface Started {
  alliance: RunningAlliance;
  bare: App;
  barePort: number;
  context: { app: App; port: number } | undefined;
}

async function startBare(spec: AppHostSpec, listener: BareListener): Promise<{ app: App; port: number }> {
  const app = new App({
    token: spec.config.slack.botToken,
    signingSecret: spec.config.slack.signingSecret,
    clientOptions: { slackApiUrl: spec.config.slackApiUrl },
    logLevel: LogLevel.ERROR,
    convoStore: false,
  });
  BARE_LISTENERS[listener](app);
  const server = await app.start(0);
  return { app, port: (server.address() as AddressInfo).port };
}

async function startApps(spec: AppHostSpec): Promise<Started> {
  const { startAlliance } = await compiled<typeof import('../../src/app.js')>('app.js');
  const { fixedClock } = await compiled<typeof import('../../src/clock.js')>('clock.js');
  const { createLogger } = await compiled<typeof import('../../src/logger.js')>('logger.js');
  const logger = createLogger(spec.config.logLevel, 'alliance', () => {
    logLines += 1;
  });
  const alliance = await startAlliance({
    config: spec.config,
    clock: fixedClock(new Date(spec.now)),
    logger,
    scheduler: 'manual',
  });
  // The baseline: what Bolt costs on its own, same fake Slack, same secret, same token. Alliance
  // turns Bolt's conversation store off (it would otherwise look up, and fail to find, state for
  // every request); the baseline does too, so that per-request cost does not pad the baseline.
  const bare = await startBare(spec, spec.bareListener);
  const context = spec.contextListener ? await startBare(spec, spec.contextListener) : undefined;
  return { alliance, bare: bare.app, barePort: bare.port, context };
}

let logLines = 0;

function runChild(): void {
  const reply = (message: ToParent) => process.send?.(message);
  const collectGarbage = youngGarbageCollector();
  // Time in garbage collections (read after the collection forced before each round has been
  // counted): under load, what each request allocates costs more in collections than alone.
  let gcMicros = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMicros += entry.duration * 1000;
  }).observe({ entryTypes: ['gc'] });
  let apps: Started | undefined;
  let profiler: Session | undefined;

  const handle = async (request: Request): Promise<number | undefined> => {
    const running = apps;
    if (!running) throw new Error('not started');
    switch (request.kind) {
      case 'gc':
        collectGarbage();
        return undefined;
      case 'idle':
        await running.alliance.idle();
        return undefined;
      case 'log-lines':
        return logLines;
      case 'cpu': {
        const { user, system } = process.cpuUsage();
        return user + system;
      }
      case 'gc-time':
        return gcMicros;
      case 'profile-start':
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
        return undefined;
      case 'profile-stop': {
        if (!profiler) throw new Error('no profile was started');
        const { profile } = await profiler.post('Profiler.stop');
        writeFileSync(request.path, JSON.stringify(profile));
        profiler.disconnect();
        profiler = undefined;
        return undefined;
      }
    }
  };

  process.on('message', (message: unknown) => {
    if (!isObject(message)) return;
    const m = message as ToChild;
    if ('kind' in m) {
      startApps(m.spec).then(
        (started) => {
          apps = started;
          reply({
            kind: 'ready',
            alliancePort: started.alliance.port,
            barePort: started.barePort,
            contextPort: started.context?.port,
          });
        },
        (error: unknown) =>
          reply({ kind: 'start-failed', message: error instanceof Error ? error.message : String(error) }),
      );
      return;
    }
    handle(m.request).then(
      (value) => reply(value === undefined ? { id: m.id, ok: true } : { id: m.id, ok: true, value }),
      (error: unknown) =>
        reply({ id: m.id, ok: false, message: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The parent closes the channel when it is done (or dies): stop both apps and leave.
  process.on('disconnect', () => {
    const running = apps;
    void Promise.allSettled([running?.alliance.stop(), running?.bare.stop(), running?.context?.app.stop()]).finally(
      () => process.exit(0),
    );
  });
}

if (process.argv.includes(CHILD_FLAG) && typeof process.send === 'function') runChild();
