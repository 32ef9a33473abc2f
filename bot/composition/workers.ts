import { isDomainError } from '../../domain/errors.js';
import { recoverLostWork } from '../../domain/usecases/recovery.js';
import { recoverHelpdeskTimers } from '../../domain/usecases/helpdesk-recovery.js';
import { sweepExpired } from '../../domain/usecases/expired-sweep.js';
import { scheduleAuditCheckpoint } from '../../domain/usecases/audit-trail.js';
import { processors, registerProcessors } from '../../jobs/processors.js';
import { HandoffService } from '../handoff/service.js';
import type { Channels } from './channels.js';
import type { Core } from './core.js';
import type { Conversations } from './dialogs.js';
import { startRecoveryLoop } from './recovery-loop.js';

/** The helpdesk agents' side of conversations; job-only workers have no dialogs to re-ask a step with. */
export function createHandoff({ config, infra, core }: Core, { adapterFor }: Channels, conversations?: Conversations): HandoffService {
  return new HandoffService({
    core,
    handoffs: infra.handoffs,
    conversations: infra.store.conversations,
    events: infra.events,
    storage: infra.storage,
    transcripts: infra.transcripts,
    adapterFor,
    appId: config.bot.appId,
    reader: conversations?.reader ?? { read: () => Promise.resolve(undefined) },
    hours: config.agents.hours,
    waitSeconds: config.agents.waitSeconds,
    minutesPerConversation: config.agents.minutesPerConversation,
    defaultLocale: config.defaultLocale,
    runner: () => conversations?.runner,
  });
}

/**
 * Registers the job processors, starts taking jobs, and starts the recovery loop: every instance
 * sweeps at start and every few minutes, so CA jobs lost to a crash or an empty Redis are enqueued
 * again, late CA work is announced, and the daily expiry scan is kept scheduled.
 */
export async function startWorkers(base: Core, { channel }: Channels, handoff: HandoffService): Promise<{ stop(): Promise<void> }> {
  const { config, infra, core, hd, server, logger, metrics, clock, auditKey } = base;
  const { store } = infra;
  const retention = {
    deps: {
      activities: infra.activities,
      transcripts: infra.transcripts,
      retention: config.retention,
      botState: store.storage,
      conversations: store.conversations,
      handoffs: infra.handoffs,
    },
    report: (day: string, r: object) => logger.info({ day, ...r }, 'retention: old data pruned'),
  };
  const audit = {
    checkpoints: store.auditCheckpoints,
    signer: auditKey,
    everyHours: config.audit.checkpointHours,
    report: (cp: { time: string; treeSize: number; root: string }) =>
      logger.info({ time: cp.time, treeSize: cp.treeSize, root: cp.root }, 'audit checkpoint signed'),
  };
  registerProcessors(infra.jobs, processors({ core, channel, helpdesk: hd, handoff, server, retention, audit }), {
    finished(job, outcome, ms, error) {
      metrics.jobs.inc({ queue: job.queue, name: job.name, outcome });
      metrics.jobDuration.observe({ queue: job.queue, name: job.name }, ms / 1000);
      const log = logger.child({ job: job.id, queue: job.queue, name: job.name, attempt: job.attempt });
      if (outcome === 'failed') log.warn({ err: error, code: isDomainError(error) ? error.code : undefined, ms }, 'job failed');
      else log.info({ ms }, 'job completed');
    },
  });
  await infra.jobs.start();
  return startRecoveryLoop(
    async () => ({
      ...(await recoverLostWork(core, { caLateMinutes: config.recovery.caLateMinutes })),
      helpdeskTimers: await recoverHelpdeskTimers(hd),
      auditCheckpointPeriod: await scheduleAuditCheckpoint({ jobs: infra.jobs, clock }, { everyHours: config.audit.checkpointHours }),
      // Unclaimed uploads expire by the hour (UPLOAD_UNCLAIMED_HOURS): this sweep, not the daily one, removes them.
      ...(await sweepExpired({ files: store.files, rateLimits: infra.rateLimits, clock })),
      // Console sessions run on the wall clock (a test clock moved ahead must not end them).
      expiredSessions: await infra.agentSessions.pruneExpired(new Date()),
    }),
    { intervalMs: config.recovery.intervalMs, logger },
  );
}
