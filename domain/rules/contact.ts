import { fail, ok, type Result } from '../result.js';

export type EmailError = 'EMAIL_FORMAT' | 'EMAIL_WEBMAIL' | 'EMAIL_DOMAIN';
export type PhoneError = 'PHONE_FORMAT';
export type TextError = 'TEXT_LENGTH' | 'TEXT_CHARS';

// Personal mailboxes are banned for official business (MAMPU guidance, DOMAIN.md 4.2).
const WEBMAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.com.my',
  'ymail.com',
  'rocketmail.com',
  'hotmail.com',
  'hotmail.my',
  'outlook.com',
  'outlook.my',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'protonmail.com',
  'proton.me',
  'mail.com',
  'gmx.com',
  'yandex.com',
  'zoho.com',
  'tutanota.com',
]);

const EMAIL = /^[a-z0-9._%+-]+@([a-z0-9-]+\.)+[a-z]{2,}$/;

/**
 * An official e-mail address: well formed, not free webmail, and under an allowed domain
 * (`gov.my` allows `gov.my` itself and every subdomain such as `moh.gov.my`).
 */
export function parseOfficialEmail(input: string, allowedDomains: readonly string[]): Result<string, EmailError> {
  const email = input.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) return fail('EMAIL_FORMAT');
  const domain = email.slice(email.indexOf('@') + 1);
  if (WEBMAIL.has(domain)) return fail('EMAIL_WEBMAIL', { domain });
  const allowed = allowedDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
  if (!allowed) return fail('EMAIL_DOMAIN', { domain, allowed: allowedDomains.join(', ') });
  return ok(email);
}

/** Malaysian phone numbers: `012-345 6789`, `+60 3-8888 1234`; stored as digits starting with 0. */
export function parsePhone(input: string): Result<string, PhoneError> {
  let digits = input.replace(/[\s\-()]/g, '');
  if (digits.startsWith('+60')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('60') && digits.length >= 11) digits = `0${digits.slice(2)}`;
  if (!/^0\d{8,10}$/.test(digits)) return fail('PHONE_FORMAT');
  return ok(digits);
}

/** Names and posts: letters (any script), spaces and the punctuation names use; 2–120 chars. */
export function parsePlainText(input: string, opts: { min: number; max: number }): Result<string, TextError> {
  const text = input.trim().replace(/\s+/g, ' ');
  if (text.length < opts.min || text.length > opts.max) return fail('TEXT_LENGTH', { min: opts.min, max: opts.max });
  if (!/^[\p{L}\p{M}0-9 .,'@/()&-]+$/u.test(text)) return fail('TEXT_CHARS');
  return ok(text);
}
