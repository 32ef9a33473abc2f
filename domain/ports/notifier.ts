import type { ServerTask } from '../cases/authority.js';

/**
 * Every kind of notification the domain sends: the one list. `Notification` is derived from it, and
 * so is the job payload schema that carries a notification through the `notify` queue (`jobs/names.ts`).
 * A kind that carries only its case needs nothing more than its entry here.
 */
export const NOTIFICATION_TYPES = [
  'approvalRequest',
  'caseReturned',
  'caseRejected',
  'caseApproved',
  'certificateIssued',
  'caseFailed',
  /** A revocation (or the first half of a replacement) was carried out. */
  'certificateRevoked',
  /** To the APs: an owner's key-compromise report was acted on at once. */
  'revocationInformed',
  /** To the holder: an AP started this request on their behalf. */
  'startedOnBehalf',
  /** To the holder: the new certificate of a replacement is late; the CA job keeps retrying. */
  'replacementDelayed',
  /** A case has waited for the CA longer than it should (the recovery sweep tells each party once). */
  'caLate',
  /** To the holder: a training certificate is ready behind a one-time download link. */
  'trainingReady',
  /** To the holder: the download link ran out and the key was deleted. */
  'downloadExpired',
  /** To the holder: `days` before the certificate `serial` (made by case `caseId`) expires. */
  'expiryReminder',
  /** Helpdesk tickets, on-site visits and advisory requests: `event` names what happened. */
  'helpdesk',
  /** Server certificates: a task card for the technical officer (csr), verifying officer (endorse) or lead agency (approve). */
  'serverTask',
  /** Server certificates: what happened to a case (`event` names the catalog text), with a note. */
  'serverNotice',
  /** Server certificates: the certificate and its chain, as PEM files, to the technical officer. */
  'serverIssued',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Keys must be notification types (a misspelt key fails to compile). */
type OfNotificationTypes<T extends { [K in keyof T]: K extends NotificationType ? object : never }> = T;

/** What a notification carries beyond its `caseId`, per type; a type not listed carries only the case. */
export type NotificationFields = OfNotificationTypes<{
  certificateIssued: { serial: string };
  certificateRevoked: { serial: string };
  trainingReady: { serial: string };
  expiryReminder: { serial: string; days: number };
  helpdesk: { event: string };
  serverTask: { task: ServerTask };
  serverNotice: { event: string; note?: string };
  serverIssued: { serial: string };
}>;

/** What the domain wants a person to know; the edge renders it in the person's language. */
export type Notification = {
  [T in NotificationType]: { type: T; caseId: string } & (T extends keyof NotificationFields ? NotificationFields[T] : unknown);
}[NotificationType];

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
