import { assertNever } from '../errors.js';
import { isOneOf } from '../lists.js';
import type { Actor } from './user-certificate.js';

/** Statuses of a revocation request. `SIJIL_DIBATALKAN`: the CA has revoked the certificate. */
export const REVOCATION_STATUSES = [
  'DIHANTAR',
  'MENUNGGU_PENGESAHAN_AP',
  'DISAHKAN',
  'DIHANTAR_KE_CA',
  'SIJIL_DIBATALKAN',
  'DITOLAK',
  'DIBATALKAN_PEMOHON',
  'GAGAL',
] as const;
export type RevocationStatus = (typeof REVOCATION_STATUSES)[number];
export const isRevocationStatus = (s: string): s is RevocationStatus => isOneOf(REVOCATION_STATUSES, s);

export const REVOCATION_EVENTS = ['route', 'fastTrack', 'approve', 'reject', 'withdraw', 'sendToCa', 'revoked', 'caRefused'] as const;
export type RevocationEvent = (typeof REVOCATION_EVENTS)[number];

export const REVOCATION_TERMINAL: readonly RevocationStatus[] = ['SIJIL_DIBATALKAN', 'DITOLAK', 'DIBATALKAN_PEMOHON', 'GAGAL'];

interface Rule {
  to: RevocationStatus;
  by: Actor;
}

/**
 * The one transition function of the revocation lifecycle. `fastTrack` is the owner's key-compromise
 * report, sent to the CA without waiting for an AP (the AP is informed); there is no return for
 * correction, since there is nothing to correct in a reason.
 */
export function revocationTransition(from: RevocationStatus, event: RevocationEvent): Rule | undefined {
  switch (event) {
    case 'route':
      return from === 'DIHANTAR' ? { to: 'MENUNGGU_PENGESAHAN_AP', by: 'SYSTEM' } : undefined;
    case 'fastTrack':
      return from === 'DIHANTAR' ? { to: 'DIHANTAR_KE_CA', by: 'APPLICANT' } : undefined;
    case 'approve':
      return from === 'MENUNGGU_PENGESAHAN_AP' ? { to: 'DISAHKAN', by: 'AP' } : undefined;
    case 'reject':
      return from === 'MENUNGGU_PENGESAHAN_AP' ? { to: 'DITOLAK', by: 'AP' } : undefined;
    case 'withdraw':
      return from === 'DIHANTAR' || from === 'MENUNGGU_PENGESAHAN_AP' ? { to: 'DIBATALKAN_PEMOHON', by: 'APPLICANT' } : undefined;
    case 'sendToCa':
      return from === 'DISAHKAN' ? { to: 'DIHANTAR_KE_CA', by: 'SYSTEM' } : undefined;
    case 'revoked':
      return from === 'DIHANTAR_KE_CA' ? { to: 'SIJIL_DIBATALKAN', by: 'SYSTEM' } : undefined;
    case 'caRefused':
      return from === 'DIHANTAR_KE_CA' ? { to: 'GAGAL', by: 'SYSTEM' } : undefined;
    default:
      return assertNever(event);
  }
}
