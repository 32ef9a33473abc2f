import type { Case } from '../cases/case.js';
import { operationOf } from '../cases/operations.js';
import type { JobSpec } from '../ports/job-scheduler.js';
import { approversOf, CA_JOB_RETRY, issueJobKey, revokeJobKey, revokeOldJobKey } from './cert-common.js';
import type { CoreDeps } from './deps.js';
import { scheduleExpiryScan } from './expiry.js';
import { serverIssueJobKey, serverRevokeJobKey } from './server-certificate.js';
import { recordEvent, SYSTEM_ACTOR } from './transition.js';
import { JOBS, type JobRef } from '../ports/job-names.js';

/** Statuses in which a case waits for a CA job and nothing else. */
export const CA_WAITING_STATUSES = ['DIHANTAR_KE_CA', 'MEMBATALKAN_SEGERA', 'MEMBATALKAN_LAMA'] as const;

/** The timeline event (and notice) of a CA operation that is taking longer than it should. */
export const CA_LATE_EVENT = 'caLate';

export interface RecoveryOptions {
  /** A case waiting for the CA this long is announced as late, once, to the person and the deciders. */
  caLateMinutes: number;
  /** At most this many waiting cases are looked at per sweep (the oldest first), so a sweep stays bounded. */
  maxCases?: number;
}

export interface RecoveryReport {
  /** CA jobs that were missing and have been enqueued again. */
  requeued: string[];
  /** Cases whose people were told the CA is late. */
  announcedLate: string[];
  /** The day of the next expiry scan, scheduled again if it was missing. */
  expiryScanDay?: string;
}

/**
 * The CA job a case is waiting for, derived from its kind, operation and status: the one place
 * that knows which job (and idempotency key) each waiting status stands for. `undefined` when the
 * case waits for no CA job.
 */
export function pendingCaJob(c: Case<unknown>): JobSpec | undefined {
  const job = (ref: JobRef, key: string): JobSpec => ({ ...ref, payload: { caseId: c.id }, key, ...CA_JOB_RETRY });
  if (c.kind === 'SC') {
    if (c.status !== 'DIHANTAR_KE_CA') return undefined;
    return (c.data as { operation?: string }).operation === 'revoke'
      ? job(JOBS.caServerRevoke, serverRevokeJobKey(c.id))
      : job(JOBS.caServerIssue, serverIssueJobKey(c.id));
  }
  if (c.kind !== 'UC' && c.kind !== 'TC') return undefined;
  const op = operationOf(c);
  switch (c.status) {
    case 'DIHANTAR_KE_CA':
      return op === 'revoke' ? job(JOBS.caRevoke, revokeJobKey(c.id)) : job(JOBS.caIssue, issueJobKey(c.id));
    case 'MEMBATALKAN_SEGERA':
      return op === 'replace' ? job(JOBS.caRevoke, revokeJobKey(c.id)) : undefined;
    case 'MEMBATALKAN_LAMA':
      return op === 'replace' ? job(JOBS.caRevoke, revokeOldJobKey(c.id)) : undefined;
    default:
      return undefined;
  }
}

/** When the case entered its current status (the last timeline entry that set it). */
export function waitingSince(c: Case<unknown>): string {
  for (let i = c.timeline.length - 1; i >= 0; i--) {
    if (c.timeline[i].status === c.status) return c.timeline[i].at;
  }
  return c.updatedAt;
}

/**
 * The recovery sweep, run at every start of a bot or worker and every few minutes after. Safe to
 * run anywhere and any number of times at once: every job it enqueues carries the same
 * idempotency key the use case used, so a job that still exists is not doubled, and one that was
 * lost (the process died between the case write and the enqueue, or Redis restarted empty) is
 * enqueued again. A case waiting for the CA longer than `caLateMinutes` is announced once (a
 * timeline event guards it). The daily expiry scan is scheduled again when it is missing.
 */
export async function recoverLostWork(deps: CoreDeps, opts: RecoveryOptions): Promise<RecoveryReport> {
  const report: RecoveryReport = { requeued: [], announcedLate: [] };
  const waiting = (await deps.cases.listByStatus([...CA_WAITING_STATUSES]))
    .sort((a, b) => waitingSince(a).localeCompare(waitingSince(b)))
    .slice(0, opts.maxCases ?? 500);
  const lateBefore = deps.clock.now().getTime() - opts.caLateMinutes * 60_000;
  for (const c of waiting) {
    const spec = pendingCaJob(c);
    if (!spec) continue;
    if (!(await deps.jobs.enqueue(spec)).duplicate) report.requeued.push(c.id);
    if (Date.parse(waitingSince(c)) <= lateBefore && !announcedSince(c)) {
      if (await announceLate(deps, c)) report.announcedLate.push(c.id);
    }
  }
  report.expiryScanDay = await scheduleExpiryScan(deps);
  return report;
}

/** Whether this wait was announced already (an earlier wait of the same case does not count). */
function announcedSince(c: Case<unknown>): boolean {
  const since = waitingSince(c);
  return c.timeline.some((e) => e.event === CA_LATE_EVENT && e.at >= since);
}

/** Who hears that a case is late: its person, whoever acted for them, and those who decided it. */
async function partiesOf(deps: CoreDeps, c: Case<unknown>): Promise<string[]> {
  const data = c.data as { requestedBy?: string; techId?: string; verifierId?: string };
  const deciders = c.kind === 'SC' ? [data.techId, data.verifierId] : await approversOf(deps, c);
  return [...new Set([c.applicantId, data.requestedBy, ...deciders].filter((id): id is string => Boolean(id)))];
}

async function announceLate(deps: CoreDeps, c: Case<unknown>): Promise<boolean> {
  // A concurrent sweep or the job itself may have moved the case on: then there is nothing to say.
  const saved = await recordEvent(deps, c, { event: CA_LATE_EVENT, actorId: SYSTEM_ACTOR }).catch(() => undefined);
  if (!saved) return false;
  for (const id of await partiesOf(deps, saved)) {
    await deps.notifier.notify(id, { type: 'caLate', caseId: c.id }, `${c.id}:caLate:${waitingSince(c)}`);
  }
  return true;
}
