import { CASE_KINDS, type Case } from '../cases/case.js';
import { statusesOf } from '../cases/authority.js';
import {
  measureCase,
  monthOf,
  nearestDeadlines,
  summarise,
  type Figure,
  type Measurement,
  type ServiceTargets,
} from '../reports/service-levels.js';
import type { WorkingCalendar } from '../rules/working-calendar.js';
import { satisfactionRows, summariseSatisfaction, type SatisfactionFigure, type SatisfactionRow } from '../reports/satisfaction.js';
import { calendarOf, type HelpdeskDeps } from './helpdesk-deps.js';

export interface ServiceReportQuery {
  /** First and last Malaysian month (YYYY-MM) whose clocks started in them; both included. */
  fromMonth: string;
  toMonth: string;
  agencyId?: string;
}

export interface ServiceReport {
  generatedAt: string;
  query: ServiceReportQuery;
  targets: ServiceTargets;
  /** One figure per measure over the whole period. */
  overall: Figure[];
  byMonth: Figure[];
  byAgency: Figure[];
  byKind: Figure[];
  /** Open promises nearest their deadline (or furthest past it). */
  nearest: Measurement[];
  /** Every measurement behind the figures (the CSV's rows). */
  measurements: Measurement[];
  /** Ratings given in the period: overall (one figure, or none), per month, agency and kind, and each answer. */
  satisfaction: {
    overall: SatisfactionFigure[];
    byMonth: SatisfactionFigure[];
    byAgency: SatisfactionFigure[];
    byKind: SatisfactionFigure[];
    rows: SatisfactionRow[];
  };
}

/**
 * The service levels of every case whose clock started in the months asked for, each measured on
 * its own agency's working calendar, grouped per month, agency and kind, with the cases behind
 * each figure.
 */
export async function serviceReport(
  deps: Pick<HelpdeskDeps, 'cases' | 'calendars' | 'directory' | 'clock' | 'helpdesk'>,
  q: ServiceReportQuery,
  targets: ServiceTargets,
): Promise<ServiceReport> {
  const now = deps.clock.now();
  const cases: Case[] = [];
  for (const kind of CASE_KINDS)
    cases.push(...(await deps.cases.listByStatus(statusesOf(kind), { kind, ...(q.agencyId ? { agencyId: q.agencyId } : {}) })));
  const calendars = new Map<string, WorkingCalendar>();
  const measurements: Measurement[] = [];
  for (const c of cases) {
    const key = c.agencyId ?? `person:${c.applicantId}`;
    if (!calendars.has(key)) calendars.set(key, await calendarOf(deps, c));
    for (const m of measureCase(c, calendars.get(key)!, { ...targets, visitHours: deps.helpdesk.onsiteWindowHours }, now)) {
      if (m.month >= q.fromMonth && m.month <= q.toMonth) measurements.push(m);
    }
  }
  measurements.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.caseId.localeCompare(b.caseId));
  const rated = satisfactionRows(cases).filter((r) => r.month >= q.fromMonth && r.month <= q.toMonth);
  return {
    generatedAt: now.toISOString(),
    query: q,
    targets: { ...targets, visitHours: deps.helpdesk.onsiteWindowHours },
    overall: summarise(measurements),
    byMonth: summarise(measurements, ['month']),
    byAgency: summarise(measurements, ['agencyId']),
    byKind: summarise(measurements, ['kind']),
    nearest: nearestDeadlines(measurements),
    measurements,
    satisfaction: {
      overall: summariseSatisfaction(rated),
      byMonth: summariseSatisfaction(rated, ['month']),
      byAgency: summariseSatisfaction(rated, ['agencyId']),
      byKind: summariseSatisfaction(rated, ['kind']),
      rows: rated,
    },
  };
}

/** The last `n` Malaysian months up to `now`'s, as a query. */
export function lastMonths(now: Date, n: number): Pick<ServiceReportQuery, 'fromMonth' | 'toMonth'> {
  const toMonth = monthOf(now.toISOString());
  const [y, m] = toMonth.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - n, 1));
  return { fromMonth: first.toISOString().slice(0, 7), toMonth };
}
