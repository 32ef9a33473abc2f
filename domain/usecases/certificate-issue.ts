import type { Case } from '../cases/case.js';
import { nextStatus } from '../cases/lifecycle.js';
import { operationOf, type ApplicationData, type TrainingCaseData, type UserCertCaseData } from '../cases/operations.js';
import type { CertificateRecord } from '../certificates.js';
import { DomainError, PermanentError } from '../errors.js';
import type { IssueRequest } from '../ports/certificate-authority.js';
import { caFor, expireDownloadJobKey, issueJobKey, profileOfRealm, realmOfCase } from './cert-common.js';
import type { CoreDeps } from './deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';
import { JOBS } from '../ports/job-names.js';

/** Written into every training certificate's subject next to the CA's own Malay mark. */
export const TRAINING_OU = 'TRAINING/TEST - NOT FOR PRODUCTION USE';

/**
 * The CA job of an approved certificate case (user or training; new, renewal, or the second half
 * of a replacement): issues, stores the certificate against the holder, links it to the one it
 * renews or replaces, and tells the holder. Safe to run twice: the CA call is idempotent by key
 * and a finished case is left alone. A permanent refusal fails the case with the reason (and
 * tells the holder); other errors propagate so the job retries, and a replacement's holder is
 * told once that their new certificate is late.
 */
export async function issueCertificate(deps: CoreDeps, caseId: string): Promise<'issued' | 'refused' | 'nothing-to-do'> {
  const c = await deps.cases.get<ApplicationData>(caseId);
  if (!c || (c.kind !== 'UC' && c.kind !== 'TC') || c.status !== 'DIHANTAR_KE_CA' || operationOf(c) === 'revoke') return 'nothing-to-do';
  const realm = realmOfCase(c);
  try {
    const prepared = realm === 'training' ? await withTrainingKey(deps, c as Case<TrainingCaseData>) : { c, csrPem: undefined };
    const cert = await caFor(deps, realm).issue(await issueRequest(deps, prepared.c, prepared.csrPem));
    const record: CertificateRecord = {
      serial: cert.serial,
      ownerId: c.applicantId,
      caseId: c.id,
      profile: profileOfRealm(realm),
      medium: realm === 'training' ? 'softcert' : (c.data as UserCertCaseData).medium,
      subjectCommonName: c.data.fullName,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      status: 'AKTIF',
      certPem: cert.certPem,
    };
    await deps.certificates.save(record);
    await linkPredecessor(deps, prepared.c, cert.serial);
    return realm === 'training'
      ? await deliverTraining(deps, prepared.c as Case<TrainingCaseData>, cert.serial)
      : await announce(deps, prepared.c, cert.serial);
  } catch (e) {
    if (e instanceof PermanentError) return refused(deps, caseId, e);
    await tellOnceIfLate(deps, caseId);
    throw e;
  }
}

async function issueRequest(deps: CoreDeps, c: Case<ApplicationData>, csrPem: string | undefined): Promise<IssueRequest> {
  const realm = realmOfCase(c);
  const agency = await deps.directory.getAgency(c.data.agencyId);
  return {
    key: issueJobKey(c.id),
    profile: profileOfRealm(realm),
    subject: {
      commonName: c.data.fullName,
      email: c.data.email,
      organization: agency?.name,
      ...(realm === 'training' ? { organizationalUnit: TRAINING_OU } : {}),
    },
    ...(csrPem ? { csrPem } : {}),
    validityDays: realm === 'training' ? deps.policy.trainingCertValidityDays : deps.policy.userCertValidityDays,
  };
}

/**
 * A training certificate's key is generated here and kept (encrypted) until the holder downloads
 * it. The key id is stored on the case before the CA sees the request, so a retried job reuses
 * the same key rather than orphaning one.
 */
