import type { CertificateRecord } from '../certificates.js';
import {
  isServerClosed,
  serverNext,
  SERVER_REASON_OF_CHOICE,
  type ServerCertData,
  type ServerRevocationChoice,
} from '../cases/server-certificate.js';
import { PermanentError, type DomainError } from '../errors.js';
import { fail, ok, type Result } from '../result.js';
import { checkRenewalWindow, type RenewalWindowError } from '../rules/renewal.js';
import { createCertCase, normaliseSerial } from './cert-common.js';
import { enqueueCaWork, routeToTech, serverIssueJobKey, type ServerCase } from './server-certificate.js';
import type { ServerDeps } from './server-deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';

/** The people of a case who hear about its CA work: applicant, technical and verifying officer. */
const officersOf = (c: ServerCase): string[] => [
  ...new Set([c.applicantId, c.data.techId, c.data.verifierId, ...(c.data.requestedBy ? [c.data.requestedBy] : [])]),
];

async function tellAll(deps: ServerDeps, c: ServerCase, event: string, note?: string): Promise<void> {
  for (const p of officersOf(c)) {
    await deps.notifier.notify(p, { type: 'serverNotice', caseId: c.id, event, ...(note ? { note } : {}) }, `${c.id}:${event}:${p}`);
  }
}

/** The CA's reason for a refusal, as the officers are to read it. */
function caReason(e: DomainError): string {
  const d = e.details ?? {};
  return String(d.caReason ?? d.reason ?? e.message).slice(0, 300);
}

/**
 * The CA job of an approved server case: issues for the accepted CSR and the application's names,
 * stores the certificate against the technical officer, links a renewal to the certificate it
 * renews, and sends the technical officer the certificate and chain. A refusal fails the case with
 * the CA's reason shown to the officers; an unreachable CA is retried by the job, and the officers
 * are told once that issuance is delayed.
 */
export async function issueServerCertificate(deps: ServerDeps, caseId: string): Promise<'issued' | 'refused' | 'nothing-to-do'> {
  const c = await deps.cases.get<ServerCertData>(caseId);
  if (!c || c.kind !== 'SC' || c.status !== 'DIHANTAR_KE_CA' || c.data.operation === 'revoke' || !c.data.csr) return 'nothing-to-do';
  try {
    const agency = c.agencyId ? await deps.directory.getAgency(c.agencyId) : undefined;
    const cert = await deps.ca.issue({
      key: serverIssueJobKey(c.id),
      profile: 'server',
      subject: { commonName: c.data.domains[0]!, organization: agency?.name },
      dnsNames: c.data.domains,
      csrPem: c.data.csr.pem,
      validityDays: deps.server.policy.validityDays,
    });
    const record: CertificateRecord = {
      serial: cert.serial,
      ownerId: c.data.techId,
      caseId: c.id,
      profile: 'server',
      subjectCommonName: c.data.domains[0]!,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      status: 'AKTIF',
      certPem: cert.certPem,
    };
    await deps.certificates.save(record);
    if (c.data.renews) {
      const old = await deps.certificates.get(c.data.renews);
      if (old && !old.successor) await deps.certificates.save({ ...old, successor: { serial: cert.serial, caseId: c.id } });
    }
    const saved = await recordEvent(deps, c, {
      event: 'issued',
      actorId: SYSTEM_ACTOR,
      status: serverNext(c, 'issued'),
      patch: { certificateSerial: cert.serial },
    });
    await deps.notifier.notify(saved.data.techId, { type: 'serverIssued', caseId: c.id, serial: cert.serial }, `${c.id}:serverIssued`);
    for (const p of officersOf(saved).filter((id) => id !== saved.data.techId)) {
      await deps.notifier.notify(
        p,
        { type: 'serverNotice', caseId: c.id, event: 'issued', note: cert.serial.toUpperCase() },
        `${c.id}:issued:${p}`,
      );
    }
    return 'issued';
  } catch (e) {
    if (e instanceof PermanentError) return failCase(deps, caseId, e);
    await tellDelayedOnce(deps, caseId);
    throw e;
  }
}

