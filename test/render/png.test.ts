import { crc32 } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { buildTrendChartSvg, type TrendChartInput } from '../../src/domain/digest-chart.js';
import { PNG_RENDER_OPTIONS, pngSize, renderPng } from '../../src/render/png.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const REALISTIC: TrendChartInput = {
  title: 'Team Rocket — how we live our agreement',
  pulseLabels: [
    'Nov 3',
    'Nov 10',
    'Nov 17',
    'Nov 24',
    'Dec 1',
    'Dec 8',
    'Dec 15',
    'Dec 22',
    'Dec 29',
    'Jan 5',
    'Jan 12',
    'Jan 19',
  ],
  series: [
    { id: 'overall', label: 'Overall', values: [3, 3.2, 3.4, 3.1, 3.6, 3.8, null, 3.9, 4, 4.1, 3.9, 4.2] },
    { id: 'atmosphere', label: 'Atmosphere', values: [2.5, 2.8, 3, 3.3, 3.1, 3.5, null, 3.6, 3.9, 4.4, 4.2, 4.6] },
    {
      id: 'co-responsibility',
      label: 'Co-responsibility',
      values: [4, 4.1, 3.8, null, 3.2, 3, 2.9, null, 2.7, 3.1, null, 3.3],
    },
    {
      id: 'behavioral',
      label: 'Behavioral agreements',
      values: [1, 1.5, 2, 2.2, 2.1, null, 2.6, 2.9, 3.3, null, 3.5, null],
    },
  ],
};

type Rgba = [number, number, number, number];

/** Raw RGBA straight from resvg with the same options renderPng uses. */
function rasterise(svg: string): { width: number; height: number; pixel: (x: number, y: number) => Rgba } {
  const image = new Resvg(svg, PNG_RENDER_OPTIONS).render();
  const { width, height, pixels } = image;
  expect(pixels.length).toBe(width * height * 4);
  return {
    width,
    height,
    pixel: (x, y) => {
      const i = (y * width + x) * 4;
      return [pixels[i] ?? -1, pixels[i + 1] ?? -1, pixels[i + 2] ?? -1, pixels[i + 3] ?? -1];
    },
  };
}

describe('renderPng', () => {
  it('renders a realistic chart to an 800×420 PNG of some substance', () => {
    const png = renderPng(buildTrendChartSvg(REALISTIC));
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngSize(png)).toEqual({ width: 800, height: 420 });
    expect(png.length).toBeGreaterThan(2048);
  });

  it('honours a custom chart size', () => {
    const png = renderPng(buildTrendChartSvg({ ...REALISTIC, width: 600, height: 300 }));
    expect(pngSize(png)).toEqual({ width: 600, height: 300 });
  });

  it('paints a white background and series in their colours', () => {
    // 2 pulses in the 800×420 chart: x = 195 and 465; y(3) = 210, y(2) = 285 (see digest-chart.test.ts).
    const svg = buildTrendChartSvg({
      title: 'Pixels',
      pulseLabels: ['Jan 5', 'Jan 12'],
      series: [
        { id: 'overall', label: 'Overall', values: [3, 3] }, // #1A1A1A, 3.5 px wide → covers y 208.25–211.75
        { id: 'atmosphere', label: 'Atmosphere', values: [2, 2] }, // #E69F00, 2 px wide → covers y 284–286
      ],
    });
    const { width, height, pixel } = rasterise(svg);
    expect([width, height]).toEqual([800, 420]);
    // Background: corners, an empty part of the plot, below the legend.
    expect(pixel(0, 0)).toEqual([255, 255, 255, 255]);
    expect(pixel(799, 419)).toEqual([255, 255, 255, 255]);
    expect(pixel(330, 250)).toEqual([255, 255, 255, 255]);
    expect(pixel(700, 380)).toEqual([255, 255, 255, 255]);
    // Mid-segment pixels fully inside each line.
    expect(pixel(330, 209)).toEqual([0x1a, 0x1a, 0x1a, 255]);
    expect(pixel(330, 210)).toEqual([0x1a, 0x1a, 0x1a, 255]);
    expect(pixel(330, 284)).toEqual([0xe6, 0x9f, 0x00, 255]);
    expect(pixel(330, 285)).toEqual([0xe6, 0x9f, 0x00, 255]);
    // The centre of a dot at (465, 285).
    expect(pixel(464, 284)).toEqual([0xe6, 0x9f, 0x00, 255]);
  });

  it('throws on something that is not SVG', () => {
    expect(() => renderPng('definitely not svg')).toThrow();
  });
});

describe('pngSize', () => {
  /** A minimal PNG header: signature + a valid IHDR chunk for the given size. */
  function header(width: number, height: number): Buffer {
    const chunk = Buffer.alloc(4 + 4 + 13 + 4);
    chunk.writeUInt32BE(13, 0);
    chunk.write('IHDR', 4, 'latin1');
    chunk.writeUInt32BE(width, 8);
    chunk.writeUInt32BE(height, 12);
    chunk.set([8, 6, 0, 0, 0], 16); // 8-bit RGBA, deflate, no filter method, no interlace
    chunk.writeUInt32BE(crc32(chunk.subarray(4, 21)), 21);
    return Buffer.concat([Buffer.from(PNG_SIGNATURE), chunk]);
  }

  it('reads width and height from a hand-built IHDR', () => {
    expect(pngSize(header(1234, 56))).toEqual({ width: 1234, height: 56 });
  });

  it('rejects a buffer that is not a PNG', () => {
    expect(() => pngSize(Buffer.from('GIF89a this is clearly not a png file at all'))).toThrow('bad signature');
    expect(() => pngSize(Buffer.from(PNG_SIGNATURE))).toThrow('too short');
    expect(() => pngSize(Buffer.alloc(0))).toThrow('too short');
  });

  it('rejects a PNG whose first chunk is not a sound IHDR', () => {
    const wrongType = header(10, 10);
    wrongType.write('IDAT', 12, 'latin1');
    expect(() => pngSize(wrongType)).toThrow('not a 13-byte IHDR');

    const corrupted = header(10, 10);
    corrupted.writeUInt32BE(11, 16); // width changed, CRC not updated
    expect(() => pngSize(corrupted)).toThrow('checksum mismatch');

    expect(() => pngSize(header(0, 10))).toThrow('invalid size');
  });
});
