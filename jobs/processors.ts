import type { CoreDeps } from '../domain/usecases/deps.js';
import { issueCertificate } from '../domain/usecases/certificate-issue.js';
import { revokeForCase } from '../domain/usecases/certificate-revoke.js';
import { scheduleExpiryScan, sendExpiryReminders } from '../domain/usecases/expiry.js';
import { purgeStaleMyKadCopies } from '../domain/usecases/personal-data.js';
import { applyRetention, type RetentionDeps, type RetentionReport } from '../domain/usecases/retention.js';
import { makeAuditCheckpoint, scheduleAuditCheckpoint } from '../domain/usecases/audit-trail.js';
import type { AuditCheckpoint, AuditCheckpoints, CheckpointSigner } from '../domain/ports/audit-checkpoints.js';
import { expireTrainingDownload } from '../domain/usecases/training.js';
import { issueServerCertificate, revokeServerCertificate } from '../domain/usecases/server-certificate-ca.js';
import type { ServerPorts } from '../domain/usecases/server-deps.js';
import type { Job, JobHandler, JobScheduler, QueueName } from '../domain/ports/job-scheduler.js';
import type { NotificationChannel } from '../domain/ports/notifier.js';
import { PermanentError } from '../domain/errors.js';
import type { HelpdeskDeps } from '../domain/usecases/helpdesk-deps.js';
import { autoCloseTicket } from '../domain/usecases/complaint.js';
import { checkVisitDeadline, sendVisitReminder } from '../domain/usecases/onsite.js';
import { sendAdvisoryReminder } from '../domain/usecases/advisory.js';
import {
  AuditCheckpointPayload,
  CaCasePayload,
  CaIssuePayload,
  ExpiryScanPayload,
  HandoffTimeoutPayload,
  HelpdeskTimerPayload,
  JOBS,
  NotifyPayload,
} from './names.js';

/** Told about every job run, for logs and metrics (the composition root supplies it). */
export interface JobObserver {
  finished(job: Job, outcome: 'completed' | 'failed', ms: number, error?: unknown): void;
}

type Handlers = Record<string, (job: Job) => Promise<void>>;

/** What the periodic audit checkpoint needs beyond the core: the store's checkpoints, the audit key, the period. */
export interface AuditCheckpointJobDeps {
  checkpoints: AuditCheckpoints;
  signer: CheckpointSigner;
  everyHours: number;
  report?(cp: AuditCheckpoint): void;
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, job: Job): T {
  const r = schema.safeParse(job.payload);
  // A malformed payload will never become valid: do not retry it.
  if (!r.success) throw new PermanentError('INVALID_INPUT', `bad payload for ${job.queue}/${job.name}`);
  return r.data;
}

