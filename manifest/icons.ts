import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodePng, type Image } from './png.js';

/**
 * Draws the app's two icons (a padlock: the PKI motif) so they can be regenerated from code instead
 * of living only as opaque binaries. `node --import tsx manifest/icons.ts` rewrites manifest/color.png
 * and manifest/outline.png; the build packages whatever PNGs are there, so a designer's artwork can
 * replace them as long as it keeps Teams' rules (which the build checks).
 */

/** Teams' required sizes: the colour icon 192×192, the outline icon 32×32. */
export const COLOR_SIZE = 192;
export const OUTLINE_SIZE = 32;
/** Background of the colour icon; also the manifest's accentColor so the tile matches the icon. */
export const ACCENT = '#0B3D91';

type Rgb = [number, number, number];

function hex(color: string): Rgb {
  const n = parseInt(color.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** Padlock in symbol units: a box of about [-0.5, 0.5]², y pointing down. */
function inPadlock(x: number, y: number): boolean {
  const inKeyhole = Math.hypot(x, y - 0.17) <= 0.09 || (Math.abs(x) <= 0.04 && y >= 0.17 && y <= 0.37);
  if (inKeyhole) return false;
  // Body: a rounded rectangle.
  const bx = Math.abs(x) - (0.45 - 0.08);
  const by = Math.abs(y - 0.225) - (0.275 - 0.08);
  const inBody = Math.abs(x) <= 0.45 && y >= -0.05 && y <= 0.5 && (bx <= 0 || by <= 0 || Math.hypot(bx, by) <= 0.08);
  // Shackle: the upper half of a ring standing on the body.
  const r = Math.hypot(x, y + 0.05);
  const inShackle = y <= -0.05 && r >= 0.2 && r <= 0.32;
  return inBody || inShackle;
}

/**
 * Fraction of the pixel (px, py) covered by the padlock drawn `symbolPx` pixels wide in an image of
 * `size` pixels, by 4×4 supersampling: smooth edges without a rasteriser.
 */
function coverage(px: number, py: number, size: number, symbolPx: number): number {
  const n = 4;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // 0.065 recentres the symbol: its ink spans y = -0.37 … 0.5.
      const x = (px + (i + 0.5) / n - size / 2) / symbolPx;
      const y = (py + (j + 0.5) / n - size / 2) / symbolPx + 0.065;
      if (inPadlock(x, y)) hits++;
    }
  }
  return hits / (n * n);
}

function draw(size: number, symbolPx: number, pixel: (cover: number) => [number, number, number, number]): Image {
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) rgba.set(pixel(coverage(x, y, size, symbolPx)), (y * size + x) * 4);
  }
  return { width: size, height: size, rgba };
}

/** Full-colour 192×192: white padlock on the accent colour, opaque, symbol within Teams' safe area. */
export function colorIcon(): Buffer {
  const [r, g, b] = hex(ACCENT);
  const mix = (c: number, cover: number) => Math.round(c + (255 - c) * cover);
  return encodePng(draw(COLOR_SIZE, 104, (c) => [mix(r, c), mix(g, c), mix(b, c), 255]));
}

/**
 * Outline 32×32: white on transparent only, as Teams requires. Edges are anti-aliased through alpha
 * alone, and transparent pixels are white too, so every pixel is pure white at some opacity.
 */
export function outlineIcon(): Buffer {
  return encodePng(draw(OUTLINE_SIZE, 28, (c) => [255, 255, 255, Math.round(255 * c)]));
}

/** Writes both icons next to this file. */
export function writeIcons(dir: URL = new URL('./', import.meta.url)): string[] {
  const files = [
    [new URL('color.png', dir), colorIcon()],
    [new URL('outline.png', dir), outlineIcon()],
  ] as const;
  for (const [file, png] of files) writeFileSync(file, png);
  return files.map(([file]) => fileURLToPath(file));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const file of writeIcons()) process.stdout.write(`wrote ${file}\n`);
}
