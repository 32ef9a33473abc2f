import type { Case } from '../cases/case.js';
import { isCaseOf } from '../cases/kinds.js';
import { serverNext, serverTransition, type ServerCertData, type ServerEvent } from '../cases/server-certificate.js';
import { isDomainError } from '../errors.js';
import { refusalFor, serverDecisionTask, type ServerTask } from '../cases/authority.js';
import type { Person } from '../people.js';
import { fail, ok, type Result } from '../result.js';
import { parsePlainText } from '../rules/contact.js';
import { assessCsr, checkDomainsForType, normaliseDomain, SERVER_CERT_TYPES, type Problem } from '../rules/server-csr.js';
import { decidersOf } from './authority.js';
import { CA_JOB_RETRY, createCertCase } from './cert-common.js';
import type { ServerDeps } from './server-deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';
import { JOBS } from '../ports/job-names.js';

export type ServerCase = Case<ServerCertData>;

export const serverIssueJobKey = (caseId: string) => `${caseId}:serverIssue`;
export const serverRevokeJobKey = (caseId: string) => `${caseId}:serverRevoke`;

export type ServerApplicationInput = Pick<
  ServerCertData,
  'certType' | 'systemName' | 'domains' | 'justification' | 'techId' | 'verifierId'
>;

export type ServerSubmitError = 'INVALID_FIELD' | 'NAMES_INVALID' | 'PERSON_UNKNOWN' | 'SAME_PERSON' | 'NO_AGENCY';

/**
 * Who is who on a server case: three different people (DOMAIN.md 2.5; ARCHITECTURE.md 6: the
 * verifying officer is neither the applicant nor the technical officer).
 */
export async function checkOfficers(
  deps: Pick<ServerDeps, 'directory'>,
  applicantId: string,
  techId: string,
  verifierId: string,
): Promise<Result<{ tech: Person; verifier: Person }, 'PERSON_UNKNOWN' | 'SAME_PERSON'>> {
  if (new Set([applicantId, techId, verifierId]).size !== 3) {
    return fail('SAME_PERSON', { who: techId === applicantId ? 'tech' : 'verifier' });
  }
  const [tech, verifier] = await Promise.all([deps.directory.getPerson(techId), deps.directory.getPerson(verifierId)]);
  if (!tech) return fail('PERSON_UNKNOWN', { who: 'tech' });
  if (!verifier) return fail('PERSON_UNKNOWN', { who: 'verifier' });
  return ok({ tech, verifier });
}

/**
 * A new server-certificate application: checked again here (dialogs check as the user types),
 * then the technical officer is asked for the CSR.
 */
export async function submitServerApplication(
  deps: ServerDeps,
  applicantId: string,
  input: ServerApplicationInput,
): Promise<Result<ServerCase, ServerSubmitError>> {
  if (!SERVER_CERT_TYPES.includes(input.certType)) return fail('INVALID_FIELD', { field: 'certType' });
  const system = parsePlainText(input.systemName, { min: 3, max: 120 });
  if (!system.ok) return fail('INVALID_FIELD', { field: 'systemName' });
  const why = parsePlainText(input.justification, { min: 10, max: 500 });
  if (!why.ok) return fail('INVALID_FIELD', { field: 'justification' });
  const domains = input.domains.map(normaliseDomain);
  const names = checkDomainsForType(input.certType, domains, deps.server.policy.domainSuffixes);
  if (names.length > 0) return fail('NAMES_INVALID', { codes: names.map((p) => p.code).join(',') });
  const officers = await checkOfficers(deps, applicantId, input.techId, input.verifierId);
  if (!officers.ok) return officers;
  const applicant = await deps.directory.getPerson(applicantId);
  if (!applicant?.agencyId) return fail('NO_AGENCY');
  const data: ServerCertData = {
    operation: 'new',
    certType: input.certType,
    systemName: system.value,
    domains,
    justification: why.value,
    techId: input.techId,
    verifierId: input.verifierId,
  };
  const created = await createCertCase<ServerCertData>(deps, {
    kind: 'SC',
    applicantId,
    agencyId: applicant.agencyId,
    actorId: applicantId,
    data,
  });
  return ok(await routeToTech(deps, created));
}

