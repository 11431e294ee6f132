/**
 * The weekly digest's trend chart, as an SVG string.
 *
 * Pure: no I/O, no clock, no randomness — the same input always yields the same string, so the chart
 * can be snapshot-tested and rasterised anywhere (see `src/render/png.ts`).
 *
 * Layout (default 800×420):
 *
 *   ┌───────────────────────────────────────────────────────────────┐
 *   │ Title                                                          │  ← top margin (60)
 *   │   5 ┼──────────────────────────────────────┐   ── Overall       │
 *   │   4 ┼                                       │   ── Atmosphere   │  ← legend lives in the
 *   │   3 ┼          plot area                    │   ── …            │    right margin (200), so it
 *   │   2 ┼                                       │                   │    never covers a line
 *   │   1 ┼───┬───────┬───────┬──────────────────┘                   │
 *   │      Jan 5   Jan 12  Jan 19                                     │  ← bottom margin (60)
 *   └───────────────────────────────────────────────────────────────┘
 *     ↑ left margin (60)
 *
 * The y axis runs from 1 (bottom edge of the plot) to 5 (top edge). The x axis has one equal-width
 * slot per pulse and each point sits in the middle of its slot.
 */

export interface TrendSeries {
  id: string;
  label: string;
  /** Oldest first, aligned with `pulseLabels`. `null` = hidden for anonymity or no data: a gap in the line. */
  values: readonly (number | null)[];
}

export interface TrendChartInput {
  title: string;
  pulseLabels: readonly string[];
  series: readonly TrendSeries[];
  width?: number;
  height?: number;
}

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 420;
export const MAX_CHART_PULSES = 12;

export const SCORE_MIN = 1;
export const SCORE_MAX = 5;

/** The id of the series drawn thicker and darker than the others. */
export const OVERALL_SERIES_ID = 'overall';

export const FONT_FAMILY = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/** Fixed margins around the plot area, in px, whatever the chart size. */
export const PLOT_MARGINS = { top: 60, right: 200, bottom: 60, left: 60 } as const;

/** The smallest plot area we agree to draw into; smaller charts are rejected. */
export const MIN_PLOT_SIZE = 100;

/**
 * Okabe–Ito colour-blind-safe palette, minus black (reserved for "overall") and yellow (too pale
 * on white). Series beyond the sixth reuse the colours with a dash pattern so they stay distinct.
 */
export const SERIES_PALETTE: readonly string[] = [
  '#E69F00', // orange
  '#0072B2', // blue
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#D55E00', // vermillion
  '#56B4E9', // sky blue
];
export const OVERALL_COLOR = '#1A1A1A';
const DASH_PATTERNS: readonly string[] = ['6 4', '2 3', '8 3 2 3'];

const SERIES_STROKE_WIDTH = 2;
const OVERALL_STROKE_WIDTH = 3.5;
const POINT_RADIUS = 3.5;
const OVERALL_POINT_RADIUS = 4.5;

const TITLE_FONT_SIZE = 17;
const AXIS_FONT_SIZE = 11;
const LEGEND_FONT_SIZE = 12;
const LEGEND_LINE_HEIGHT = 15;
const LEGEND_ENTRY_GAP = 10;
const LEGEND_SWATCH_WIDTH = 22;
const MAX_PULSE_LABEL_CHARS = 12;

/**
 * Rough average advance width of DejaVu Sans glyphs, as a fraction of the font size. Deliberately a
 * little generous: it is only used to decide where to wrap, truncate or thin out labels.
 */
const AVG_CHAR_WIDTH_EM = 0.62;

export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
  right: number;
  bottom: number;
}

export function plotArea(width: number, height: number): PlotArea {
  const left = PLOT_MARGINS.left;
  const top = PLOT_MARGINS.top;
  const plotWidth = width - PLOT_MARGINS.left - PLOT_MARGINS.right;
  const plotHeight = height - PLOT_MARGINS.top - PLOT_MARGINS.bottom;
  return { left, top, width: plotWidth, height: plotHeight, right: left + plotWidth, bottom: top + plotHeight };
}

/** Clamps a score into [1, 5]. */
export function clampScore(value: number): number {
  return Math.min(SCORE_MAX, Math.max(SCORE_MIN, value));
}

