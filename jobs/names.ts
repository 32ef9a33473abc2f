import { z } from 'zod';

/** Job names per queue and the payload each carries (ids only: processors load the rest). */
export const JOBS = {
  caIssue: { queue: 'ca', name: 'issue' },
  notifyDeliver: { queue: 'notify', name: 'deliver' },
} as const;

export const CaIssuePayload = z.object({ caseId: z.string().regex(/^[A-Z]{2}-\d{4}-\d{6}$/) });

export const NotifyPayload = z.object({
  personId: z.string().min(1),
  notification: z.discriminatedUnion('type', [
    z.object({ type: z.literal('approvalRequest'), caseId: z.string() }),
    z.object({ type: z.literal('caseReturned'), caseId: z.string() }),
    z.object({ type: z.literal('caseRejected'), caseId: z.string() }),
    z.object({ type: z.literal('caseApproved'), caseId: z.string() }),
    z.object({ type: z.literal('certificateIssued'), caseId: z.string(), serial: z.string() }),
    z.object({ type: z.literal('caseFailed'), caseId: z.string() }),
  ]),
});
