import type { TicketStatus } from '../cases/complaint.js';
import { ticketTransition } from '../cases/complaint.js';
import { isCaseOf } from '../cases/kinds.js';
import { fail, ok, type Result } from '../result.js';
import { userAct, type Ticket } from './complaint.js';
import { keepText, type HelpdeskDeps } from './helpdesk-deps.js';
import { getOnsiteTicket, requestOnsite, type OnsiteError } from './onsite.js';

// A person asking for on-site support on a complaint they already lodged (the request side;
// the lead agency's decision, the booking and the visit are in onsite.ts).

/** Statuses of a ticket whose on-site support is already asked for or under way. */
const ONSITE_UNDERWAY: readonly TicketStatus[] = ['MOHON_KELULUSAN_TAPAK', 'LULUS_TAPAK', 'DIJADUALKAN'];

/**
 * A person's open complaints when they ask for on-site support: those it can be asked for on
 * (`open`, newest first; escalated at once, or, before the helpdesk has worked it, added to the
 * ticket for the helpdesk to escalate) and those where it is already under way.
 */
export async function onsiteCandidates(deps: HelpdeskDeps, personId: string): Promise<{ open: Ticket[]; underway: Ticket[] }> {
  const mine = (await deps.cases.listByApplicant(personId))
    .filter((c) => isCaseOf(c, 'AD'))
    .filter((c) => !['SELESAI', 'DITUTUP'].includes(c.status))
    .sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''));
  const underway = mine.filter((c) => ONSITE_UNDERWAY.includes(c.status));
  return { open: mine.filter((c) => !underway.includes(c)), underway };
}

/**
 * The person asks for on-site support on their open complaint: escalated (lead-agency approval)
 * when the lifecycle allows it; a ticket the helpdesk has not started on yet cannot be escalated
 * (DOMAIN.md 2.9: after failed remote attempts), so the request and what was tried are added to
 * it as the person's message and the agents decide from their card.
 */
export async function askForOnsite(
  deps: HelpdeskDeps,
  input: { caseId: string; actorId: string; triedOnline: string; note: string },
): Promise<Result<{ ticket: Ticket; escalated: boolean }, OnsiteError>> {
  const c = await getOnsiteTicket(deps, input.caseId);
  if (!c) return fail('CASE_NOT_FOUND');
  if (c.applicantId !== input.actorId) return fail('NOT_YOURS');
  if (ticketTransition(c.status, 'escalate')) {
    const r = await requestOnsite(deps, input);
    return r.ok ? ok({ ticket: r.value, escalated: true }) : r;
  }
  if (keepText(input.triedOnline, 1000).length < 5) return fail('NOTE_REQUIRED');
  const r = await userAct(deps, { caseId: c.id, actorId: input.actorId, action: 'reply', text: input.note });
  return r.ok ? ok({ ticket: r.value, escalated: false }) : r;
}
