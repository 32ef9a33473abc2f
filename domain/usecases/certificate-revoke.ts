import type { Case } from '../cases/case.js';
import { nextStatus } from '../cases/lifecycle.js';
import { operationOf, type ApplicationData, type Realm, type RevocationData } from '../cases/operations.js';
import { effectiveStatus, type CertificateRecord } from '../certificates.js';
import { PermanentError } from '../errors.js';
import { fail, ok, type Result } from '../result.js';
import { choicesFor, REASON_OF_CHOICE, revocationPath, type RevocationChoice } from '../rules/revocation.js';
import {
  approveOnBehalf,
  approversOf,
  CA_JOB_RETRY,
  caFor,
  certificateFor,
  createCertCase,
  issueJobKey,
  kindOfRealm,
  notifyApproversOf,
  openRequestFor,
  realmOfCase,
  revokeJobKey,
  type OwnershipError,
} from './cert-common.js';
import type { CoreDeps } from './deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';
import { JOBS } from '../ports/job-names.js';

export type RevokeError = OwnershipError | 'ALREADY_REVOKED' | 'EXPIRED' | 'ALREADY_REQUESTED' | 'REASON_NOT_ALLOWED';

/**
 * Whether `actorId` may ask to revoke `serial` at all (before the interview): their own, or a
 * user's of their agency if they are an AP; not already revoked, expired or being revoked.
 */
export async function checkRevocable(
  deps: CoreDeps,
  opts: { actorId: string; serial: string; realm: Realm },
): Promise<Result<{ cert: CertificateRecord; requester: 'OWNER' | 'AP'; choices: RevocationChoice[] }, RevokeError>> {
  const found = await certificateFor(deps, opts.actorId, opts.serial, opts.realm);
  if (!found.ok) return found;
  const { cert, requester } = found.value;
  const status = effectiveStatus(cert, deps.clock.now(), deps.policy.renewalWindowDays);
  const serial = cert.serial.toUpperCase();
  if (status === 'DIBATALKAN')
    return fail('ALREADY_REVOKED', { serial, at: cert.revocation?.at ?? '', reason: cert.revocation?.reason ?? '' });
  if (status === 'LUPUT') return fail('EXPIRED', { serial, expiredOn: cert.notAfter });
  const open = await openRequestFor(deps, cert.ownerId, cert.serial);
  if (open) return fail('ALREADY_REQUESTED', { serial, caseId: open.id });
  return ok({ cert, requester, choices: choicesFor(requester) });
}

/**
 * Records a revocation request after the interview. The owner's key-compromise report goes to
 * the CA at once and the APs are informed; an AP's request is their approval; any other reason
 * waits for an AP. A refused request creates no case.
 */
export async function submitRevocation(
  deps: CoreDeps,
  opts: { actorId: string; serial: string; realm: Realm; choice: RevocationChoice },
): Promise<Result<{ c: Case<RevocationData>; path: 'immediate' | 'apApproves' | 'awaitingAp' }, RevokeError>> {
  const check = await checkRevocable(deps, opts);
  if (!check.ok) return check;
  const { cert, requester, choices } = check.value;
  if (!choices.includes(opts.choice)) return fail('REASON_NOT_ALLOWED', { choice: opts.choice });
  const owner = await deps.directory.getPerson(cert.ownerId);
  const reason = REASON_OF_CHOICE[opts.choice];
  const created = await createCertCase<RevocationData>(deps, {
    kind: kindOfRealm(opts.realm),
    applicantId: cert.ownerId,
    agencyId: owner?.agencyId,
    actorId: opts.actorId,
    data: {
      operation: 'revoke',
      serial: cert.serial,
      choice: opts.choice,
      reason,
      holderName: cert.subjectCommonName,
      requestedBy: opts.actorId,
    },
  });
  const path = revocationPath(reason, requester);
  if (path === 'immediate') {
    const sent = await recordEvent(deps, created, {
      event: 'fastTracked',
      actorId: opts.actorId,
      status: nextStatus(created, 'fastTrack'),
    });
    await deps.jobs.enqueue({ ...JOBS.caRevoke, payload: { caseId: sent.id }, key: revokeJobKey(sent.id), ...CA_JOB_RETRY });
    await informApprovers(deps, sent);
    return ok({ c: sent, path });
  }
  const routed = await recordEvent(deps, created, { event: 'routed', actorId: SYSTEM_ACTOR, status: nextStatus(created, 'route') });
  if (path === 'apApproves') return ok({ c: await approveOnBehalf(deps, routed, opts.actorId), path });
  await notifyApproversOf(deps, routed);
  return ok({ c: routed, path });
}