/** x of the centre of slot `index` out of `count` equal slots spanning the plot. */
export function xFor(index: number, count: number, plot: PlotArea): number {
  return plot.left + ((index + 0.5) * plot.width) / count;
}

/** y of a score (clamped to [1, 5]): 5 is the plot's top edge, 1 its bottom edge. */
export function yFor(value: number, plot: PlotArea): number {
  return plot.top + ((SCORE_MAX - clampScore(value)) * plot.height) / (SCORE_MAX - SCORE_MIN);
}

/** Escapes text for use in XML character data and attribute values; drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return stripInvalidXmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function stripInvalidXmlChars(text: string): string {
  // C0 controls other than tab/newline/CR, lone surrogates and U+FFFE/U+FFFF are not allowed in XML 1.0.
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '',
  );
}

/** Collapses whitespace (labels are drawn on one line) and removes invalid characters. */
function cleanText(text: string): string {
  return stripInvalidXmlChars(text).replace(/\s+/g, ' ').trim();
}

/** Shortens to at most `maxChars` code points, ending with an ellipsis when something was cut. */
export function truncateText(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  if (maxChars <= 1) return '…';
  return `${chars
    .slice(0, maxChars - 1)
    .join('')
    .trimEnd()}…`;
}

export function estimateTextWidth(text: string, fontSize: number): number {
  return Array.from(text).length * fontSize * AVG_CHAR_WIDTH_EM;
}

function maxCharsFor(widthPx: number, fontSize: number): number {
  return Math.max(1, Math.floor(widthPx / (fontSize * AVG_CHAR_WIDTH_EM)));
}

/** Word-wraps into at most `maxLines` lines of at most `maxChars` code points each. */
export function wrapText(text: string, maxChars: number, maxLines: number): string[] {
  const words = text.split(' ').filter((w) => w.length > 0);
  const lines: string[] = [];
  let current = '';
  let i = 0;
  while (i < words.length) {
    const word = words[i] ?? '';
    const candidate = current === '' ? word : `${current} ${word}`;
    if (Array.from(candidate).length <= maxChars) {
      current = candidate;
      i += 1;
      continue;
    }
    if (current === '') {
      // A single word longer than a line: hard-cut it.
      const chars = Array.from(word);
      lines.push(chars.slice(0, maxChars).join(''));
      words[i] = chars.slice(maxChars).join('');
    } else {
      lines.push(current);
      current = '';
    }
    if (lines.length === maxLines) break;
  }
  if (lines.length < maxLines && current !== '') {
    lines.push(current);
    current = '';
  }
  const leftover = [current, ...words.slice(i)].filter((w) => w.length > 0);
  if (leftover.length > 0 && lines.length > 0) {
    const lastIndex = lines.length - 1;
    lines[lastIndex] = truncateText(`${lines[lastIndex] ?? ''} ${leftover.join(' ')}`, maxChars);
  }
  return lines;
}

