import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importEdges, importsOf, layerOf, violations } from '../support/import-graph.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('import direction: listeners → services → slack / store → domain', () => {
  it('holds for every file in src/', () => {
    const edges = importEdges(root);
    expect(edges.length).toBeGreaterThan(300);
    expect(violations(edges)).toEqual([]);
  });

  it('keeps the domain free of Slack, SQLite, cron and the clock', () => {
    const domainEdges = importEdges(root).filter((e) => layerOf(e.from) === 'domain');
    expect(domainEdges.every((e) => layerOf(e.to) === 'domain')).toBe(true);
  });

  it.each([
    ['a service importing a listener', 'src/services/consent.ts', 'src/listeners/deps.ts'],
    ['the Slack adapter importing a service', 'src/slack/gateway.ts', 'src/services/events.ts'],
    ['the Slack adapter importing the store', 'src/slack/blocks/home.ts', 'src/store/index.ts'],
    ['the store importing Slack', 'src/store/pulses-repo.ts', 'src/slack/ids.ts'],
    ['the domain importing the store', 'src/domain/pulse.ts', 'src/store/pulses-repo.ts'],
    ['the domain importing the clock', 'src/domain/schedule.ts', 'src/clock.ts'],
    ['a listener importing the store', 'src/listeners/events/index.ts', 'src/store/index.ts'],
  ])('would fail on %s', (_what, from, to) => {
    expect(violations([{ from, to }])).toEqual([expect.stringContaining(`${from} (`)]);
  });

  it('allows what the direction allows', () => {
    expect(
      violations([
        { from: 'src/listeners/actions/pulse.ts', to: 'src/services/index.ts' },
        { from: 'src/services/check-in.ts', to: 'src/slack/gateway.ts' },
        { from: 'src/services/check-in.ts', to: 'src/store/index.ts' },
        { from: 'src/slack/blocks/pulse.ts', to: 'src/domain/pulse.ts' },
        { from: 'src/app.ts', to: 'src/listeners/index.ts' },
      ]),
    ).toEqual([]);
  });

  it('reads static, dynamic and re-exported imports', () => {
    const source = [
      "import { a } from '../slack/ids.js';",
      "import type { B } from './b.js';",
      "export { c } from '../store/c.js';",
      "const d = await import('../domain/d.js');",
      "import 'zod';",
    ].join('\n');
    expect(importsOf('src/services/x.ts', source)).toEqual([
      'src/slack/ids.ts',
      'src/services/b.ts',
      'src/store/c.ts',
      'src/domain/d.ts',
    ]);
  });
});
