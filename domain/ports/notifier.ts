/** What the domain wants a person to know; the edge renders it in the person's language. */
export type Notification =
  | { type: 'approvalRequest'; caseId: string }
  | { type: 'caseReturned'; caseId: string }
  | { type: 'caseRejected'; caseId: string }
  | { type: 'caseApproved'; caseId: string }
  | { type: 'certificateIssued'; caseId: string; serial: string }
  | { type: 'caseFailed'; caseId: string }
  /** A revocation (or the first half of a replacement) was carried out. */
  | { type: 'certificateRevoked'; caseId: string; serial: string }
  /** To the APs: an owner's key-compromise report was acted on at once. */
  | { type: 'revocationInformed'; caseId: string }
  /** To the holder: an AP started this request on their behalf. */
  | { type: 'startedOnBehalf'; caseId: string }
  /** To the holder: the new certificate of a replacement is late; the CA job keeps retrying. */
  | { type: 'replacementDelayed'; caseId: string }
  /** A case has waited for the CA longer than it should (the recovery sweep tells each party once). */
  | { type: 'caLate'; caseId: string }
  /** To the holder: a training certificate is ready behind a one-time download link. */
  | { type: 'trainingReady'; caseId: string; serial: string }
  /** To the holder: the download link ran out and the key was deleted. */
  | { type: 'downloadExpired'; caseId: string }
  /** To the holder: `days` before the certificate `serial` (made by case `caseId`) expires. */
  | { type: 'expiryReminder'; caseId: string; serial: string; days: number }
  /** Helpdesk tickets, on-site visits and advisory requests: `event` names what happened. */
  | { type: 'helpdesk'; caseId: string; event: string }
  /** Server certificates: a task card for the technical officer (csr), verifying officer (endorse) or lead agency (approve). */
  | { type: 'serverTask'; caseId: string; task: 'csr' | 'endorse' | 'approve' }
  /** Server certificates: what happened to a case (`event` names the catalog text), with a note. */
  | { type: 'serverNotice'; caseId: string; event: string; note?: string }
  /** Server certificates: the certificate and its chain, as PEM files, to the technical officer. */
  | { type: 'serverIssued'; caseId: string; serial: string };

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
