import { describe, expect, it } from 'vitest';
import {
  buildTrendChartSvg,
  CHART_HEIGHT,
  CHART_WIDTH,
  clampScore,
  escapeXml,
  FONT_FAMILY,
  fmt,
  MAX_CHART_PULSES,
  OVERALL_COLOR,
  PLOT_MARGINS,
  plotArea,
  SERIES_PALETTE,
  type TrendChartInput,
  truncateText,
  wrapText,
  xFor,
  yFor,
} from '../../src/domain/digest-chart.js';

/*
 * Geometry worked out by hand for the default 800×420 chart:
 *   margins: top 60, right 200, bottom 60, left 60
 *   plot:    left 60, top 60, width 800-60-200 = 540, height 420-60-60 = 300 → right 600, bottom 360
 *   y(v)   = 60 + (5 - v) * 300/4 = 60 + (5 - v) * 75
 *            y(5)=60  y(4.5)=97.5  y(4)=135  y(3)=210  y(2)=285  y(1)=360
 *   x(i,n) = 60 + (i + 0.5) * 540/n
 *            n=2: slot 270 → 195, 465
 *            n=3: slot 180 → 150, 330, 510
 *            n=4: slot 135 → 127.5, 262.5, 397.5, 532.5
 *            n=12: slot 45 → 82.5, 127.5, …, 577.5
 */

function chart(overrides: Partial<TrendChartInput> = {}): string {
  return buildTrendChartSvg({ title: 'Team trend', pulseLabels: [], series: [], ...overrides });
}

/** The opening tags of one element name, in document order. */
function tags(svg: string, name: string): string[] {
  return svg.match(new RegExp(`<${name}\\b[^>]*>`, 'g')) ?? [];
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

/** `[cx, cy]` of every circle inside the series group with this id. */
function seriesGroup(svg: string, id: string): string {
  const start = svg.indexOf(`<g class="series" data-series-id="${id}">`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = svg.indexOf('</g>', start);
  return svg.slice(start, end);
}

function circles(fragment: string): string[] {
  return tags(fragment, 'circle').map((t) => `${attr(t, 'cx')},${attr(t, 'cy')}`);
}

function polylines(fragment: string): string[] {
  return tags(fragment, 'polyline').map((t) => attr(t, 'points') ?? '');
}

/** Text content of every <text> element, unescaped only as far as the test needs (raw). */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '');
}

/** A tiny well-formedness check: tags nest and balance, attribute values are quoted, entities are known. */
function assertWellFormed(svg: string): void {
  expect(svg.startsWith('<svg ')).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  const tagRe = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/g;
  let consumed = '';
  let last = 0;
  for (const m of svg.matchAll(tagRe)) {
    const [whole, closing, name, , selfClosing] = m;
    const between = svg.slice(last, m.index);
    expect(between).not.toMatch(/[<>]/);
    consumed += between;
    last = (m.index ?? 0) + whole.length;
    if (closing === '/') {
      expect(stack.pop()).toBe(name);
    } else if (selfClosing !== '/') {
      stack.push(name ?? '');
    }
  }
  expect(svg.slice(last)).toBe('');
  expect(stack).toEqual([]);
  // Every & in text starts a known entity.
  expect(consumed.replace(/&(amp|lt|gt|quot|apos);/g, '')).not.toContain('&');
}

