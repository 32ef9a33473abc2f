import { happenedSince } from '../cases/case.js';
import type { ComplaintData, OnsiteData } from '../cases/complaint.js';
import { isCaseOf, type TicketCase } from '../cases/kinds.js';
import { ticketTransition } from '../cases/complaint.js';
import { mayPerform, refusalFor } from '../cases/authority.js';
import { fail, ok, type Result } from '../result.js';
import { parsePhone } from '../rules/contact.js';
import type { Interval, WorkingCalendar } from '../rules/working-calendar.js';
import { guard, scheduleAutoClose, type Ticket, type TicketError } from './complaint.js';
import type { HelpdeskDeps } from './helpdesk-deps.js';
import { calendarOf, keepText, tell, tellDeciders, tellRole } from './helpdesk-deps.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';
import { JOBS } from '../ports/job-names.js';

const HOUR = 3_600_000;
export type OnsiteError =
  | TicketError
  | 'DATE_PAST'
  | 'SLOT_INVALID'
  | 'OUTSIDE_WINDOW'
  | 'SLOT_TAKEN'
  | 'PHONE_REQUIRED'
  | 'NOT_ASSIGNED'
  | 'REASON_REQUIRED'
  | 'VISIT_NOT_STARTED';

async function load(deps: HelpdeskDeps, caseId: string): Promise<TicketCase | undefined> {
  const c = await deps.cases.get<ComplaintData>(caseId);
  return c && isCaseOf(c, 'AD') ? c : undefined;
}

/**
 * Escalation to on-site support (DOMAIN.md 2.9 step 1), by the helpdesk agent or at the user's
 * request, with a required note on what was tried online. The lead agency gets an approval card.
 */
export async function requestOnsite(
  deps: HelpdeskDeps,
  input: { caseId: string; actorId: string; triedOnline: string },
): Promise<Result<Ticket, OnsiteError>> {
  const c = await load(deps, input.caseId);
  if (!c) return fail('CASE_NOT_FOUND');
  const actor = await deps.directory.getPerson(input.actorId);
  // The user whose ticket it is, or an agent working it.
  if (!actor || (actor.id !== c.applicantId && !mayPerform(actor, c, 'ticket'))) return fail('ROLE_REQUIRED');
  const tried = keepText(input.triedOnline, 1000);
  if (tried.length < 5) return fail('NOTE_REQUIRED');
  const rule = ticketTransition(c.status, 'escalate');
  if (!rule) return fail('NOT_ALLOWED_NOW', { status: c.status });
  const at = deps.clock.now().toISOString();
  const onsite: OnsiteData = { requestedById: actor.id, requestedAt: at, triedOnline: tried.slice(0, 1000), pauses: [], reports: [] };
  return guard(c.id, async () => {
    const saved = await recordEvent(deps, c, {
      event: 'onsiteRequested',
      actorId: actor.id,
      status: rule.to,
      note: onsite.triedOnline,
      patch: { data: { ...c.data, onsite } },
    });
    await tellDeciders(deps, saved, 'onsiteApproval', 'onsiteApproval');
    if (actor.id !== c.applicantId) await tell(deps, c.applicantId, saved, 'onsiteRequested');
    else await tellRole(deps, 'HELPDESK_AGENT', saved, 'onsiteRequested');
    return saved;
  });
}

/**
 * The lead agency approves (the 48-working-hour window starts now; the deadline check is
 * scheduled) or rejects with a reason. Only a lead-agency officer may decide.
 */
