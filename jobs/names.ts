import { z } from 'zod';
import { SERVER_TASKS } from '../domain/cases/authority.js';
import { NOTIFICATION_TYPES, type Notification, type NotificationFields, type NotificationType } from '../domain/ports/notifier.js';

/** Job names per queue (owned by the domain) and the payload each carries (ids only: processors load the rest). */
export { JOBS } from '../domain/ports/job-names.js';

const caseId = z.string().regex(/^[A-Z]{2}-\d{4}-\d{6}$/);

export const CaIssuePayload = z.object({ caseId });
export const CaCasePayload = CaIssuePayload;
/** Helpdesk timers carry the case and the instant they were set for, so a moved visit or deadline makes an old job a no-op. */
export const HelpdeskTimerPayload = z.object({ caseId, at: z.string().datetime() });
export const HandoffTimeoutPayload = z.object({ conversationId: z.string().min(1), queuedAt: z.string().min(1) });
export const ExpiryScanPayload = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });
export const AuditCheckpointPayload = z.object({ period: z.string().datetime() });

/**
 * The checks on what each notification type carries beyond its `caseId` (`NotificationFields` in the
 * domain); the list of types itself is the domain's `NOTIFICATION_TYPES`, so a type that carries only
 * its case needs no entry here. `satisfies` keeps this map and `NotificationFields` in step.
 */
const NOTIFICATION_FIELDS = {
  certificateIssued: { serial: z.string() },
  certificateRevoked: { serial: z.string() },
  trainingReady: { serial: z.string() },
  expiryReminder: { serial: z.string(), days: z.number().int().positive() },
  helpdesk: { event: z.string().regex(/^[a-zA-Z]{1,40}$/) },
  serverTask: { task: z.enum(SERVER_TASKS) },
  serverNotice: { event: z.string().max(60), note: z.string().max(1000).optional() },
  serverIssued: { serial: z.string() },
} satisfies { [T in keyof NotificationFields]: { [F in keyof NotificationFields[T]]-?: z.ZodType<NotificationFields[T][F]> } };

const notificationSchema = (type: NotificationType) =>
  z.object({
    type: z.literal(type),
    caseId: z.string(),
    ...(Object.hasOwn(NOTIFICATION_FIELDS, type) ? NOTIFICATION_FIELDS[type as keyof typeof NOTIFICATION_FIELDS] : {}),
  });
const [firstNotification, ...otherNotifications] = NOTIFICATION_TYPES.map(notificationSchema);

/** One notification, by its `type`: every type of the domain's list, each with its fields checked. */
export const NotificationSchema = z.discriminatedUnion('type', [
  firstNotification,
  ...otherNotifications,
]) as unknown as z.ZodType<Notification>;

export const NotifyPayload = z.object({
  personId: z.string().min(1),
  notification: NotificationSchema,
});
