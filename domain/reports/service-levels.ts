import type { Case, CaseKind } from '../cases/case.js';
import type { ComplaintData } from '../cases/complaint.js';
import { isRevocation } from '../cases/operations.js';
import { MALAYSIA_UTC_OFFSET_MINUTES } from '../rules/malaysia-time.js';
import type { WorkingCalendar } from '../rules/working-calendar.js';

/**
 * The promises kept or broken along a request's whole path (DOMAIN.md 5 and Q8): the helpdesk's
 * first response and resolution, the AP's (or verifying officer's) decision, the CA's issue after
 * approval, the on-site visit after the lead agency's approval, and an advisory session after its
 * request. Each is measured in working time on the calendar of the case's agency.
 */
export const SERVICE_MEASURES = ['ticketResponse', 'ticketResolution', 'apDecision', 'issue', 'visit', 'advisory'] as const;
export type ServiceMeasure = (typeof SERVICE_MEASURES)[number];

/** Targets in working days (the visit's in working hours); a measure without a target is reported, not judged. */
export interface ServiceTargets {
  ticketResponseDays: number;
  ticketResolutionDays: number;
  apDecisionDays: number;
  issueDays: number;
  visitHours: number;
}

/** DOMAIN.md Q8 and 5: acknowledge in 1 working day, resolve in 15, status within 3, a visit within 48 working hours. */
export const DEFAULT_TARGETS: ServiceTargets = {
  ticketResponseDays: 1,
  ticketResolutionDays: 15,
  apDecisionDays: 3,
  issueDays: 3,
  visitHours: 48,
};

/** One promise on one case. Hours are working hours; `met` is absent while an open case is still inside its target. */
export interface Measurement {
  measure: ServiceMeasure;
  caseId: string;
  kind: CaseKind;
  agencyId: string;
  /** Malaysian calendar month (YYYY-MM) the clock started in. */
  month: string;
  startedAt: string;
  endedAt?: string;
  workingHours: number;
  targetHours?: number;
  /** Working hours the person's own requested delays took off the clock (visits). */
  excludedHours: number;
  /** When an open case's target runs out (working time on its calendar). */
  dueAt?: string;
  met?: boolean;
}

const HOUR = 3_600_000;
const AGENT_EVENTS = ['acknowledged', 'replied', 'infoRequested', 'resolved'];
const RESOLVED_EVENTS = ['resolved', 'visitReportResolved'];
const DECISION_EVENTS = ['approved', 'approvedOnBehalf', 'returned', 'rejected', 'fastTracked', 'endorsed'];
const APPROVAL_EVENTS = ['approved', 'approvedOnBehalf', 'leadApproved', 'fastTracked'];
// A training certificate is ready when its key pair is made for download.
const ISSUE_EVENTS = ['issued', 'keyGenerated'];

type Clock = { cal: WorkingCalendar; targets: ServiceTargets; now: Date };

function first(c: Case, events: string[], after = '', notBy?: string) {
  return c.timeline.find((e) => events.includes(e.event) && e.at >= after && e.actorId !== 'system' && e.actorId !== notBy);
}

/** Builds one measurement from a start, an optional end, a target and the paused intervals. */
function measured(
  c: Case,
  measure: ServiceMeasure,
  start: string,
  end: string | undefined,
  targetHours: number | undefined,
  k: Clock,
  pauses: { from: string; to: string }[] = [],
  deadline?: string,
): Measurement {
  const stop = new Date(end ?? k.now.toISOString());
  const within = (from: string, to: string) =>
    k.cal.workingMsBetween(new Date(Math.max(Date.parse(from), Date.parse(start))), new Date(Math.min(Date.parse(to), stop.getTime())));
  const excluded = pauses.reduce((sum, p) => sum + within(p.from, p.to), 0);
  const workingHours = Math.max(0, k.cal.workingMsBetween(new Date(start), stop) - excluded) / HOUR;
  const m: Measurement = {
    measure,
    caseId: c.id,
    kind: c.kind,
    agencyId: c.agencyId ?? '',
    month: monthOf(start),
    startedAt: start,
    workingHours: round(workingHours),
    excludedHours: round(excluded / HOUR),
  };
  if (end) m.endedAt = end;
  if (targetHours !== undefined) {
    m.targetHours = targetHours;
    if (end || workingHours > targetHours) m.met = workingHours <= targetHours;
    // The deadline itself, passed or not: the case's own where it keeps one (a visit's moves with the person's delays).
    if (!end) m.dueAt = deadline ?? k.cal.addWorkingHours(new Date(start), targetHours).toISOString();
  }
  return m;
}

const round = (h: number) => Math.round(h * 100) / 100;

/** The Malaysian calendar month (YYYY-MM) of an instant. */
export function monthOf(at: string): string {
  return new Date(Date.parse(at) + MALAYSIA_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 7);
}