export async function decideOnsite(
  deps: HelpdeskDeps,
  input: { caseId: string; actorId: string; decision: 'approve' | 'reject'; reason?: string },
): Promise<Result<Ticket, OnsiteError>> {
  const c = await load(deps, input.caseId);
  if (!c) return fail('CASE_NOT_FOUND');
  const actor = await deps.directory.getPerson(input.actorId);
  // A lead-agency officer, never on a visit they asked for or a ticket of their own (domain/cases/authority.ts).
  const refused = actor ? refusalFor(actor, c, 'onsiteApproval') : 'ROLE_REQUIRED';
  if (!actor || refused) return fail(refused === 'SELF_APPROVAL' ? 'SELF_APPROVAL' : 'ROLE_REQUIRED');
  if (!c.data.onsite) return fail('NOT_ALLOWED_NOW', { status: c.status });
  const rule = ticketTransition(c.status, input.decision === 'approve' ? 'approveOnsite' : 'rejectOnsite');
  if (!rule) return fail('NOT_ALLOWED_NOW', { status: c.status });
  const reason = keepText(input.reason, 500);
  if (input.decision === 'reject' && !reason) return fail('REASON_REQUIRED');
  const now = deps.clock.now();
  const at = now.toISOString();
  // The window runs in the office hours of the agency's state (DOMAIN.md 7.7).
  const cal = await calendarOf(deps, c);
  const deadline = input.decision === 'approve' ? cal.addWorkingHours(now, deps.helpdesk.onsiteWindowHours).toISOString() : undefined;
  const onsite: OnsiteData = {
    ...c.data.onsite,
    decidedById: actor.id,
    decidedAt: at,
    ...(deadline ? { approvedAt: at, deadline } : { rejectReason: reason }),
  };
  return guard(c.id, async () => {
    const saved = await recordEvent(deps, c, {
      event: input.decision === 'approve' ? 'onsiteApproved' : 'onsiteRejected',
      actorId: actor.id,
      status: rule.to,
      note: deadline ? cal.format(new Date(deadline)) : reason,
      patch: { data: { ...c.data, onsite } },
    });
    const event = input.decision === 'approve' ? 'onsiteApproved' : 'onsiteRejected';
    await tell(deps, saved.applicantId, saved, event);
    // The helpdesk is informed; only the user books the visit.
    await tellRole(deps, 'HELPDESK_AGENT', saved, `${event}Info`);
    if (deadline) await scheduleDeadline(deps, saved.id, deadline);
    return saved;
  });
}

/** Slots offered for the visit: inside the window (or, `later`, the working week after it), free for some officer. */
export async function offerSlots(deps: HelpdeskDeps, caseId: string, opts: { later?: boolean; max?: number } = {}): Promise<Interval[]> {
  const c = await load(deps, caseId);
  const deadline = c?.data.onsite?.deadline;
  if (!c || !deadline) return [];
  const now = deps.clock.now();
  const cal = await calendarOf(deps, c);
  const from = opts.later ? new Date(Math.max(now.getTime(), Date.parse(deadline))) : now;
  const to = opts.later ? cal.addWorkingDays(from, 5) : new Date(deadline);
  const all = cal.slots(from, to, deps.helpdesk.visitSlotMinutes, 60);
  const free: Interval[] = [];
  for (const s of all) {
    if (await freeOfficer(deps, s.start.toISOString(), c.id)) free.push(s);
    if (free.length >= (opts.max ?? 6)) break;
  }
  return free;
}

async function freeOfficer(deps: HelpdeskDeps, slotStart: string, caseId: string): Promise<string | undefined> {
  const busy = new Set(
    (await deps.cases.listByStatus(['DIJADUALKAN'], { kind: 'AD' }))
      .filter((x) => isCaseOf(x, 'AD'))
      .filter((x) => x.id !== caseId && x.data.onsite?.slot?.start === slotStart)
      .map((x) => x.data.onsite?.officerId),
  );
  return (await deps.directory.listByRole('TECHNICAL_OFFICER')).find((p) => !busy.has(p.id))?.id;
}

/**
 * Whether a visit may start at `slotStart`: in the future, on the slot grid inside office hours,
 * inside the window (unless the user asked for a later date), and with an officer free then.
 */
