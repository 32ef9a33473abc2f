/**
 * What goes into an end-entity certificate for each profile, and the request checks that come
 * before any key is generated or anything signed.
 */
import type { CertificateProfile } from '../../domain/certificates.js';
import type { IssueRequest } from '../../domain/ports/certificate-authority.js';
import { refuse } from './csr.js';
import { OID } from './der.js';
import { ext, type Extension, type NameAttributes } from './x509.js';

/**
 * Organizational unit added to every training/test certificate, so that any viewer of the subject
 * sees that it carries no legal weight (Digital Signature Act 1997).
 */
export const TRAINING_MARK = 'LATIHAN/UJIAN - TIDAK SAH DI SISI UNDANG-UNDANG';

/** Digital Signature Act 1997: no certificate is valid for more than three years. */
export const MAX_VALIDITY_YEARS = 3;

// Tolerates relying parties whose clocks run a little behind ours.
const BACKDATE_MS = 5 * 60 * 1000;

// X.520 upper bounds (RFC 5280 Appendix A).
const UB_NAME = 64;
const UB_EMAIL = 255;

const PROFILES: readonly CertificateProfile[] = ['user', 'server', 'training'];
const EMAIL = /^[!-?A-~]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function checkText(field: string, value: string | undefined, required: boolean): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || value.trim() === '' || [...value].length > UB_NAME) {
    throw refuse('INVALID_SUBJECT', `subject ${field} must be 1-${UB_NAME} characters`, { field });
  }
}

/** Lower-cased, de-duplicated DNS names; a wildcard is allowed only as the whole leftmost label. */
export function normaliseDnsNames(names: string[]): string[] {
  const out = [...new Set(names.map((n) => (typeof n === 'string' ? n.trim().toLowerCase() : '')))];
  for (const name of out) {
    const labels = name.split('.');
    const wildcardOk = labels.every((l, i) => (l === '*' ? i === 0 : DNS_LABEL.test(l)));
    const numeric = /^[0-9.]+$/.test(name);
    if (name.length > 253 || labels.length < 2 || !wildcardOk || numeric) {
      throw refuse('INVALID_DNS_NAME', 'invalid DNS name', { dnsName: name });
    }
  }
  return out;
}

/** Throws `PermanentError('CA_REFUSED')` for a request that no retry can make acceptable. */
export function checkRequest(req: IssueRequest): void {
  if (typeof req.key !== 'string' || req.key.length === 0) {
    throw refuse('INVALID_REQUEST', 'an idempotency key is required');
  }
  if (!PROFILES.includes(req.profile)) {
    throw refuse('INVALID_PROFILE', 'unknown certificate profile', { profile: req.profile });
  }
  const s = req.subject ?? { commonName: '' };
  checkText('commonName', s.commonName, true);
  checkText('organization', s.organization, false);
  checkText('organizationalUnit', s.organizationalUnit, false);
  if (s.email !== undefined && (!EMAIL.test(s.email) || s.email.length > UB_EMAIL)) {
    throw refuse('INVALID_SUBJECT', 'subject e-mail address is not valid', { field: 'email' });
  }
  if (req.profile === 'server') {
    if (!Array.isArray(req.dnsNames) || req.dnsNames.length === 0) {
      throw refuse('DNS_NAMES_REQUIRED', 'a server certificate needs at least one DNS name');
    }
    normaliseDnsNames(req.dnsNames);
  }
  if (typeof req.validityDays !== 'number' || !Number.isFinite(req.validityDays) || req.validityDays <= 0) {
    throw refuse('INVALID_VALIDITY', 'validityDays must be a positive number', {
      validityDays: req.validityDays,
    });
  }
}

/**
 * Validity window: backdated a little, at most {@link MAX_VALIDITY_YEARS} years, and never past
 * the issuing CA's own expiry (a certificate cannot outlive its issuer).
 */
export function validityWindow(now: Date, days: number, issuerNotAfter: Date): { notBefore: Date; notAfter: Date } {
  const start = Math.floor(now.getTime() / 1000) * 1000;
  const notBefore = new Date(start - BACKDATE_MS);
  const cap = new Date(notBefore);
  cap.setUTCFullYear(cap.getUTCFullYear() + MAX_VALIDITY_YEARS);
  const wanted = start + Math.round(days * 86_400) * 1000;
  const notAfter = new Date(Math.min(wanted, cap.getTime(), issuerNotAfter.getTime()));
  return { notBefore, notAfter };
}

export interface EndEntityPlan {
  subject: NameAttributes;
  /** Profile extensions; the caller adds the key identifiers. */
  extensions: Extension[];
}

/** Subject and extensions for a checked request (see {@link checkRequest}). */
export function planEndEntity(req: IssueRequest, options: { crlUrl?: string }): EndEntityPlan {
  const s = req.subject;
  const units = [...(s.organizationalUnit ? [s.organizationalUnit] : []), ...(req.profile === 'training' ? [TRAINING_MARK] : [])];
  const subject: NameAttributes = {
    country: 'MY',
    organization: s.organization,
    organizationalUnits: units,
    commonName: s.commonName,
    email: s.email,
  };
  const extensions: Extension[] = [ext.basicConstraints(false)];
  if (req.profile === 'server') {
    extensions.push(
      ext.keyUsage(['digitalSignature', 'keyEncipherment']),
      ext.extKeyUsage([OID.serverAuth]),
      ext.subjectAltName({ dnsNames: normaliseDnsNames(req.dnsNames ?? []) }),
    );
  } else {
    extensions.push(
      ext.keyUsage(['digitalSignature', 'nonRepudiation', 'keyEncipherment']),
      ext.extKeyUsage([OID.clientAuth, OID.emailProtection]),
    );
    if (s.email) extensions.push(ext.subjectAltName({ emails: [s.email] }));
  }
  if (options.crlUrl) extensions.push(ext.crlDistributionPoint(options.crlUrl));
  return { subject, extensions };
}
