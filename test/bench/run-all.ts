/**
 * `npm run bench`: runs every benchmark in turn and prints its report. Benchmarks are not tests:
 * a missed target is printed ("TARGET MISSED") but the exit code stays 0. A benchmark that crashes
 * is reported and makes the exit code 1.
 *
 *   npm run bench                       every benchmark
 *   npm run bench -- --only fanout      one of them (or a group: ack-latency)
 *   npm run bench -- --list             their names
 *   npm run bench -- --only ack-help --cpu-prof prof   a CPU profile of its measured rounds
 *
 * To add one, add a `{ name, run }` entry to BENCHMARKS; `run` resolves to its report lines.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchAckLatencySeries, formatAckLatencySeries } from './ack-latency.js';
import { benchDigestFigures, formatDigestFigures } from './digest-figures.js';
import { benchFanoutSeries, formatFanoutSeries } from './fanout.js';
import { benchInstallations, formatInstallations } from './installations.js';
import { benchStartup, formatStartup } from './startup.js';

export interface Benchmark {
  name: string;
  /** `--only <group>` runs every benchmark of the group. */
  group?: string;
  /** One line saying what it measures, for --list. */
  description: string;
  run(): Promise<string>;
}

export const BENCHMARKS: Benchmark[] = [
  {
    name: 'startup',
    description:
      'npm run tick on an empty database and npm start until /healthz answers, vs a plain node floor (targets: ≤ 2×, ≤ 1.5×), idle RSS (≤ 120 MB)',
    run: async () => formatStartup(await benchStartup()),
  },
  {
    name: 'ack-help',
    group: 'ack-latency',
    description:
      'ack latency of signed /alliance help, Alliance vs a bare Bolt app, 5 runs (target: median run p99 ratio ≤ 1.25)',
    run: async () =>
      formatAckLatencySeries(
        await benchAckLatencySeries({ scenario: 'help', runs: 5, cpuProfile: profileOf('ack-help') }),
      ),
  },
  {
    name: 'ack-checkin-open',
    group: 'ack-latency',
    description:
      'ack latency of the "Check in" button (the modal opened with views.open) vs a bare Bolt listener, and click → views.open, 3 runs (target: every one within 3 s)',
    run: async () =>
      formatAckLatencySeries(
        await benchAckLatencySeries({ scenario: 'checkin-open', runs: 3, cpuProfile: profileOf('ack-checkin-open') }),
      ),
  },
  {
    name: 'ack-checkin-submit',
    group: 'ack-latency',
    description:
      'ack latency of check-in submissions (written, DM updated) vs a bare Bolt listener, 3 runs (target: median run p99 ratio ≤ 1.5)',
    run: async () =>
      formatAckLatencySeries(
        await benchAckLatencySeries({
          scenario: 'checkin-submit',
          runs: 3,
          cpuProfile: profileOf('ack-checkin-submit'),
        }),
      ),
  },
  {
    name: 'fanout',
    description:
      'pulse fan-out: 200 alliances × 10 members at one instant vs a 100 calls/s workspace limit, 5 runs with DMs known and 3 at first contact (target: median total ≤ 1.15 × deliveries ÷ limit, 0 lost, 0 duplicated)',
    run: async () =>
      `${formatFanoutSeries(await benchFanoutSeries({ runs: 5 }))}\n\n${formatFanoutSeries(await benchFanoutSeries({ firstContact: true, runs: 3 }))}`,
  },
  {
    name: 'digest-figures',
    description:
      "every alliance's digest figures vs one raw SQL GROUP BY, 1,000 alliances × 20 members × 104 pulses (targets: ratio ≤ 2, peak RSS ≤ 300 MB)",
    run: async () => formatDigestFigures(await benchDigestFigures()),
  },
  {
    name: 'installations',
    description:
      'many workspaces: token lookup per Web API call among 1,000 installations, the OAuth install flow, purging a workspace (targets: lookup ≤ 50 µs, longest write-lock hold ≤ 250 ms)',
    run: async () => formatInstallations(await benchInstallations()),
  },
];