export async function checkSlot(
  deps: HelpdeskDeps,
  c: Ticket,
  slotStart: string,
  opts: { delayed: boolean },
): Promise<Result<{ start: Date; end: Date; officerId: string }, OnsiteError>> {
  const deadline = c.data.onsite?.deadline;
  if (!deadline) return fail('NOT_ALLOWED_NOW', { status: c.status });
  const start = new Date(slotStart);
  if (Number.isNaN(start.getTime())) return fail('SLOT_INVALID');
  if (start <= deps.clock.now()) return fail('DATE_PAST');
  const end = new Date(start.getTime() + deps.helpdesk.visitSlotMinutes * 60_000);
  const cal = await calendarOf(deps, c);
  const onGrid = cal.slots(start, end, deps.helpdesk.visitSlotMinutes, 1).some((s) => s.start.getTime() === start.getTime());
  if (!onGrid) return fail('SLOT_INVALID');
  if (end > new Date(deadline) && !opts.delayed) return fail('OUTSIDE_WINDOW', { deadline: cal.format(new Date(deadline)) });
  const officerId = await freeOfficer(deps, start.toISOString(), c.id);
  if (!officerId) return fail('SLOT_TAKEN');
  return ok({ start, end, officerId });
}

/** The ticket of an on-site case, for the edge's prompts. */
export async function getOnsiteTicket(deps: HelpdeskDeps, caseId: string): Promise<TicketCase | undefined> {
  return load(deps, caseId);
}

export interface BookInput {
  caseId: string;
  actorId: string;
  slotStart: string;
  representative: { name: string; phone: string };
  location: string;
  /** Given when the user cannot take any slot in the window: the deadline clock pauses until the visit. */
  delayReason?: string;
}

/**
 * The user books the visit: a free slot inside the window (or a later one with a reason, which
 * pauses the deadline clock), the agency representative (name and phone) and the location. An
 * officer free at that time is assigned and told; reminders and the deadline check are scheduled.
 */
export async function bookVisit(deps: HelpdeskDeps, input: BookInput): Promise<Result<Ticket, OnsiteError>> {
  const c = await load(deps, input.caseId);
  if (!c || !c.data.onsite?.deadline) return fail('CASE_NOT_FOUND');
  if (c.applicantId !== input.actorId) return fail('NOT_YOURS');
  const rule = ticketTransition(c.status, 'schedule');
  if (!rule) return fail('NOT_ALLOWED_NOW', { status: c.status });
  const now = deps.clock.now();
  const slot = await checkSlot(deps, c, input.slotStart, { delayed: Boolean(input.delayReason?.trim()) });
  if (!slot.ok) return slot;
  const { start, end, officerId } = slot.value;
  const deadline = new Date(c.data.onsite.deadline);
  const delayReason = keepText(input.delayReason, 300);
  const phone = parsePhone(input.representative.phone ?? '');
  const repName = input.representative.name?.trim() ?? '';
  if (!repName || !phone.ok) return fail('PHONE_REQUIRED');
  const location = keepText(input.location, 300);
  if (!location) return fail('INVALID_INPUT');
  const cal = await calendarOf(deps, c);

  let onsite: OnsiteData = {
    ...c.data.onsite,
    slot: { start: start.toISOString(), end: end.toISOString() },
    officerId,
    representative: { name: repName.slice(0, 100), phone: phone.value },
    location: location.slice(0, 300),
  };
  if (end > deadline && delayReason) {
    // The clock stands still from now until the visit; what was left of the window runs after it.
    const left = cal.workingMsBetween(now, deadline) / HOUR;
    const newDeadline = cal.addWorkingHours(start, Math.max(left, deps.helpdesk.visitSlotMinutes / 60));
    onsite = {
      ...onsite,
      deadline: newDeadline.toISOString(),
      pauses: [...onsite.pauses, { from: now.toISOString(), to: start.toISOString(), reason: delayReason.slice(0, 300) }],
    };
  }
  return guard(c.id, async () => {
    let cur: Ticket = c;
    if (onsite.pauses.length > c.data.onsite!.pauses.length) {
      cur = await recordEvent(deps, cur, { event: 'userDelay', actorId: input.actorId, note: delayReason });
    }
    const saved = await recordEvent(deps, cur, {
      event: 'visitScheduled',
      actorId: input.actorId,
      status: rule.to,
      note: cal.format(start),
      patch: { data: { ...c.data, onsite } },
    });
    await tell(deps, officerId, saved, 'visitAssigned');
    await tell(deps, saved.applicantId, saved, 'visitBooked');
    await scheduleReminder(deps, saved.id, start);
    if (onsite.deadline !== c.data.onsite!.deadline) await scheduleDeadline(deps, saved.id, onsite.deadline!);
    return saved;
  });
}

