import type { Case, CaseKind, NewCase } from '../cases/case.js';
import type { AuditInput } from './audit-log.js';

/**
 * Stores cases.
 *
 * Promises:
 * - `create` assigns the next number for (kind, year of `createdAt` or now), unique and gap-free
 *   under concurrency (numbers start at 000001 per kind and year), sets `version` to 1. The
 *   number and the case are committed together: a create that fails burns no number.
 * - `update` is optimistic: it succeeds only when `c.version` equals the stored version, stores
 *   the case with `version + 1` and returns it; a stale write throws `DomainError('CASE_STALE')`
 *   and changes nothing. Updating a missing case throws `DomainError('CASE_NOT_FOUND')`.
 * - `updateWithAudit` is `update` and an `AuditLog.append` of `audit` to the same case's chain
 *   as one atomic write: both are stored or neither (a stale version throws `CASE_STALE` and
 *   appends nothing; a crash between the two cannot leave an unaudited change).
 * - `get` returns `undefined` when there is no such case.
 * - Lists are ordered by case number ascending.
 */
export interface CaseRepository {
  create<D>(c: NewCase<D>): Promise<Case<D>>;
  get<D = Record<string, unknown>>(id: string): Promise<Case<D> | undefined>;
  update<D>(c: Case<D>): Promise<Case<D>>;
  /** `update` plus the audit entry of the change, committed together (see the promises above). */
  updateWithAudit<D>(c: Case<D>, audit: Omit<AuditInput, 'caseId'>): Promise<Case<D>>;
  listByApplicant(applicantId: string): Promise<Case[]>;
  /** Cases in any of `statuses`, optionally of one kind and one agency. */
  listByStatus(statuses: string[], filter?: { kind?: CaseKind; agencyId?: string }): Promise<Case[]>;
}
