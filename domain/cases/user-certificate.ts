import { assertNever } from '../errors.js';
import type { CertificateMedium } from '../certificates.js';
import { isOneOf } from '../lists.js';

/** Statuses of a user-certificate application (DOMAIN.md 3). */
export const USER_CERT_STATUSES = [
  'DIHANTAR',
  'MENUNGGU_PENGESAHAN_AP',
  'PERLU_PEMBETULAN',
  'DISAHKAN',
  'DIHANTAR_KE_CA',
  'DIKELUARKAN',
  'DITOLAK',
  'DIBATALKAN_PEMOHON',
  'GAGAL',
] as const;
export type UserCertStatus = (typeof USER_CERT_STATUSES)[number];
export const isUserCertStatus = (s: string): s is UserCertStatus => isOneOf(USER_CERT_STATUSES, s);

export type UserCertEvent = 'route' | 'return' | 'resubmit' | 'approve' | 'reject' | 'withdraw' | 'sendToCa' | 'issued' | 'caRefused';

/** Who may cause an event: the applicant of the case, a directory role, or the system (jobs). */
export type Actor = 'APPLICANT' | 'AP' | 'SYSTEM';

export const USER_CERT_TERMINAL: readonly UserCertStatus[] = ['DIKELUARKAN', 'DITOLAK', 'DIBATALKAN_PEMOHON', 'GAGAL'];

/** The fields of a new user-certificate application, in the order the dialog asks them. */
export const USER_CERT_FIELDS = [
  'mykad',
  'fullName',
  'email',
  'phone',
  'agency',
  'position',
  'medium',
  'applications',
  'mykadCopy',
  'declaration',
] as const;
export type UserCertField = (typeof USER_CERT_FIELDS)[number];
/** Fields an AP may return for correction (the declaration is re-confirmed on every resubmit). */
export const CORRECTABLE_FIELDS: readonly UserCertField[] = USER_CERT_FIELDS.filter((f) => f !== 'declaration');

export const MEDIA: readonly CertificateMedium[] = ['token', 'softcert', 'roaming'];
/** Government applications a user certificate is commonly for (DOMAIN.md 2.0/2.1). */
export const GOV_APPLICATIONS = ['ePerolehan', '1GFMAS', 'eSPKB', 'MyGovUC', 'HRMIS', 'LAIN'] as const;

export interface UserCertApplication {
  mykad: string;
  fullName: string;
  email: string;
  phone: string;
  agencyId: string;
  position: string;
  medium: CertificateMedium;
  applications: string[];
  /** FileStore id of the MyKad copy. */
  mykadCopyFileId: string;
  declaration: true;
  /** Office address: asked when a renewal or replacement finds none on the previous application. */
  address?: string;
}

interface Rule {
  to: UserCertStatus;
  by: Actor;
}

/** The statuses every AP-verified application passes through, whatever else its lifecycle has. */
type VerificationStatus = 'DIHANTAR' | 'MENUNGGU_PENGESAHAN_AP' | 'PERLU_PEMBETULAN' | 'DISAHKAN' | 'DITOLAK' | 'DIBATALKAN_PEMOHON';
export type VerificationEvent = 'route' | 'return' | 'resubmit' | 'approve' | 'reject' | 'withdraw';

/**
 * AP verification, shared by the lifecycles that have it (applications, renewals, replacements):
 * routed to the AP, returned for correction and resubmitted, approved or rejected, or withdrawn by
 * the applicant before a decision.
 */
export function apVerification(from: string, event: VerificationEvent): { to: VerificationStatus; by: Actor } | undefined {
  switch (event) {
    case 'route':
      return from === 'DIHANTAR' ? { to: 'MENUNGGU_PENGESAHAN_AP', by: 'SYSTEM' } : undefined;
    case 'return':
      return from === 'MENUNGGU_PENGESAHAN_AP' ? { to: 'PERLU_PEMBETULAN', by: 'AP' } : undefined;
    case 'resubmit':
      return from === 'PERLU_PEMBETULAN' ? { to: 'MENUNGGU_PENGESAHAN_AP', by: 'APPLICANT' } : undefined;
    case 'approve':
      return from === 'MENUNGGU_PENGESAHAN_AP' ? { to: 'DISAHKAN', by: 'AP' } : undefined;
    case 'reject':
      return from === 'MENUNGGU_PENGESAHAN_AP' ? { to: 'DITOLAK', by: 'AP' } : undefined;
    case 'withdraw':
      return ['DIHANTAR', 'MENUNGGU_PENGESAHAN_AP', 'PERLU_PEMBETULAN'].includes(from)
        ? { to: 'DIBATALKAN_PEMOHON', by: 'APPLICANT' }
        : undefined;
    default:
      return assertNever(event);
  }
}

/**
 * The one transition function of the user-certificate lifecycle: which status an event leads to
 * from a given status and who may cause it, or `undefined` when the event is not allowed there.
 */
export function userCertTransition(from: UserCertStatus, event: UserCertEvent): Rule | undefined {
  switch (event) {
    case 'route':
    case 'return':
    case 'resubmit':
    case 'approve':
    case 'reject':
    case 'withdraw':
      return apVerification(from, event);
    case 'sendToCa':
      return from === 'DISAHKAN' ? { to: 'DIHANTAR_KE_CA', by: 'SYSTEM' } : undefined;
    case 'issued':
      return from === 'DIHANTAR_KE_CA' ? { to: 'DIKELUARKAN', by: 'SYSTEM' } : undefined;
    case 'caRefused':
      return from === 'DIHANTAR_KE_CA' ? { to: 'GAGAL', by: 'SYSTEM' } : undefined;
    default:
      return assertNever(event);
  }
}
