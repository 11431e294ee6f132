import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What node loads for a compiled entry point: every module reached through value imports (static,
 * dynamic and re-exports; type-only imports are gone from the compiled JavaScript), as project files
 * and package names.
 */
function loadedBy(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(join(root, file), 'utf8');
    for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) {
      const specifier = m[1] ?? '';
      if (specifier.startsWith('.')) visit(relative(root, join(root, dirname(file), specifier)));
      else if (!specifier.startsWith('node:')) {
        const [scope, name] = specifier.split('/');
        packages.add(scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? specifier));
      }
    }
  };
  visit(entry);
  return { files, packages };
}

describe('npm run tick', () => {
  it('loads the Web API client, not Bolt, its receivers or the HTTP app', () => {
    expect(existsSync(join(root, 'dist/cli/tick.js'))).toBe(true);
    const { files, packages } = loadedBy('dist/cli/tick.js');
    expect(files).toContain('dist/cli/tick-once.js');
    expect(files).toContain('dist/core.js');
    expect(packages).toContain('@slack/web-api');
    expect(packages).toContain('better-sqlite3');
    expect(packages).not.toContain('@slack/bolt');
    expect(packages).not.toContain('@slack/socket-mode');
    expect([...files].filter((f) => ['dist/app.js', 'dist/health.js', 'dist/main.js'].includes(f))).toEqual([]);
    expect([...files].filter((f) => f.startsWith('dist/listeners/'))).toEqual([]);
  });

  it('is told apart from npm start, which does load Bolt', () => {
    expect(loadedBy('dist/main.js').packages).toContain('@slack/bolt');
  });
});
