import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const TSX_LOADER = import.meta.resolve('tsx');

/**
 * Runs one of the project's entry points as a real child process (through tsx, as npm scripts do).
 * `cwd` defaults to the project; pass an empty directory to keep a developer's `.env` out.
 */
export function runEntry(
  entry: string,
  args: string[],
  env: Record<string, string>,
  cwd: string = PROJECT_ROOT,
): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(PROJECT_ROOT, entry), ...args], {
    cwd,
    // Only what the test gives: no developer's .env or shell variables leak in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Finished>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export async function waitFor(condition: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
