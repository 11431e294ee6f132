/**
 * Runs the signed-request client (signed-client.ts) in a child process, so that the load generator's
 * own work (building requests, parsing responses) does not queue on the event loop of the apps being
 * measured, much as Slack's requests arrive from elsewhere.
 *
 * `forkSignedClient` is the parent's side. Started with CHILD_FLAG, this module is the child's side.
 * The child inherits the parent's `execArgv`, so under `tsx` it loads TypeScript the same way.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createSignedClient, type RoundResult, type RoundSpec, type SignedClient } from './signed-client.js';

const CHILD_FLAG = '--alliance-bench-client';

type ToChild = { kind: 'init'; signingSecret: string } | { kind: 'round'; id: number; spec: RoundSpec };
type ToParent =
  | { kind: 'ready' }
  | { kind: 'result'; id: number; result: RoundResult }
  | { kind: 'failed'; id: number; message: string };

function hasKind(message: unknown): message is { kind: unknown } {
  return typeof message === 'object' && message !== null && 'kind' in message;
}

/** Starts the client in a child process; resolves once it is ready to run rounds. */
export async function forkSignedClient(signingSecret: string): Promise<SignedClient> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], {
    serialization: 'advanced',
    stdio: 'inherit',
  });
  const waiting = new Map<number, { resolve: (result: RoundResult) => void; reject: (error: Error) => void }>();
  let ready: (() => void) | undefined;
  let exited: Error | undefined;
  const readyPromise = new Promise<void>((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code, signal) => {
      exited = new Error(`benchmark client process exited (${signal ?? `code ${code}`})`);
      reject(exited);
      for (const pending of waiting.values()) pending.reject(exited);
      waiting.clear();
    });
  });

  child.on('message', (message: unknown) => {
    if (!hasKind(message)) return;
    const m = message as ToParent;
    if (m.kind === 'ready') {
      ready?.();
      return;
    }
    const pending = waiting.get(m.id);
    if (!pending) return;
    waiting.delete(m.id);
    if (m.kind === 'result') pending.resolve(m.result);
    else pending.reject(new Error(`benchmark client: ${m.message}`));
  });

  const send = (message: ToChild) => child.send(message);
  send({ kind: 'init', signingSecret });
  await readyPromise;

  let nextId = 0;
  return {
    runRound(spec) {
      if (exited) return Promise.reject(exited);
      nextId += 1;
      const id = nextId;
      return new Promise<RoundResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        send({ kind: 'round', id, spec });
      });
    },
    async close() {
      if (exited || child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      });
    },
  };
}

function runChild(): void {
  let client: SignedClient | undefined;
  const reply = (message: ToParent) => process.send?.(message);
  process.on('message', (message: unknown) => {
    if (!hasKind(message)) return;
    const m = message as ToChild;
    if (m.kind === 'init') {
      client = createSignedClient(m.signingSecret);
      reply({ kind: 'ready' });
      return;
    }
    if (!client) {
      reply({ kind: 'failed', id: m.id, message: 'round before init' });
      return;
    }
    client.runRound(m.spec).then(
      (result) => reply({ kind: 'result', id: m.id, result }),
      (error: unknown) =>
        reply({ kind: 'failed', id: m.id, message: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The parent closes the channel when it is done (or dies): close the connections and leave.
  process.on('disconnect', () => {
    void (client?.close() ?? Promise.resolve()).finally(() => process.exit(0));
  });
}

if (process.argv.includes(CHILD_FLAG) && typeof process.send === 'function') runChild();
