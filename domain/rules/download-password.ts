import { fail, ok, type Result } from '../result.js';

export type PasswordError = 'PASSWORD_SHORT' | 'PASSWORD_LONG' | 'PASSWORD_MISMATCH';

export const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;

/**
 * The PKCS#12 password the holder chooses on the download page (never in the chat): typed twice,
 * long enough to resist guessing the file offline.
 */
export function checkDownloadPassword(password: string, confirm: string): Result<string, PasswordError> {
  if ([...password].length < MIN_PASSWORD) return fail('PASSWORD_SHORT', { min: MIN_PASSWORD });
  if ([...password].length > MAX_PASSWORD) return fail('PASSWORD_LONG', { max: MAX_PASSWORD });
  if (password !== confirm) return fail('PASSWORD_MISMATCH');
  return ok(password);
}
