/**
 * Reads the size a PNG or JPEG claims from its header, without decoding any pixels. Magic bytes
 * alone say nothing about the picture: a 65 KB PNG may claim 60000×60000 pixels and make every
 * browser that shows it allocate gigabytes. Pure TypeScript, no image library: only the header
 * is needed, and it is small and fully specified (PNG: RFC 2083 / ISO 15948; JPEG: ITU T.81 B.1).
 */
export type ImageType = 'image/jpeg' | 'image/png';

export interface ImageHeader {
  type: ImageType;
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The header of a PNG or JPEG; `undefined` when it is neither, or its header is missing, truncated or invalid. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return readPng(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return readJpeg(bytes);
  return undefined;
}

const u16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u32 = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/** Bit depths each PNG colour type allows (ISO 15948 11.2.2). */
const PNG_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/**
 * IHDR must be the first chunk, 13 bytes long, with a matching CRC and valid fields; a decoder
 * refuses anything else, so must we (or a browser and this check could disagree on the size).
 */
function readPng(b: Uint8Array): ImageHeader | undefined {
  if (b.length < 33) return undefined; // signature 8 + length 4 + type 4 + IHDR 13 + CRC 4
  if (u32(b, 8) !== 13 || String.fromCharCode(b[12], b[13], b[14], b[15]) !== 'IHDR') return undefined;
  if (crc32(b.subarray(12, 29)) !== u32(b, 29)) return undefined;
  const width = u32(b, 16);
  const height = u32(b, 20);
  const [depth, colour, compression, filter, interlace] = [b[24], b[25], b[26], b[27], b[28]];
  if (!PNG_DEPTHS[colour]?.includes(depth) || compression !== 0 || filter !== 0 || interlace > 1) return undefined;
  // The spec caps each side at 2^31-1; zero is invalid.
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return undefined;
  return { type: 'image/png', width, height };
}

/** SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range but are not frames. */
const isStartOfFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** Markers that stand alone, with no length: TEM and RST0..RST7 (SOI and EOI are handled apart). */
const isStandalone = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd7);

/**
 * Walks the segments from SOI to the first frame header (SOFn) and reads its size. Any number of
 * APPn, COM, DQT, DHT… segments may come first. No frame before the scan (SOS) or the end (EOI),
 * a segment running past the bytes, or a height of 0 (to be defined later by a DNL marker, which
 * browsers do not support) counts as undecodable.
 */
function readJpeg(b: Uint8Array): ImageHeader | undefined {
  let at = 2;
  while (at < b.length) {
    if (b[at] !== 0xff) return undefined;
    // Any number of 0xFF fill bytes may precede a marker.
    while (at < b.length && b[at] === 0xff) at++;
    if (at >= b.length) return undefined;
    const marker = b[at];
    const offset = at - 1; // the 0xFF just before the marker
    at++;
    if (isStandalone(marker)) continue;
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda || marker === 0x00) return undefined;
    if (at + 2 > b.length) return undefined;
    const length = u16(b, at);
    if (length < 2 || at + length > b.length) return undefined;
    if (isStartOfFrame(marker)) {
      // Lf(2) P(1) Y(2) X(2) Nf(1), then 3 bytes per component.
      const components = length >= 8 ? b[offset + 9] : 0;
      if (components < 1 || components > 4 || length < 8 + 3 * components) return undefined;
      const height = u16(b, offset + 5);
      const width = u16(b, offset + 7);
      if (width === 0 || height === 0) return undefined;
      return { type: 'image/jpeg', width, height };
    }
    at += length;
  }
  return undefined;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** The CRC-32 PNG puts after each chunk (over its type and data). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
