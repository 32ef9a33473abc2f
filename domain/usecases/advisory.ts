import { happenedSince } from '../cases/case.js';
import type { Case } from '../cases/case.js';
import { ADVISORY_MODES, advisoryTransition, type AdvisoryData, type AdvisoryMode } from '../cases/advisory.js';
import { isCaseOf } from '../cases/kinds.js';
import { refusalFor } from '../cases/authority.js';
import { fail, ok, type Result } from '../result.js';
import type { WorkingCalendar } from '../rules/working-calendar.js';
import { guard } from './complaint.js';
import type { HelpdeskDeps } from './helpdesk-deps.js';
import { agencyCalendar, calendarOf, keepText, tell, tellDeciders } from './helpdesk-deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';
import { JOBS } from '../ports/job-names.js';

export type Advisory = Case<AdvisoryData>;
export type AdvisoryError =
  | 'CASE_NOT_FOUND'
  | 'ROLE_REQUIRED'
  | 'SELF_APPROVAL'
  | 'NOT_ALLOWED_NOW'
  | 'REASON_REQUIRED'
  | 'INVALID_INPUT'
  | 'DATES_COUNT'
  | 'DATE_TOO_SOON'
  | 'DATE_NOT_WORKING'
  | 'DATE_NOT_OFFERED';

export interface AdvisoryInput {
  actorId: string;
  topic: string;
  description: string;
  systems: string;
  mode: AdvisoryMode;
  attendees: string;
  /** Preferred dates (instants at the start of office hours). */
  preferredDates: Date[];
  letterFileId?: string;
}

/**
 * Checks preferred dates: 2 or 3 distinct working days, each at least the lead time ahead, in
 * `cal`, the calendar of the requesting agency's state (a Friday is no working day in Kedah).
 */
export function checkPreferredDates(
  deps: Pick<HelpdeskDeps, 'clock' | 'helpdesk'>,
  cal: WorkingCalendar,
  dates: Date[],
): Result<Date[], 'DATES_COUNT' | 'DATE_TOO_SOON' | 'DATE_NOT_WORKING'> {
  const unique = [...new Map(dates.map((d) => [d.getTime(), d])).values()].sort((a, b) => a.getTime() - b.getTime());
  if (unique.length < 2 || unique.length > 3) return fail('DATES_COUNT');
  const now = deps.clock.now();
  for (const d of unique) {
    if (!cal.isWorkingDay(d)) return fail('DATE_NOT_WORKING', { date: cal.format(d).slice(0, 10) });
    if (cal.workingDaysBetween(now, d) < deps.helpdesk.advisoryLeadWorkingDays) {
      return fail('DATE_TOO_SOON', { date: cal.format(d).slice(0, 10), days: deps.helpdesk.advisoryLeadWorkingDays });
    }
  }
  return ok(unique);
}

/** An agency officer asks the lead agency for an advisory session (`KN-<year>-<seq>`). */
export async function requestAdvisory(deps: HelpdeskDeps, input: AdvisoryInput): Promise<Result<Advisory, AdvisoryError>> {
  const person = await deps.directory.getPerson(input.actorId);
  if (!person) return fail('INVALID_INPUT');
  if (!input.topic.trim() || !input.description.trim() || !ADVISORY_MODES.includes(input.mode)) return fail('INVALID_INPUT');
  const dates = checkPreferredDates(deps, await agencyCalendar(deps, person.agencyId), input.preferredDates);
  if (!dates.ok) return dates;
  const at = deps.clock.now().toISOString();
  const c = await deps.cases.create<AdvisoryData>({
    kind: 'KN',
    status: 'DIMOHON',
    applicantId: person.id,
    agencyId: person.agencyId,
    data: {
      topic: keepText(input.topic, 200),
      description: keepText(input.description, 2000),
      systems: keepText(input.systems, 300),
      mode: input.mode,
      attendees: keepText(input.attendees, 500),
      preferredDates: dates.value.map((d) => d.toISOString()),
      letterFileId: input.letterFileId,
    },
    timeline: [{ at, event: 'advisoryRequested', actorId: person.id, status: 'DIMOHON' }],
    createdAt: at,
  });
  await deps.audit.append({ caseId: c.id, at, actorId: person.id, action: 'advisoryRequested', data: { status: 'DIMOHON' } });
  await tellDeciders(deps, c, 'advisory', 'advisoryRequest');
  return ok(c);
}

