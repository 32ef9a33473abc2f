import type { Task } from '../cases/authority.js';
import type { Case } from '../cases/case.js';
import type { Role } from '../people.js';
import type { WorkingCalendar, WorkingCalendars } from '../rules/working-calendar.js';
import { decidersOf } from './authority.js';
import type { CoreDeps } from './deps.js';
import { maskMyKadInText } from '../rules/mykad.js';

/** Helpdesk settings, from configuration (infra/config.ts). */
export interface HelpdeskPolicy {
  onsiteWindowHours: number;
  visitSlotMinutes: number;
  visitReminderHours: number;
  ticketAutoCloseWorkingDays: number;
  advisoryLeadWorkingDays: number;
}

/** The working-day calendar of each state (the default state's when none is given). */
export type CalendarsByState = Pick<WorkingCalendars, 'forState'>;

/** What the helpdesk use cases need beyond the core: the working-day calendars and the settings. */
export interface HelpdeskDeps extends CoreDeps {
  calendars: CalendarsByState;
  helpdesk: HelpdeskPolicy;
}

/** The calendar of an agency's state (DOMAIN.md 7.7); the default state's when it names none. */
export async function agencyCalendar(
  deps: Pick<HelpdeskDeps, 'calendars' | 'directory'>,
  agencyId: string | undefined,
): Promise<WorkingCalendar> {
  const agency = agencyId ? await deps.directory.getAgency(agencyId) : undefined;
  return deps.calendars.forState(agency?.state);
}

/**
 * The calendar a case's deadlines, slots, dates and messages follow: that of the case's agency
 * (or, for a case recorded without one, the applicant's agency).
 */
export async function calendarOf(
  deps: Pick<HelpdeskDeps, 'calendars' | 'directory'>,
  c: Pick<Case<unknown>, 'agencyId' | 'applicantId'>,
): Promise<WorkingCalendar> {
  const agencyId = c.agencyId ?? (await deps.directory.getPerson(c.applicantId))?.agencyId;
  return agencyCalendar(deps, agencyId);
}

/** Audit chain of self-help outcomes (questions the FAQ solved are counted here, not ticketed). */
export const SELF_HELP_LOG = 'SELF-HELP';

/** Tells one person about a helpdesk event; the same event of the same case version is told once. */
export async function tell(deps: Pick<CoreDeps, 'notifier'>, personId: string, c: Case<unknown>, event: string): Promise<void> {
  await deps.notifier.notify(personId, { type: 'helpdesk', caseId: c.id, event }, `${c.id}:${event}:v${c.version}`);
}

/**
 * Tells everyone who may do `task` on the case (domain/cases/authority.ts): the card they act on
 * goes to the deciders only, never to the person whose request it is.
 */
export async function tellDeciders(
  deps: Pick<CoreDeps, 'notifier' | 'directory'>,
  c: Case<unknown>,
  task: Task,
  event: string,
): Promise<void> {
  for (const id of await decidersOf(deps, c, task)) await tell(deps, id, c, event);
}

/** Tells everyone holding `role` (optionally except one person), for information only. */
export async function tellRole(
  deps: Pick<CoreDeps, 'notifier' | 'directory'>,
  role: Role,
  c: Case<unknown>,
  event: string,
  except?: string,
): Promise<void> {
  for (const p of await deps.directory.listByRole(role)) if (p.id !== except) await tell(deps, p.id, c, event);
}

/**
 * Free text kept on a case (descriptions, replies, notes): trimmed, bounded, and with any MyKad
 * number masked, since timelines and cards are shown to helpdesk staff and kept in the audit chain.
 */
export function keepText(text: string | undefined, max: number): string {
  return maskMyKadInText((text ?? '').trim()).slice(0, max);
}
