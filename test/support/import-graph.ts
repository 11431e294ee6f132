import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The layers of `src/`, top to bottom, and what each may import. Imports run one way:
 * listeners → services → slack / store / render → domain. The entry points (the composition root,
 * `main.ts`, the command-line tools, the demo) wire everything, so they may import anything.
 */
export const LAYERS: Record<string, readonly string[]> = {
  entry: ['*'],
  scheduler: ['services', 'domain', 'store', 'kernel', 'scheduler'],
  listeners: ['services', 'slack', 'domain', 'kernel', 'listeners'],
  services: ['slack', 'store', 'render', 'domain', 'kernel', 'services'],
  slack: ['domain', 'kernel', 'slack'],
  store: ['domain', 'store'],
  render: ['render'],
  domain: ['domain'],
  /** A simulated Slack for the tests and the demo: it stands alone, and nothing in the app imports it. */
  simulator: ['simulator'],
  /** The clock, the logger, the configuration and the metrics interface: small modules everyone above the domain may use. */
  kernel: ['kernel'],
};

/** Which layer a file under `src/` belongs to. */
export function layerOf(file: string): string {
  const [top, second] = file.split('/');
  if (top !== 'src') throw new Error(`${file} is not under src/`);
  if (second === undefined) throw new Error(`${file} has no path`);
  const entries = [
    'app.ts',
    'core.ts',
    'main.ts',
    'many-workspaces.ts',
    'cli',
    'demo',
    'startup-checks.ts',
    'health.ts',
    'prometheus.ts',
  ];
  if (entries.includes(second)) return 'entry';
  if (['clock.ts', 'logger.ts', 'config.ts', 'metrics.ts'].includes(second)) return 'kernel';
  const folder = second.replace(/\.ts$/, '');
  if (!(folder in LAYERS)) throw new Error(`${file}: src/${second} belongs to no layer; add it to LAYERS`);
  return folder;
}

export interface ImportEdge {
  from: string;
  to: string;
}

/** Relative imports (static, dynamic and re-exports) of one file's source, resolved to `src/…` paths. */
export function importsOf(file: string, source: string): string[] {
  const specifiers = [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)];
  return specifiers.map((m) => normalize(join(dirname(file), m[1] ?? '')).replace(/\.js$/, '.ts'));
}

/** Every edge that goes against the direction of the layers. */
export function violations(edges: readonly ImportEdge[]): string[] {
  const found: string[] = [];
  for (const { from, to } of edges) {
    const fromLayer = layerOf(from);
    const toLayer = layerOf(to);
    const allowed = LAYERS[fromLayer] ?? [];
    if (!allowed.includes('*') && !allowed.includes(toLayer)) {
      found.push(`${from} (${fromLayer}) imports ${to} (${toLayer})`);
    }
  }
  return found;
}

/** The import edges of every TypeScript file under `root/src`. */
export function importEdges(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const from = relative('.', path);
        for (const to of importsOf(from, readFileSync(join(root, path), 'utf8'))) edges.push({ from, to });
      }
    }
  };
  walk('src');
  return edges;
}