/** Routes a new or renewal case to its technical officer for the CSR. */
export async function routeToTech(deps: ServerDeps, c: ServerCase): Promise<ServerCase> {
  const routed = await recordEvent(deps, c, { event: 'csrRequested', actorId: SYSTEM_ACTOR, status: serverNext(c, 'route') });
  await askDeciders(deps, routed, 'csr');
  return routed;
}

/** Sends the task card to everyone who may do it (domain/cases/authority.ts), once per case version. */
async function askDeciders(deps: ServerDeps, c: ServerCase, task: ServerTask): Promise<void> {
  for (const id of await decidersOf(deps, c, task)) {
    await deps.notifier.notify(id, { type: 'serverTask', caseId: c.id, task }, `${c.id}:v${c.version}:${task}`);
  }
}

export type CsrError = 'CASE_NOT_FOUND' | 'NOT_TECH' | 'NOT_WAITING' | 'CSR_REFUSED';

/**
 * The technical officer's CSR, checked at once (DOMAIN.md 4.4). Every problem comes back, so all
 * can be fixed in one go; an accepted CSR claims its public key (no key is certified twice) and
 * goes to the verifying officer.
 */
export async function provideServerCsr(
  deps: ServerDeps,
  opts: { caseId: string; actorId: string; input: Uint8Array | string },
): Promise<{ ok: true; value: ServerCase } | { ok: false; error: CsrError; problems?: Problem[]; params?: Record<string, string> }> {
  const c = await deps.cases.get<ServerCertData>(opts.caseId);
  if (!c || c.kind !== 'SC') return { ok: false, error: 'CASE_NOT_FOUND' };
  const actor = await deps.directory.getPerson(opts.actorId);
  if (!actor || refusalFor(actor, c, 'csr')) return { ok: false, error: 'NOT_TECH' };
  if (c.status !== 'MENUNGGU_CSR') return { ok: false, error: 'NOT_WAITING', params: { status: c.status } };
  const size = typeof opts.input === 'string' ? new TextEncoder().encode(opts.input).length : opts.input.length;
  const read = size > deps.policy.maxUploadBytes ? undefined : deps.server.csrReader.read(opts.input);
  const seen = read ? await deps.server.keyFingerprints.lookup(read.facts.keyFingerprint) : undefined;
  const problems = assessCsr(read, {
    type: c.data.certType,
    domains: c.data.domains,
    allowedSuffixes: deps.server.policy.domainSuffixes,
    keySeenBefore: Boolean(seen && seen.caseId !== c.id),
    sizeBytes: size,
    maxBytes: deps.policy.maxUploadBytes,
  });
  if (problems.length > 0 || !read) return { ok: false, error: 'CSR_REFUSED', problems };
  const claim = await deps.server.keyFingerprints.claim(read.facts.keyFingerprint, c.id);
  if (!claim.claimed) return { ok: false, error: 'CSR_REFUSED', problems: [{ code: 'CSR_KEY_REUSED' }] };
  const csr = {
    pem: read.pem,
    keyFingerprint: read.facts.keyFingerprint,
    keyType: read.facts.keyType === 'rsa' ? `RSA-${read.facts.rsaBits}` : `EC ${read.facts.ecCurve}`,
    at: deps.clock.now().toISOString(),
  };
  const saved = await recordEvent(deps, c, {
    event: 'csrAccepted',
    actorId: opts.actorId,
    status: serverNext(c, 'csrAccepted'),
    patch: { data: { ...c.data, csr } },
  });
  await askDeciders(deps, saved, 'endorse');
  await deps.notifier.notify(
    saved.applicantId,
    { type: 'serverNotice', caseId: saved.id, event: 'csrAccepted' },
    `${saved.id}:v${saved.version}:csrAccepted`,
  );
  return { ok: true, value: saved };
}

/** The decisions on a server certificate case (the edge validates its payloads against this list). */
export const SERVER_DECISIONS = ['endorse', 'return', 'reject', 'approve'] as const;
export type ServerDecision = (typeof SERVER_DECISIONS)[number];
export type ServerDecisionError =
  'CASE_NOT_FOUND' | 'NOT_YOURS' | 'SELF_APPROVAL' | 'ROLE_REQUIRED' | 'ALREADY_DECIDED' | 'NOTE_REQUIRED' | 'CHANGED_SINCE';

