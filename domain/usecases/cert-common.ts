import type { Case, CaseKind } from '../cases/case.js';
import { isClosed, nextStatus } from '../cases/lifecycle.js';
import { KIND_OF_REALM, operationOf, realmOfKind, targetSerial, type Realm } from '../cases/operations.js';
import { realmOf, type CertificateProfile, type CertificateRecord } from '../certificates.js';
import { mayActFor } from '../cases/authority.js';
import type { Person } from '../people.js';
import type { CertificateAuthority } from '../ports/certificate-authority.js';
import type { Requester } from '../rules/revocation.js';
import { fail, ok, type Result } from '../result.js';
import { decidersOf } from './authority.js';
import type { CoreDeps } from './deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';
import { JOBS } from '../ports/job-names.js';

/** Queue keys of a case's CA work: the same case never issues or revokes twice. */
export const issueJobKey = (caseId: string) => `${caseId}:issue`;
export const revokeJobKey = (caseId: string) => `${caseId}:revoke`;
/** A replacement's revocation after approval: its own key, since an urgent one may have run already. */
export const revokeOldJobKey = (caseId: string) => `${caseId}:revokeOld`;
export const expireDownloadJobKey = (caseId: string) => `${caseId}:expireDownload`;

/** Issue and revoke jobs retry long: a replacement must never be left without its new certificate. */
export const CA_JOB_RETRY = { attempts: 12, backoffMs: 2000 } as const;

export function caFor(deps: Pick<CoreDeps, 'ca' | 'trainingCa'>, realm: Realm): CertificateAuthority {
  return realm === 'training' ? deps.trainingCa : deps.ca;
}

export const profileOfRealm = (realm: Realm): CertificateProfile => (realm === 'training' ? 'training' : 'user');

export function realmOfCase(c: Pick<Case<unknown>, 'kind'>): Realm {
  const realm = realmOfKind(c.kind);
  if (!realm) throw new Error(`not a certificate case: ${c.kind}`);
  return realm;
}

export const kindOfRealm = (realm: Realm): CaseKind => KIND_OF_REALM[realm];

export type OwnershipError = 'CERT_NOT_FOUND' | 'NOT_OWNER' | 'WRONG_REALM';

/**
 * The certificate a person may act on: their own, or (for an AP) one held by a user of the AP's
 * agency. Anyone else's is refused as not theirs, never as unknown, so they know to ask its holder.
 */
export async function certificateFor(
  deps: Pick<CoreDeps, 'certificates' | 'directory'>,
  actorId: string,
  serial: string,
  realm: Realm,
): Promise<Result<{ cert: CertificateRecord; owner: Person; actor: Person; requester: Requester }, OwnershipError>> {
  const cert = await deps.certificates.get(normaliseSerial(serial));
  if (!cert) return fail('CERT_NOT_FOUND', { serial: serial.toUpperCase() });
  if (realmOf(cert) !== realm) return fail('WRONG_REALM', { serial: cert.serial.toUpperCase() });
  const [actor, owner] = await Promise.all([deps.directory.getPerson(actorId), deps.directory.getPerson(cert.ownerId)]);
  if (!actor || !owner) return fail('NOT_OWNER', { serial: cert.serial.toUpperCase() });
  if (owner.id === actor.id) return ok({ cert, owner, actor, requester: 'OWNER' });
  if (mayActFor(actor, owner)) return ok({ cert, owner, actor, requester: 'AP' });
  return fail('NOT_OWNER', { serial: cert.serial.toUpperCase() });
}

/** Serials as stored: lower-case hex without separators or leading zeros. */
export function normaliseSerial(serial: string): string {
  return serial
    .trim()
    .toLowerCase()
    .replace(/[:\s]/g, '')
    .replace(/^0+(?=.)/, '');
}

/** An open renewal, revocation or replacement of the same certificate: a second one would race it. */
export async function openRequestFor(deps: Pick<CoreDeps, 'cases'>, ownerId: string, serial: string): Promise<Case | undefined> {
  const cases = await deps.cases.listByApplicant(ownerId);
  return cases.find((c) => operationOf(c) !== 'new' && targetSerial(c) === serial && !isClosed(c));
}