async function failCase(deps: ServerDeps, caseId: string, e: DomainError): Promise<'refused'> {
  const c = await deps.cases.get<ServerCertData>(caseId);
  if (!c || c.status !== 'DIHANTAR_KE_CA') return 'refused';
  const reason = caReason(e);
  const saved = await recordEvent(deps, c, {
    event: 'caRefused',
    actorId: SYSTEM_ACTOR,
    status: serverNext(c, 'caRefused'),
    note: reason,
    patch: { reason },
  });
  await tellAll(deps, saved, 'caRefused', reason);
  return 'refused';
}

async function tellDelayedOnce(deps: ServerDeps, caseId: string): Promise<void> {
  const c = await deps.cases.get<ServerCertData>(caseId);
  if (!c || c.status !== 'DIHANTAR_KE_CA' || c.timeline.some((e) => e.event === 'caDelayed')) return;
  const saved = await recordEvent(deps, c, { event: 'caDelayed', actorId: SYSTEM_ACTOR }).catch(() => undefined);
  if (saved) await tellAll(deps, saved, 'caDelayed');
}

/** The CA job of a revocation: revoke with the reason, mark the certificate, tell the officers. */
export async function revokeServerCertificate(deps: ServerDeps, caseId: string): Promise<'revoked' | 'refused' | 'nothing-to-do'> {
  const c = await deps.cases.get<ServerCertData>(caseId);
  if (!c || c.kind !== 'SC' || c.status !== 'DIHANTAR_KE_CA' || c.data.operation !== 'revoke' || !c.data.serial || !c.data.reason)
    return 'nothing-to-do';
  let revokedAt: Date;
  try {
    ({ revokedAt } = await deps.ca.revoke(c.data.serial, c.data.reason));
  } catch (e) {
    if (e instanceof PermanentError) return failCase(deps, caseId, e).then(() => 'refused' as const);
    await tellDelayedOnce(deps, caseId);
    throw e;
  }
  const cert = await deps.certificates.get(c.data.serial);
  if (cert && cert.status !== 'DIBATALKAN')
    await deps.certificates.save({ ...cert, status: 'DIBATALKAN', revocation: { reason: c.data.reason, at: revokedAt.toISOString() } });
  const saved = await recordEvent(deps, c, {
    event: 'revoked',
    actorId: SYSTEM_ACTOR,
    status: serverNext(c, 'revoked'),
    note: c.data.reason,
    patch: { certificateSerial: c.data.serial },
  });
  await tellAll(deps, saved, 'revoked', c.data.serial.toUpperCase());
  return 'revoked';
}

export type ServerCertError = 'CERT_NOT_FOUND' | 'NOT_SERVER' | 'NOT_YOURS' | 'ALREADY_REQUESTED' | 'ALREADY_REVOKED' | RenewalWindowError;

/** A server certificate the person may act on: they are the applicant or technical officer of the case that made it. */
export async function serverCertificateFor(
  deps: ServerDeps,
  actorId: string,
  serial: string,
): Promise<Result<{ cert: CertificateRecord; origin: ServerCase }, ServerCertError>> {
  const cert = await deps.certificates.get(normaliseSerial(serial));
  if (!cert) return fail('CERT_NOT_FOUND', { serial: serial.toUpperCase() });
  if (cert.profile !== 'server') return fail('NOT_SERVER', { serial: cert.serial.toUpperCase() });
  const origin = await deps.cases.get<ServerCertData>(cert.caseId);
  if (!origin || (origin.applicantId !== actorId && origin.data.techId !== actorId))
    return fail('NOT_YOURS', { serial: cert.serial.toUpperCase() });
  const open = (await deps.cases.listByApplicant(origin.applicantId)).find(
    (x) =>
      x.kind === 'SC' &&
      !isServerClosed(x) &&
      [(x.data as unknown as ServerCertData).renews, (x.data as unknown as ServerCertData).serial].includes(cert.serial),
  );
  if (open) return fail('ALREADY_REQUESTED', { serial: cert.serial.toUpperCase(), caseId: open.id });
  return ok({ cert, origin });
}