/** Every promise that applies to a case, measured at `now` (open ones up to now). */
export function measureCase(c: Case, cal: WorkingCalendar, targets: ServiceTargets, now: Date): Measurement[] {
  const k: Clock = { cal, targets, now };
  const day = cal.hoursPerDay;
  const out: Measurement[] = [];
  if (c.kind === 'AD') {
    const lodged = c.timeline.find((e) => e.event === 'lodged')?.at ?? c.createdAt;
    out.push(measured(c, 'ticketResponse', lodged, first(c, AGENT_EVENTS, lodged, c.applicantId)?.at, targets.ticketResponseDays * day, k));
    out.push(measured(c, 'ticketResolution', lodged, first(c, RESOLVED_EVENTS, lodged)?.at, targets.ticketResolutionDays * day, k));
    const onsite = (c.data as unknown as ComplaintData).onsite;
    if (onsite?.approvedAt) {
      // The visit counts when its report says the representative was there (an absent one is rebooked).
      const visit = onsite.reports.find((r) => r.representativePresent)?.at;
      out.push(measured(c, 'visit', onsite.approvedAt, visit, targets.visitHours, k, onsite.pauses, onsite.deadline));
    }
  } else if (c.kind === 'KN') {
    const asked = c.timeline.find((e) => e.event === 'advisoryRequested')?.at ?? c.createdAt;
    out.push(measured(c, 'advisory', asked, c.timeline.find((e) => e.event === 'advisoryHeld')?.at, undefined, k));
  } else {
    const submitted = c.timeline.find((e) => e.event === 'submitted' || e.event === 'routed')?.at ?? c.createdAt;
    // A server certificate waits for its CSR first: the verifying officer's clock starts when it is accepted.
    const start = c.kind === 'SC' ? c.timeline.find((e) => e.event === 'csrAccepted')?.at : submitted;
    const decided = start ? first(c, DECISION_EVENTS, start, c.applicantId) : undefined;
    if (start && (decided || c.status !== 'DIBATALKAN_PEMOHON'))
      out.push(measured(c, 'apDecision', start, decided?.at, targets.apDecisionDays * day, k));
    // Approval to certificate: the last approval (a returned case is approved again), to the issue after it.
    const approved = c.timeline.filter((e) => APPROVAL_EVENTS.includes(e.event)).pop();
    const issued = approved ? c.timeline.find((e) => ISSUE_EVENTS.includes(e.event) && e.at >= approved.at) : undefined;
    const given = issued || !['DITOLAK', 'DIBATALKAN_PEMOHON', 'GAGAL'].includes(c.status);
    if (approved && !isRevocation(c) && given) out.push(measured(c, 'issue', approved.at, issued?.at, targets.issueDays * day, k));
  }
  return out;
}

/** One figure: a measure for one group of cases, with the cases behind it. */
export interface Figure {
  measure: ServiceMeasure;
  month?: string;
  agencyId?: string;
  kind?: CaseKind;
  count: number;
  done: number;
  met: number;
  breached: number;
  /** met / (met + breached); absent when nothing was judged yet. */
  compliance?: number;
  medianHours?: number;
  p90Hours?: number;
  caseIds: string[];
}

export type GroupBy = 'month' | 'agencyId' | 'kind';

/** Figures per measure and per the groups asked for (none: one figure per measure). */
export function summarise(ms: readonly Measurement[], by: readonly GroupBy[] = []): Figure[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of ms) {
    const key = [m.measure, ...by.map((g) => m[g])].join('|');
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()]
    .map((list) => {
      const head = list[0]!;
      const done = list
        .filter((m) => m.endedAt)
        .map((m) => m.workingHours)
        .sort((a, b) => a - b);
      const met = list.filter((m) => m.met === true).length;
      const breached = list.filter((m) => m.met === false).length;
      const f: Figure = {
        measure: head.measure,
        count: list.length,
        done: done.length,
        met,
        breached,
        caseIds: [...new Set(list.map((m) => m.caseId))].sort(),
      };
      for (const g of by) (f as unknown as Record<string, unknown>)[g] = head[g];
      if (met + breached > 0) f.compliance = Math.round((met / (met + breached)) * 1000) / 1000;
      if (done.length > 0) {
        f.medianHours = quantile(done, 0.5);
        f.p90Hours = quantile(done, 0.9);
      }
      return f;
    })
    .sort(
      (a, b) =>
        SERVICE_MEASURES.indexOf(a.measure) - SERVICE_MEASURES.indexOf(b.measure) ||
        String(a.month ?? '').localeCompare(String(b.month ?? '')) ||
        String(a.agencyId ?? '').localeCompare(String(b.agencyId ?? '')) ||
        String(a.kind ?? '').localeCompare(String(b.kind ?? '')),
    );
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Open promises with a target, the nearest to (or furthest past) their deadline first. */
export function nearestDeadlines(ms: readonly Measurement[], limit = 10): Measurement[] {
  return ms
    .filter((m) => !m.endedAt && m.targetHours !== undefined)
    .sort((a, b) => a.targetHours! - a.workingHours - (b.targetHours! - b.workingHours))
    .slice(0, limit);
}
