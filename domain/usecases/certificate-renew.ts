import type { Case } from '../cases/case.js';
import { nextStatus } from '../cases/lifecycle.js';
import type { ApplicationData, OperationFields, Realm } from '../cases/operations.js';
import type { CertificateRecord } from '../certificates.js';
import type { Person } from '../people.js';
import { fail, ok, type Result } from '../result.js';
import { checkRenewalWindow, type RenewalWindowError } from '../rules/renewal.js';
import type { Requester } from '../rules/revocation.js';
import {
  approveOnBehalf,
  certificateFor,
  createCertCase,
  kindOfRealm,
  notifyApproversOf,
  openRequestFor,
  type OwnershipError,
} from './cert-common.js';
import type { CoreDeps } from './deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';
import { validateAny, type SubmitError } from './user-certificate-apply.js';

export type RenewError = OwnershipError | RenewalWindowError | 'ALREADY_REQUESTED' | 'NO_PREVIOUS';

export interface Renewable {
  cert: CertificateRecord;
  owner: Person;
  requester: Requester;
  /** The application that produced the certificate, to pre-fill the renewal with. */
  previous: ApplicationData;
}

const OPERATION_KEYS: (keyof OperationFields)[] = [
  'operation',
  'renews',
  'replaces',
  'trigger',
  'revocationReason',
  'oldRevokedAt',
  'requestedBy',
  'keyId',
  'delivery',
];

/** The application behind a certificate, without what its own operation added. */
export async function previousApplication(deps: Pick<CoreDeps, 'cases'>, cert: CertificateRecord): Promise<ApplicationData | undefined> {
  const c = await deps.cases.get<ApplicationData>(cert.caseId);
  if (!c) return undefined;
  const data = { ...c.data } as Record<string, unknown>;
  for (const k of OPERATION_KEYS) delete data[k];
  return data as unknown as ApplicationData;
}

/**
 * Whether `actorId` may renew `serial` now (DOMAIN.md 2.2): their own certificate (or, for an AP,
 * a user's of their agency), valid, not renewed yet, inside the window before expiry. The
 * refusals carry what the user needs to hear: when the window opens, or that it expired.
 */
export async function checkRenewal(
  deps: CoreDeps,
  opts: { actorId: string; serial: string; realm: Realm },
): Promise<Result<Renewable, RenewError>> {
  const found = await certificateFor(deps, opts.actorId, opts.serial, opts.realm);
  if (!found.ok) return found;
  const { cert, owner, requester } = found.value;
  const window = checkRenewalWindow(cert, deps.clock.now(), deps.policy.renewalWindowDays);
  if (!window.ok) return fail(window.error, { ...window.params, serial: cert.serial.toUpperCase() });
  const open = await openRequestFor(deps, cert.ownerId, cert.serial);
  if (open) return fail('ALREADY_REQUESTED', { serial: cert.serial.toUpperCase(), caseId: open.id });
  const previous = await previousApplication(deps, cert);
  if (!previous) return fail('NO_PREVIOUS', { serial: cert.serial.toUpperCase() });
  return ok({ cert, owner, requester, previous });
}

/**
 * Submits a renewal: its own case (`UC`/`TC`) that links the certificate it renews, verified by
 * an AP like a new application (an AP renewing for a user verifies it by doing so). The old
 * certificate stays valid until it expires.
 */
export async function submitRenewal(
  deps: CoreDeps,
  opts: { actorId: string; serial: string; realm: Realm; application: ApplicationData },
): Promise<Result<Case<ApplicationData>, RenewError | SubmitError>> {
  const check = await checkRenewal(deps, opts);
  if (!check.ok) return check;
  const { cert, owner, requester } = check.value;
  const realmCase = { kind: kindOfRealm(opts.realm), applicantId: owner.id };
  const valid = await validateAny(deps, realmCase, opts.application, [owner.id, opts.actorId]);
  if (!valid.ok) return valid;
  const created = await createCertCase<ApplicationData>(deps, {
    ...realmCase,
    agencyId: valid.value.agencyId,
    actorId: opts.actorId,
    data: { ...valid.value, operation: 'renew', renews: cert.serial, ...(requester === 'AP' ? { requestedBy: opts.actorId } : {}) },
  });
  const routed = await recordEvent(deps, created, { event: 'routed', actorId: SYSTEM_ACTOR, status: nextStatus(created, 'route') });
  if (requester === 'AP') return ok(await approveOnBehalf(deps, routed, opts.actorId));
  await notifyApproversOf(deps, routed);
  return ok(routed);
}
