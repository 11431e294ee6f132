/**
 * Digest figures at scale: every alliance's digest figures as the app computes them, against the
 * floor of one raw SQL `GROUP BY` over the same ratings.
 *
 * - Generation (timed, but not part of the comparison): one workspace; `alliances` team alliances
 *   with `members` members each and an active agreement version; `pulses` weekly pulses per
 *   alliance, written week by week across all alliances as the scheduler would (so pulse ids and
 *   responses of one alliance are interleaved with everyone else's). Every member answers every
 *   pulse (named pulses): an invitee row, a response with a random 24-hex id, a rating for each
 *   aspect and overall, a participation row. Each pulse is then frozen as `runClose` does it: the
 *   domain's `summarizePulse` over the responses in id order, stored by `store.pulses.close`.
 *   Ratings, comments and ids come from seeded PRNGs, so every run writes the same database.
 *   Workspace, alliances, agreement versions and pulses go through the real repositories (pulses
 *   are created open and closed with their frozen results, as runOpen and runClose do), one
 *   transaction per week; invitees and participation through multi-row prepared INSERTs with the
 *   repositories' columns. Responses and ratings are staged in a scratch database in arrival order
 *   and loaded afterwards sorted by id, with pulse_responses' two indexes dropped and recreated from
 *   their migration SQL: random ids written as they arrive cost a random page per row (measured:
 *   ~90k rows/s and falling as the tables grow; sorted: ~430k rows/s). The result is the same rows
 *   and the same schema (checked), in B-trees packed fuller than years of one-at-a-time answers
 *   would leave them, so the database is somewhat smaller than an organically grown one.
 * - A (the app's path): `figuresFor` of the real digest service for every alliance: the latest 24
 *   closed pulses through `store.pulses.closedPulses`, then `computeDigestFigures`.
 * - B (the floor): one `GROUP BY` giving the average of every alliance × pulse × aspect over all
 *   `pulse_ratings` joined to their responses and pulses, iterated to the last row.
 * - B24 (context): the same query restricted to each alliance's latest 24 closed pulses, which are
 *   the pulses A reads.
 * - C (context): what freezing costs: `summarizePulse` from the raw rows of every alliance's latest
 *   pulse, read the way `runClose` reads them.
 *
 * Each measurement runs once unmeasured (warm-up; its output is checked for correctness) and then
 * `repeats` (A, C) or `floorRepeats` (B, B24) times; the report gives the median. The timings run
 * with the app's connection settings (openDatabase) after a WAL checkpoint. Peak RSS is sampled at many points of the run
 * (better-sqlite3 is synchronous, so a timer would never fire mid-query) and also read from the
 * kernel's high-water mark, `process.resourceUsage().maxRSS`, which covers the whole process.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileAgreement, contentHash } from '../../src/domain/agreement.js';
import { type Alliance, allianceSettingsSchema, pulseSchedule } from '../../src/domain/alliance.js';
import type { DigestFigures } from '../../src/domain/digest.js';
import {
  OVERALL,
  type PulseResults,
  pulseWindow,
  type ResponseForResults,
  summarizePulse,
} from '../../src/domain/pulse.js';
import { nextOccurrence, occurrenceKey } from '../../src/domain/schedule.js';
import { getTemplate } from '../../src/domain/templates/index.js';
import type { AgreementPublisher } from '../../src/services/agreement-publisher.js';
import { createDigestService } from '../../src/services/digests.js';
import type { SlackGateway } from '../../src/slack/gateway.js';
import type { Db } from '../../src/store/db.js';
import type { Store } from '../../src/store/index.js';
import { migratedStore, tempDir } from '../support/temp-db.js';
import { median } from './spread.js';

export const RATIO_TARGET = 2;
export const RSS_TARGET_BYTES = 300 * 1024 * 1024;

export interface DigestBenchOptions {
  /** Default 1,000. */
  alliances?: number;
  /** Members per alliance, all of whom answer every pulse. Default 20. */
  members?: number;
  /** Weekly closed pulses per alliance. Default 104 (two years). */
  pulses?: number;
  /** Measured runs of A and C, after one warm-up run each. Default 5. */
  repeats?: number;
  /** Measured runs of B and B24 (seconds each at full size), after one warm-up run each. Default 3. */
  floorRepeats?: number;
  /** Seed of the PRNGs behind ids, ratings and comments. Default 1. */
  seed?: number;
}

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runsMs: number[];
  /** The unmeasured first run. */
  warmupMs: number;
}