describe('coordinate helpers', () => {
  const plot = plotArea(CHART_WIDTH, CHART_HEIGHT);

  it('derives the plot area from the fixed margins', () => {
    expect(PLOT_MARGINS).toEqual({ top: 60, right: 200, bottom: 60, left: 60 });
    expect(plot).toEqual({ left: 60, top: 60, width: 540, height: 300, right: 600, bottom: 360 });
    expect(plotArea(600, 300)).toEqual({ left: 60, top: 60, width: 340, height: 180, right: 400, bottom: 240 });
  });

  it('places pulses in the middle of equal slots', () => {
    expect([0, 1, 2].map((i) => xFor(i, 3, plot))).toEqual([150, 330, 510]);
    expect([0, 1, 2, 3].map((i) => xFor(i, 4, plot))).toEqual([127.5, 262.5, 397.5, 532.5]);
    expect(xFor(0, 12, plot)).toBe(82.5);
    expect(xFor(11, 12, plot)).toBe(577.5);
    expect(xFor(0, 1, plot)).toBe(330);
  });

  it('maps 5 to the top edge and 1 to the bottom edge, clamping outside values', () => {
    expect([5, 4.5, 4, 3, 2, 1].map((v) => yFor(v, plot))).toEqual([60, 97.5, 135, 210, 285, 360]);
    expect(yFor(9, plot)).toBe(60);
    expect(yFor(-3, plot)).toBe(360);
    expect(clampScore(0.2)).toBe(1);
    expect(clampScore(6.5)).toBe(5);
    expect(clampScore(3.3)).toBe(3.3);
  });

  it('formats numbers compactly and deterministically', () => {
    expect(fmt(97.5)).toBe('97.5');
    expect(fmt(60)).toBe('60');
    expect(fmt(1 / 3)).toBe('0.33');
    expect(fmt(-0)).toBe('0');
  });
});

