import { daysLeft, type CertificateRecord } from '../certificates.js';
import { fail, ok, type Result } from '../result.js';

export type RenewalWindowError = 'REVOKED' | 'ALREADY_RENEWED' | 'EXPIRED' | 'TOO_EARLY';

const DAY_MS = 86_400_000;

/** The first day renewal is allowed: `windowDays` before expiry (DOMAIN.md 2.2). */
export function renewalOpensOn(cert: Pick<CertificateRecord, 'notAfter'>, windowDays: number): Date {
  return new Date(Date.parse(cert.notAfter) - windowDays * DAY_MS);
}

/**
 * Whether a certificate may be renewed now: only a valid one, not yet renewed, inside the window
 * before expiry. After expiry the answer is a new application, never a renewal.
 */
export function checkRenewalWindow(
  cert: CertificateRecord,
  now: Date,
  windowDays: number,
): Result<{ daysLeft: number }, RenewalWindowError> {
  if (cert.status === 'DIBATALKAN' || cert.revocation) return fail('REVOKED');
  if (cert.successor || cert.status === 'DIGANTI')
    return fail('ALREADY_RENEWED', { successor: cert.successor?.serial.toUpperCase() ?? '' });
  if (Date.parse(cert.notAfter) <= now.getTime()) return fail('EXPIRED', { expiredOn: cert.notAfter });
  const opens = renewalOpensOn(cert, windowDays);
  if (now < opens) return fail('TOO_EARLY', { opensOn: opens.toISOString(), expiresOn: cert.notAfter });
  return ok({ daysLeft: daysLeft(cert, now) });
}