async function withTrainingKey(deps: CoreDeps, c: Case<TrainingCaseData>): Promise<{ c: Case<TrainingCaseData>; csrPem: string }> {
  let current = c;
  if (!current.data.keyId) {
    const keyId = await deps.keys.create(c.applicantId);
    try {
      current = await recordEvent(deps, current, {
        event: 'keyGenerated',
        actorId: SYSTEM_ACTOR,
        patch: { data: { ...current.data, keyId } },
      });
    } catch (e) {
      await deps.keys.destroy(keyId);
      throw e;
    }
  }
  const csrPem = await deps.keys.csr(current.data.keyId!, current.data.fullName);
  if (!csrPem) throw new PermanentError('KEY_GONE', 'the generated key of this training certificate is gone');
  return { c: current, csrPem };
}

async function linkPredecessor(deps: CoreDeps, c: Case<ApplicationData>, serial: string): Promise<void> {
  const previous = c.data.renews ?? c.data.replaces;
  if (!previous) return;
  const old = await deps.certificates.get(previous);
  if (!old || old.successor) return;
  await deps.certificates.save({
    ...old,
    successor: { serial, caseId: c.id },
    ...(c.data.replaces && old.status === 'AKTIF' ? { status: 'DIGANTI' as const } : {}),
  });
}

async function announce(deps: CoreDeps, c: Case<ApplicationData>, serial: string): Promise<'issued'> {
  const saved = await recordEvent(deps, c, {
    event: 'issued',
    actorId: SYSTEM_ACTOR,
    status: nextStatus(c, 'issued'),
    patch: { certificateSerial: serial },
  });
  await deps.notifier.notify(saved.applicantId, { type: 'certificateIssued', caseId: c.id, serial }, `${c.id}:issued`);
  return 'issued';
}

/** The one-time download: the link lives `trainingDownloadTtlHours`, then the key is deleted. */
async function deliverTraining(deps: CoreDeps, c: Case<TrainingCaseData>, serial: string): Promise<'issued'> {
  const ttlMs = deps.policy.trainingDownloadTtlHours * 3_600_000;
  const expiresAt = new Date(deps.clock.now().getTime() + ttlMs).toISOString();
  const saved = await recordEvent(deps, c, {
    event: 'issued',
    actorId: SYSTEM_ACTOR,
    status: nextStatus(c, 'issued'),
    patch: { certificateSerial: serial, data: { ...c.data, delivery: { keyId: c.data.keyId, state: 'pending', expiresAt } } },
  });
  await deps.jobs.enqueue({
    ...JOBS.caExpireDownload,
    payload: { caseId: c.id },
    key: expireDownloadJobKey(c.id),
    delayMs: ttlMs,
  });
  await deps.notifier.notify(saved.applicantId, { type: 'trainingReady', caseId: c.id, serial }, `${c.id}:ready`);
  return 'issued';
}

async function refused(deps: CoreDeps, caseId: string, e: DomainError): Promise<'refused'> {
  const c = await deps.cases.get<ApplicationData>(caseId);
  if (!c || c.status !== 'DIHANTAR_KE_CA') return 'refused';
  const saved = await recordEvent(deps, c, {
    event: 'caRefused',
    actorId: SYSTEM_ACTOR,
    status: nextStatus(c, 'caRefused'),
    note: e.code,
    patch: { reason: e.code },
  });
  if (c.data.keyId) await deps.keys.destroy(c.data.keyId);
  await deps.notifier.notify(saved.applicantId, { type: 'caseFailed', caseId: c.id }, `${c.id}:failed`);
  return 'refused';
}

/**
 * A replacement's holder has no valid certificate once the old one is revoked, so a late new one
 * is never silent: the first failed attempt is put on the timeline and the holder is told that
 * the CA job keeps trying.
 */
async function tellOnceIfLate(deps: CoreDeps, caseId: string): Promise<void> {
  const c = await deps.cases.get<ApplicationData>(caseId);
  if (!c || operationOf(c) !== 'replace' || c.status !== 'DIHANTAR_KE_CA') return;
  if (c.timeline.some((e) => e.event === 'issueDelayed')) return;
  const saved = await recordEvent(deps, c, { event: 'issueDelayed', actorId: SYSTEM_ACTOR }).catch(() => undefined);
  if (saved) await deps.notifier.notify(saved.applicantId, { type: 'replacementDelayed', caseId: c.id }, `${c.id}:delayed`);
}
