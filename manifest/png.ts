import { deflateSync, inflateSync } from 'node:zlib';

/**
 * A minimal PNG codec (8-bit RGBA out; 8-bit gray/gray+alpha/RGB/RGBA in, non-interlaced), so the
 * icons can be drawn in code and the build can check that replacement artwork keeps Teams' rules
 * (sizes, white-only outline) without an image library.
 */

export interface Image {
  width: number;
  height: number;
  /** width*height*4 bytes, row by row, R G B A. */
  rgba: Uint8Array;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data and the CRC over type and data. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Predictor of filter `type` for byte i of a row (left = i-bpp, up = previous row). */
function predict(type: number, row: Uint8Array, prev: Uint8Array, i: number, bpp: number): number {
  const left = i >= bpp ? row[i - bpp] : 0;
  const up = prev[i];
  const upLeft = i >= bpp ? prev[i - bpp] : 0;
  switch (type) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4:
      return paeth(left, up, upLeft);
    default:
      throw new Error(`PNG: unknown filter type ${type}`);
  }
}

/**
 * Encodes RGBA pixels. Each row gets the filter with the smallest sum of residuals (the usual
 * heuristic) unless `filter` pins one, which lets tests exercise every filter of the decoder.
 */
export function encodePng(img: Image, opts: { filter?: 0 | 1 | 2 | 3 | 4 } = {}): Buffer {
  const { width, height, rgba } = img;
  if (rgba.length !== width * height * 4) throw new Error('PNG: pixel buffer does not match the size');
  const stride = width * 4;
  const out = Buffer.alloc((stride + 1) * height);
  let prev: Uint8Array = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = rgba.subarray(y * stride, (y + 1) * stride);
    let best = { type: 0, cost: Infinity, bytes: new Uint8Array(0) };
    for (const type of opts.filter === undefined ? [0, 1, 2, 3, 4] : [opts.filter]) {
      const bytes = new Uint8Array(stride);
      let cost = 0;
      for (let i = 0; i < stride; i++) {
        bytes[i] = (row[i] - predict(type, row, prev, i, 4)) & 0xff;
        cost += bytes[i] < 128 ? bytes[i] : 256 - bytes[i];
      }
      if (cost < best.cost) best = { type, cost, bytes };
    }
    out[y * (stride + 1)] = best.type;
    out.set(best.bytes, y * (stride + 1) + 1);
    prev = row;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit, RGBA, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(out, { level: 9 })),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
}

/** Reads the IHDR chunk (always the first one) without decoding pixels. */
export function readPngHeader(png: Uint8Array): PngHeader {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.length < 33 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG file (bad signature)');
  if (buf.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG: the first chunk is not IHDR');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), bitDepth: buf[24], colorType: buf[25], interlace: buf[28] };
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Decodes to RGBA. Palette, 16-bit and interlaced files are refused with a message saying so. */
export function decodePng(png: Uint8Array): Image {
  const h = readPngHeader(png);
  const channels = CHANNELS[h.colorType];
  if (h.bitDepth !== 8 || channels === undefined || h.interlace !== 0) {
    throw new Error(
      `PNG: only 8-bit non-interlaced gray, RGB or RGBA images can be checked (got bit depth ${h.bitDepth}, colour type ${h.colorType}, interlace ${h.interlace}); re-save as 8-bit RGBA`,
    );
  }
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const idat: Buffer[] = [];
  for (let off = 8; off + 8 <= buf.length;) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    if (type === 'IDAT') idat.push(buf.subarray(off + 8, off + 8 + len));
    if (type === 'IEND') break;
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = h.width * channels;
  if (raw.length < (stride + 1) * h.height) throw new Error('PNG: image data is truncated');
  const rgba = new Uint8Array(h.width * h.height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < h.height; y++) {
    const type = raw[y * (stride + 1)];
    const row = new Uint8Array(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) row[i] = (row[i] + predict(type, row, prev, i, channels)) & 0xff;
    for (let x = 0; x < h.width; x++) {
      const s = row.subarray(x * channels, (x + 1) * channels);
      const [r, g, b] = channels >= 3 ? [s[0], s[1], s[2]] : [s[0], s[0], s[0]];
      const a = channels === 4 ? s[3] : channels === 2 ? s[1] : 255;
      rgba.set([r, g, b, a], (y * h.width + x) * 4);
    }
    prev = row;
  }
  return { width: h.width, height: h.height, rgba };
}
