import type { Case } from '../cases/case.js';
import { correctableOf, dataKeyOfField, type FormField } from '../cases/forms.js';
import { nextStatus } from '../cases/lifecycle.js';
import type { ApplicationData, TrainingApplication } from '../cases/operations.js';
import { MEDIA, userCertTransition, type UserCertApplication, type UserCertField, type UserCertStatus } from '../cases/user-certificate.js';
import { fail, ok, type Result } from '../result.js';
import { parseMyKad } from '../rules/mykad.js';
import { parseOfficialEmail, parsePhone, parsePlainText } from '../rules/contact.js';
import { createCertCase, notifyApproversOf, realmOfCase } from './cert-common.js';
import type { CoreDeps } from './deps.js';
import { discardReplacedCopy } from './personal-data.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';

export type UserCertCase = Case<UserCertApplication>;
export type SubmitError =
  'INVALID_FIELD' | 'AGENCY_UNKNOWN' | 'FILE_MISSING' | 'CASE_NOT_FOUND' | 'NOT_APPLICANT' | 'NOT_RETURNED' | 'FIELD_NOT_REQUESTED';

type ValidateDeps = Pick<CoreDeps, 'directory' | 'files' | 'clock' | 'policy'>;

/** Office addresses: the plain-text rule with room for a whole address line. */
export function parseAddress(input: string) {
  return parsePlainText(input, { min: 10, max: 200 });
}

/**
 * Checks a whole application again on the server side: dialogs validate as the user types,
 * but a use case never trusts what reaches it. The MyKad copy must have been uploaded by the
 * applicant, or by the AP acting for them (`uploaders`); `keptFileId` is the copy the case already
 * holds (checked when it was submitted, and perhaps since deleted under the retention rule).
 */
export async function validateApplication(
  deps: ValidateDeps,
  applicantId: string,
  app: UserCertApplication,
  uploaders: string[] = [applicantId],
  keptFileId?: string,
): Promise<Result<UserCertApplication, SubmitError>> {
  const bad = (field: UserCertField | 'address') => fail<SubmitError>('INVALID_FIELD', { field });
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
  const address = app.address === undefined ? undefined : parseAddress(app.address);
  if (address && !address.ok) return bad('address');
  if (!MEDIA.includes(app.medium)) return bad('medium');
  if (!Array.isArray(app.applications) || app.applications.length === 0) return bad('applications');
  if (app.declaration !== true) return bad('declaration');
  if (!(await deps.directory.getAgency(app.agencyId))) return fail('AGENCY_UNKNOWN');
  if (!keptFileId || app.mykadCopyFileId !== keptFileId) {
    const file = await deps.files.head(app.mykadCopyFileId);
    if (!file || !uploaders.includes(file.ownerId)) return fail('FILE_MISSING');
  }
  return ok({
    ...app,
    mykad: mykad.value.digits,
    email: email.value,
    phone: phone.value,
    fullName: name.value,
    position: position.value,
    ...(address?.ok ? { address: address.value } : {}),
  });
}

/** The same server-side check for a training/test application (no MyKad, a stated purpose). */
export async function validateTrainingApplication(
  deps: ValidateDeps,
  app: TrainingApplication,
): Promise<Result<TrainingApplication, SubmitError>> {
  const bad = (field: FormField) => fail<SubmitError>('INVALID_FIELD', { field });
  const email = parseOfficialEmail(app.email, deps.policy.emailDomains);
  if (!email.ok) return bad('email');
  const phone = parsePhone(app.phone);
  if (!phone.ok) return bad('phone');
  const name = parsePlainText(app.fullName, { min: 3, max: 120 });
  if (!name.ok) return bad('fullName');
  const position = parsePlainText(app.position, { min: 2, max: 80 });
  if (!position.ok) return bad('position');
  const purpose = parsePlainText(app.purpose, { min: 5, max: 200 });
  if (!purpose.ok) return bad('purpose');
  if (app.declaration !== true) return bad('declaration');
  if (!(await deps.directory.getAgency(app.agencyId))) return fail('AGENCY_UNKNOWN');
  return ok({ ...app, email: email.value, phone: phone.value, fullName: name.value, position: position.value, purpose: purpose.value });
}

