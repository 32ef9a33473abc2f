import type { Case } from '../cases/case.js';
import type { Role } from '../people.js';
import type { WorkingCalendar } from '../rules/working-calendar.js';
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

/** What the helpdesk use cases need beyond the core: the working-day calendar and the settings. */
export interface HelpdeskDeps extends CoreDeps {
  calendar: WorkingCalendar;
  helpdesk: HelpdeskPolicy;
}

/** Audit chain of self-help outcomes (questions the FAQ solved are counted here, not ticketed). */
export const SELF_HELP_LOG = 'SELF-HELP';

/** Tells one person about a helpdesk event; the same event of the same case version is told once. */
export async function tell(deps: Pick<CoreDeps, 'notifier'>, personId: string, c: Case<unknown>, event: string): Promise<void> {
  await deps.notifier.notify(personId, { type: 'helpdesk', caseId: c.id, event }, `${c.id}:${event}:v${c.version}`);
}

/** Tells everyone holding `role` (optionally except one person). */
export async function tellRole(deps: Pick<CoreDeps, 'notifier' | 'directory'>, role: Role, c: Case<unknown>, event: string, except?: string): Promise<void> {
  for (const p of await deps.directory.listByRole(role)) if (p.id !== except) await tell(deps, p.id, c, event);
}

/**
 * Free text kept on a case (descriptions, replies, notes): trimmed, bounded, and with any MyKad
 * number masked, since timelines and cards are shown to helpdesk staff and kept in the audit chain.
 */
export function keepText(text: string | undefined, max: number): string {
  return maskMyKadInText((text ?? '').trim()).slice(0, max);
}
