import type { Case } from '../cases/case.js';
import { canTransition, nextStatus } from '../cases/lifecycle.js';
import { operationOf } from '../cases/operations.js';
import { isDomainError } from '../errors.js';
import { refusalFor } from '../cases/authority.js';
import { fail, ok, type Result } from '../result.js';
import { afterApproval } from './cert-common.js';
import type { CoreDeps } from './deps.js';
import { isCorrectableFor } from './user-certificate-apply.js';
import { discardMyKadCopy } from './personal-data.js';
import { recordEvent } from './transition.js';

export { issueJobKey } from './cert-common.js';
export { issueCertificate as issueUserCertificate } from './certificate-issue.js';

export type Decision = 'approve' | 'return' | 'reject';
export type DecisionError =
  | 'CASE_NOT_FOUND'
  | 'ALREADY_DECIDED'
  | 'ROLE_REQUIRED'
  | 'WRONG_AGENCY'
  | 'SELF_APPROVAL'
  | 'NOTE_REQUIRED'
  | 'FIELDS_REQUIRED'
  | 'CHANGED_SINCE'
  | 'NOT_RETURNABLE';

export interface DecideInput {
  caseId: string;
  actorId: string;
  decision: Decision;
  /** Reason for a rejection, or what to correct for a return. */
  note?: string;
  /** Fields to correct, for a return. */
  fields?: string[];
  /** Version the approver saw on their card; a newer case means the card is stale. */
  seenVersion?: number;
}

/**
 * An AP decides a certificate case of their agency (user or training; new, renewal, revocation or
 * replacement): approve (the CA work is queued), return for correction (naming the fields; not
 * for revocations, which have nothing to correct), or reject (with a reason). Exactly one
 * decision wins; later clicks learn the outcome.
 */
export async function decideUserCertificate(deps: CoreDeps, input: DecideInput): Promise<Result<Case<unknown>, DecisionError>> {
  const c = await deps.cases.get(input.caseId);
  if (!c || (c.kind !== 'UC' && c.kind !== 'TC')) return fail('CASE_NOT_FOUND');
  const actor = await deps.directory.getPerson(input.actorId);
  // Who may verify is domain/cases/authority.ts: an AP of the case's agency, never for their own case.
  const refused = actor ? refusalFor(actor, c, 'verify') : 'ROLE_REQUIRED';
  if (refused) return fail(refused === 'NOT_NAMED' ? 'ROLE_REQUIRED' : refused);
  if (input.decision === 'return' && operationOf(c) === 'revoke') return fail('NOT_RETURNABLE');
  if (!canTransition(c, input.decision)) return fail('ALREADY_DECIDED', { status: c.status });
  if (input.seenVersion !== undefined && input.seenVersion !== c.version) return fail('CHANGED_SINCE');
  const note = input.note?.trim();
  if (input.decision !== 'approve' && !note) return fail('NOTE_REQUIRED');
  const fields = (input.fields ?? []).filter((f) => isCorrectableFor(c, f));
  if (input.decision === 'return' && fields.length === 0) return fail('FIELDS_REQUIRED');

  try {
    return ok(await apply(deps, c, { ...input, note, fields }));
  } catch (e) {
    // Another approver decided between our read and our write.
    if (isDomainError(e) && e.code === 'CASE_STALE') {
      const now = await deps.cases.get(input.caseId);
      return fail('ALREADY_DECIDED', { status: now?.status ?? c.status });
    }
    throw e;
  }
}

async function apply(deps: CoreDeps, c: Case<unknown>, input: DecideInput & { fields: string[] }): Promise<Case<unknown>> {
  const notify = (type: 'caseApproved' | 'caseReturned' | 'caseRejected', saved: Case<unknown>) =>
    deps.notifier.notify(saved.applicantId, { type, caseId: saved.id }, `${saved.id}:v${saved.version}`);
  if (input.decision === 'return') {
    const saved = await recordEvent(deps, c, {
      event: 'returned',
      actorId: input.actorId,
      status: nextStatus(c, 'return'),
      note: input.note,
      patch: { correction: { fields: input.fields, note: input.note ?? '', byId: input.actorId, at: deps.clock.now().toISOString() } },
    });
    await notify('caseReturned', saved);
    return saved;
  }
  if (input.decision === 'reject') {
    const rejected = await recordEvent(deps, c, {
      event: 'rejected',
      actorId: input.actorId,
      status: nextStatus(c, 'reject'),
      note: input.note,
      patch: { reason: input.note },
    });
    const saved = await discardMyKadCopy(deps, rejected);
    await notify('caseRejected', saved);
    return saved;
  }
  // The AP has verified the MyKad copy against the application: it is not kept any longer.
  const approved = await discardMyKadCopy(
    deps,
    await recordEvent(deps, c, { event: 'approved', actorId: input.actorId, status: nextStatus(c, 'approve') }),
  );
  const sent = await afterApproval(deps, approved);
  await notify('caseApproved', sent);
  return sent;
}
