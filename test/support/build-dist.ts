import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Vitest global setup: process tests run the compiled app in `dist/`, as `npm start` does. `npm ci`
 * builds it (`prepare`); this rebuilds it first when a source file is newer than the build, or was
 * added or removed since, so a test never runs yesterday's code.
 */
export default function buildDist(): void {
  const stale = staleness();
  if (stale === undefined) return;
  const started = Date.now();
  const result = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    throw new Error(`npm run build failed (${stale}):\n${result.stdout}${result.stderr}`);
  }
  console.log(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s (${stale})`);
}

function files(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(dir, f));
}

/** Why dist/ needs a build, or undefined when it is up to date. */
function staleness(): string | undefined {
  const src = join(PROJECT_ROOT, 'src');
  const dist = join(PROJECT_ROOT, 'dist');
  const sources = files(src, '.ts').map((f) => relative(src, f).replace(/\.ts$/, ''));
  const outputs = files(dist, '.js').map((f) => relative(dist, f).replace(/\.js$/, ''));
  if (outputs.length === 0) return 'dist/ is missing';
  const built = new Set(outputs);
  const missing = sources.find((s) => !built.has(s));
  if (missing) return `src/${missing}.ts is not built`;
  const known = new Set(sources);
  const orphan = outputs.find((o) => !known.has(o));
  if (orphan) return `dist/${orphan}.js has no source`;
  const builtAt = Math.min(...outputs.map((o) => statSync(join(dist, `${o}.js`)).mtimeMs));
  const inputs = [
    ...sources.map((s) => join(src, `${s}.ts`)),
    join(PROJECT_ROOT, 'tsconfig.json'),
    join(PROJECT_ROOT, 'tsconfig.build.json'),
  ];
  const newer = inputs.find((f) => statSync(f).mtimeMs > builtAt);
  return newer ? `${relative(PROJECT_ROOT, newer)} changed since the last build` : undefined;
}