/** Thin processors: parse ids, call one use case. */
export function processors(deps: {
  core: CoreDeps;
  channel: NotificationChannel;
  helpdesk?: HelpdeskDeps;
  handoff?: { timeout(conversationId: string, queuedAt: string): Promise<void> };
  server?: ServerPorts;
  retention?: { deps: Omit<RetentionDeps, keyof CoreDeps>; report?(day: string, r: RetentionReport): void };
  audit?: AuditCheckpointJobDeps;
}): Partial<Record<QueueName, Handlers>> {
  const server = deps.server ? { ...deps.core, server: deps.server } : undefined;
  const needsServer = () => {
    if (!server) throw new PermanentError('INVALID_INPUT', 'server-certificate jobs need the server ports');
    return server;
  };
  return {
    ...(deps.helpdesk ? { [JOBS.visitDeadline.queue]: helpdeskProcessors(deps.helpdesk) } : {}),
    ...(deps.audit ? { [JOBS.auditCheckpoint.queue]: auditProcessors(deps.core, deps.audit) } : {}),
    [JOBS.caIssue.queue]: {
      [JOBS.caIssue.name]: async (job) => {
        await issueCertificate(deps.core, parse(CaIssuePayload, job).caseId);
      },
      [JOBS.caRevoke.name]: async (job) => {
        await revokeForCase(deps.core, parse(CaCasePayload, job).caseId);
      },
      [JOBS.caExpireDownload.name]: async (job) => {
        await expireTrainingDownload(deps.core, parse(CaCasePayload, job).caseId);
      },
      [JOBS.caServerIssue.name]: async (job) => {
        await issueServerCertificate(needsServer(), parse(CaCasePayload, job).caseId);
      },
      [JOBS.caServerRevoke.name]: async (job) => {
        await revokeServerCertificate(needsServer(), parse(CaCasePayload, job).caseId);
      },
    },
    [JOBS.expiryScan.queue]: {
      // Reminders and the retention sweep first, then the next day's scan: a scan that fails is
      // retried, not skipped.
      [JOBS.expiryScan.name]: async (job) => {
        const { day } = parse(ExpiryScanPayload, job);
        await sendExpiryReminders(deps.core);
        await purgeStaleMyKadCopies(deps.core);
        if (deps.retention) deps.retention.report?.(day, await applyRetention({ ...deps.core, ...deps.retention.deps }));
        await scheduleExpiryScan(deps.core, { after: day });
      },
    },
    [JOBS.notifyDeliver.queue]: {
      [JOBS.notifyDeliver.name]: async (job) => {
        const p = parse(NotifyPayload, job);
        await deps.channel.deliver(p.personId, p.notification);
      },
      // A conversation still waiting for an agent leaves the queue with a ticket offered.
      [JOBS.handoffTimeout.name]: async (job) => {
        const p = parse(HandoffTimeoutPayload, job);
        await deps.handoff?.timeout(p.conversationId, p.queuedAt);
      },
    },
  };
}

/** The audit queue: sign this period's checkpoint, then schedule the next period's (a failed one is retried, not skipped). */
export function auditProcessors(core: CoreDeps, audit: AuditCheckpointJobDeps): Handlers {
  return {
    [JOBS.auditCheckpoint.name]: async (job) => {
      const { period } = parse(AuditCheckpointPayload, job);
      const cp = await makeAuditCheckpoint({ audit: core.audit, checkpoints: audit.checkpoints, signer: audit.signer, clock: core.clock });
      audit.report?.(cp);
      await scheduleAuditCheckpoint({ jobs: core.jobs, clock: core.clock }, { everyHours: audit.everyHours, after: period });
    },
  };
}

/** The helpdesk timers (visits queue): each parses the case and the instant it was set for, then calls one use case. */
export function helpdeskProcessors(hd: HelpdeskDeps): Handlers {
  return {
    [JOBS.visitReminder.name]: async (job) => {
      const p = parse(HelpdeskTimerPayload, job);
      await sendVisitReminder(hd, p.caseId, p.at);
    },
    [JOBS.visitDeadline.name]: async (job) => {
      const p = parse(HelpdeskTimerPayload, job);
      await checkVisitDeadline(hd, p.caseId, p.at);
    },
    [JOBS.ticketAutoClose.name]: async (job) => {
      const p = parse(HelpdeskTimerPayload, job);
      await autoCloseTicket(hd, p.caseId, p.at);
    },
    [JOBS.advisoryReminder.name]: async (job) => {
      const p = parse(HelpdeskTimerPayload, job);
      await sendAdvisoryReminder(hd, p.caseId, p.at);
    },
  };
}

/** Registers every processor on a scheduler, dispatching by job name and reporting to the observer. */
export function registerProcessors(jobs: JobScheduler, handlers: Partial<Record<QueueName, Handlers>>, observer?: JobObserver): void {
  for (const [queue, byName] of Object.entries(handlers) as [QueueName, Handlers][]) {
    const handler: JobHandler = async (job) => {
      const started = performance.now();
      try {
        const fn = byName[job.name];
        if (!fn) throw new PermanentError('INVALID_INPUT', `no processor for ${queue}/${job.name}`);
        await fn(job);
        observer?.finished(job, 'completed', performance.now() - started);
      } catch (e) {
        observer?.finished(job, 'failed', performance.now() - started, e);
        throw e;
      }
    };
    jobs.process(queue, handler);
  }
}