export interface RowCounts {
  alliances: number;
  members: number;
  pulses: number;
  invitees: number;
  responses: number;
  ratings: number;
  participation: number;
  /** Every row written, setup rows included. */
  total: number;
}

export interface DbSize {
  dbBytes: number;
  walBytes: number;
}

export interface DigestBenchResult {
  alliances: number;
  members: number;
  pulses: number;
  repeats: number;
  floorRepeats: number;
  seed: number;
  rows: RowCounts;
  generation: { totalMs: number; setupMs: number; pulsesMs: number; loadMs: number; rowsPerSecond: number };
  /** A: `figuresFor` for every alliance. */
  appPath: Timing;
  /** B: one GROUP BY over every rating. */
  floor: Timing;
  /** B24: the same GROUP BY over the latest 24 closed pulses of each alliance (what A covers). */
  floorRecent: Timing;
  /** C: `summarizePulse` from raw rows for the latest pulse of every alliance. */
  freeze: Timing;
  /** A ÷ B, medians. */
  ratio: number;
  /** A ÷ B24, medians (context). */
  ratioRecent: number;
  /** B's rows (alliance × pulse × aspect) and B24's. */
  floorRows: number;
  floorRecentRows: number;
  /** SQLite's plan for B, one line per step. */
  floorPlan: string[];
  checks: {
    /** Alliances whose figures show the latest pulse with every member answering. */
    figuresComplete: number;
    /** Alliances whose latest means in A equal B's averages rounded to 2 places. */
    figuresMatchFloor: number;
    /** Latest pulses whose results recomputed in C equal the frozen results_json. */
    freezeMatchesStored: number;
    /** The generated database's schema (sqlite_master) is exactly that of a freshly migrated one. */
    schemaMatchesMigrations: boolean;
  };
  memory: {
    /** RSS when the benchmark started. */
    startRssBytes: number;
    /** Highest `process.memoryUsage().rss` seen at the sampling points. */
    sampledPeakRssBytes: number;
    /** Where the sampled peak was seen. */
    sampledPeakAt: string;
    /** `process.resourceUsage().maxRSS`: the process's high-water mark, whatever ran before too. */
    maxRssBytes: number;
    /** The sampling point by which maxRSS had last grown (by more than 1 MB): the phase that set it. */
    maxRssReachedBy: string;
    /** The largest of the two peaks: what the target is checked against. */
    peakRssBytes: number;
  };
  /** SQLite's page cache per connection (PRAGMA cache_size, KiB when negative). */
  cacheSize: number;
  sizeAfterGeneration: DbSize;
  /** After `wal_checkpoint(TRUNCATE)`, which is what the timings ran against. */
  sizeAfterCheckpoint: DbSize;
  targets: { ratioAtMost: number; ratioMet: boolean; peakRssAtMostBytes: number; peakRssMet: boolean };
  durationMs: number;
}

// ---- Deterministic data --------------------------------------------------------------------------

/** mulberry32: small, fast, seeded; 2^32 period is plenty for the ~25 M draws of a full run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

const WORKING = [
  'Stand-ups are short and people actually listen.',
  'We ask for help earlier than we used to.',
  'Reviews are kind and quick.',
  'Handing over on Fridays works well.',
  'The retro actions got done this time.',
  'Nobody was left alone with an incident.',
];
const AT_RISK = [
  'Meetings keep running over.',
  'Some decisions happen in DMs instead of the channel.',
  'On-call is wearing a few of us down.',
  'We skipped the check-in on blockers twice.',
];
const REASONS = ['The on-call part no longer fits how we work.', 'Half of us joined after we agreed on this.'];

const TEAM_ID = 'TBENCH0001';
const ANCHOR = new Date('2024-01-01T00:00:00Z');

// ---- Measuring -----------------------------------------------------------------------------------

function measure<T>(repeats: number, run: () => T): { timing: Timing; warmup: T } {
  let started = performance.now();
  const warmup = run();
  const warmupMs = performance.now() - started;
  const runsMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    started = performance.now();
    run();
    runsMs.push(performance.now() - started);
  }
  return {
    timing: { medianMs: median(runsMs), minMs: Math.min(...runsMs), maxMs: Math.max(...runsMs), runsMs, warmupMs },
    warmup,
  };
}

/**
 * Peak memory, two ways: `rss` read at each sampling point, and the kernel's high-water mark
 * (`maxRSS`), which also catches peaks inside a long native call (a big sort in SQLite) that no
 * sampling point can see. Each point records when maxRSS last grew, to tell which phase set it.
 */