describe('buildTrendChartSvg', () => {
  it('draws 2.0, null, 4.5 as two separate dots and no line', () => {
    const svg = chart({
      pulseLabels: ['Jan 5', 'Jan 12', 'Jan 19'],
      series: [{ id: 'atmosphere', label: 'Atmosphere', values: [2.0, null, 4.5] }],
    });
    const group = seriesGroup(svg, 'atmosphere');
    expect(polylines(group)).toEqual([]);
    expect(circles(group)).toEqual(['150,285', '510,97.5']);
  });

  it('breaks the line at a null: one polyline for the run before it, a dot after it', () => {
    const svg = chart({
      pulseLabels: ['Jan 5', 'Jan 12', 'Jan 19', 'Jan 26'],
      series: [{ id: 'atmosphere', label: 'Atmosphere', values: [2, 3, null, 4.5] }],
    });
    const group = seriesGroup(svg, 'atmosphere');
    expect(polylines(group)).toEqual(['127.5,285 262.5,210']);
    expect(circles(group)).toEqual(['127.5,285', '262.5,210', '532.5,97.5']);
  });

  it('draws two polylines when a null splits two longer runs', () => {
    const svg = chart({
      pulseLabels: ['a', 'b', 'c', 'd', 'e'],
      series: [{ id: 's', label: 'S', values: [1, 2, null, 4, 5] }],
    });
    // n=5: slot 108 → x = 114, 222, 330, 438, 546
    expect(polylines(seriesGroup(svg, 's'))).toEqual(['114,360 222,285', '438,135 546,60']);
  });

  it('labels the x axis with the pulse labels at the slot centres', () => {
    const svg = chart({
      pulseLabels: ['Jan 5', 'Jan 12', 'Jan 19'],
      series: [{ id: 'overall', label: 'Overall', values: [3, 3, 3] }],
    });
    const xLabels = tags(svg, 'text').filter((t) => attr(t, 'y') === '380');
    expect(xLabels.map((t) => attr(t, 'x'))).toEqual(['150', '330', '510']);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Jan 5', 'Jan 12', 'Jan 19']));
  });

  it('draws gridlines and labels at each integer score', () => {
    const svg = chart();
    const gridlines = tags(svg, 'line').filter((t) => attr(t, 'x1') === '60' && attr(t, 'x2') === '600');
    expect(gridlines.map((t) => attr(t, 'y1'))).toEqual(['360', '285', '210', '135', '60']);
    const yLabels = tags(svg, 'text').filter((t) => attr(t, 'x') === '50');
    expect(yLabels.map((t) => attr(t, 'y'))).toEqual(['364', '289', '214', '139', '64']);
    expect(texts(svg).filter((t) => /^[1-5]$/.test(t))).toEqual(['1', '2', '3', '4', '5']);
  });

  it('keeps only the last 12 pulses, with values aligned to their labels', () => {
    const pulseLabels = Array.from({ length: 14 }, (_, i) => `P${i + 1}`);
    const values = [1, 1, 5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3, 2];
    const svg = chart({ pulseLabels, series: [{ id: 's', label: 'S', values }] });
    expect(MAX_CHART_PULSES).toBe(12);
    const labels = texts(svg).filter((t) => /^P\d+$/.test(t));
    expect(labels).toEqual(pulseLabels.slice(2));
    const xLabelTags = tags(svg, 'text').filter((t) => attr(t, 'y') === '380');
    expect(attr(xLabelTags[0] ?? '', 'x')).toBe('82.5');
    expect(attr(xLabelTags[11] ?? '', 'x')).toBe('577.5');
    const dots = circles(seriesGroup(svg, 's'));
    expect(dots).toHaveLength(12);
    // P3 = 5 at slot 0, P7 = 1 at slot 4 (x = 60 + 4.5*45 = 262.5), P14 = 2 at slot 11.
    expect(dots[0]).toBe('82.5,60');
    expect(dots[4]).toBe('262.5,360');
    expect(dots[11]).toBe('577.5,285');
  });

  it('clamps values into [1, 5]', () => {
    const svg = chart({
      pulseLabels: ['a', 'b'],
      series: [{ id: 's', label: 'S', values: [0.2, 6.5] }],
    });
    expect(polylines(seriesGroup(svg, 's'))).toEqual(['195,360 465,60']);
  });

  it('treats non-finite numbers as gaps', () => {
    const svg = chart({
      pulseLabels: ['a', 'b', 'c'],
      series: [{ id: 's', label: 'S', values: [Number.NaN, 3, Number.POSITIVE_INFINITY] }],
    });
    const group = seriesGroup(svg, 's');
    expect(polylines(group)).toEqual([]);
    expect(circles(group)).toEqual(['330,210']);
  });

  it('escapes the title, labels and ids for XML', () => {
    const svg = chart({
      title: 'Tom & Jerry <script>',
      pulseLabels: ['"Q1"'],
      series: [{ id: 'a"b', label: `Ben & Jerry's <b>`, values: [3] }],
    });
    expect(svg).toContain('>Tom &amp; Jerry &lt;script&gt;</text>');
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('>&quot;Q1&quot;</text>');
    expect(svg).toContain('Ben &amp; Jerry&apos;s &lt;b&gt;');
    expect(svg).toContain('data-series-id="a&quot;b"');
    assertWellFormed(svg);
  });

  it('escapeXml handles every special character and drops XML-invalid control characters', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('bell\u0007 nul\u0000')).toBe('bell nul');
    expect(escapeXml('emoji 🎉 ok')).toBe('emoji 🎉 ok');
  });

  it('is a well-formed standalone SVG with explicit size, viewBox, white background and font stack', () => {
    const svg = chart({
      pulseLabels: ['Jan 5', 'Jan 12'],
      series: [
        { id: 'overall', label: 'Overall', values: [3.2, 3.9] },
        { id: 'atmosphere', label: 'Atmosphere', values: [null, 4.1] },
      ],
    });
    assertWellFormed(svg);
    const root = tags(svg, 'svg')[0] ?? '';
    expect(attr(root, 'xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(attr(root, 'width')).toBe('800');
    expect(attr(root, 'height')).toBe('420');
    expect(attr(root, 'viewBox')).toBe('0 0 800 420');
    expect(attr(root, 'font-family')).toBe('DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif');
    expect(FONT_FAMILY).toBe('DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif');
    const background = tags(svg, 'rect')[0] ?? '';
    expect(background).toBe('<rect x="0" y="0" width="800" height="420" fill="#ffffff"/>');
  });

  it('honours a custom size', () => {
    const svg = chart({
      width: 600,
      height: 300,
      pulseLabels: ['a', 'b'],
      series: [{ id: 's', label: 'S', values: [1, 5] }],
    });
    const root = tags(svg, 'svg')[0] ?? '';
    expect(attr(root, 'viewBox')).toBe('0 0 600 300');
    // plot 340×180 from (60,60): x = 60 + (i+0.5)*170 → 145, 315; y(1) = 240, y(5) = 60
    expect(polylines(seriesGroup(svg, 's'))).toEqual(['145,240 315,60']);
  });

  it('is deterministic', () => {
    const input: TrendChartInput = {
      title: 'Alliance',
      pulseLabels: ['Jan 5', 'Jan 12', 'Jan 19'],
      series: [
        { id: 'overall', label: 'Overall', values: [3, 3.5, null] },
        { id: 'atmosphere', label: 'Atmosphere', values: [2.25, null, 4] },
      ],
    };
    const first = buildTrendChartSvg(input);
    expect(buildTrendChartSvg(input)).toBe(first);
    expect(buildTrendChartSvg(structuredClone(input))).toBe(first);
  });

  it('throws a clear error when a series does not align with the pulse labels', () => {
    expect(() =>
      chart({ pulseLabels: ['a', 'b', 'c'], series: [{ id: 'atmosphere', label: 'Atmosphere', values: [1, 2] }] }),
    ).toThrow('Trend series "atmosphere" has 2 values but there are 3 pulse labels');
  });

  it('rejects sizes that leave no room for the plot', () => {
    expect(() => chart({ width: 300 })).toThrow(/at least 360×220/);
    expect(() => chart({ height: 0 })).toThrow(/height must be a positive integer/);
    expect(() => chart({ width: 800.5 })).toThrow(/width must be a positive integer/);
  });

  it('still renders axes, title and a note with no series at all', () => {
    const svg = chart({ pulseLabels: ['Jan 5', 'Jan 12'] });
    assertWellFormed(svg);
    expect(tags(svg, 'polyline')).toEqual([]);
    expect(tags(svg, 'circle')).toEqual([]);
    expect(tags(svg, 'line').filter((t) => attr(t, 'x1') === '60' && attr(t, 'x2') === '600')).toHaveLength(5);
    expect(texts(svg)).toEqual(
      expect.arrayContaining(['Team trend', '1', '5', 'Jan 5', 'Jan 12', 'No data to show yet']),
    );
  });

  it('renders with no pulses at all', () => {
    const svg = chart();
    assertWellFormed(svg);
    expect(texts(svg)).toEqual(['Team trend', '1', '2', '3', '4', '5', 'No data to show yet']);
  });

  it('draws the overall series thicker, darker and on top, and colours the others from the Okabe–Ito palette', () => {
    const svg = chart({
      pulseLabels: ['a', 'b'],
      series: [
        { id: 'overall', label: 'Overall', values: [3, 4] },
        { id: 'atmosphere', label: 'Atmosphere', values: [2, 3] },
        { id: 'co', label: 'Co-responsibility', values: [4, 2] },
      ],
    });
    const lines = tags(svg, 'polyline');
    expect(lines.map((t) => [attr(t, 'stroke'), attr(t, 'stroke-width')])).toEqual([
      ['#E69F00', '2'],
      ['#0072B2', '2'],
      [OVERALL_COLOR, '3.5'],
    ]);
    expect(SERIES_PALETTE.slice(0, 2)).toEqual(['#E69F00', '#0072B2']);
    expect(svg.indexOf('data-series-id="overall"')).toBeGreaterThan(svg.indexOf('data-series-id="co"'));
    expect(attr(tags(seriesGroup(svg, 'overall'), 'circle')[0] ?? '', 'r')).toBe('4.5');
    expect(attr(tags(seriesGroup(svg, 'atmosphere'), 'circle')[0] ?? '', 'r')).toBe('3.5');
  });

  it('gives series beyond the palette a dash pattern', () => {
    const series = Array.from({ length: 7 }, (_, i) => ({ id: `s${i}`, label: `S${i}`, values: [2, 3] }));
    const svg = chart({ pulseLabels: ['a', 'b'], series });
    const lines = tags(svg, 'polyline');
    expect(attr(lines[0] ?? '', 'stroke-dasharray')).toBeUndefined();
    expect(attr(lines[6] ?? '', 'stroke')).toBe(SERIES_PALETTE[0]);
    expect(attr(lines[6] ?? '', 'stroke-dasharray')).toBe('6 4');
  });

  it('puts the legend in the right margin, clear of the plot, in input order', () => {
    const svg = chart({
      pulseLabels: ['a', 'b'],
      series: [
        { id: 'atmosphere', label: 'Atmosphere', values: [2, 3] },
        { id: 'overall', label: 'Overall', values: [3, 4] },
        { id: 'beh', label: 'Behavioral agreements', values: [4, 5] },
      ],
    });
    const legend = svg.slice(svg.indexOf('<g class="legend">'));
    // legend x = 600 + 24 = 624; swatch 624–646; text at 654. Entries: y 66, 91 (66+15+10), 116.
    const swatches = tags(legend, 'line');
    expect(swatches.map((t) => [attr(t, 'x1'), attr(t, 'y1'), attr(t, 'stroke')])).toEqual([
      ['624', '66', '#E69F00'],
      ['624', '91', OVERALL_COLOR],
      ['624', '116', '#0072B2'],
    ]);
    for (const t of tags(legend, 'text')) expect(Number(attr(t, 'x'))).toBeGreaterThan(600);
    // "Behavioral agreements" (21 chars) wraps: 138 px of room / (12 × 0.62) → 18 chars a line.
    expect(texts(legend)).toEqual(['Atmosphere', 'Overall', 'Behavioral', 'agreements']);
    const wrapped = tags(legend, 'text').slice(2);
    expect(wrapped.map((t) => attr(t, 'y'))).toEqual(['120', '135']);
  });

  it('summarises legend entries that do not fit', () => {
    const series = Array.from({ length: 20 }, (_, i) => ({ id: `s${i}`, label: `Aspect ${i}`, values: [3] }));
    const svg = chart({ pulseLabels: ['a'], series });
    const legend = texts(svg.slice(svg.indexOf('<g class="legend">')));
    // Entries every 25 px from y=66; the legend must end by y=404 (420 - 16) and, while more entries
    // follow, keep room for a "+N more" line: 66 + 25k + 15 + 10 + 15 ≤ 404 ⇔ k ≤ 11 → 12 entries.
    expect(legend).toHaveLength(13);
    expect(legend[11]).toBe('Aspect 11');
    expect(legend[12]).toBe('+8 more');
  });

  it('thins out x labels that would collide, always keeping the newest', () => {
    const pulseLabels = Array.from({ length: 12 }, (_, i) => `Sept ${10 + i}`);
    const svg = chart({ width: 600, height: 300, pulseLabels, series: [] });
    // 12 slots of 340/12 ≈ 28.3 px; "Sept 10" ≈ 7 × 11 × 0.62 = 47.7 px (+4) → every 2nd label.
    expect(texts(svg).filter((t) => t.startsWith('Sept'))).toEqual([
      'Sept 11',
      'Sept 13',
      'Sept 15',
      'Sept 17',
      'Sept 19',
      'Sept 21',
    ]);
  });

  it('truncates long titles and pulse labels', () => {
    const svg = chart({ title: 'x'.repeat(200), pulseLabels: ['A very long pulse label'], series: [] });
    // title room: (800 - 40) / (17 × 0.62) → 72 chars, the last one an ellipsis.
    expect(texts(svg)[0]).toBe(`${'x'.repeat(71)}…`);
    expect(texts(svg)).toContain('A very long…');
  });
});

describe('text helpers', () => {
  it('truncateText keeps short text and counts code points', () => {
    expect(truncateText('Jan 5', 12)).toBe('Jan 5');
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('🎉🎉🎉🎉', 3)).toBe('🎉🎉…');
  });

  it('wrapText wraps at words, hard-cuts long words and ellipsises overflow', () => {
    expect(wrapText('Behavioral agreements', 18, 2)).toEqual(['Behavioral', 'agreements']);
    expect(wrapText('Overall', 18, 2)).toEqual(['Overall']);
    expect(wrapText('A very long aspect name that goes on', 18, 2)).toEqual([
      'A very long aspect',
      'name that goes on',
    ]);
    expect(wrapText('A very long aspect name that goes on and on', 18, 2)).toEqual([
      'A very long aspect',
      'name that goes on…',
    ]);
    expect(wrapText('Supercalifragilisticexpialidocious', 10, 2)).toEqual(['Supercalif', 'ragilisti…']);
  });
});
