import type { Case } from '../cases/case.js';
import { hasRole, type Person } from '../people.js';
import { fail, ok, type Result } from '../result.js';
import type { CoreDeps } from './deps.js';

/**
 * Who may read a case: its applicant, the APs and SAs of its agency, helpdesk agents, the lead
 * agency and admins. Anyone else is told it does not exist, so case numbers leak nothing.
 */
export function canView(viewer: Person, c: Case): boolean {
  if (c.applicantId === viewer.id) return true;
  if ((hasRole(viewer, 'AP') || hasRole(viewer, 'SA')) && viewer.agencyId === c.agencyId) return true;
  return hasRole(viewer, 'HELPDESK_AGENT') || hasRole(viewer, 'LEAD_AGENCY') || hasRole(viewer, 'ADMIN');
}

export async function getCaseForViewer(deps: Pick<CoreDeps, 'cases' | 'directory'>, caseId: string, viewerId: string): Promise<Result<Case, 'CASE_NOT_FOUND'>> {
  const [c, viewer] = await Promise.all([deps.cases.get(caseId), deps.directory.getPerson(viewerId)]);
  if (!c || !viewer || !canView(viewer, c)) return fail('CASE_NOT_FOUND');
  return ok(c);
}

/** Approvals waiting for this person: for an AP, their agency's applications awaiting verification (not their own). */
export async function listTasks(deps: Pick<CoreDeps, 'cases' | 'directory'>, personId: string): Promise<Case[]> {
  const person = await deps.directory.getPerson(personId);
  if (!person || !hasRole(person, 'AP') || !person.agencyId) return [];
  const waiting = await deps.cases.listByStatus(['MENUNGGU_PENGESAHAN_AP'], { kind: 'UC', agencyId: person.agencyId });
  return waiting.filter((c) => c.applicantId !== person.id);
}