/**
 * A renewal (DOMAIN.md 2.5): only inside the window before expiry; the same type, names, system
 * and officers (a change is a new application); the technical officer must send a CSR with a new
 * key, which the seen-key check enforces.
 */
export async function submitServerRenewal(
  deps: ServerDeps,
  opts: { actorId: string; serial: string },
): Promise<Result<ServerCase, ServerCertError>> {
  const found = await serverCertificateFor(deps, opts.actorId, opts.serial);
  if (!found.ok) return found;
  const { cert, origin } = found.value;
  const window = checkRenewalWindow(cert, deps.clock.now(), deps.server.policy.renewalWindowDays);
  if (!window.ok) return fail(window.error, { ...window.params, serial: cert.serial.toUpperCase() });
  const d = origin.data;
  const data: ServerCertData = {
    operation: 'renew',
    certType: d.certType,
    systemName: d.systemName,
    domains: d.domains,
    justification: d.justification,
    techId: d.techId,
    verifierId: d.verifierId,
    renews: cert.serial,
  };
  const created = await createCertCase<ServerCertData>(deps, {
    kind: 'SC',
    applicantId: origin.applicantId,
    agencyId: origin.agencyId,
    actorId: opts.actorId,
    data,
  });
  return ok(await routeToTech(deps, created));
}

/**
 * A revocation, asked by the applicant or the technical officer: endorsed by the verifying officer,
 * except key compromise, which goes to the CA at once (the verifying officer is informed).
 */
export async function submitServerRevocation(
  deps: ServerDeps,
  opts: { actorId: string; serial: string; choice: ServerRevocationChoice },
): Promise<Result<{ c: ServerCase; path: 'immediate' | 'awaitingVerifier' }, ServerCertError>> {
  const found = await serverCertificateFor(deps, opts.actorId, opts.serial);
  if (!found.ok) return found;
  const { cert, origin } = found.value;
  if (cert.status === 'DIBATALKAN') return fail('ALREADY_REVOKED', { serial: cert.serial.toUpperCase() });
  const d = origin.data;
  const reason = SERVER_REASON_OF_CHOICE[opts.choice];
  const data: ServerCertData = {
    operation: 'revoke',
    certType: d.certType,
    systemName: d.systemName,
    domains: d.domains,
    justification: d.justification,
    techId: d.techId,
    verifierId: d.verifierId,
    serial: cert.serial,
    choice: opts.choice,
    reason,
    requestedBy: opts.actorId,
  };
  const created = await createCertCase<ServerCertData>(deps, {
    kind: 'SC',
    applicantId: origin.applicantId,
    agencyId: origin.agencyId,
    actorId: opts.actorId,
    data,
  });
  if (reason === 'keyCompromise') {
    const sent = await recordEvent(deps, created, {
      event: 'fastTracked',
      actorId: opts.actorId,
      status: serverNext(created, 'fastTrack'),
    });
    await enqueueCaWork(deps, sent);
    await deps.notifier.notify(d.verifierId, { type: 'serverNotice', caseId: sent.id, event: 'revocationInformed' }, `${sent.id}:informed`);
    return ok({ c: sent, path: 'immediate' });
  }
  const routed = await recordEvent(deps, created, { event: 'routed', actorId: SYSTEM_ACTOR, status: serverNext(created, 'route') });
  await deps.notifier.notify(
    d.verifierId,
    { type: 'serverTask', caseId: routed.id, task: 'endorse' },
    `${routed.id}:v${routed.version}:endorse`,
  );
  return ok({ c: routed, path: 'awaitingVerifier' });
}