/** Formats a coordinate: at most two decimals, no trailing zeros, never "-0". */
export function fmt(n: number): string {
  const rounded = Math.round(n * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

export interface SeriesStyle {
  color: string;
  strokeWidth: number;
  pointRadius: number;
  dash: string | null;
}

/** Style of the `paletteIndex`-th non-overall series (or of the overall series). */
export function seriesStyle(isOverall: boolean, paletteIndex: number): SeriesStyle {
  if (isOverall) {
    return { color: OVERALL_COLOR, strokeWidth: OVERALL_STROKE_WIDTH, pointRadius: OVERALL_POINT_RADIUS, dash: null };
  }
  const n = SERIES_PALETTE.length;
  const color = SERIES_PALETTE[paletteIndex % n] ?? '#0072B2';
  const cycle = Math.floor(paletteIndex / n);
  const dash = cycle === 0 ? null : (DASH_PATTERNS[(cycle - 1) % DASH_PATTERNS.length] ?? null);
  return { color, strokeWidth: SERIES_STROKE_WIDTH, pointRadius: POINT_RADIUS, dash };
}

export interface ChartPoint {
  index: number;
  value: number;
  x: number;
  y: number;
}

/**
 * Splits a series into runs of consecutive drawable points. Nulls (and non-finite numbers) end a run.
 * Values are clamped to [1, 5].
 */
export function seriesRuns(values: readonly (number | null)[], plot: PlotArea): ChartPoint[][] {
  const runs: ChartPoint[][] = [];
  let run: ChartPoint[] = [];
  values.forEach((raw, index) => {
    if (raw === null || !Number.isFinite(raw)) {
      if (run.length > 0) runs.push(run);
      run = [];
      return;
    }
    const value = clampScore(raw);
    run.push({ index, value, x: xFor(index, values.length, plot), y: yFor(value, plot) });
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

function validateDimension(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`Trend chart ${name} must be a positive integer, got ${String(value)}`);
  }
}

function strokeAttrs(style: SeriesStyle): string {
  const dash = style.dash === null ? '' : ` stroke-dasharray="${style.dash}"`;
  return `stroke="${style.color}" stroke-width="${fmt(style.strokeWidth)}"${dash}`;
}

export function buildTrendChartSvg(input: TrendChartInput): string {
  const width = input.width ?? CHART_WIDTH;
  const height = input.height ?? CHART_HEIGHT;
  validateDimension('width', width);
  validateDimension('height', height);
  const plot = plotArea(width, height);
  if (plot.width < MIN_PLOT_SIZE || plot.height < MIN_PLOT_SIZE) {
    const minWidth = PLOT_MARGINS.left + PLOT_MARGINS.right + MIN_PLOT_SIZE;
    const minHeight = PLOT_MARGINS.top + PLOT_MARGINS.bottom + MIN_PLOT_SIZE;
    throw new Error(`Trend chart must be at least ${minWidth}×${minHeight}, got ${width}×${height}`);
  }

  const totalPulses = input.pulseLabels.length;
  for (const s of input.series) {
    if (s.values.length !== totalPulses) {
      throw new Error(
        `Trend series "${s.id}" has ${s.values.length} values but there are ${totalPulses} pulse ` +
          `labels; they must align`,
      );
    }
  }
  const skip = Math.max(0, totalPulses - MAX_CHART_PULSES);
  const labels = input.pulseLabels.slice(skip).map((l) => truncateText(cleanText(l), MAX_PULSE_LABEL_CHARS));
  const count = labels.length;

  let paletteIndex = 0;
  const styled = input.series.map((s) => {
    const isOverall = s.id === OVERALL_SERIES_ID;
    const style = seriesStyle(isOverall, isOverall ? 0 : paletteIndex);
    if (!isOverall) paletteIndex += 1;
    return { series: s, isOverall, style, runs: seriesRuns(s.values.slice(skip), plot) };
  });

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ` +
      `${width} ${height}" font-family="${FONT_FAMILY}">`,
  );
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);

  // Title, truncated to the chart width.
  const titleMaxChars = maxCharsFor(width - 2 * 20, TITLE_FONT_SIZE);
  const title = truncateText(cleanText(input.title), titleMaxChars);
  out.push(
    `<text x="20" y="34" font-size="${TITLE_FONT_SIZE}" font-weight="bold" fill="#222222">${escapeXml(title)}</text>`,
  );

  // Horizontal gridlines and y labels at each integer score.
  out.push('<g class="y-axis">');
  for (let v = SCORE_MIN; v <= SCORE_MAX; v += 1) {
    const y = fmt(yFor(v, plot));
    const stroke = v === SCORE_MIN ? '#888888' : '#E3E3E3';
    out.push(
      `<line x1="${fmt(plot.left)}" y1="${y}" x2="${fmt(plot.right)}" y2="${y}" stroke="${stroke}" stroke-width="1"/>`,
    );
    out.push(
      `<text x="${fmt(plot.left - 10)}" y="${fmt(yFor(v, plot) + 4)}" font-size="${AXIS_FONT_SIZE}" ` +
        `fill="#555555" text-anchor="end">${v}</text>`,
    );
  }
  out.push('</g>');

  // x ticks and pulse labels; when labels would collide, show every `step`-th one, always the newest.
  out.push('<g class="x-axis">');
  if (count > 0) {
    const slotWidth = plot.width / count;
    const widest = Math.max(...labels.map((l) => estimateTextWidth(l, AXIS_FONT_SIZE)));
    const step = Math.max(1, Math.ceil((widest + 4) / slotWidth));
    labels.forEach((label, i) => {
      const x = fmt(xFor(i, count, plot));
      out.push(
        `<line x1="${x}" y1="${fmt(plot.bottom)}" x2="${x}" y2="${fmt(plot.bottom + 5)}" ` +
          `stroke="#888888" stroke-width="1"/>`,
      );
      if ((count - 1 - i) % step === 0) {
        out.push(
          `<text x="${x}" y="${fmt(plot.bottom + 20)}" font-size="${AXIS_FONT_SIZE}" fill="#555555" ` +
            `text-anchor="middle">${escapeXml(label)}</text>`,
        );
      }
    });
  }
  out.push('</g>');

  const hasPoints = styled.some((s) => s.runs.length > 0);
  if (!hasPoints) {
    out.push(
      `<text class="no-data" x="${fmt(plot.left + plot.width / 2)}" ` +
        `y="${fmt(plot.top + plot.height / 2)}" font-size="13" fill="#888888" ` +
        `text-anchor="middle">No data to show yet</text>`,
    );
  }

  // Series: the overall series last, so it is drawn on top.
  const drawOrder = [...styled.filter((s) => !s.isOverall), ...styled.filter((s) => s.isOverall)];
  for (const { series, style, runs } of drawOrder) {
    out.push(`<g class="series" data-series-id="${escapeXml(series.id)}">`);
    for (const run of runs) {
      if (run.length < 2) continue;
      const points = run.map((p) => `${fmt(p.x)},${fmt(p.y)}`).join(' ');
      out.push(
        `<polyline points="${points}" fill="none" ${strokeAttrs(style)} stroke-linejoin="round" ` +
          `stroke-linecap="round"/>`,
      );
    }
    for (const run of runs) {
      for (const p of run) {
        out.push(
          `<circle cx="${fmt(p.x)}" cy="${fmt(p.y)}" r="${fmt(style.pointRadius)}" ` +
            `fill="${style.color}" stroke="#ffffff" stroke-width="1"/>`,
        );
      }
    }
    out.push('</g>');
  }

  // Legend in the right margin, in input order; long labels wrap onto a second line.
  out.push('<g class="legend">');
  const legendX = plot.right + 24;
  const textX = legendX + LEGEND_SWATCH_WIDTH + 8;
  const legendMaxChars = maxCharsFor(width - textX - 8, LEGEND_FONT_SIZE);
  const legendBottom = height - 16;
  let y = plot.top + 6;
  for (let i = 0; i < styled.length; i += 1) {
    const entry = styled[i];
    if (entry === undefined) continue;
    const lines = wrapText(cleanText(entry.series.label), legendMaxChars, 2);
    const entryHeight = Math.max(1, lines.length) * LEGEND_LINE_HEIGHT;
    const remaining = styled.length - i;
    // Unless this is the last entry, keep room below it for a "+N more" line.
    const needed = entryHeight + (remaining > 1 ? LEGEND_ENTRY_GAP + LEGEND_LINE_HEIGHT : 0);
    if (y + needed > legendBottom) {
      out.push(
        `<text x="${fmt(legendX)}" y="${fmt(y + 4)}" font-size="${LEGEND_FONT_SIZE}" ` +
          `fill="#555555">+${remaining} more</text>`,
      );
      break;
    }
    const { style } = entry;
    out.push(
      `<line x1="${fmt(legendX)}" y1="${fmt(y)}" x2="${fmt(legendX + LEGEND_SWATCH_WIDTH)}" ` +
        `y2="${fmt(y)}" ${strokeAttrs(style)}/>`,
    );
    out.push(
      `<circle cx="${fmt(legendX + LEGEND_SWATCH_WIDTH / 2)}" cy="${fmt(y)}" ` +
        `r="${fmt(style.pointRadius)}" fill="${style.color}" stroke="#ffffff" stroke-width="1"/>`,
    );
    lines.forEach((line, li) => {
      const weight = entry.isOverall ? ' font-weight="bold"' : '';
      out.push(
        `<text x="${fmt(textX)}" y="${fmt(y + 4 + li * LEGEND_LINE_HEIGHT)}" ` +
          `font-size="${LEGEND_FONT_SIZE}" fill="#333333"${weight}>${escapeXml(line)}</text>`,
      );
    });
    y += entryHeight + LEGEND_ENTRY_GAP;
  }
  out.push('</g>');

  out.push('</svg>');
  return out.join('\n');
}