/** Creates a certificate case in `DIHANTAR` and audits the submission (by the actor, maybe an AP). */
export async function createCertCase<D>(
  deps: Pick<CoreDeps, 'cases' | 'audit' | 'clock'>,
  input: { kind: CaseKind; applicantId: string; agencyId?: string; actorId: string; data: D; note?: string },
): Promise<Case<D>> {
  const now = deps.clock.now().toISOString();
  const created = await deps.cases.create<D>({
    kind: input.kind,
    status: 'DIHANTAR',
    applicantId: input.applicantId,
    agencyId: input.agencyId,
    data: input.data,
    timeline: [{ at: now, event: 'submitted', actorId: input.actorId, status: 'DIHANTAR', ...(input.note ? { note: input.note } : {}) }],
    createdAt: now,
  });
  await deps.audit.append({
    caseId: created.id,
    at: now,
    actorId: input.actorId,
    action: 'submitted',
    data: { status: 'DIHANTAR', ...(input.note ? { note: input.note } : {}) },
  });
  return created;
}

/**
 * The APs who verify the case (domain/cases/authority.ts: of its agency, never the applicant),
 * whatever its status now: a fast-tracked revocation informs the same people.
 */
export async function approversOf<D>(deps: Pick<CoreDeps, 'directory'>, c: Case<D>): Promise<string[]> {
  return decidersOf(deps, c as Case<unknown>, 'verify');
}

export async function notifyApproversOf<D>(deps: CoreDeps, c: Case<D>): Promise<void> {
  for (const id of await approversOf(deps, c)) {
    await deps.notifier.notify(id, { type: 'approvalRequest', caseId: c.id }, `${c.id}:v${c.version}`);
  }
}

/**
 * What follows an AP's approval, by operation: a revocation goes to the CA; a replacement revokes
 * the old certificate (or confirms it was revoked already) before anything is issued; everything
 * else is issued.
 */
export async function afterApproval<D>(deps: CoreDeps, approved: Case<D>): Promise<Case<D>> {
  const op = operationOf(approved);
  if (op === 'revoke' || op === 'replace') {
    const event = op === 'revoke' ? 'sendToCa' : 'revokeOld';
    const sent = await recordEvent(deps, approved, {
      event: op === 'revoke' ? 'sentToCa' : 'revokingOld',
      actorId: SYSTEM_ACTOR,
      status: nextStatus(approved, event),
    });
    await deps.jobs.enqueue({
      ...JOBS.caRevoke,
      payload: { caseId: sent.id },
      key: op === 'revoke' ? revokeJobKey(sent.id) : revokeOldJobKey(sent.id),
      ...CA_JOB_RETRY,
    });
    return sent;
  }
  const sent = await recordEvent(deps, approved, { event: 'sentToCa', actorId: SYSTEM_ACTOR, status: nextStatus(approved, 'sendToCa') });
  await deps.jobs.enqueue({ ...JOBS.caIssue, payload: { caseId: sent.id }, key: issueJobKey(sent.id), ...CA_JOB_RETRY });
  return sent;
}

/**
 * An AP starting a request on behalf of a user of their agency has verified it by doing so
 * (DOMAIN.md 2.3: "AP submits"): the case is routed and approved in the AP's name at once, and
 * the holder is told who acted for them.
 */
export async function approveOnBehalf<D>(deps: CoreDeps, routed: Case<D>, apId: string): Promise<Case<D>> {
  const approved = await recordEvent(deps, routed, { event: 'approvedOnBehalf', actorId: apId, status: nextStatus(routed, 'approve') });
  const sent = await afterApproval(deps, approved);
  await deps.notifier.notify(sent.applicantId, { type: 'startedOnBehalf', caseId: sent.id }, `${sent.id}:onBehalf`);
  return sent;
}
