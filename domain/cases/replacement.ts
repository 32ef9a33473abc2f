import { assertNever } from '../errors.js';
import { isOneOf } from '../lists.js';
import { apVerification, type Actor } from './user-certificate.js';

/**
 * Statuses of a replacement: one case, two halves (revoke the old certificate, issue the new one).
 * `MEMBATALKAN_SEGERA`: the old certificate is being revoked at once (lost or stolen, reported by
 * the owner) before the AP verifies the new one; `MEMBATALKAN_LAMA`: revoked after verification.
 */
export const REPLACEMENT_STATUSES = [
  'DIHANTAR',
  'MEMBATALKAN_SEGERA',
  'MENUNGGU_PENGESAHAN_AP',
  'PERLU_PEMBETULAN',
  'DISAHKAN',
  'MEMBATALKAN_LAMA',
  'DIHANTAR_KE_CA',
  'DIKELUARKAN',
  'DITOLAK',
  'DIBATALKAN_PEMOHON',
  'GAGAL',
] as const;
export type ReplacementStatus = (typeof REPLACEMENT_STATUSES)[number];
export const isReplacementStatus = (s: string): s is ReplacementStatus => isOneOf(REPLACEMENT_STATUSES, s);

export const REPLACEMENT_EVENTS = [
  'route',
  'revokeUrgently',
  'oldRevoked',
  'return',
  'resubmit',
  'approve',
  'reject',
  'withdraw',
  'revokeOld',
  'issued',
  'caRefused',
] as const;
export type ReplacementEvent = (typeof REPLACEMENT_EVENTS)[number];

export const REPLACEMENT_TERMINAL: readonly ReplacementStatus[] = ['DIKELUARKAN', 'DITOLAK', 'DIBATALKAN_PEMOHON', 'GAGAL'];

interface Rule {
  to: ReplacementStatus;
  by: Actor;
}

/**
 * The one transition function of the replacement lifecycle. The case is complete (`DIKELUARKAN`)
 * only once both halves are done: the only way to the CA's issue step is through a revocation of
 * the old certificate after approval (`MEMBATALKAN_LAMA`), which merely confirms it when the old
 * one was revoked at once. A withdrawal is possible only while the old certificate is untouched.
 */
export function replacementTransition(from: ReplacementStatus, event: ReplacementEvent): Rule | undefined {
  switch (event) {
    case 'route':
      return from === 'DIHANTAR' ? { to: 'MENUNGGU_PENGESAHAN_AP', by: 'SYSTEM' } : undefined;
    case 'revokeUrgently':
      return from === 'DIHANTAR' ? { to: 'MEMBATALKAN_SEGERA', by: 'APPLICANT' } : undefined;
    case 'oldRevoked':
      if (from === 'MEMBATALKAN_SEGERA') return { to: 'MENUNGGU_PENGESAHAN_AP', by: 'SYSTEM' };
      return from === 'MEMBATALKAN_LAMA' ? { to: 'DIHANTAR_KE_CA', by: 'SYSTEM' } : undefined;
    case 'return':
    case 'resubmit':
    case 'approve':
    case 'reject':
    case 'withdraw':
      return apVerification(from, event);
    case 'revokeOld':
      return from === 'DISAHKAN' ? { to: 'MEMBATALKAN_LAMA', by: 'SYSTEM' } : undefined;
    case 'issued':
      return from === 'DIHANTAR_KE_CA' ? { to: 'DIKELUARKAN', by: 'SYSTEM' } : undefined;
    case 'caRefused':
      return from === 'MEMBATALKAN_SEGERA' || from === 'MEMBATALKAN_LAMA' || from === 'DIHANTAR_KE_CA'
        ? { to: 'GAGAL', by: 'SYSTEM' }
        : undefined;
    default:
      return assertNever(event);
  }
}
