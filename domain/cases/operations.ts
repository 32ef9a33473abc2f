import type { RevocationReason } from '../certificates.js';
import type { RevocationChoice } from '../rules/revocation.js';
import type { ReplacementTrigger } from '../rules/replacement.js';
import type { Case, CaseKind } from './case.js';
import type { UserCertApplication } from './user-certificate.js';

/** The four things a holder can ask for a certificate (DOMAIN.md 2.1–2.4, 2.6). One case each. */
export const OPERATIONS = ['new', 'renew', 'revoke', 'replace'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Production user certificates (`UC`) and training/test certificates (`TC`, their own CA). */
export type Realm = 'user' | 'training';
export const KIND_OF_REALM = { user: 'UC', training: 'TC' } as const satisfies Record<Realm, CaseKind>;

export function realmOfKind(kind: CaseKind): Realm | undefined {
  if (kind === 'UC') return 'user';
  if (kind === 'TC') return 'training';
  return undefined;
}

/** A training/test certificate application (DOMAIN.md 2.6): a developer or tester, endorsed by their AP. */
export interface TrainingApplication {
  fullName: string;
  email: string;
  phone: string;
  agencyId: string;
  position: string;
  /** The system under development or test the certificate is for. */
  purpose: string;
  declaration: true;
}

/**
 * Delivery of a generated-key training certificate: a one-time, expiring download whose password
 * the user chooses in the browser. The private key exists (encrypted) only until then.
 */
export interface TrainingDelivery {
  /** KeyEscrow id of the private key; cleared once the key is deleted. */
  keyId?: string;
  state: 'pending' | 'downloaded' | 'expired';
  /** ISO-8601: the link stops working then and the key is deleted. */
  expiresAt?: string;
  downloadedAt?: string;
}

/** What renewals and replacements add to an application, and who acted on whose behalf. */
export interface OperationFields {
  /** Absent on applications made before operations existed: those are `new`. */
  operation?: 'new' | 'renew' | 'replace';
  /** Serial of the certificate a renewal renews. */
  renews?: string;
  /** Serial of the certificate a replacement replaces (and revokes). */
  replaces?: string;
  trigger?: ReplacementTrigger;
  /** How the replaced certificate is revoked. */
  revocationReason?: RevocationReason;
  /** ISO-8601 once the replaced certificate is revoked (the first half of a replacement). */
  oldRevokedAt?: string;
  /** The AP who started the request on behalf of the applicant. */
  requestedBy?: string;
  /** Generated key of a training certificate, from generation until it is downloaded. */
  keyId?: string;
  delivery?: TrainingDelivery;
}

export type UserCertCaseData = UserCertApplication & OperationFields;
export type TrainingCaseData = TrainingApplication & OperationFields;
export type ApplicationData = UserCertCaseData | TrainingCaseData;

/** A revocation request: which certificate, the interview's answer and the RFC 5280 reason. */
export interface RevocationData {
  operation: 'revoke';
  serial: string;
  choice: RevocationChoice;
  reason: RevocationReason;
  /** The holder's name as on the certificate, for cards. */
  holderName: string;
  /** Who asked: the owner, or an AP of the owner's agency. */
  requestedBy: string;
}

export function operationOf(c: Pick<Case<unknown>, 'data'>): Operation {
  const op = (c.data as { operation?: unknown } | undefined)?.operation;
  return op === 'renew' || op === 'revoke' || op === 'replace' ? op : 'new';
}

export function isRevocation(c: Case<unknown>): c is Case<RevocationData> {
  return operationOf(c) === 'revoke';
}

/** The serial a case acts on, if any: the certificate renewed, replaced or revoked. */
export function targetSerial(c: Case<unknown>): string | undefined {
  const d = c.data as { renews?: string; replaces?: string; serial?: string };
  return d.renews ?? d.replaces ?? (operationOf(c) === 'revoke' ? d.serial : undefined);
}
