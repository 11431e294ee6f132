/**
 * A strict reader of Prometheus's text exposition format (version 0.0.4), for tests: every line
 * must be a HELP, a TYPE, a comment or a well-formed sample, each family's TYPE comes before its
 * samples and only once, a family's samples are together, and histograms are complete (cumulative
 * buckets up to +Inf, which equals _count, and a _sum). Anything else throws, naming the line.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string | undefined;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  // Prometheus reads NaN in any case; prom-client writes `Nan` for a gauge with no samples yet.
  if (text.toLowerCase() === 'nan') return Number.NaN;
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: bad value ${text}`);
  return Number(text);
}

/** Label pairs `{a="x",b="y\"z"}` from `start` (just after the name); returns the labels and where they end. */
function parseLabels(text: string, start: number, line: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    if (text[i] === '}') return { labels, end: i + 1 };
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: label without '='`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`line ${line}: bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label ${name} value not quoted`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[j + 1];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`line ${line}: bad escape in label ${name}`);
        j++;
      } else value += text[j];
    }
    if (j >= text.length) throw new Error(`line ${line}: unterminated label value`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new Error(`line ${line}: expected ',' or '}' after label ${name}`);
  }
}

/** The family a sample name belongs to: a histogram's _bucket/_sum/_count, a summary's _sum/_count. */
function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sample);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sample.endsWith(suffix)) continue;
    const family = families.get(sample.slice(0, -suffix.length));
    if (family && (family.type === 'histogram' || (family.type === 'summary' && suffix !== '_bucket'))) return family;
  }
  return undefined;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  const helps = new Map<string, string>();
  const finished = new Set<string>();
  let current: Family | undefined;
  const lines = text.split('\n').slice(0, -1);
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    if (raw.trim() === '') continue;
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (!m) continue; // a plain comment
      const [, keyword, name = '', rest = ''] = m;
      if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`);
      if (keyword === 'HELP') {
        if (helps.has(name)) throw new Error(`line ${line}: second HELP for ${name}`);
        helps.set(name, rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\'));
        continue;
      }
      if (!TYPES.has(rest)) throw new Error(`line ${line}: unknown type ${rest}`);
      if (families.has(name)) throw new Error(`line ${line}: second TYPE for ${name}`);
      if (current) finished.add(current.name);
      current = { name, type: rest as Family['type'], help: helps.get(name), samples: [] };
      families.set(name, current);
      continue;
    }
    const nameEnd = raw.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`line ${line}: not a sample: ${raw}`);
    const name = raw.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`);
    const { labels, end } = raw[nameEnd] === '{' ? parseLabels(raw, nameEnd, line) : { labels: {}, end: nameEnd };
    const parts = raw.slice(end).trim().split(/\s+/);
    if (parts.length < 1 || parts.length > 2 || parts[0] === '') throw new Error(`line ${line}: bad sample ${raw}`);
    const value = parseValue(parts[0] ?? '', line);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`line ${line}: bad timestamp`);
    let family = familyOf(name, families);
    if (!family) {
      // A sample without a TYPE line is untyped, a family of its own.
      family = { name, type: 'untyped', help: helps.get(name), samples: [] };
      families.set(name, family);
      if (current) finished.add(current.name);
      current = family;
    }
    if (family !== current || finished.has(family.name))
      throw new Error(`line ${line}: samples of ${family.name} are not together`);
    family.samples.push({ name, labels, value });
  }
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>();
  for (const sample of family.samples) {
    const { le: _le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    series.set(key, [...(series.get(key) ?? []), sample]);
  }
  for (const [key, samples] of series) {
    const buckets = samples.filter((s) => s.name === `${family.name}_bucket`);
    const count = samples.find((s) => s.name === `${family.name}_count`);
    const sum = samples.find((s) => s.name === `${family.name}_sum`);
    if (!count || !sum) throw new Error(`${family.name} ${key}: no _count or _sum`);
    let previous = Number.NEGATIVE_INFINITY;
    let previousCount = 0;
    for (const bucket of buckets) {
      const le = bucket.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(bucket.labels.le);
      if (Number.isNaN(le) || le <= previous) throw new Error(`${family.name} ${key}: buckets out of order`);
      if (bucket.value < previousCount) throw new Error(`${family.name} ${key}: buckets not cumulative`);
      previous = le;
      previousCount = bucket.value;
    }
    if (previous !== Number.POSITIVE_INFINITY) throw new Error(`${family.name} ${key}: no +Inf bucket`);
    if (previousCount !== count.value) throw new Error(`${family.name} ${key}: +Inf bucket is not _count`);
  }
}

/** The value of the one sample of `name` whose labels include `labels`. */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) return sample.value;
    }
  }
  return undefined;
}
