import { fail, ok, type Result } from '../result.js';
import { readImageHeader, type ImageHeader, type ImageType } from './image-header.js';

export type { ImageType } from './image-header.js';
export type FileError = 'FILE_EMPTY' | 'FILE_TOO_LARGE' | 'FILE_TYPE' | 'FILE_IMAGE_CORRUPT' | 'FILE_IMAGE_DIMENSIONS';

/** Default upload ceiling for MyKad copies and screenshots (DOMAIN.md 4.3). */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/**
 * Bounds on what an image may claim to be. A MyKad copy or a screenshot never needs more: a
 * 600 dpi scan of an ID card is about 2000×1300, an 8K screen 7680×4320 (33 MP). A small file
 * claiming more is a decompression bomb, which would hang the approver's browser when it shows it.
 */
export const MAX_IMAGE_SIDE = 10_000;
export const MAX_IMAGE_PIXELS = 40_000_000;
/** Smaller than this on a side shows nothing legible: an icon or a tracking pixel, not a copy. */
export const MIN_IMAGE_SIDE = 16;

/** Identifies JPEG and PNG by their magic bytes; the name and the declared type are not trusted. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}

/** Whether a decoded header's size is within {@link MIN_IMAGE_SIDE}..{@link MAX_IMAGE_SIDE} and {@link MAX_IMAGE_PIXELS}. */
export function imageSizeAcceptable(h: Pick<ImageHeader, 'width' | 'height'>): boolean {
  const sides = [h.width, h.height];
  return sides.every((s) => s >= MIN_IMAGE_SIDE && s <= MAX_IMAGE_SIDE) && h.width * h.height <= MAX_IMAGE_PIXELS;
}

/**
 * The type of an image whose header decodes and whose size is acceptable; `undefined` otherwise
 * (what is not such an image must not be served as one).
 */
export function acceptableImageType(bytes: Uint8Array): ImageType | undefined {
  const header = readImageHeader(bytes);
  return header && imageSizeAcceptable(header) ? header.type : undefined;
}

/**
 * A MyKad copy or screenshot: JPEG or PNG by content, not empty, at most `maxBytes`, with a header
 * that decodes (FILE_IMAGE_CORRUPT otherwise) to an acceptable size (FILE_IMAGE_DIMENSIONS, with
 * the `width` and `height` it claims).
 */
export function checkImageUpload(bytes: Uint8Array, maxBytes: number = MAX_IMAGE_BYTES): Result<ImageType, FileError> {
  if (bytes.length === 0) return fail('FILE_EMPTY');
  if (bytes.length > maxBytes) return fail('FILE_TOO_LARGE', { maxMb: Math.round((maxBytes / 1024 / 1024) * 10) / 10 });
  if (!sniffImageType(bytes)) return fail('FILE_TYPE');
  const header = readImageHeader(bytes);
  if (!header) return fail('FILE_IMAGE_CORRUPT');
  if (!imageSizeAcceptable(header)) return fail('FILE_IMAGE_DIMENSIONS', { width: header.width, height: header.height });
  return ok(header.type);
}
