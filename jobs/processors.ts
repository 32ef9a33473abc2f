import type { CoreDeps } from '../domain/usecases/deps.js';
import { issueCertificate } from '../domain/usecases/certificate-issue.js';
import { revokeForCase } from '../domain/usecases/certificate-revoke.js';
import { scheduleExpiryScan, sendExpiryReminders } from '../domain/usecases/expiry.js';
import { expireTrainingDownload } from '../domain/usecases/training.js';
import type { Job, JobHandler, JobScheduler, QueueName } from '../domain/ports/job-scheduler.js';
import type { NotificationChannel } from '../domain/ports/notifier.js';
import { PermanentError } from '../domain/errors.js';
import { CaCasePayload, CaIssuePayload, ExpiryScanPayload, HandoffTimeoutPayload, JOBS, NotifyPayload } from './names.js';

/** Told about every job run, for logs and metrics (the composition root supplies it). */
export interface JobObserver {
  finished(job: Job, outcome: 'completed' | 'failed', ms: number, error?: unknown): void;
}

type Handlers = Record<string, (job: Job) => Promise<void>>;

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, job: Job): T {
  const r = schema.safeParse(job.payload);
  // A malformed payload will never become valid: do not retry it.
  if (!r.success) throw new PermanentError('INVALID_INPUT', `bad payload for ${job.queue}/${job.name}`);
  return r.data;
}

/** Thin processors: parse ids, call one use case. */
export function processors(deps: { core: CoreDeps; channel: NotificationChannel; handoff?: { timeout(conversationId: string, queuedAt: string): Promise<void> } }): Partial<Record<QueueName, Handlers>> {
  return {
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
    },
    [JOBS.expiryScan.queue]: {
      // Reminders first, then the next day's scan: a scan that fails is retried, not skipped.
      [JOBS.expiryScan.name]: async (job) => {
        const { day } = parse(ExpiryScanPayload, job);
        await sendExpiryReminders(deps.core);
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