/** Checks the application part of any certificate case by its realm. */
export async function validateAny(
  deps: ValidateDeps,
  c: Pick<Case<unknown>, 'kind' | 'applicantId'>,
  data: ApplicationData,
  uploaders?: string[],
  keptFileId?: string,
): Promise<Result<ApplicationData, SubmitError>> {
  if (realmOfCase(c) === 'training') {
    const r = await validateTrainingApplication(deps, data as TrainingApplication);
    return r.ok ? ok({ ...data, ...r.value }) : r;
  }
  const r = await validateApplication(deps, c.applicantId, data as UserCertApplication, uploaders, keptFileId);
  return r.ok ? ok({ ...data, ...r.value }) : r;
}

/** Submits a new user-certificate application and asks the agency's APs to verify it. */
export async function submitUserCertificate(
  deps: CoreDeps,
  applicantId: string,
  input: UserCertApplication,
): Promise<Result<UserCertCase, SubmitError>> {
  const valid = await validateApplication(deps, applicantId, input);
  if (!valid.ok) return valid;
  const created = await createCertCase(deps, {
    kind: 'UC',
    applicantId,
    agencyId: valid.value.agencyId,
    actorId: applicantId,
    data: valid.value,
  });
  const routed = await recordEvent(deps, created, { event: 'routed', actorId: SYSTEM_ACTOR, status: next('DIHANTAR', 'route') });
  await notifyApproversOf(deps, routed);
  return ok(routed);
}

/**
 * Applies the applicant's corrections to exactly the fields the AP returned, and resubmits. Works
 * for every returnable certificate case: new applications, renewals, replacements, training.
 */
export async function resubmitUserCertificate(
  deps: CoreDeps,
  opts: { caseId: string; actorId: string; changes: Partial<ApplicationData> },
): Promise<Result<Case<ApplicationData>, SubmitError>> {
  const c = await deps.cases.get<ApplicationData>(opts.caseId);
  if (!c || (c.kind !== 'UC' && c.kind !== 'TC')) return fail('CASE_NOT_FOUND');
  if (c.applicantId !== opts.actorId) return fail('NOT_APPLICANT');
  if (c.status !== 'PERLU_PEMBETULAN' || !c.correction) return fail('NOT_RETURNED');
  const allowed = new Set((c.correction.fields as FormField[]).map(dataKeyOfField));
  for (const key of Object.keys(opts.changes)) {
    if (key !== 'declaration' && !allowed.has(key)) return fail('FIELD_NOT_REQUESTED', { field: key });
  }
  const merged = { ...c.data, ...opts.changes, declaration: true as const } as ApplicationData;
  const kept = (c.data as { mykadCopyFileId?: string }).mykadCopyFileId;
  const valid = await validateAny(deps, c, merged, undefined, kept);
  if (!valid.ok) return valid;
  const saved = await recordEvent(deps, c, {
    event: 'resubmitted',
    actorId: opts.actorId,
    status: nextStatus(c, 'resubmit'),
    patch: { data: valid.value, correction: undefined },
  });
  await discardReplacedCopy(deps, c, saved);
  await notifyApproversOf(deps, saved);
  return ok(saved);
}

/** Whether an AP may return `f` for correction on this case. */
export function isCorrectableFor(c: Case<unknown>, f: string): f is FormField {
  return (correctableOf(realmOfCase(c), c.data as { address?: unknown }) as string[]).includes(f);
}

/** The target status of an allowed event; a disallowed one is a bug in the caller. */
export function next(from: UserCertStatus, event: Parameters<typeof userCertTransition>[1]): UserCertStatus {
  const rule = userCertTransition(from, event);
  if (!rule) throw new Error(`transition ${event} not allowed from ${from}`);
  return rule.to;
}