function createRssSampler() {
  const maxRss = () => process.resourceUsage().maxRSS * 1024;
  let peak = process.memoryUsage.rss();
  let peakAt = 'start';
  let highWater = maxRss();
  let highWaterBy = 'start';
  return {
    sample(at: string): void {
      const rss = process.memoryUsage.rss();
      if (rss > peak) {
        peak = rss;
        peakAt = at;
      }
      const max = maxRss();
      // Growth under 1 MB is noise; it would pin the peak on whatever phase ran last.
      if (max > highWater + 1024 * 1024) highWaterBy = at;
      highWater = Math.max(highWater, max);
    },
    get peak() {
      return peak;
    },
    get peakAt() {
      return peakAt;
    },
    get highWaterBy() {
      return highWaterBy;
    },
  };
}

function dbSize(path: string): DbSize {
  const wal = `${path}-wal`;
  return { dbBytes: statSync(path).size, walBytes: existsSync(wal) ? statSync(wal).size : 0 };
}

/** A dependency `figuresFor` must never touch: any use throws. */
function unused<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      throw new Error(`digest-figures bench: figuresFor used ${name}.${String(property)}`);
    },
  });
}

// ---- Generation ----------------------------------------------------------------------------------

/** `count` rows of `columns` in one INSERT: one statement call writes a whole pulse's rows. */
function multiRowInsert(db: Db, table: string, columns: readonly string[], count: number) {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  return db.prepare(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: count }, () => tuple).join(', ')}`,
  );
}

interface Generated {
  rows: RowCounts;
  setupMs: number;
  pulsesMs: number;
  loadMs: number;
}

function generate(
  store: Store,
  db: Db,
  opts: { alliances: number; members: number; pulses: number; seed: number },
  rss: ReturnType<typeof createRssSampler>,
): Generated {
  const template = getTemplate('team');
  const aspectIds = template.aspects.map((a) => a.id);
  const rated = [...aspectIds, OVERALL];
  const settings = allianceSettingsSchema.parse({
    timeZone: 'Europe/Berlin',
    pulse: { cadence: 'weekly', weekday: 1, localTime: '10:00' },
    scheduleAnchor: ANCHOR.toISOString(),
    digest: { weekday: 5, localTime: '16:00' },
    anonymous: false,
    visibility: 'channel',
  });
  const setupStarted = performance.now();

  // Alliances, members and an active agreement version each, through the real repositories.
  const allianceIds: string[] = [];
  const memberIds: string[][] = [];
  const versionIds: number[] = [];
  const idRandom = prng(opts.seed * 7919 + 1);
  store.transaction(() => {
    store.workspaces.register({ teamId: TEAM_ID, teamName: 'Bench Co', botUserId: 'UBENCHBOT1', now: ANCHOR });
    for (let a = 0; a < opts.alliances; a++) {
      const id = `al_${hex8(idRandom())}${hex8(idRandom())}`;
      const members = Array.from(
        { length: opts.members },
        (_, m) => `U${(a * opts.members + m).toString(36).toUpperCase().padStart(10, '0')}`,
      );
      const name = `Team ${a + 1}`;
      store.alliances.create({
        id,
        teamId: TEAM_ID,
        channelId: `C${a.toString(36).toUpperCase().padStart(10, '0')}`,
        name,
        templateId: 'team',
        starterId: members[0]!,
        settings,
        setupViewId: null,
        members,
        now: ANCHOR,
      });
      const roundId = store.design.openRound({
        teamId: TEAM_ID,
        allianceId: id,
        baseVersionId: null,
        reason: null,
        startedBy: members[0]!,
        now: ANCHOR,
      });
      const content = compileAgreement({ template, name, members, answers: new Map() });
      const version = store.agreements.insertVersion({
        teamId: TEAM_ID,
        allianceId: id,
        roundId,
        content,
        hash: contentHash(content),
        compiledBy: 'everyone',
        visibility: 'channel',
        now: ANCHOR,
      });
      store.design.closeRound(roundId, 'compiled', ANCHOR);
      store.agreements.activate(version.id, ANCHOR);
      store.alliances.activate(id, version.id, ANCHOR);
      allianceIds.push(id);
      memberIds.push(members);
      versionIds.push(version.id);
    }
  });
  const setupMs = performance.now() - setupStarted;
  rss.sample('generation: alliances');

  // Every alliance shares the schedule, so the weekly occurrences are computed once.
  const schedule = pulseSchedule({ settings });
  const occurrences: Date[] = [];
  for (let at = ANCHOR, w = 0; w < opts.pulses; w++) {
    at = nextOccurrence(schedule, at);
    occurrences.push(at);
  }

  // Per-alliance character: a base level, how it drifts over the year, aspect and member leanings.
  const traitRandom = prng(opts.seed * 104729 + 3);
  const unit = () => traitRandom() / 4294967296;
  const base = Float64Array.from({ length: opts.alliances }, () => 2.6 + 1.9 * unit());
  const phase = Float64Array.from({ length: opts.alliances }, () => 2 * Math.PI * unit());
  const aspectLean = Float64Array.from({ length: opts.alliances * rated.length }, () => 0.6 * unit() - 0.3);
  const memberLean = Float64Array.from({ length: opts.alliances * opts.members }, () => 1.0 * unit() - 0.5);
  const ratingRandom = prng(opts.seed * 15485863 + 5);
  const noise = () => (ratingRandom() + ratingRandom()) / 4294967296 - 1; // triangular on (-1, 1)
  const responseRandom = prng(opts.seed * 2654435761 + 7);

  const M = opts.members;
  const R = rated.length;
  const team = TEAM_ID;

  // Responses have random ids, so written as they come (week by week) every one lands on a random
  // page of pulse_responses, its indexes and pulse_ratings; at this size that is hours of page
  // churn. They are staged in a scratch database in arrival order instead, and loaded afterwards
  // in key order (see below).
  const stagingPath = `${dirname(db.name)}/staging.db`;
  db.prepare('ATTACH DATABASE ? AS staging').run(stagingPath);
  db.pragma('staging.journal_mode = OFF');
  db.pragma('staging.synchronous = OFF');
  const ratingColumns = rated.map((_, k) => `r${k}`);
  db.exec(
    `CREATE TABLE staging.responses (id TEXT NOT NULL, pulse_id INTEGER NOT NULL, user_id TEXT NOT NULL, working TEXT NOT NULL, at_risk TEXT NOT NULL, renegotiate INTEGER NOT NULL, reason TEXT NOT NULL, ${ratingColumns.map((c) => `${c} INTEGER NOT NULL`).join(', ')})`,
  );
  const stagedColumns = ['id', 'pulse_id', 'user_id', 'working', 'at_risk', 'renegotiate', 'reason', ...ratingColumns];
  const S = stagedColumns.length;

  const insertInvitees = multiRowInsert(db, 'pulse_invitees', ['pulse_id', 'team_id', 'user_id'], M);
  const insertParticipation = multiRowInsert(db, 'pulse_participation', ['pulse_id', 'team_id', 'user_id'], M);
  const stageResponses = multiRowInsert(db, 'staging.responses', stagedColumns, M);
  // Parameter arrays reused for every pulse: nothing grows with the data.
  const memberParams: (string | number)[] = new Array<string | number>(M * 3);
  const stagedParams: (string | number)[] = new Array<string | number>(M * S);

  interface Drafted extends ResponseForResults {
    id: string;
    userId: string;
  }
  let pulseCount = 0;
  const pulsesStarted = performance.now();
  for (let w = 0; w < opts.pulses; w++) {
    const occurrence = occurrences[w]!;
    const window = pulseWindow(occurrence, settings.pulse);
    const periodKey = occurrenceKey(schedule, occurrence);
    store.transaction(() => {
      for (let a = 0; a < opts.alliances; a++) {
        const allianceId = allianceIds[a]!;
        const members = memberIds[a]!;
        // As runOpen: the pulse, then its invitees.
        const pulseId = store.pulses.create({
          teamId: team,
          allianceId,
          versionId: versionIds[a]!,
          periodKey,
          scheduledAt: occurrence,
          opensAt: window.opensAt,
          closesAt: window.closesAt,
          remindAt: window.remindAt,
          status: 'open',
          anonymous: settings.anonymous,
          threshold: settings.anonymityThreshold,
          visibility: settings.visibility,
          now: occurrence,
        });
        if (pulseId === null) throw new Error(`pulse ${allianceId} ${periodKey} already exists`);
        for (let m = 0; m < M; m++) {
          memberParams[m * 3] = pulseId;
          memberParams[m * 3 + 1] = team;
          memberParams[m * 3 + 2] = members[m]!;
        }
        insertInvitees.run(memberParams);

        // As submitCheckIn in a named pulse: each member's response with its ratings (staged),
        // and their participation.
        const level = base[a]! + 0.45 * Math.sin((2 * Math.PI * w) / 26 + phase[a]!);
        const drafted: Drafted[] = [];
        for (let m = 0; m < M; m++) {
          const id = hex8(responseRandom()) + hex8(responseRandom()) + hex8(responseRandom());
          const ratings: Record<string, number> = {};
          let sum = 0;
          for (let k = 0; k < aspectIds.length; k++) {
            const r = Math.min(
              5,
              Math.max(1, Math.round(level + aspectLean[a * R + k]! + memberLean[a * M + m]! + 1.1 * noise())),
            );
            ratings[aspectIds[k]!] = r;
            sum += r;
          }
          ratings[OVERALL] = Math.min(
            5,
            Math.max(1, Math.round(sum / aspectIds.length + aspectLean[a * R + R - 1]! + 0.6 * noise())),
          );
          const roll = responseRandom() % 1000;
          const renegotiate = roll < 8;
          drafted.push({
            id,
            userId: members[m]!,
            ratings,
            renegotiate,
            renegotiateReason: renegotiate ? REASONS[roll % REASONS.length]! : '',
            working: roll % 8 === 1 ? WORKING[roll % WORKING.length]! : '',
            atRisk: roll % 16 === 2 ? AT_RISK[roll % AT_RISK.length]! : '',
            reservations: {},
          });
        }
        for (let m = 0; m < M; m++) {
          const d = drafted[m]!;
          const p = m * S;
          stagedParams[p] = d.id;
          stagedParams[p + 1] = pulseId;
          stagedParams[p + 2] = d.userId;
          stagedParams[p + 3] = d.working;
          stagedParams[p + 4] = d.atRisk;
          stagedParams[p + 5] = d.renegotiate ? 1 : 0;
          stagedParams[p + 6] = d.renegotiateReason;
          for (let k = 0; k < R; k++) stagedParams[p + 7 + k] = d.ratings[rated[k]!]!;
        }
        stageResponses.run(stagedParams);
        insertParticipation.run(memberParams);

        // As runClose: the responses in id order (its query's ORDER BY id decides the order of the
        // comments), frozen with the domain's summarizePulse, stored by the repository's close.
        drafted.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
        const results: PulseResults = summarizePulse({
          invited: M,
          aspects: aspectIds,
          responses: drafted,
          commitmentChecks: [],
        });
        if (!store.pulses.close(pulseId, results, window.closesAt)) throw new Error(`pulse ${pulseId} did not close`);
        pulseCount++;
      }
    });
    rss.sample(`generation: week ${w + 1}`);
  }
  const pulsesMs = performance.now() - pulsesStarted;

  // The load. pulse_responses' own indexes are dropped and recreated from their migration SQL
  // (so the schema ends up byte for byte as migrated), the staged responses are sorted by id once,
  // and both tables are filled in key order: every insert appends to the B-tree.
  const loadStarted = performance.now();
  const indexes = db
    .prepare(
      "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = 'pulse_responses' AND sql IS NOT NULL",
    )
    .all() as { name: string; sql: string }[];
  db.exec('CREATE TABLE staging.sorted AS SELECT * FROM staging.responses ORDER BY id; DROP TABLE staging.responses;');
  rss.sample('generation: staged responses sorted');
  db.exec(`CREATE TABLE staging.aspects (aspect_id TEXT PRIMARY KEY, k INTEGER NOT NULL) WITHOUT ROWID`);
  const addAspect = db.prepare('INSERT INTO staging.aspects (aspect_id, k) VALUES (?, ?)');
  rated.forEach((id, k) => addAspect.run(id, k));
  const ratingOf = `CASE a.k ${ratingColumns.map((c, k) => `WHEN ${k} THEN s.${c}`).join(' ')} END`;
  store.transaction(() => {
    for (const index of indexes) db.exec(`DROP INDEX main.${index.name}`);
    db.prepare(`
      INSERT INTO pulse_responses (id, pulse_id, team_id, user_id, edit_key_hash, working, at_risk, renegotiate, renegotiate_reason)
      SELECT id, pulse_id, ?, user_id, NULL, working, at_risk, renegotiate, reason FROM staging.sorted ORDER BY rowid`).run(
      team,
    );
    rss.sample('generation: responses loaded');
    db.exec(`
      INSERT INTO pulse_ratings (response_id, aspect_id, rating)
      SELECT s.id, a.aspect_id, ${ratingOf} FROM staging.sorted s CROSS JOIN staging.aspects a ORDER BY s.rowid, a.aspect_id`);
    rss.sample('generation: ratings loaded');
    for (const index of indexes) db.exec(index.sql);
    rss.sample('generation: indexes rebuilt');
  });
  db.exec('DETACH DATABASE staging');
  rmSync(stagingPath, { force: true });
  const loadMs = performance.now() - loadStarted;

  const responses = pulseCount * M;
  const setupRows = 1 + opts.alliances * (1 + M + 1 + 1); // workspace; alliance, members, round, version
  const rows: RowCounts = {
    alliances: opts.alliances,
    members: opts.alliances * M,
    pulses: pulseCount,
    invitees: responses,
    responses,
    ratings: responses * R,
    participation: responses,
    total: setupRows + pulseCount + responses * (3 + R),
  };
  return { rows, setupMs, pulsesMs, loadMs };
}

// ---- The benchmark -------------------------------------------------------------------------------

const FLOOR_SQL = `
  SELECT p.alliance_id, p.id AS pulse_id, r.aspect_id, avg(r.rating) AS mean, count(*) AS n
    FROM pulses p
    JOIN pulse_responses s ON s.pulse_id = p.id
    JOIN pulse_ratings r ON r.response_id = s.id
   WHERE p.status = 'closed'
   GROUP BY p.alliance_id, p.id, r.aspect_id`;

const FLOOR_RECENT_SQL = `
  WITH recent AS (
    SELECT id, alliance_id FROM (
      SELECT id, alliance_id, row_number() OVER (PARTITION BY alliance_id ORDER BY scheduled_at DESC) AS k
        FROM pulses WHERE status = 'closed'
    ) WHERE k <= 24
  )
  SELECT p.alliance_id, p.id AS pulse_id, r.aspect_id, avg(r.rating) AS mean, count(*) AS n
    FROM recent p
    JOIN pulse_responses s ON s.pulse_id = p.id
    JOIN pulse_ratings r ON r.response_id = s.id
   GROUP BY p.alliance_id, p.id, r.aspect_id`;

const round2 = (n: number) => Math.round(n * 100) / 100;

const schemaOf = (db: Db) =>
  JSON.stringify(db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all());

export async function benchDigestFigures(options: DigestBenchOptions = {}): Promise<DigestBenchResult> {
  const began = performance.now();
  const opts = {
    alliances: options.alliances ?? 1000,
    members: options.members ?? 20,
    pulses: options.pulses ?? 104,
    repeats: options.repeats ?? 5,
    floorRepeats: options.floorRepeats ?? 3,
    seed: options.seed ?? 1,
  };
  if (opts.members < 1 || opts.pulses < 1 || opts.alliances < 1)
    throw new Error('alliances, members and pulses must be at least 1');
  const startRss = process.memoryUsage.rss();
  const rss = createRssSampler();
  const dir = tempDir('alliance-bench-digest-');
  const path = dir.file('bench.db');
  const { db, store } = migratedStore(path, ANCHOR);
  try {
    const cacheSize = Number(db.pragma('cache_size', { simple: true }));
    const generationStarted = performance.now();
    const generated = generate(store, db, opts, rss);
    const generationMs = performance.now() - generationStarted;
    const sizeAfterGeneration = dbSize(path);
    rss.sample('generation: done');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const sizeAfterCheckpoint = dbSize(path);
    const fresh = migratedStore(':memory:', ANCHOR).db;
    const schemaMatchesMigrations = schemaOf(db) === schemaOf(fresh);
    fresh.close();
    rss.sample('checkpoint');

    // A: the app's path, through the digest service's own figuresFor.
    const digests = createDigestService({
      store,
      gateway: unused<SlackGateway>('gateway'),
      publisher: unused<AgreementPublisher>('publisher'),
    });
    const alliances: Alliance[] = store.alliances.live();
    if (alliances.length !== opts.alliances)
      throw new Error(`expected ${opts.alliances} alliances, found ${alliances.length}`);
    const latestFigures = new Map<string, DigestFigures['aspects']>();
    let figuresComplete = 0;
    let firstA = true;
    const a = measure(opts.repeats, () => {
      let checksum = 0;
      for (let i = 0; i < alliances.length; i++) {
        const alliance = alliances[i]!;
        const figures = digests.figuresFor(alliance, 'member');
        checksum += figures.aspects.length + (figures.latest?.answered ?? 0);
        if (firstA) {
          latestFigures.set(alliance.id, figures.aspects);
          if (figures.latest?.answered === opts.members && figures.latest.invited === opts.members && figures.shown)
            figuresComplete++;
        }
        if (i % 100 === 0) rss.sample('A: figuresFor');
      }
      firstA = false;
      return checksum;
    });
    rss.sample('A: done');

    // Latest pulse per alliance (untimed): what C refreezes and what B is checked against.
    const latestPulse = new Map<string, number>();
    for (const alliance of alliances) {
      const latest = store.pulses.closedPulses(alliance.id, 1)[0];
      if (latest) latestPulse.set(alliance.id, latest.id);
    }
    const latestPulseIds = new Set(latestPulse.values());

    // B: the floor. Rows are raw arrays, folded into a checksum as they come.
    const floorStatement = db.prepare(FLOOR_SQL).raw();
    const floorPlan = (db.prepare(`EXPLAIN QUERY PLAN ${FLOOR_SQL}`).all() as { detail: string }[]).map(
      (r) => r.detail,
    );
    const floorMeans = new Map<string, number>();
    let firstB = true;
    const b = measure(opts.floorRepeats, () => {
      let rows = 0;
      let checksum = 0;
      for (const row of floorStatement.iterate() as IterableIterator<[string, number, string, number, number]>) {
        rows++;
        checksum += row[3] * row[4];
        if (firstB && latestPulseIds.has(row[1])) floorMeans.set(`${row[0]}|${row[2]}`, row[3]);
        if (rows % 65536 === 0) rss.sample('B: group by');
      }
      firstB = false;
      return { rows, checksum };
    });
    rss.sample('B: done');
    let figuresMatchFloor = 0;
    for (const [allianceId, aspects] of latestFigures) {
      if (
        aspects.every(
          (f) =>
            f.mean?.kind === 'exact' && f.mean.value === round2(floorMeans.get(`${allianceId}|${f.id}`) ?? Number.NaN),
        )
      )
        figuresMatchFloor++;
    }

    const floorRecentStatement = db.prepare(FLOOR_RECENT_SQL).raw();
    const b24 = measure(opts.floorRepeats, () => {
      let rows = 0;
      for (const row of floorRecentStatement.iterate() as IterableIterator<[string, number, string, number, number]>) {
        rows++;
        if (row[4] < 0) throw new Error('unreachable');
        if (rows % 65536 === 0) rss.sample('B24: group by');
      }
      return rows;
    });

    // C: freezing the latest pulse of every alliance, exactly the reads and summary of runClose.
    const storedResults = db.prepare('SELECT results_json FROM pulses WHERE id = ?').pluck();
    let firstC = true;
    let freezeMatchesStored = 0;
    const c = measure(opts.repeats, () => {
      let checksum = 0;
      for (const alliance of alliances) {
        const pulseId = latestPulse.get(alliance.id);
        if (pulseId === undefined) continue;
        const template = getTemplate(alliance.templateId);
        const results = summarizePulse({
          invited: store.pulses.invitees(pulseId).length,
          aspects: template.aspects.map((x) => x.id),
          responses: store.pulses.responsesForResults(pulseId),
          commitmentChecks: store.pulses.commitmentChecks(pulseId),
        });
        checksum += results.answered;
        if (firstC && JSON.stringify(results) === storedResults.get(pulseId)) freezeMatchesStored++;
      }
      rss.sample('C: summarizePulse');
      firstC = false;
      return checksum;
    });

    rss.sample('end');
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    const peakRssBytes = Math.max(maxRssBytes, rss.peak);
    const ratio = a.timing.medianMs / b.timing.medianMs;
    return {
      ...opts,
      rows: generated.rows,
      generation: {
        totalMs: generationMs,
        setupMs: generated.setupMs,
        pulsesMs: generated.pulsesMs,
        loadMs: generated.loadMs,
        rowsPerSecond: generated.rows.total / (generationMs / 1000),
      },
      appPath: a.timing,
      floor: b.timing,
      floorRecent: b24.timing,
      freeze: c.timing,
      ratio,
      ratioRecent: a.timing.medianMs / b24.timing.medianMs,
      floorRows: b.warmup.rows,
      floorRecentRows: b24.warmup,
      floorPlan,
      checks: { figuresComplete, figuresMatchFloor, freezeMatchesStored, schemaMatchesMigrations },
      memory: {
        startRssBytes: startRss,
        sampledPeakRssBytes: rss.peak,
        sampledPeakAt: rss.peakAt,
        maxRssBytes,
        maxRssReachedBy: rss.highWaterBy,
        peakRssBytes,
      },
      cacheSize,
      sizeAfterGeneration,
      sizeAfterCheckpoint,
      targets: {
        ratioAtMost: RATIO_TARGET,
        ratioMet: ratio <= RATIO_TARGET,
        peakRssAtMostBytes: RSS_TARGET_BYTES,
        peakRssMet: peakRssBytes <= RSS_TARGET_BYTES,
      },
      durationMs: performance.now() - began,
    };
  } finally {
    db.close();
    dir.cleanup();
  }
}

// ---- Report --------------------------------------------------------------------------------------

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
const msText = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const timingText = (t: Timing) =>
  `median ${msText(t.medianMs)} (min ${msText(t.minMs)}, max ${msText(t.maxMs)}, ${t.runsMs.length} runs; warm-up ${msText(t.warmupMs)})`;
const verdict = (met: boolean) => (met ? 'target met' : 'TARGET MISSED');

export function formatDigestFigures(r: DigestBenchResult): string {
  const n = r.alliances;
  const lines = [
    `${thousands(n)} alliances × ${r.members} members × ${r.pulses} weekly pulses (team template: 3 aspects + overall; named pulses, everyone answers; seed ${r.seed})`,
    `  generated ${thousands(r.rows.total)} rows in ${msText(r.generation.totalMs)} (${thousands(r.generation.rowsPerSecond)} rows/s; setup ${msText(r.generation.setupMs)}, pulses ${msText(r.generation.pulsesMs)}, sorted load ${msText(r.generation.loadMs)}):`,
    `    ${thousands(r.rows.pulses)} pulses, ${thousands(r.rows.responses)} responses, ${thousands(r.rows.ratings)} ratings, ` +
      `${thousands(r.rows.invitees)} invitees, ${thousands(r.rows.participation)} participation, ${thousands(r.rows.members)} members`,
    `  database: ${mb(r.sizeAfterGeneration.dbBytes)} + ${mb(r.sizeAfterGeneration.walBytes)} WAL after generation; ` +
      `${mb(r.sizeAfterCheckpoint.dbBytes)} + ${mb(r.sizeAfterCheckpoint.walBytes)} WAL after checkpoint (SQLite cache_size ${r.cacheSize})`,
    `  A  app's path, figuresFor × ${thousands(n)} (latest 24 frozen pulses each): ${timingText(r.appPath)}`,
    `       = ${(r.appPath.medianMs / n).toFixed(3)} ms per alliance`,
    `  B  floor, one GROUP BY over every rating → ${thousands(r.floorRows)} alliance×pulse×aspect rows: ${timingText(r.floor)}`,
    `     plan: ${r.floorPlan.join(' / ')}`,
    `  A ÷ B = ${r.ratio.toFixed(3)}; target ≤ ${r.targets.ratioAtMost}: ${verdict(r.targets.ratioMet)}`,
    `  context:`,
    `  B24 the same GROUP BY over only the latest 24 pulses per alliance (what A covers) → ${thousands(r.floorRecentRows)} rows: ${timingText(r.floorRecent)}; A ÷ B24 = ${r.ratioRecent.toFixed(3)}`,
    `  C  freezing: summarizePulse from raw rows for the latest pulse × ${thousands(n)}: ${timingText(r.freeze)}`,
    `       = ${(r.freeze.medianMs / n).toFixed(3)} ms per pulse; freezing all ${thousands(r.rows.pulses)} pulses at that rate ≈ ${msText((r.freeze.medianMs / n) * r.rows.pulses)}, ` +
      `spread over ${r.pulses} weeks as they close`,
    `  checks: ${r.checks.figuresComplete}/${n} figures show a complete latest pulse; ${r.checks.figuresMatchFloor}/${n} latest means equal B's averages; ` +
      `${r.checks.freezeMatchesStored}/${n} refrozen results equal the stored results_json; ` +
      `schema ${r.checks.schemaMatchesMigrations ? 'identical to' : 'DIFFERS FROM'} a freshly migrated database`,
    `  peak RSS: ${mb(r.memory.peakRssBytes)} (kernel maxRSS ${mb(r.memory.maxRssBytes)}, reached by ${r.memory.maxRssReachedBy}; sampled peak ${mb(r.memory.sampledPeakRssBytes)} at ${r.memory.sampledPeakAt}; ` +
      `${mb(r.memory.startRssBytes)} at start); target ≤ ${mb(r.targets.peakRssAtMostBytes)}: ${verdict(r.targets.peakRssMet)}`,
    `  took ${msText(r.durationMs)} (generation, checkpoint; 1 warm-up + ${r.repeats} measured runs of A and C, 1 + ${r.floorRepeats} of B and B24)`,
  ];
  const complete =
    r.checks.schemaMatchesMigrations &&
    r.checks.figuresComplete === n &&
    r.checks.figuresMatchFloor === n &&
    r.checks.freezeMatchesStored === n;
  if (!complete) lines.push('  WARNING: some checks failed; the figures above may not measure what they claim');
  return lines.join('\n');
}