/**
 * The verifying officer endorses, returns (for a new CSR) or rejects; then a lead-agency officer
 * approves or rejects. Only the named verifying officer may endorse, never the applicant or the
 * technical officer; the lead agency's officer is none of the three.
 */
export async function decideServerCase(
  deps: ServerDeps,
  input: { caseId: string; actorId: string; decision: ServerDecision; note?: string; seenVersion?: number },
): Promise<Result<ServerCase, ServerDecisionError>> {
  const c = await deps.cases.get<ServerCertData>(input.caseId);
  if (!c || !isCaseOf(c, 'SC')) return fail('CASE_NOT_FOUND');
  const actor = await deps.directory.getPerson(input.actorId);
  if (!actor) return fail('NOT_YOURS');
  if (!serverTransition(c.data.operation, c.status, input.decision)) return fail('ALREADY_DECIDED', { status: c.status });
  // The lifecycle says whose decision this is (the verifying officer's or the lead agency's); the authority, whether it is this actor's.
  const task = serverDecisionTask(c, input.decision);
  const refused = task ? refusalFor(actor, c, task) : 'NOT_NAMED';
  if (refused) return fail(refused === 'NOT_NAMED' || refused === 'WRONG_AGENCY' ? 'NOT_YOURS' : refused);
  if (input.seenVersion !== undefined && input.seenVersion !== c.version) return fail('CHANGED_SINCE');
  const note = input.note?.trim();
  if ((input.decision === 'return' || input.decision === 'reject') && !note) return fail('NOTE_REQUIRED');
  try {
    return ok(await applyDecision(deps, c, input.decision, input.actorId, note));
  } catch (e) {
    if (isDomainError(e) && e.code === 'CASE_STALE') {
      const now = await deps.cases.get(input.caseId);
      return fail('ALREADY_DECIDED', { status: now?.status ?? c.status });
    }
    throw e;
  }
}

const EVENT_OF: Record<ServerDecision, string> = {
  endorse: 'endorsed',
  return: 'returnedForCsr',
  reject: 'rejected',
  approve: 'leadApproved',
};

async function applyDecision(
  deps: ServerDeps,
  c: ServerCase,
  decision: ServerEvent & ServerDecision,
  actorId: string,
  note?: string,
): Promise<ServerCase> {
  const saved = await recordEvent(deps, c, {
    event: EVENT_OF[decision],
    actorId,
    status: serverNext(c, decision),
    note,
    ...(decision === 'reject' ? { patch: { reason: note } } : {}),
  });
  const tell = (personId: string, event: string) =>
    deps.notifier.notify(
      personId,
      { type: 'serverNotice', caseId: saved.id, event, ...(note ? { note } : {}) },
      `${saved.id}:v${saved.version}:${event}:${personId}`,
    );
  const parties = [...new Set([saved.applicantId, saved.data.techId, ...(saved.data.requestedBy ? [saved.data.requestedBy] : [])])];
  if (decision === 'return') {
    await askDeciders(deps, saved, 'csr');
    await tell(saved.applicantId, 'returnedForCsr');
    return saved;
  }
  if (decision === 'reject') {
    for (const p of parties) await tell(p, 'rejected');
    return saved;
  }
  if (saved.status === 'MENUNGGU_KELULUSAN_PENERAJU') {
    await askDeciders(deps, saved, 'approve');
    await tell(saved.applicantId, 'endorsed');
    return saved;
  }
  // Sent to the CA: a new certificate after the lead agency's approval, a revocation after endorsement.
  await enqueueCaWork(deps, saved);
  for (const p of parties) await tell(p, saved.data.operation === 'revoke' ? 'revocationEndorsed' : 'leadApproved');
  return saved;
}

export async function enqueueCaWork(deps: ServerDeps, c: ServerCase): Promise<void> {
  const revoke = c.data.operation === 'revoke';
  await deps.jobs.enqueue({
    ...(revoke ? JOBS.caServerRevoke : JOBS.caServerIssue),
    payload: { caseId: c.id },
    key: revoke ? serverRevokeJobKey(c.id) : serverIssueJobKey(c.id),
    ...CA_JOB_RETRY,
  });
}
