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
}
