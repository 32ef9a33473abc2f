import type { Locale } from '../../domain/people.js';
import type { SatisfactionRow } from '../../domain/reports/satisfaction.js';
import type { Measurement } from '../../domain/reports/service-levels.js';
import { MALAYSIA_UTC_OFFSET_MINUTES } from '../../domain/rules/malaysia-time.js';
import { t, tDynamic } from '../../ui/i18n/index.js';

/** Excel's byte-order mark: without it Excel reads UTF-8 (Malay names, comments) as the local code page. */
export const BOM = '\uFEFF';

type Cell = string | number | undefined;

/**
 * One CSV cell (RFC 4180), safe to open in a spreadsheet: text that starts like a formula (= + - @,
 * or a tab or carriage return before one) gets a leading apostrophe, so a comment such as
 * `=HYPERLINK(...)` is shown as text and never run (OWASP "CSV injection").
 */
export function csvCell(value: Cell): string {
  if (value === undefined) return '';
  let s = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV document: BOM, a header row, then the rows; CRLF line ends as Excel writes them. */
export function csvDocument(header: string[], rows: Cell[][]): string {
  return BOM + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** An instant as Malaysian wall-clock time, `YYYY-MM-DD HH:mm` (a form every spreadsheet reads as a date). */
export function malaysiaStamp(at: string | undefined): string | undefined {
  if (!at) return undefined;
  return new Date(Date.parse(at) + MALAYSIA_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

const MEASUREMENT_COLUMNS = [
  'measure',
  'caseId',
  'kind',
  'agency',
  'month',
  'started',
  'ended',
  'workingHours',
  'targetHours',
  'excludedHours',
  'met',
] as const;
const SATISFACTION_COLUMNS = ['caseId', 'kind', 'agency', 'month', 'score', 'comment', 'ratedAt'] as const;

/**
 * The measurements behind the report, one row each, headed in `lang`: the measure in words, the
 * case, its kind code and agency id, the month its clock started, start and end in Malaysian
 * time, working hours, the target and the hours excluded for the person's own delays, and
 * whether it was met (empty while an open case is still inside its target).
 */
export function measurementsCsv(ms: readonly Measurement[], lang: Locale): string {
  const yesNo = (met: boolean | undefined) => (met === undefined ? undefined : t(lang, met ? 'reports.csv.yes' : 'reports.csv.no'));
  return csvDocument(
    MEASUREMENT_COLUMNS.map((c) => t(lang, `reports.csv.${c}`)),
    ms.map((m) => [
      tDynamic(lang, `reports.measure.${m.measure}`, 'system'),
      m.caseId,
      m.kind,
      m.agencyId,
      m.month,
      malaysiaStamp(m.startedAt),
      malaysiaStamp(m.endedAt),
      m.workingHours,
      m.targetHours,
      m.excludedHours,
      yesNo(m.met),
    ]),
  );
}

/** The satisfaction answers in the period, one row each, headed in `lang`. */
export function satisfactionCsv(rows: readonly SatisfactionRow[], lang: Locale): string {
  return csvDocument(
    SATISFACTION_COLUMNS.map((c) => t(lang, `reports.csv.${c}`)),
    rows.map((r) => [r.caseId, r.kind, r.agencyId, r.month, r.score, r.comment, malaysiaStamp(r.at)]),
  );
}
