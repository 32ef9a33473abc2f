import type { CertificateProfile, RevocationReason } from '../certificates.js';

export interface IssueRequest {
  /** Idempotency key, e.g. `UC-2026-000001:issue`: the same key returns the same certificate. */
  key: string;
  profile: CertificateProfile;
  subject: { commonName: string; email?: string; organization?: string; organizationalUnit?: string };
  /** DNS names for server certificates. */
  dnsNames?: string[];
  /** PEM PKCS#10; when absent the CA generates the key pair (and does not keep the private key). */
  csrPem?: string;
  validityDays: number;
}

export interface IssuedCertificate {
  /** Lower-case hex serial. */
  serial: string;
  certPem: string;
  /** Issuing CA then root, PEM. */
  chainPem: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * A certificate authority (embedded, or remote like cfssl).
 *
 * Promises: `issue` and `revoke` are idempotent (same key / same serial give the same outcome);
 * a request the CA will never accept throws `PermanentError('CA_REFUSED')`; a CA that cannot be
 * reached throws `DomainError('CA_UNAVAILABLE')` (retryable). `crlDer` reflects every revocation
 * made before it was called.
 */
export interface CertificateAuthority {
  ready(): Promise<void>;
  issue(req: IssueRequest): Promise<IssuedCertificate>;
  revoke(serial: string, reason: RevocationReason): Promise<{ revokedAt: Date }>;
  /** Certificates of the CA (issuing first, then root), PEM. */
  caCertificatesPem(): Promise<string>;
  crlDer(): Promise<Buffer>;
}
