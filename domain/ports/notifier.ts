/** What the domain wants a person to know; the edge renders it in the person's language. */
export type Notification =
  | { type: 'approvalRequest'; caseId: string }
  | { type: 'caseReturned'; caseId: string }
  | { type: 'caseRejected'; caseId: string }
  | { type: 'caseApproved'; caseId: string }
  | { type: 'certificateIssued'; caseId: string; serial: string }
  | { type: 'caseFailed'; caseId: string };

/**
 * Tells a person something, on the channel they last used.
 *
 * Promises: never throws for an unreachable person (the message waits for their next visit);
 * the same (person, notification, dedupeKey) is delivered at most once.
 */
export interface Notifier {
  notify(personId: string, n: Notification, dedupeKey: string): Promise<void>;
}

/** The edge's side of delivery: renders and sends now, or reports that it cannot. */
export interface NotificationChannel {
  deliver(personId: string, n: Notification): Promise<'delivered' | 'pending'>;
}
