import type { QueueName } from './job-scheduler.js';

/**
 * The catalog of background jobs: each job's queue and its name within that queue. The one place
 * these names are written; use cases enqueue with `...JOBS.<job>`, and `jobs/names.ts` re-exports it
 * for the processors.
 */
export const JOBS = {
  caIssue: { queue: 'ca', name: 'issue' },
  caRevoke: { queue: 'ca', name: 'revoke' },
  caExpireDownload: { queue: 'ca', name: 'expireDownload' },
  caServerIssue: { queue: 'ca', name: 'serverIssue' },
  caServerRevoke: { queue: 'ca', name: 'serverRevoke' },
  notifyDeliver: { queue: 'notify', name: 'deliver' },
  expiryScan: { queue: 'expiry', name: 'scan' },
  // The signed checkpoint of the audit trail, at least daily (its own queue: it keeps its own pace).
  auditCheckpoint: { queue: 'audit', name: 'checkpoint' },
  // Helpdesk timers share the visits queue: on-site reminders and deadline checks, ticket auto-close, advisory reminders.
  visitReminder: { queue: 'visits', name: 'visitReminder' },
  visitDeadline: { queue: 'visits', name: 'visitDeadline' },
  ticketAutoClose: { queue: 'visits', name: 'ticketAutoClose' },
  advisoryReminder: { queue: 'visits', name: 'advisoryReminder' },
  handoffTimeout: { queue: 'notify', name: 'handoffTimeout' },
} as const satisfies Record<string, { queue: QueueName; name: string }>;

/** A job of the catalog, e.g. `caIssue`. */
export type JobKind = keyof typeof JOBS;
/** A job's queue and name, as written in the catalog. */
export type JobRef = (typeof JOBS)[JobKind];
