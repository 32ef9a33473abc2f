import { fail, ok, type Result } from '../result.js';

export type FileError = 'FILE_EMPTY' | 'FILE_TOO_LARGE' | 'FILE_TYPE';
export type ImageType = 'image/jpeg' | 'image/png';

/** Default upload ceiling for MyKad copies and screenshots (DOMAIN.md 4.3). */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** Identifies JPEG and PNG by their magic bytes; the name and the declared type are not trusted. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}

/** A MyKad copy or screenshot: JPEG or PNG by content, not empty, at most `maxBytes`. */
export function checkImageUpload(bytes: Uint8Array, maxBytes: number = MAX_IMAGE_BYTES): Result<ImageType, FileError> {
  if (bytes.length === 0) return fail('FILE_EMPTY');
  if (bytes.length > maxBytes) return fail('FILE_TOO_LARGE', { maxMb: Math.round((maxBytes / 1024 / 1024) * 10) / 10 });
  const type = sniffImageType(bytes);
  if (!type) return fail('FILE_TYPE');
  return ok(type);
}
