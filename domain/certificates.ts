/** Issued certificates and the RFC 5280 revocation reasons the service uses. */
export type CertificateProfile = 'user' | 'server' | 'training';
export type CertificateStatus = 'AKTIF' | 'HAMPIR_LUPUT' | 'LUPUT' | 'DIBATALKAN' | 'DIGANTI';
export type CertificateMedium = 'token' | 'softcert' | 'roaming';

/** RFC 5280 §5.3.1 CRLReason codes. */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

export interface CertificateRecord {
  /** Serial number, lower-case hex without separators. */
  serial: string;
  ownerId: string;
  caseId: string;
  profile: CertificateProfile;
  medium?: CertificateMedium;
  subjectCommonName: string;
  /** ISO-8601. */
  notBefore: string;
  /** ISO-8601. */
  notAfter: string;
  status: CertificateStatus;
  revocation?: { reason: RevocationReason; at: string };
  certPem: string;
  /** The certificate that took over from this one: its renewal, or its replacement. */
  successor?: { serial: string; caseId: string };
  /** Days-before-expiry of the reminders already sent, so a second scan sends none twice. */
  remindersSent?: number[];
}

/** Production user certificates and training/test certificates live apart (own CA, own case prefix). */
export type CertificateRealm = 'user' | 'training';

export function realmOf(cert: Pick<CertificateRecord, 'profile'>): CertificateRealm | undefined {
  if (cert.profile === 'user') return 'user';
  if (cert.profile === 'training') return 'training';
  return undefined;
}

const DAY_MS = 86_400_000;

/** Whole days from `now` to the certificate's expiry, rounded up (0 once expired). */
export function daysLeft(cert: Pick<CertificateRecord, 'notAfter'>, now: Date): number {
  return Math.max(0, Math.ceil((Date.parse(cert.notAfter) - now.getTime()) / DAY_MS));
}

/**
 * What the holder sees (DOMAIN.md 3): revoked and superseded are stored; expiring (inside the
 * renewal window) and expired follow from the dates.
 */
export function effectiveStatus(cert: CertificateRecord, now: Date, windowDays: number): CertificateStatus {
  if (cert.status === 'DIBATALKAN' || cert.status === 'DIGANTI') return cert.status;
  const end = Date.parse(cert.notAfter);
  if (end <= now.getTime()) return 'LUPUT';
  if (end - now.getTime() <= windowDays * DAY_MS) return 'HAMPIR_LUPUT';
  return 'AKTIF';
}
