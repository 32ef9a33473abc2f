import { happenedSince } from '../cases/case.js';
import { isCaseOf } from '../cases/kinds.js';
import { scheduleAdvisoryReminder } from './advisory.js';
import { scheduleAutoClose } from './complaint.js';
import type { HelpdeskDeps } from './helpdesk-deps.js';
import { scheduleDeadline, scheduleReminder } from './onsite.js';

/**
 * The helpdesk's timers, derived again from the cases that need them: the on-site deadline
 * check, the visit reminder, a resolved ticket's auto-close and an advisory session's reminder.
 * Every schedule call uses the same idempotency key as the use case that first made it, so a
 * timer that still exists is not doubled; one lost with an emptied Redis comes back. The jobs
 * themselves check the case again (and reminders run once per booking), so a timer that comes back
 * late does no harm. Returns how many timers were missing.
 */
export async function recoverHelpdeskTimers(deps: HelpdeskDeps, opts: { maxCases?: number } = {}): Promise<number> {
  const max = opts.maxCases ?? 500;
  let missing = 0;
  const count = (r: { duplicate: boolean } | undefined) => void (r && !r.duplicate && missing++);
  const tickets = await deps.cases.listByStatus(['LULUS_TAPAK', 'DIJADUALKAN', 'SELESAI'], { kind: 'AD' });
  for (const c of tickets.slice(0, max).filter((x) => isCaseOf(x, 'AD'))) {
    const onsite = c.data.onsite;
    if (c.status === 'SELESAI') {
      if (c.data.resolvedAt) count(await scheduleAutoClose(deps, c));
      continue;
    }
    if (onsite?.deadline && !onsite.breachedAt) count(await scheduleDeadline(deps, c.id, onsite.deadline));
    const start = onsite?.slot?.start;
    if (
      c.status === 'DIJADUALKAN' &&
      start &&
      Date.parse(start) > deps.clock.now().getTime() &&
      !happenedSince(c, 'visitReminded', 'visitScheduled')
    ) {
      count(await scheduleReminder(deps, c.id, new Date(start)));
    }
  }
  const sessions = await deps.cases.listByStatus(['DIJADUALKAN'], { kind: 'KN' });
  for (const c of sessions.slice(0, max).filter((x) => isCaseOf(x, 'KN'))) {
    const start = c.data.session?.start;
    if (start && Date.parse(start) > deps.clock.now().getTime() && !happenedSince(c, 'advisoryReminded', 'advisoryAccepted')) {
      count(await scheduleAdvisoryReminder(deps, c, start));
    }
  }
  return missing;
}
