import type { Case } from '../cases/case.js';
import { isClosed } from '../cases/lifecycle.js';
import { REPLACEMENT_STATUSES } from '../cases/replacement.js';
import { REVOCATION_STATUSES } from '../cases/revocation.js';
import { USER_CERT_TERMINAL } from '../cases/user-certificate.js';
import { hasRole, type Person } from '../people.js';
import { fail, ok, type Result } from '../result.js';
import { listTasksFor } from './authority.js';
import type { CoreDeps } from './deps.js';

/**
 * Who may read a case: its applicant, the APs and SAs of its agency, helpdesk agents, the lead
 * agency and admins. Anyone else is told it does not exist, so case numbers leak nothing.
 */
export function canView(viewer: Person, c: Case): boolean {
  if (c.applicantId === viewer.id) return true;
  // The technical officer assigned to a complaint's on-site visit.
  if (c.kind === 'AD' && (c.data as { onsite?: { officerId?: string } }).onsite?.officerId === viewer.id) return true;
  // A server certificate's technical and verifying officers follow its case too.
  const officers = c.kind === 'SC' ? (c.data as { techId?: string; verifierId?: string }) : {};
  if (officers.techId === viewer.id || officers.verifierId === viewer.id) return true;
  if ((hasRole(viewer, 'AP') || hasRole(viewer, 'SA')) && viewer.agencyId === c.agencyId) return true;
  return hasRole(viewer, 'HELPDESK_AGENT') || hasRole(viewer, 'LEAD_AGENCY') || hasRole(viewer, 'ADMIN');
}

export async function getCaseForViewer(
  deps: Pick<CoreDeps, 'cases' | 'directory'>,
  caseId: string,
  viewerId: string,
): Promise<Result<Case, 'CASE_NOT_FOUND'>> {
  const [c, viewer] = await Promise.all([deps.cases.get(caseId), deps.directory.getPerson(viewerId)]);
  if (!c || !viewer || !canView(viewer, c)) return fail('CASE_NOT_FOUND');
  return ok(c);
}

/**
 * Approvals waiting for this person: the certificate cases (user, then training; any operation)
 * they may verify now (domain/cases/authority.ts: an AP's own agency's, never their own).
 */
export async function listTasks(deps: Pick<CoreDeps, 'cases' | 'directory'>, personId: string): Promise<Case[]> {
  return (await listTasksFor(deps, personId, ['UC', 'TC'])).map((t) => t.c);
}

// Every status a certificate case can be open in, whichever its operation.
const OPEN_STATUSES = [...new Set<string>([...REVOCATION_STATUSES, ...REPLACEMENT_STATUSES])].filter(
  (s) => !(USER_CERT_TERMINAL as readonly string[]).includes(s) && s !== 'SIJIL_DIBATALKAN',
);

/**
 * An AP's view of their agency: every certificate case still in progress (user and training),
 * so they can follow what they approved, what the CA is doing and what users started.
 */
export async function listAgencyCases(deps: Pick<CoreDeps, 'cases' | 'directory'>, personId: string): Promise<Case[]> {
  const person = await deps.directory.getPerson(personId);
  if (!person || !hasRole(person, 'AP') || !person.agencyId) return [];
  const open = [
    ...(await deps.cases.listByStatus(OPEN_STATUSES, { kind: 'UC', agencyId: person.agencyId })),
    ...(await deps.cases.listByStatus(OPEN_STATUSES, { kind: 'TC', agencyId: person.agencyId })),
  ];
  return open.filter((c) => !isClosed(c));
}
