import { hasRole, type Person, type Role } from '../people.js';

/**
 * Who may use which part of the operators' console (`/console`): the helpdesk desk (queue,
 * conversations, tickets, saved replies, live events) is for helpdesk agents; the service-level
 * and satisfaction reports are for the lead agency and administrators; the queue dashboard
 * (`/admin/queues`) for administrators. Anyone holding one of these roles may sign in; each
 * request asks this rule again, so a role withdrawn in the directory ends access at once.
 */
export const CONSOLE_AREAS = {
  desk: ['HELPDESK_AGENT'],
  reports: ['LEAD_AGENCY', 'ADMIN'],
  queues: ['ADMIN'],
} as const satisfies Record<string, readonly Role[]>;

export type ConsoleArea = keyof typeof CONSOLE_AREAS;

/** Whether `p` may use `area` of the console. */
export function mayUse(p: Person, area: ConsoleArea): boolean {
  return (CONSOLE_AREAS[area] as readonly Role[]).some((role) => hasRole(p, role));
}

/** The console areas `p` may use, in a fixed order (empty: `p` may not sign in at all). */
export function consoleAreasOf(p: Person): ConsoleArea[] {
  return (Object.keys(CONSOLE_AREAS) as ConsoleArea[]).filter((area) => mayUse(p, area));
}

/** Whether `p` may sign in to the console (and keep a session): at least one area is theirs. */
export function mayUseConsole(p: Person): boolean {
  return consoleAreasOf(p).length > 0;
}

/** Every role that lets a person sign in, for messages that name them. */
export const CONSOLE_ROLES: readonly Role[] = [...new Set(Object.values(CONSOLE_AREAS).flat())];
