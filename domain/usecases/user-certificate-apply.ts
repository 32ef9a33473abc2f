import type { Case } from '../cases/case.js';
import { CORRECTABLE_FIELDS, MEDIA, USER_CERT_FIELDS, userCertTransition, type UserCertApplication, type UserCertField, type UserCertStatus } from '../cases/user-certificate.js';
import { fail, ok, type Result } from '../result.js';
import { parseMyKad } from '../rules/mykad.js';
import { parseOfficialEmail, parsePhone, parsePlainText } from '../rules/contact.js';
import type { CoreDeps } from './deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';

export type UserCertCase = Case<UserCertApplication>;
export type SubmitError = 'INVALID_FIELD' | 'AGENCY_UNKNOWN' | 'FILE_MISSING' | 'CASE_NOT_FOUND' | 'NOT_APPLICANT' | 'NOT_RETURNED' | 'FIELD_NOT_REQUESTED';

/**
 * Checks a whole application again on the server side: dialogs validate as the user types,
 * but a use case never trusts what reaches it.
 */
export async function validateApplication(deps: Pick<CoreDeps, 'directory' | 'files' | 'clock' | 'policy'>, applicantId: string, app: UserCertApplication): Promise<Result<UserCertApplication, SubmitError>> {
  const bad = (field: UserCertField) => fail<SubmitError>('INVALID_FIELD', { field });
  const mykad = parseMyKad(app.mykad, deps.clock.now());
  if (!mykad.ok) return bad('mykad');
  const email = parseOfficialEmail(app.email, deps.policy.emailDomains);
  if (!email.ok) return bad('email');
  const phone = parsePhone(app.phone);
  if (!phone.ok) return bad('phone');
  const name = parsePlainText(app.fullName, { min: 3, max: 120 });
  if (!name.ok) return bad('fullName');
  const position = parsePlainText(app.position, { min: 2, max: 80 });
  if (!position.ok) return bad('position');
  if (!MEDIA.includes(app.medium)) return bad('medium');
  if (!Array.isArray(app.applications) || app.applications.length === 0) return bad('applications');
  if (app.declaration !== true) return bad('declaration');
  if (!(await deps.directory.getAgency(app.agencyId))) return fail('AGENCY_UNKNOWN');
  const file = await deps.files.get(app.mykadCopyFileId);
  if (!file || file.meta.ownerId !== applicantId) return fail('FILE_MISSING');
  return ok({ ...app, mykad: mykad.value.digits, email: email.value, phone: phone.value, fullName: name.value, position: position.value });
}

/** Submits a new user-certificate application and asks the agency's APs to verify it. */
export async function submitUserCertificate(deps: CoreDeps, applicantId: string, input: UserCertApplication): Promise<Result<UserCertCase, SubmitError>> {
  const valid = await validateApplication(deps, applicantId, input);
  if (!valid.ok) return valid;
  const now = deps.clock.now().toISOString();
  const created = await deps.cases.create<UserCertApplication>({
    kind: 'UC',
    status: 'DIHANTAR',
    applicantId,
    agencyId: valid.value.agencyId,
    data: valid.value,
    timeline: [{ at: now, event: 'submitted', actorId: applicantId, status: 'DIHANTAR' }],
    createdAt: now,
  });
  await deps.audit.append({ caseId: created.id, at: now, actorId: applicantId, action: 'submitted', data: { status: 'DIHANTAR' } });
  const routed = await recordEvent(deps, created, { event: 'routed', actorId: SYSTEM_ACTOR, status: next('DIHANTAR', 'route') });
  await notifyApprovers(deps, routed);
  return ok(routed);
}

/** Applies the applicant's corrections to exactly the fields the AP returned, and resubmits. */
export async function resubmitUserCertificate(
  deps: CoreDeps,
  opts: { caseId: string; actorId: string; changes: Partial<UserCertApplication> },
): Promise<Result<UserCertCase, SubmitError>> {
  const c = await deps.cases.get<UserCertApplication>(opts.caseId);
  if (!c || c.kind !== 'UC') return fail('CASE_NOT_FOUND');
  if (c.applicantId !== opts.actorId) return fail('NOT_APPLICANT');
  if (c.status !== 'PERLU_PEMBETULAN' || !c.correction) return fail('NOT_RETURNED');
  const allowed = new Set((c.correction.fields as UserCertField[]).map(dataKeyOf));
  for (const key of Object.keys(opts.changes)) {
    if (key !== 'declaration' && !allowed.has(key as keyof UserCertApplication)) return fail('FIELD_NOT_REQUESTED', { field: key });
  }
  const merged = { ...c.data, ...opts.changes, declaration: true as const };
  const valid = await validateApplication(deps, opts.actorId, merged);
  if (!valid.ok) return valid;
  const saved = await recordEvent(deps, c, {
    event: 'resubmitted',
    actorId: opts.actorId,
    status: next('PERLU_PEMBETULAN', 'resubmit'),
    patch: { data: valid.value, correction: undefined },
  });
  await notifyApprovers(deps, saved);
  return ok(saved);
}

/** Maps a prompt field name to the application property it fills. */
export function dataKeyOf(field: UserCertField): keyof UserCertApplication {
  if (field === 'agency') return 'agencyId';
  if (field === 'mykadCopy') return 'mykadCopyFileId';
  return field;
}

export function isCorrectableField(f: string): f is UserCertField {
  return (CORRECTABLE_FIELDS as readonly string[]).includes(f);
}

export function isUserCertField(f: string): f is UserCertField {
  return (USER_CERT_FIELDS as readonly string[]).includes(f);
}

/** APs of the case's agency, except the applicant (nobody approves their own application). */
export async function approversFor<D>(deps: Pick<CoreDeps, 'directory'>, c: Case<D>): Promise<string[]> {
  const aps = await deps.directory.listByRole('AP', c.agencyId);
  return aps.map((p) => p.id).filter((id) => id !== c.applicantId);
}

async function notifyApprovers<D>(deps: CoreDeps, c: Case<D>): Promise<void> {
  for (const id of await approversFor(deps, c)) {
    await deps.notifier.notify(id, { type: 'approvalRequest', caseId: c.id }, `${c.id}:v${c.version}`);
  }
}

/** The target status of an allowed event; a disallowed one is a bug in the caller. */
export function next(from: UserCertStatus, event: Parameters<typeof userCertTransition>[1]): UserCertStatus {
  const rule = userCertTransition(from, event);
  if (!rule) throw new Error(`transition ${event} not allowed from ${from}`);
  return rule.to;
}
