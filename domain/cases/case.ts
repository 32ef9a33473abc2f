/** A case: one request (application, complaint, ...) with a number, a status, a timeline. */
export const CASE_KINDS = ['UC', 'SC', 'TC', 'KN', 'AD'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** One line of the timeline `status <no>` shows: every transition, job step and handoff. */
export interface TimelineEntry {
  /** ISO-8601 instant. */
  at: string;
  /** Stable event name (catalog key suffix), e.g. `submitted`, `approved`, `issued`. */
  event: string;
  /** Person id, or `system` for jobs. */
  actorId: string;
  /** Status after the event, if it changed. */
  status?: string;
  /** Free text note (return reason, rejection reason). Never contains a MyKad number. */
  note?: string;
}

export interface CorrectionRequest {
  fields: string[];
  note: string;
  byId: string;
  at: string;
}

export interface Case<D = Record<string, unknown>> {
  /** Case number, e.g. `UC-2026-000123`. Assigned by the repository on create. */
  id: string;
  kind: CaseKind;
  status: string;
  applicantId: string;
  agencyId?: string;
  data: D;
  /** Open correction request while the case is returned. */
  correction?: CorrectionRequest;
  /** Reason given with a rejection or a CA refusal. */
  reason?: string;
  /** Serial (hex) of the certificate this case produced. */
  certificateSerial?: string;
  timeline: TimelineEntry[];
  /** Optimistic-concurrency version; 1 after create, +1 on each update. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Whether `event` happened after the last `since` event of the timeline (e.g. a reminder of this booking). */
export function happenedSince(c: Pick<Case<unknown>, 'timeline'>, event: string, since: string): boolean {
  let last = -1;
  c.timeline.forEach((e, i) => {
    if (e.event === since) last = i;
  });
  return c.timeline.slice(last + 1).some((e) => e.event === event);
}

/** What `CaseRepository.create` needs: everything but the number and the version. */
export type NewCase<D = Record<string, unknown>> = Omit<Case<D>, 'id' | 'version' | 'createdAt' | 'updatedAt'> & { createdAt?: string };

/** Malaysia keeps UTC+8 all year (no daylight saving). */
const MYT_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * The year a case number carries: the calendar year in Malaysia when the case was created, so a
 * case lodged at 07:30 MYT on 1 January belongs to the new year, not the old UTC one.
 */
export function caseYear(createdAt: Date | string): number {
  return new Date(new Date(createdAt).getTime() + MYT_OFFSET_MS).getUTCFullYear();
}

/** Format `UC-2026-000123`. */
export function formatCaseNumber(kind: CaseKind, year: number, seq: number): string {
  return `${kind}-${year}-${String(seq).padStart(6, '0')}`;
}

const CASE_NO = /^(UC|SC|TC|KN|AD)-(\d{4})-(\d{6})$/;

export function parseCaseNumber(text: string): { kind: CaseKind; year: number; seq: number } | undefined {
  const m = CASE_NO.exec(text.trim().toUpperCase());
  if (!m) return undefined;
  return { kind: m[1] as CaseKind, year: Number(m[2]), seq: Number(m[3]) };
}

/** Whether `text` is exactly a case number as the repository writes it (`UC-2026-000123`), and of `kind` when one is given. */
export function isCaseNumber(text: string, kind?: CaseKind): boolean {
  const m = CASE_NO.exec(text);
  return m !== null && (kind === undefined || m[1] === kind);
}