function usage(): string {
  return [
    'usage: npm run bench [-- --only <name or group>] [-- --list] [-- --cpu-prof <folder>]',
    '  --only <name>      one benchmark, or a group (ack-latency: the three ack benchmarks)',
    '  --list             the benchmarks and what each measures',
    '  --cpu-prof <dir>   write a CPU profile of the measured rounds of each ack benchmark there',
    `benchmarks: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
  ].join('\n');
}

/** Where the ack benchmarks write the CPU profile of their measured rounds (--cpu-prof), if asked. */
let cpuProfileDir: string | undefined;
const profileOf = (name: string) => (cpuProfileDir ? join(cpuProfileDir, `${name}.cpuprofile`) : undefined);

function parseArgs(
  argv: readonly string[],
): { only: string | undefined; list: boolean; quietHeader: boolean; cpuProf: string | undefined } | string {
  let only: string | undefined;
  let list = false;
  let quietHeader = false;
  let cpuProf: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--list') list = true;
    else if (arg === '--quiet-header') quietHeader = true;
    else if (arg === '--cpu-prof') {
      cpuProf = argv[i + 1];
      if (cpuProf === undefined || cpuProf.startsWith('--')) return '--cpu-prof needs a folder';
      i += 1;
    } else if (arg === '--only') {
      only = argv[i + 1];
      if (only === undefined || only.startsWith('--')) return '--only needs a benchmark name';
      i += 1;
    } else if (arg?.startsWith('--only=')) only = arg.slice('--only='.length);
    else if (arg === '--help' || arg === '-h') return '';
    else return `unknown argument ${arg}`;
  }
  return { only, list, quietHeader, cpuProf };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    // --help: the usage on stdout, exit 0; a wrong argument: what is wrong and the usage on stderr, exit 2.
    if (args === '') {
      console.log(usage());
      return 0;
    }
    console.error(args);
    console.error(usage());
    return 2;
  }
  if (args.list) {
    for (const b of BENCHMARKS) console.log(`${b.name.padEnd(19)} ${b.description}`);
    return 0;
  }
  if (args.cpuProf !== undefined) {
    cpuProfileDir = resolve(args.cpuProf);
    mkdirSync(cpuProfileDir, { recursive: true });
  }
  const selected =
    args.only === undefined ? BENCHMARKS : BENCHMARKS.filter((b) => b.name === args.only || b.group === args.only);
  if (selected.length === 0) {
    console.error(`no benchmark named ${JSON.stringify(args.only)}`);
    console.error(usage());
    return 2;
  }

  // Several benchmarks: each runs in a process of its own, so one's memory (and its peak RSS, which
  // the kernel reports per process) never shows up in the next one's figures.
  if (selected.length > 1) {
    console.log(
      `Alliance benchmarks (node ${process.version}, ${process.platform}/${process.arch}), each in its own process`,
    );
    let failed = 0;
    for (const bench of selected) {
      const child = spawnSync(
        process.execPath,
        [
          ...process.execArgv,
          fileURLToPath(import.meta.url),
          '--only',
          bench.name,
          '--quiet-header',
          ...(cpuProfileDir ? ['--cpu-prof', cpuProfileDir] : []),
        ],
        { stdio: 'inherit' },
      );
      if (child.status !== 0) failed += 1;
    }
    return failed > 0 ? 1 : 0;
  }

  let crashed = 0;
  const began = performance.now();
  if (!args.quietHeader)
    console.log(`Alliance benchmarks (node ${process.version}, ${process.platform}/${process.arch})`);
  for (const bench of selected) {
    console.log(`\n== ${bench.name}`);
    const started = performance.now();
    try {
      console.log(await bench.run());
    } catch (error) {
      crashed += 1;
      console.log(`  FAILED TO RUN: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    console.log(`  (${bench.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  if (!args.quietHeader)
    console.log(
      `\n${selected.length} benchmark(s) in ${((performance.now() - began) / 1000).toFixed(1)} s${crashed > 0 ? `, ${crashed} failed to run` : ''}`,
    );
  return crashed > 0 ? 1 : 0;
}

process.exitCode = await main();