export const deadlineJobKey = (caseId: string, deadline: string) => `ad:deadline:${caseId}:${deadline}`;
export const reminderJobKey = (caseId: string, slotStart: string) => `ad:reminder:${caseId}:${slotStart}`;

/** Schedules the deadline check for `deadline` (a later deadline gets its own job; the old one finds it moved). */
export async function scheduleDeadline(deps: HelpdeskDeps, caseId: string, deadline: string): Promise<{ duplicate: boolean }> {
  return deps.jobs.enqueue({
    ...JOBS.visitDeadline,
    payload: { caseId, at: deadline },
    key: deadlineJobKey(caseId, deadline),
    delayMs: Math.max(0, Date.parse(deadline) - deps.clock.now().getTime()),
  });
}

/** Reminder `visitReminderHours` before the visit, or halfway there when the visit is sooner. */
export async function scheduleReminder(deps: HelpdeskDeps, caseId: string, start: Date): Promise<{ duplicate: boolean }> {
  const now = deps.clock.now().getTime();
  const lead = deps.helpdesk.visitReminderHours * HOUR;
  const at = start.getTime() - lead > now ? start.getTime() - lead : now + (start.getTime() - now) / 2;
  return deps.jobs.enqueue({
    ...JOBS.visitReminder,
    payload: { caseId, at: start.toISOString() },
    key: reminderJobKey(caseId, start.toISOString()),
    delayMs: Math.max(0, at - now),
  });
}

/** The reminder job: the officer and the user hear about the visit, unless it moved or is done. */
export async function sendVisitReminder(deps: HelpdeskDeps, caseId: string, slotStart: string): Promise<'sent' | 'skipped'> {
  const c = await load(deps, caseId);
  const onsite = c?.data.onsite;
  if (!c || c.status !== 'DIJADUALKAN' || onsite?.slot?.start !== slotStart || !onsite.officerId) return 'skipped';
  // Once per booking, even when a recovered timer runs a second time.
  if (happenedSince(c, 'visitReminded', 'visitScheduled')) return 'skipped';
  const saved = await recordEvent(deps, c, { event: 'visitReminded', actorId: SYSTEM_ACTOR });
  await tell(deps, onsite.officerId, saved, 'visitReminder');
  await tell(deps, saved.applicantId, saved, 'visitReminder');
  return 'sent';
}

/**
 * The deadline job: when the window ends with no visit report, the lead agency and the helpdesk
 * are alerted and the case shows the breach. A deadline that moved (a pause) makes it a no-op.
 */
export async function checkVisitDeadline(deps: HelpdeskDeps, caseId: string, deadline: string): Promise<'breached' | 'met' | 'skipped'> {
  const c = await load(deps, caseId);
  const onsite = c?.data.onsite;
  if (!c || !onsite || onsite.deadline !== deadline || onsite.breachedAt) return 'skipped';
  if (onsite.reports.some((r) => r.representativePresent)) return 'met';
  if (!['LULUS_TAPAK', 'DIJADUALKAN'].includes(c.status)) return 'skipped';
  const at = deps.clock.now().toISOString();
  const cal = await calendarOf(deps, c);
  const saved = await recordEvent(deps, c, {
    event: 'onsiteBreached',
    actorId: SYSTEM_ACTOR,
    note: cal.format(new Date(deadline)),
    patch: { data: { ...c.data, onsite: { ...onsite, breachedAt: at } } },
  });
  await tellRole(deps, 'LEAD_AGENCY', saved, 'onsiteBreached');
  await tellRole(deps, 'HELPDESK_AGENT', saved, 'onsiteBreached');
  return 'breached';
}

