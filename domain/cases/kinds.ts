import { isAdvisoryStatus, type AdvisoryData, type AdvisoryStatus } from './advisory.js';
import type { Case, CaseKind } from './case.js';
import { isTicketStatus, type ComplaintData, type TicketStatus } from './complaint.js';
import type { RevocationData, TrainingCaseData, UserCertCaseData } from './operations.js';
import { isReplacementStatus, type ReplacementStatus } from './replacement.js';
import { isRevocationStatus, type RevocationStatus } from './revocation.js';
import { isServerStatus, type ServerCertData, type ServerStatus } from './server-certificate.js';
import { isUserCertStatus, type UserCertStatus } from './user-certificate.js';

/**
 * The kinds of case, each with its data and the statuses of its lifecycle: user certificates (UC)
 * and training certificates (TC) of any operation, server certificates (SC), complaint tickets
 * (AD, aduan) and advisory requests (KN, khidmat nasihat).
 *
 * `Case<D>` stays the shape the repository stores (any kind, any status string: the store does not
 * judge); a use case narrows what it loaded with `isCaseOf` once, which checks the kind and that
 * the status is one of that kind's lifecycle, and from then on reads a typed status.
 */
export interface KindShapes {
  UC: { status: CertStatus; data: UserCertCaseData | RevocationData };
  TC: { status: CertStatus; data: TrainingCaseData | RevocationData };
  SC: { status: ServerStatus; data: ServerCertData };
  AD: { status: TicketStatus; data: ComplaintData };
  KN: { status: AdvisoryStatus; data: AdvisoryData };
}

/** Every status a user or training certificate case can be in, whichever its operation's lifecycle. */
export type CertStatus = UserCertStatus | RevocationStatus | ReplacementStatus;

/** What kind `K` says about a case: the kind itself, its statuses and its data (one member per kind of a union). */
export type KindShape<K extends CaseKind> = K extends CaseKind ? { kind: K } & KindShapes[K] : never;

/** A case of kind `K`; `CaseOf` alone is the union of every kind, discriminated by `kind`. */
export type CaseOf<K extends CaseKind = CaseKind> = K extends CaseKind ? Case<KindShapes[K]['data']> & KindShape<K> : never;
export type TicketCase = CaseOf<'AD'>;

const IS_STATUS_OF: Readonly<Record<CaseKind, (status: string) => boolean>> = {
  UC: (s) => isUserCertStatus(s) || isRevocationStatus(s) || isReplacementStatus(s),
  TC: (s) => isUserCertStatus(s) || isRevocationStatus(s) || isReplacementStatus(s),
  SC: isServerStatus,
  AD: isTicketStatus,
  KN: isAdvisoryStatus,
};

/**
 * Whether `c` (a case, or the part of one a rule reads) is of `kind` and in a status of that kind's
 * lifecycle; narrows its status and data to the kind's.
 */
export function isCaseOf<C extends { kind: CaseKind; status: string }, K extends CaseKind>(
  c: C,
  kind: K | readonly K[],
): c is C & KindShape<K> {
  const kinds: readonly CaseKind[] = typeof kind === 'string' ? [kind] : kind;
  return kinds.includes(c.kind) && Object.hasOwn(IS_STATUS_OF, c.kind) && IS_STATUS_OF[c.kind](c.status);
}
