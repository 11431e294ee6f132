import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';
import type { Resvg as ResvgClass, ResvgRenderOptions } from '@resvg/resvg-js';

// resvg (a native library) is loaded the first time a chart is drawn, not when the app or the tick
// command starts: most processes never draw one.
const load = createRequire(import.meta.url);
let Resvg: typeof ResvgClass | undefined;

/**
 * Options for rasterising our charts. Text renders with whatever system fonts exist on the host
 * (DejaVu Sans on Debian; resvg falls back to another installed font, or draws no text if there is
 * none at all). The chart's lines, dots, gridlines and background do not depend on fonts.
 */
export const PNG_RENDER_OPTIONS: ResvgRenderOptions = {
  font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  fitTo: { mode: 'original' },
  background: 'white',
};

/** Rasterises an SVG document to a PNG at its own width/height. Throws if the SVG cannot be parsed. */
export function renderPng(svg: string): Buffer {
  Resvg ??= (load('@resvg/resvg-js') as { Resvg: typeof ResvgClass }).Resvg;
  const resvg = new Resvg(svg, PNG_RENDER_OPTIONS);
  return resvg.render().asPng();
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IHDR_DATA_LENGTH = 13;
// signature (8) + chunk length (4) + chunk type (4) + IHDR data (13) + CRC (4)
const MIN_PNG_LENGTH = 8 + 4 + 4 + IHDR_DATA_LENGTH + 4;

/** Reads a PNG's pixel size from its IHDR chunk; throws unless the signature and IHDR chunk are valid. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < MIN_PNG_LENGTH) {
    throw new Error(`Not a PNG: ${png.length} bytes is too short`);
  }
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new Error('Not a PNG: bad signature');
  }
  const length = png.readUInt32BE(8);
  const type = png.toString('latin1', 12, 16);
  if (type !== 'IHDR' || length !== IHDR_DATA_LENGTH) {
    throw new Error('Not a PNG: the first chunk is not a 13-byte IHDR');
  }
  const expectedCrc = png.readUInt32BE(16 + IHDR_DATA_LENGTH);
  if (crc32(png.subarray(12, 16 + IHDR_DATA_LENGTH)) !== expectedCrc) {
    throw new Error('Not a PNG: IHDR checksum mismatch');
  }
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (width === 0 || height === 0) {
    throw new Error(`Not a PNG: invalid size ${width}×${height}`);
  }
  return { width, height };
}
