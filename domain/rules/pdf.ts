import { fail, ok, type Result } from '../result.js';

/** An official letter: a PDF by its content (`%PDF-`), not empty, at most `maxBytes`. */
export function checkPdfUpload(
  bytes: Uint8Array,
  maxBytes: number,
): Result<'application/pdf', 'FILE_EMPTY' | 'FILE_TOO_LARGE' | 'FILE_NOT_PDF'> {
  if (bytes.length === 0) return fail('FILE_EMPTY');
  if (bytes.length > maxBytes) return fail('FILE_TOO_LARGE', { maxMb: Math.round((maxBytes / 1024 / 1024) * 10) / 10 });
  const magic = [0x25, 0x50, 0x44, 0x46, 0x2d];
  if (bytes.length < 5 || !magic.every((b, i) => bytes[i] === b)) return fail('FILE_NOT_PDF');
  return ok('application/pdf');
}
