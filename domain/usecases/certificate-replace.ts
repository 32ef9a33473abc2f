import type { Case } from '../cases/case.js';
import { nextStatus } from '../cases/lifecycle.js';
import type { ApplicationData, Realm } from '../cases/operations.js';
import { effectiveStatus } from '../certificates.js';
import { fail, ok, type Result } from '../result.js';
import { isReplacementTrigger, replacementAnswersFor, replacementReason, type ReplacementAnswer } from '../rules/replacement.js';
import {
  approveOnBehalf,
  approversOf,
  CA_JOB_RETRY,
  certificateFor,
  createCertCase,
  kindOfRealm,
  notifyApproversOf,
  openRequestFor,
  revokeJobKey,
  type OwnershipError,
} from './cert-common.js';
import { previousApplication, type Renewable } from './certificate-renew.js';
import type { CoreDeps } from './deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';
import { validateAny, type SubmitError } from './user-certificate-apply.js';
import { JOBS } from '../ports/job-names.js';

export type ReplaceError = OwnershipError | 'ALREADY_REVOKED' | 'EXPIRED' | 'ALREADY_REQUESTED' | 'NO_PREVIOUS' | 'NOT_A_REPLACEMENT';

/**
 * Whether `actorId` may ask to replace `serial`: their own (or, for an AP, a user's of their
 * agency), neither revoked (then it is a new application) nor expired (a renewal or a new one).
 */
export async function checkReplaceable(
  deps: CoreDeps,
  opts: { actorId: string; serial: string; realm: Realm },
): Promise<Result<Renewable, ReplaceError>> {
  const found = await certificateFor(deps, opts.actorId, opts.serial, opts.realm);
  if (!found.ok) return found;
  const { cert, owner, requester } = found.value;
  const serial = cert.serial.toUpperCase();
  const status = effectiveStatus(cert, deps.clock.now(), deps.policy.renewalWindowDays);
  if (status === 'DIBATALKAN' || status === 'DIGANTI')
    return fail('ALREADY_REVOKED', { serial, at: cert.revocation?.at ?? '', reason: cert.revocation?.reason ?? '' });
  if (status === 'LUPUT') return fail('EXPIRED', { serial, expiredOn: cert.notAfter });
  const open = await openRequestFor(deps, cert.ownerId, cert.serial);
  if (open) return fail('ALREADY_REQUESTED', { serial, caseId: open.id });
  const previous = await previousApplication(deps, cert);
  if (!previous) return fail('NO_PREVIOUS', { serial });
  return ok({ cert, owner, requester, previous });
}

/**
 * Submits a replacement: one case that first revokes the old certificate (keyCompromise when the
 * medium was lost, stolen or disclosed, superseded otherwise) and then issues a new one after AP
 * verification. An owner reporting a lost or stolen key has the old one revoked at once (the AP
 * verifies the new one meanwhile); an AP replacing for a user verifies it by doing so. A blocked
 * token or a forgotten PIN is refused as not a replacement, with no case.
 */
export async function submitReplacement(
  deps: CoreDeps,
  opts: { actorId: string; serial: string; realm: Realm; trigger: ReplacementAnswer; application: ApplicationData },
): Promise<Result<Case<ApplicationData>, ReplaceError | SubmitError>> {
  if (!isReplacementTrigger(opts.trigger) || !replacementAnswersFor(opts.realm).includes(opts.trigger))
    return fail('NOT_A_REPLACEMENT', { trigger: opts.trigger });
  const check = await checkReplaceable(deps, opts);
  if (!check.ok) return check;
  const { cert, owner, requester } = check.value;
  const realmCase = { kind: kindOfRealm(opts.realm), applicantId: owner.id };
  const valid = await validateAny(deps, realmCase, opts.application, [owner.id, opts.actorId]);
  if (!valid.ok) return valid;
  const reason = replacementReason(opts.trigger);
  const created = await createCertCase<ApplicationData>(deps, {
    ...realmCase,
    agencyId: valid.value.agencyId,
    actorId: opts.actorId,
    data: {
      ...valid.value,
      operation: 'replace',
      replaces: cert.serial,
      trigger: opts.trigger,
      revocationReason: reason,
      ...(requester === 'AP' ? { requestedBy: opts.actorId } : {}),
    },
  });
  if (requester === 'OWNER' && reason === 'keyCompromise') {
    const revoking = await recordEvent(deps, created, {
      event: 'revokingUrgently',
      actorId: opts.actorId,
      status: nextStatus(created, 'revokeUrgently'),
    });
    await deps.jobs.enqueue({
      ...JOBS.caRevoke,
      payload: { caseId: revoking.id },
      key: revokeJobKey(revoking.id),
      ...CA_JOB_RETRY,
    });
    for (const id of await approversOf(deps, revoking)) {
      await deps.notifier.notify(id, { type: 'revocationInformed', caseId: revoking.id }, `${revoking.id}:informed`);
    }
    return ok(revoking);
  }
  const routed = await recordEvent(deps, created, { event: 'routed', actorId: SYSTEM_ACTOR, status: nextStatus(created, 'route') });
  if (requester === 'AP') return ok(await approveOnBehalf(deps, routed, opts.actorId));
  await notifyApproversOf(deps, routed);
  return ok(routed);
}