/**
 * The assigned officer's visit report, taken only once the visit's slot has begun. No representative: no work is done and the user books
 * again. Otherwise the ticket resolves, or goes back to the helpdesk when the problem remains.
 */
export async function fileVisitReport(
  deps: HelpdeskDeps,
  input: { caseId: string; actorId: string; representativePresent: boolean; workDone: string; resolved: boolean },
): Promise<Result<Ticket, OnsiteError>> {
  const c = await load(deps, input.caseId);
  const onsite = c?.data.onsite;
  if (!c || !onsite) return fail('CASE_NOT_FOUND');
  const actor = await deps.directory.getPerson(input.actorId);
  if (!actor || refusalFor(actor, c, 'visitReport')) return fail('NOT_ASSIGNED');
  const event = !input.representativePresent ? 'repAbsent' : input.resolved ? 'visitResolved' : 'visitUnresolved';
  const rule = ticketTransition(c.status, event);
  if (!rule) return fail('NOT_ALLOWED_NOW', { status: c.status });
  // A report tells what happened at the visit, so none is taken before the visit has begun
  // (a report filed early once closed a ticket two days before anyone went on site).
  if (onsite.slot && deps.clock.now() < new Date(onsite.slot.start)) {
    return fail('VISIT_NOT_STARTED', { slot: (await calendarOf(deps, c)).format(new Date(onsite.slot.start)) });
  }
  const workDone = keepText(input.workDone, 2000);
  if (input.representativePresent && !workDone) return fail('NOTE_REQUIRED');
  const at = deps.clock.now().toISOString();
  const report = {
    at,
    byId: input.actorId,
    representativePresent: input.representativePresent,
    workDone: workDone.slice(0, 2000),
    resolved: input.representativePresent && input.resolved,
  };
  const next: OnsiteData = { ...onsite, reports: [...onsite.reports, report], ...(input.representativePresent ? {} : { slot: undefined }) };
  const data: ComplaintData = { ...c.data, onsite: next, ...(event === 'visitResolved' ? { resolvedAt: at } : {}) };
  return guard(c.id, async () => {
    const saved = await recordEvent(deps, c, {
      event: event === 'repAbsent' ? 'visitRepAbsent' : event === 'visitResolved' ? 'visitReportResolved' : 'visitReportOpen',
      actorId: input.actorId,
      status: rule.to,
      note: workDone || undefined,
      patch: { data },
    });
    if (event === 'repAbsent') {
      await tell(deps, saved.applicantId, saved, 'visitRepAbsent');
    } else if (event === 'visitResolved') {
      await tell(deps, saved.applicantId, saved, 'ticketResolved');
      await scheduleAutoClose(deps, saved);
    } else {
      await tell(deps, saved.applicantId, saved, 'visitUnresolved');
      await tellDeciders(deps, saved, 'ticket', 'visitUnresolved');
    }
    return saved;
  });
}

/** The deadline, the working time left (in `cal`, the case's agency calendar), and the pauses, for the timeline. */
export function onsiteClock(
  deps: Pick<HelpdeskDeps, 'clock'>,
  cal: WorkingCalendar,
  onsite: OnsiteData,
): { deadline?: string; hoursLeft?: number; breached: boolean; pauses: OnsiteData['pauses'] } {
  if (!onsite.deadline) return { breached: false, pauses: onsite.pauses };
  const left = cal.workingMsBetween(deps.clock.now(), new Date(onsite.deadline)) / HOUR;
  return { deadline: onsite.deadline, hoursLeft: Math.round(left * 10) / 10, breached: Boolean(onsite.breachedAt), pauses: onsite.pauses };
}
