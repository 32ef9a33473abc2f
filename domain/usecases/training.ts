import type { Case } from '../cases/case.js';
import { nextStatus } from '../cases/lifecycle.js';
import type { TrainingApplication, TrainingCaseData } from '../cases/operations.js';
import { isDomainError } from '../errors.js';
import { mayActFor } from '../cases/authority.js';
import { fail, ok, type Result } from '../result.js';
import { checkDownloadPassword, type PasswordError } from '../rules/download-password.js';
import { approveOnBehalf, createCertCase, notifyApproversOf } from './cert-common.js';
import type { CoreDeps } from './deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';
import { validateTrainingApplication, type SubmitError } from './user-certificate-apply.js';

/**
 * Submits a training/test certificate application (`TC`): a developer or tester asks, their AP
 * endorses. An AP applying for a user of their agency (`onBehalfOf`) endorses by doing so.
 */
export async function submitTrainingApplication(
  deps: CoreDeps,
  opts: { actorId: string; applicantId?: string; application: TrainingApplication },
): Promise<Result<Case<TrainingCaseData>, SubmitError | 'NOT_OWNER'>> {
  const applicantId = opts.applicantId ?? opts.actorId;
  const onBehalf = applicantId !== opts.actorId;
  if (onBehalf) {
    const [actor, applicant] = await Promise.all([deps.directory.getPerson(opts.actorId), deps.directory.getPerson(applicantId)]);
    if (!actor || !applicant || !mayActFor(actor, applicant)) return fail('NOT_OWNER');
  }
  const valid = await validateTrainingApplication(deps, opts.application);
  if (!valid.ok) return valid;
  const created = await createCertCase<TrainingCaseData>(deps, {
    kind: 'TC',
    applicantId,
    agencyId: valid.value.agencyId,
    actorId: opts.actorId,
    data: { ...valid.value, operation: 'new', ...(onBehalf ? { requestedBy: opts.actorId } : {}) },
  });
  const routed = await recordEvent(deps, created, { event: 'routed', actorId: SYSTEM_ACTOR, status: nextStatus(created, 'route') });
  if (onBehalf) return ok(await approveOnBehalf(deps, routed, opts.actorId));
  await notifyApproversOf(deps, routed);
  return ok(routed);
}

export type DownloadError = 'NOT_FOUND' | 'EXPIRED' | 'USED';

/** What the download page shows before the holder chooses a password. */
export async function openTrainingDownload(
  deps: CoreDeps,
  caseId: string,
): Promise<Result<{ c: Case<TrainingCaseData>; expiresAt: string }, DownloadError>> {
  const c = await deps.cases.get<TrainingCaseData>(caseId);
  const delivery = c?.kind === 'TC' ? c.data.delivery : undefined;
  if (!c || !delivery) return fail('NOT_FOUND');
  if (delivery.state === 'downloaded') return fail('USED');
  if (delivery.state === 'expired' || !delivery.expiresAt || Date.parse(delivery.expiresAt) <= deps.clock.now().getTime())
    return fail('EXPIRED');
  return ok({ c, expiresAt: delivery.expiresAt });
}

/**
 * Hands out a training certificate once: the PKCS#12 under the password the holder chose on the
 * page, after which the private key is deleted for good. Of two simultaneous downloads exactly
 * one gets the file (the case's optimistic update decides).
 */
export async function redeemTrainingDownload(
  deps: CoreDeps,
  opts: { caseId: string; password: string; confirm: string },
): Promise<Result<{ pkcs12: Buffer; fileName: string }, DownloadError | PasswordError>> {
  const open = await openTrainingDownload(deps, opts.caseId);
  if (!open.ok) return open;
  const pw = checkDownloadPassword(opts.password, opts.confirm);
  if (!pw.ok) return pw;
  const { c } = open.value;
  const keyId = c.data.delivery?.keyId;
  const cert = c.certificateSerial ? await deps.certificates.get(c.certificateSerial) : undefined;
  if (!keyId || !cert) return fail('EXPIRED');
  const chainPem = await deps.trainingCa.caCertificatesPem();
  const pkcs12 = await deps.keys.pkcs12(keyId, {
    certPem: cert.certPem,
    chainPem,
    password: pw.value,
    friendlyName: `${c.data.fullName} (LATIHAN/TRAINING)`,
  });
  if (!pkcs12) return fail('EXPIRED');
  const at = deps.clock.now().toISOString();
  try {
    await recordEvent(deps, c, {
      event: 'downloaded',
      actorId: c.applicantId,
      patch: { data: { ...c.data, keyId: undefined, delivery: { state: 'downloaded', downloadedAt: at } } },
    });
  } catch (e) {
    if (isDomainError(e) && e.code === 'CASE_STALE') return fail('USED');
    throw e;
  }
  await deps.keys.destroy(keyId);
  return ok({ pkcs12, fileName: `${c.id}-${cert.serial.toUpperCase()}.p12` });
}

/**
 * The delayed job at the link's expiry: an unused key is deleted and the holder told that the
 * certificate can no longer be delivered (a replacement gives them a new one).
 */
export async function expireTrainingDownload(deps: CoreDeps, caseId: string): Promise<'expired' | 'nothing-to-do'> {
  const c = await deps.cases.get<TrainingCaseData>(caseId);
  const delivery = c?.data.delivery;
  if (!c || !delivery || delivery.state !== 'pending') return 'nothing-to-do';
  if (delivery.expiresAt && Date.parse(delivery.expiresAt) > deps.clock.now().getTime()) return 'nothing-to-do';
  const saved = await recordEvent(deps, c, {
    event: 'downloadExpired',
    actorId: SYSTEM_ACTOR,
    patch: { data: { ...c.data, keyId: undefined, delivery: { state: 'expired', expiresAt: delivery.expiresAt } } },
  });
  if (delivery.keyId) await deps.keys.destroy(delivery.keyId);
  await deps.notifier.notify(saved.applicantId, { type: 'downloadExpired', caseId }, `${caseId}:expired`);
  return 'expired';
}
