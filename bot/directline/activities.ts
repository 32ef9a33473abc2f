import { z } from 'zod';
import type { LoggedActivity } from '../../domain/ports/activity-log.js';
import { maskMyKadInText } from '../../domain/rules/mykad.js';

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

/**
 * The activity as the Direct Line history keeps it: every MyKad-shaped number masked (as in
 * transcripts) in what a person or the bot said or filled in: `text`, `speak`, `summary`, `value`,
 * `suggestedActions`, `entities` and each attachment's `content` and `name`. Ids, addresses, links
 * and `channelData` (Web Chat matches its echo by `clientActivityID`) are kept as they are. The
 * history is the transport too, so every client, the sender included, sees the masked form.
 */
export function maskForHistory(activity: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...activity };
  for (const key of ['text', 'speak', 'summary', 'value', 'suggestedActions', 'entities'] as const) {
    if (key in out) out[key] = maskDeep(out[key]);
  }
  if (Array.isArray(out.attachments)) {
    out.attachments = out.attachments.map((a: unknown) => {
      if (!a || typeof a !== 'object') return a;
      const { content, name, ...rest } = a as Record<string, unknown>;
      return {
        ...rest,
        ...(name !== undefined ? { name: maskDeep(name) } : {}),
        ...(content !== undefined ? { content: maskDeep(content) } : {}),
      };
    });
  }
  return out;
}

// Links (a signed file link's id or signature) and long hex strings (certificate serials) are left
// whole: twelve digits inside them are not a MyKad, and masking them would break what the user sees.
const KEEP_WHOLE = /\b(?:https?:\/\/|data:)[^\s"'<>()[\]]+|\b(?=[0-9a-f]*[a-f])[0-9a-f]{16,}\b/gi;

function maskString(text: string): string {
  let out = '';
  let from = 0;
  for (const m of text.matchAll(KEEP_WHOLE)) {
    out += maskMyKadInText(text.slice(from, m.index)) + m[0];
    from = m.index + m[0].length;
  }
  return out + maskMyKadInText(text.slice(from));
}

function maskDeep(v: unknown): unknown {
  if (typeof v === 'string') return maskString(v);
  // A card input may send the number as a JSON number: it is kept as its masked text.
  if (typeof v === 'number') {
    const masked = maskMyKadInText(String(v));
    return masked === String(v) ? v : masked;
  }
  if (Array.isArray(v)) return v.map(maskDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskDeep(x)]));
  return v;
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
