import { z } from 'zod';

/** Job names per queue and the payload each carries (ids only: processors load the rest). */
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
} as const;

const caseId = z.string().regex(/^[A-Z]{2}-\d{4}-\d{6}$/);

export const CaIssuePayload = z.object({ caseId });
export const CaCasePayload = CaIssuePayload;
/** Helpdesk timers carry the case and the instant they were set for, so a moved visit or deadline makes an old job a no-op. */
export const HelpdeskTimerPayload = z.object({ caseId, at: z.string().datetime() });
export const HandoffTimeoutPayload = z.object({ conversationId: z.string().min(1), queuedAt: z.string().min(1) });
export const ExpiryScanPayload = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });
export const AuditCheckpointPayload = z.object({ period: z.string().datetime() });

export const NotifyPayload = z.object({
  personId: z.string().min(1),
  notification: z.discriminatedUnion('type', [
    z.object({ type: z.literal('approvalRequest'), caseId: z.string() }),
    z.object({ type: z.literal('caseReturned'), caseId: z.string() }),
    z.object({ type: z.literal('caseRejected'), caseId: z.string() }),
    z.object({ type: z.literal('caseApproved'), caseId: z.string() }),
    z.object({ type: z.literal('certificateIssued'), caseId: z.string(), serial: z.string() }),
    z.object({ type: z.literal('caseFailed'), caseId: z.string() }),
    z.object({ type: z.literal('certificateRevoked'), caseId: z.string(), serial: z.string() }),
    z.object({ type: z.literal('revocationInformed'), caseId: z.string() }),
    z.object({ type: z.literal('startedOnBehalf'), caseId: z.string() }),
    z.object({ type: z.literal('replacementDelayed'), caseId: z.string() }),
    z.object({ type: z.literal('caLate'), caseId: z.string() }),
    z.object({ type: z.literal('trainingReady'), caseId: z.string(), serial: z.string() }),
    z.object({ type: z.literal('downloadExpired'), caseId: z.string() }),
    z.object({ type: z.literal('expiryReminder'), caseId: z.string(), serial: z.string(), days: z.number().int().positive() }),
    z.object({ type: z.literal('helpdesk'), caseId: z.string(), event: z.string().regex(/^[a-zA-Z]{1,40}$/) }),
    z.object({ type: z.literal('serverTask'), caseId: z.string(), task: z.enum(['csr', 'endorse', 'approve']) }),
    z.object({ type: z.literal('serverNotice'), caseId: z.string(), event: z.string().max(60), note: z.string().max(1000).optional() }),
    z.object({ type: z.literal('serverIssued'), caseId: z.string(), serial: z.string() }),
  ]),
});
