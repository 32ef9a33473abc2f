import type { CertificateRecord } from '../certificates.js';
import { userCertTransition, type UserCertApplication, type UserCertStatus } from '../cases/user-certificate.js';
import { isDomainError, PermanentError } from '../errors.js';
import { hasRole } from '../people.js';
import { fail, ok, type Result } from '../result.js';
import type { CoreDeps } from './deps.js';
import { isCorrectableField, next, type UserCertCase } from './user-certificate-apply.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';

export type Decision = 'approve' | 'return' | 'reject';
export type DecisionError = 'CASE_NOT_FOUND' | 'ALREADY_DECIDED' | 'ROLE_REQUIRED' | 'WRONG_AGENCY' | 'SELF_APPROVAL' | 'NOTE_REQUIRED' | 'FIELDS_REQUIRED' | 'CHANGED_SINCE';

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

/** The queue job that asks the CA to issue the certificate of an approved case. */
export const issueJobKey = (caseId: string) => `${caseId}:issue`;

/**
 * An AP verifies an application: approve (the CA job is queued), return for correction (naming
 * the fields), or reject (with a reason). Exactly one decision wins; later clicks learn the outcome.
 */
export async function decideUserCertificate(deps: CoreDeps, input: DecideInput): Promise<Result<UserCertCase, DecisionError>> {
  const c = await deps.cases.get<UserCertApplication>(input.caseId);
  if (!c || c.kind !== 'UC') return fail('CASE_NOT_FOUND');
  const actor = await deps.directory.getPerson(input.actorId);
  if (!actor || !hasRole(actor, 'AP')) return fail('ROLE_REQUIRED');
  if (c.applicantId === actor.id) return fail('SELF_APPROVAL');
  if (actor.agencyId !== c.agencyId) return fail('WRONG_AGENCY');
  if (!userCertTransition(c.status as UserCertStatus, input.decision)) return fail('ALREADY_DECIDED', { status: c.status });
  if (input.seenVersion !== undefined && input.seenVersion !== c.version) return fail('CHANGED_SINCE');
  const note = input.note?.trim();
  if (input.decision !== 'approve' && !note) return fail('NOTE_REQUIRED');
  const fields = (input.fields ?? []).filter(isCorrectableField);
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

async function apply(deps: CoreDeps, c: UserCertCase, input: DecideInput & { fields: string[] }): Promise<UserCertCase> {
  const from = c.status as UserCertStatus;
  const notify = (type: 'caseApproved' | 'caseReturned' | 'caseRejected', saved: UserCertCase) =>
    deps.notifier.notify(saved.applicantId, { type, caseId: saved.id }, `${saved.id}:v${saved.version}`);
  if (input.decision === 'return') {
    const saved = await recordEvent(deps, c, {
      event: 'returned',
      actorId: input.actorId,
      status: next(from, 'return'),
      note: input.note,
      patch: { correction: { fields: input.fields, note: input.note ?? '', byId: input.actorId, at: deps.clock.now().toISOString() } },
    });
    await notify('caseReturned', saved);
    return saved;
  }
  if (input.decision === 'reject') {
    const saved = await recordEvent(deps, c, { event: 'rejected', actorId: input.actorId, status: next(from, 'reject'), note: input.note, patch: { reason: input.note } });
    await notify('caseRejected', saved);
    return saved;
  }
  const approved = await recordEvent(deps, c, { event: 'approved', actorId: input.actorId, status: next(from, 'approve') });
  const sent = await recordEvent(deps, approved, { event: 'sentToCa', actorId: SYSTEM_ACTOR, status: next('DISAHKAN', 'sendToCa') });
  await deps.jobs.enqueue({ queue: 'ca', name: 'issue', payload: { caseId: c.id }, key: issueJobKey(c.id) });
  await notify('caseApproved', sent);
  return sent;
}

/**
 * The CA job: issues the certificate of an approved case, stores it against the applicant and
 * tells them. Safe to run twice (the CA call is idempotent by key; a finished case is left alone).
 * A permanent CA refusal fails the case with the reason; other errors propagate so the job retries.
 */
export async function issueUserCertificate(deps: CoreDeps, caseId: string): Promise<'issued' | 'refused' | 'nothing-to-do'> {
  const c = await deps.cases.get<UserCertApplication>(caseId);
  if (!c || c.status !== 'DIHANTAR_KE_CA') return 'nothing-to-do';
  const agency = await deps.directory.getAgency(c.data.agencyId);
  try {
    const cert = await deps.ca.issue({
      key: issueJobKey(c.id),
      profile: 'user',
      subject: { commonName: c.data.fullName, email: c.data.email, organization: agency?.name },
      validityDays: deps.policy.userCertValidityDays,
    });
    const record: CertificateRecord = {
      serial: cert.serial,
      ownerId: c.applicantId,
      caseId: c.id,
      profile: 'user',
      medium: c.data.medium,
      subjectCommonName: c.data.fullName,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      status: 'AKTIF',
      certPem: cert.certPem,
    };
    await deps.certificates.save(record);
    const saved = await recordEvent(deps, c, { event: 'issued', actorId: SYSTEM_ACTOR, status: next('DIHANTAR_KE_CA', 'issued'), patch: { certificateSerial: cert.serial } });
    await deps.notifier.notify(saved.applicantId, { type: 'certificateIssued', caseId: c.id, serial: cert.serial }, `${c.id}:issued`);
    return 'issued';
  } catch (e) {
    if (!(e instanceof PermanentError)) throw e;
    const saved = await recordEvent(deps, c, { event: 'caRefused', actorId: SYSTEM_ACTOR, status: next('DIHANTAR_KE_CA', 'caRefused'), note: e.code, patch: { reason: e.code } });
    await deps.notifier.notify(saved.applicantId, { type: 'caseFailed', caseId: c.id }, `${c.id}:failed`);
    return 'refused';
  }
}
