import type { Locale } from '../../domain/people.js';
import type { Directory } from '../../domain/ports/directory.js';
import { lastMonths, type ServiceReportQuery } from '../../domain/usecases/service-levels.js';
import { t } from '../../ui/i18n/index.js';
import { bilingual, type Bilingual } from '../handoff/console-labels.js';

/** A report covers at most this many months: three years of cases is what one page can show. */
export const MAX_MONTHS = 36;
/** The period when none is asked for: the last six Malaysian months, this one included. */
export const DEFAULT_MONTHS = 6;

export type ReportParamError =
  'MONTH_INVALID' | 'PERIOD_REVERSED' | 'PERIOD_TOO_LONG' | 'AGENCY_UNKNOWN' | 'LANG_INVALID' | 'PARAM_REPEATED';

export interface ReportRequest {
  query: ServiceReportQuery;
  /** The language of a CSV's header row and words (`lang`, default Malay). */
  lang: Locale;
}

export type ReportQueryResult =
  { ok: true; value: ReportRequest } | { ok: false; error: ReportParamError; param: string; message: Bilingual };

// Years this century: what a report of this service can be about (and Date.UTC reads two-digit years as 19xx).
const MONTH = /^20\d{2}-(0[1-9]|1[0-2])$/;

/** Months from `a` to `b` (YYYY-MM), both counted. */
export function monthsBetween(a: string, b: string): number {
  const [ya, ma] = a.split('-').map(Number) as [number, number];
  const [yb, mb] = b.split('-').map(Number) as [number, number];
  return (yb - ya) * 12 + (mb - ma) + 1;
}

/** The month `n` months after `month` (before, when negative). */
export function shiftMonth(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}

/** Every month from `from` to `to` (YYYY-MM), in order. */
export function monthList(from: string, to: string): string[] {
  return Array.from({ length: Math.max(0, monthsBetween(from, to)) }, (_, i) => shiftMonth(from, i));
}

/**
 * The report's period, agency and language from a request's query string (`from`, `to`,
 * `agency`, `lang`), checked: months as YYYY-MM, the first not after the last, at most
 * MAX_MONTHS, an agency the directory knows. A missing `to` is this Malaysian month; a missing
 * `from` is DEFAULT_MONTHS back from `to`.
 */
export async function reportRequest(url: string, deps: { directory: Directory; now: Date }): Promise<ReportQueryResult> {
  const params = new URL(url, 'http://localhost').searchParams;
  const refuse = (error: ReportParamError, param: string, extra: Record<string, string | number> = {}): ReportQueryResult => ({
    ok: false,
    error,
    param,
    message: bilingual((l) => t(l, `reports.error.${error}`, { param, ...extra })),
  });
  for (const name of ['from', 'to', 'agency', 'lang']) if (params.getAll(name).length > 1) return refuse('PARAM_REPEATED', name);
  const from = params.get('from') || undefined;
  const to = params.get('to') || undefined;
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (value !== undefined && !MONTH.test(value)) return refuse('MONTH_INVALID', name, { value: value.slice(0, 20) });
  const toMonth = to ?? lastMonths(deps.now, 1).toMonth;
  const fromMonth = from ?? shiftMonth(toMonth, 1 - DEFAULT_MONTHS);
  if (fromMonth > toMonth) return refuse('PERIOD_REVERSED', 'from');
  if (monthsBetween(fromMonth, toMonth) > MAX_MONTHS) return refuse('PERIOD_TOO_LONG', 'from', { max: MAX_MONTHS });
  const agencyId = params.get('agency') || undefined;
  if (agencyId !== undefined && (agencyId.length > 64 || !(await deps.directory.getAgency(agencyId))))
    return refuse('AGENCY_UNKNOWN', 'agency', { value: agencyId.slice(0, 64) });
  const lang = params.get('lang') || 'ms';
  if (lang !== 'ms' && lang !== 'en') return refuse('LANG_INVALID', 'lang');
  return { ok: true, value: { query: { fromMonth, toMonth, ...(agencyId ? { agencyId } : {}) }, lang } };
}
