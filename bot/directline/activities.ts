import { z } from 'zod';
import type { LoggedActivity } from '../../domain/ports/activity-log.js';

/** The channel id of the bot's own Direct Line (what the pipeline and proactive delivery see). */
export const DIRECTLINE_CHANNEL = 'directline';

/** EventBus topic on which each appended activity of a conversation is announced. */
export const topicOf = (conversationId: string): string => `directline:${conversationId}`;

/** Azure's id shape: `<conversationId>|<watermark padded to 7>`. */
export function activityId(conversationId: string, watermark: number): string {
  return `${conversationId}|${String(watermark).padStart(7, '0')}`;
}

/** The watermark an id of this conversation was given, or undefined when it is not one of ours. */
export function watermarkOfId(conversationId: string, id: string | undefined): number | undefined {
  if (!id?.startsWith(`${conversationId}|`)) return undefined;
  const n = Number(id.slice(conversationId.length + 1));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * A logged activity as clients get it. Stored activities carry no id (it follows from the
 * watermark), except replacements made by `updateActivity`, which keep the id they replace.
 */
export function toWire(e: LoggedActivity): Record<string, unknown> {
  const id = typeof e.activity.id === 'string' ? e.activity.id : activityId(e.conversationId, e.watermark);
  return { ...e.activity, id };
}

/** An attachment as a client may post it (uploads arrive through /upload instead). */
const AttachmentShape = z.object({
  contentType: z.string().min(1).max(256),
  contentUrl: z.string().max(700_000).optional(),
  name: z.string().max(256).optional(),
  content: z.unknown().optional(),
  thumbnailUrl: z.string().max(100_000).optional(),
});

/**
 * What a client may send. Only these fields are taken; `from`, `recipient`, `conversation`,
 * `channelId`, `serviceUrl`, `id` and `timestamp` are always set by the server.
 */
export const ClientActivityShape = z.object({
  type: z.enum(['message', 'event', 'typing']),
  text: z.string().max(100_000).optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: z.string().max(32).optional(),
  localTimestamp: z.string().max(64).optional(),
  localTimezone: z.string().max(64).optional(),
  name: z.string().max(256).optional(),
  value: z.unknown().optional(),
  attachments: z.array(AttachmentShape).max(10).optional(),
  channelData: z.record(z.unknown()).optional(),
  entities: z.array(z.record(z.unknown())).max(20).optional(),
});
export type ClientActivity = z.infer<typeof ClientActivityShape>;

/** Parses a client's activity; the reason names the first bad field. */
export function parseClientActivity(body: unknown): { ok: true; activity: ClientActivity } | { ok: false; reason: string } {
  const parsed = ClientActivityShape.safeParse(body ?? {});
  if (parsed.success) return { ok: true, activity: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `${issue?.path.join('.') || 'activity'}: ${issue?.message ?? 'invalid'}` };
}

/** Azure's error body, so clients written for Azure read ours the same way. */
export function dlError(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