async function informApprovers<D>(deps: CoreDeps, c: Case<D>): Promise<void> {
  for (const id of await approversOf(deps, c)) {
    await deps.notifier.notify(id, { type: 'revocationInformed', caseId: c.id }, `${c.id}:informed`);
  }
}

/**
 * The CA job that revokes: a revocation case's certificate, or the old certificate of a
 * replacement (its first half), after which the replacement goes to its AP or on to issuance.
 * The certificate record follows what the CA did. Safe to run twice (the CA's revoke is
 * idempotent per serial; a case that moved on is left alone).
 */
export async function revokeForCase(deps: CoreDeps, caseId: string): Promise<'revoked' | 'refused' | 'nothing-to-do'> {
  const c = await deps.cases.get<ApplicationData | RevocationData>(caseId);
  if (!c || (c.kind !== 'UC' && c.kind !== 'TC')) return 'nothing-to-do';
  const op = operationOf(c);
  const half = op === 'replace' && (c.status === 'MEMBATALKAN_SEGERA' || c.status === 'MEMBATALKAN_LAMA');
  if (!half && !(op === 'revoke' && c.status === 'DIHANTAR_KE_CA')) return 'nothing-to-do';
  const { serial, reason } = half
    ? { serial: (c.data as ApplicationData).replaces!, reason: (c.data as ApplicationData).revocationReason ?? 'superseded' }
    : { serial: (c.data as RevocationData).serial, reason: (c.data as RevocationData).reason };
  let revokedAt: Date;
  try {
    ({ revokedAt } = await caFor(deps, realmOfCase(c)).revoke(serial, reason));
  } catch (e) {
    if (!(e instanceof PermanentError)) throw e;
    const saved = await recordEvent(deps, c, {
      event: 'caRefused',
      actorId: SYSTEM_ACTOR,
      status: nextStatus(c, 'caRefused'),
      note: e.code,
      patch: { reason: e.code },
    });
    await deps.notifier.notify(saved.applicantId, { type: 'caseFailed', caseId: c.id }, `${c.id}:failed`);
    return 'refused';
  }
  const cert = await deps.certificates.get(serial);
  if (cert && cert.status !== 'DIBATALKAN') {
    await deps.certificates.save({ ...cert, status: 'DIBATALKAN', revocation: { reason, at: revokedAt.toISOString() } });
  }
  const at = revokedAt.toISOString();
  if (!half) {
    const saved = await recordEvent(deps, c, {
      event: 'revoked',
      actorId: SYSTEM_ACTOR,
      status: nextStatus(c, 'revoked'),
      note: reason,
      patch: { certificateSerial: serial },
    });
    await deps.notifier.notify(saved.applicantId, { type: 'certificateRevoked', caseId: c.id, serial }, `${c.id}:revoked`);
    return 'revoked';
  }
  // The second pass of a replacement whose old certificate went at once only confirms it.
  const confirming = Boolean((c.data as ApplicationData).oldRevokedAt);
  const saved = await recordEvent(deps, c as Case<ApplicationData>, {
    event: confirming ? 'oldRevocationConfirmed' : 'oldRevoked',
    actorId: SYSTEM_ACTOR,
    status: nextStatus(c, 'oldRevoked'),
    note: reason,
    patch: { data: { ...(c.data as ApplicationData), oldRevokedAt: (c.data as ApplicationData).oldRevokedAt ?? at } },
  });
  if (!confirming) await deps.notifier.notify(saved.applicantId, { type: 'certificateRevoked', caseId: c.id, serial }, `${c.id}:revoked`);
  if (saved.status === 'MENUNGGU_PENGESAHAN_AP') await notifyApproversOf(deps, saved);
  else await deps.jobs.enqueue({ ...JOBS.caIssue, payload: { caseId: c.id }, key: issueJobKey(c.id), ...CA_JOB_RETRY });
  return 'revoked';
}