/** The lead agency accepts with one of the preferred dates, or declines with a reason. */
export async function decideAdvisory(
  deps: HelpdeskDeps,
  input: { caseId: string; actorId: string; decision: 'accept' | 'decline'; date?: string; reason?: string },
): Promise<Result<Advisory, AdvisoryError>> {
  const c = await deps.cases.get<AdvisoryData>(input.caseId);
  if (!c || !isCaseOf(c, 'KN')) return fail('CASE_NOT_FOUND');
  const actor = await deps.directory.getPerson(input.actorId);
  // A lead-agency officer, never on a request of their own (domain/cases/authority.ts).
  const refused = actor ? refusalFor(actor, c, 'advisory') : 'ROLE_REQUIRED';
  if (!actor || refused) return fail(refused === 'SELF_APPROVAL' ? 'SELF_APPROVAL' : 'ROLE_REQUIRED');
  const rule = advisoryTransition(c.status, input.decision);
  if (!rule) return fail('NOT_ALLOWED_NOW', { status: c.status });
  const reason = keepText(input.reason, 500);
  if (input.decision === 'decline' && !reason) return fail('REASON_REQUIRED');
  if (input.decision === 'accept' && !c.data.preferredDates.includes(input.date ?? '')) return fail('DATE_NOT_OFFERED');
  const cal = await calendarOf(deps, c);
  return guard(c.id, async () => {
    if (input.decision === 'decline') {
      const saved = await recordEvent(deps, c, {
        event: 'advisoryDeclined',
        actorId: actor.id,
        status: rule.to,
        note: reason,
        patch: { reason },
      });
      await tell(deps, saved.applicantId, saved, 'advisoryDeclined');
      return saved;
    }
    const start = input.date!;
    const saved = await recordEvent(deps, c, {
      event: 'advisoryAccepted',
      actorId: actor.id,
      status: rule.to,
      note: cal.format(new Date(start)),
      patch: { data: { ...c.data, session: { start } } },
    });
    await tell(deps, saved.applicantId, saved, 'advisoryAccepted');
    await scheduleAdvisoryReminder(deps, saved, start);
    return saved;
  }) as Promise<Result<Advisory, AdvisoryError>>;
}

/** The session's reminder, at the start of the working day before it (idempotent by session). */
export async function scheduleAdvisoryReminder(deps: HelpdeskDeps, c: Advisory, start: string): Promise<{ duplicate: boolean }> {
  const dayBefore = previousWorkingDayStart(await calendarOf(deps, c), new Date(start));
  return deps.jobs.enqueue({
    ...JOBS.advisoryReminder,
    payload: { caseId: c.id, at: start },
    key: `kn:reminder:${c.id}:${start}`,
    delayMs: Math.max(0, dayBefore.getTime() - deps.clock.now().getTime()),
  });
}

function previousWorkingDayStart(cal: WorkingCalendar, start: Date): Date {
  for (let back = 1; back < 30; back++) {
    const d = new Date(start.getTime() - back * 86_400_000);
    if (cal.isWorkingDay(d)) return d;
  }
  return start;
}

/** The reminder job: the requester hears about the session the working day before. */
export async function sendAdvisoryReminder(deps: HelpdeskDeps, caseId: string, start: string): Promise<'sent' | 'skipped'> {
  const c = await deps.cases.get<AdvisoryData>(caseId);
  if (!c || c.status !== 'DIJADUALKAN' || c.data.session?.start !== start) return 'skipped';
  if (happenedSince(c, 'advisoryReminded', 'advisoryAccepted')) return 'skipped';
  const saved = await recordEvent(deps, c, { event: 'advisoryReminded', actorId: SYSTEM_ACTOR });
  await tell(deps, saved.applicantId, saved, 'advisoryReminder');
  return 'sent';
}

/** The lead agency records the session as held, with notes. */
export async function recordAdvisoryHeld(
  deps: HelpdeskDeps,
  input: { caseId: string; actorId: string; notes: string },
): Promise<Result<Advisory, AdvisoryError>> {
  const c = await deps.cases.get<AdvisoryData>(input.caseId);
  if (!c || !isCaseOf(c, 'KN')) return fail('CASE_NOT_FOUND');
  const actor = await deps.directory.getPerson(input.actorId);
  const refused = actor ? refusalFor(actor, c, 'advisoryHeld') : 'ROLE_REQUIRED';
  if (!actor || refused) return fail(refused === 'SELF_APPROVAL' ? 'SELF_APPROVAL' : 'ROLE_REQUIRED');
  const rule = advisoryTransition(c.status, 'held');
  if (!rule) return fail('NOT_ALLOWED_NOW', { status: c.status });
  const notes = keepText(input.notes, 2000);
  if (!notes) return fail('REASON_REQUIRED');
  return guard(c.id, async () => {
    const saved = await recordEvent(deps, c, {
      event: 'advisoryHeld',
      actorId: actor.id,
      status: rule.to,
      note: notes.slice(0, 2000),
      patch: { data: { ...c.data, notes: notes.slice(0, 2000) } },
    });
    await tell(deps, saved.applicantId, saved, 'advisoryHeld');
    return saved;
  }) as Promise<Result<Advisory, AdvisoryError>>;
}
