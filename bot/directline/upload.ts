import type { Request, Response } from 'restify';
import { acceptableImageType } from '../../domain/rules/files.js';
import { t } from '../../ui/i18n/index.js';
import { DIRECTLINE_CHANNEL, dlError, parseClientActivity } from './activities.js';
import { MAX_JSON_DEPTH, parseJsonLimited } from '../http/json-limits.js';
import { stamp, type RouteContext } from './context.js';
import { boundaryOf, parseMultipart, readBody, type FormPart } from './multipart.js';
import type { TokenClaims } from './tokens.js';

/** Room for the multipart framing and the `activity` part on top of the file itself. */
const SLACK_BYTES = 64 * 1024;
const MAX_FILES = 10;

/**
 * `POST /v3/directline/conversations/:id/upload`: DirectLineJS's way of sending a message with
 * files (multipart/form-data: one `file` part per file, plus an optional `activity` part holding
 * the message without the files). Each file is stored in the FileStore, owned by the token's
 * user, and the message gets attachments pointing at signed `/files/` links; then the message
 * goes through the same path as a posted activity. Whether a file is acceptable (an image for a
 * MyKad copy, say) is for the dialog that asked for it to decide; here only the size is checked,
 * and the hourly quotas (`uploadQuota`): an upload over one is refused with 429 and `retry-after`,
 * stores nothing, counts for nothing, and the user is told why in the conversation (Web Chat
 * itself shows only "send failed" for an HTTP error).
 */
export async function handleUpload(rc: RouteContext, req: Request, res: Response, claims: TokenClaims): Promise<void> {
  const boundary = boundaryOf(req.headers['content-type']);
  if (!boundary) return void res.send(415, dlError('BadArgument', 'multipart/form-data expected'));
  const read = await readBody(req, rc.uploadMaxBytes + SLACK_BYTES);
  if (!read.ok) {
    // The rest of an oversized body is not read: close the connection after answering.
    res.setHeader('connection', 'close');
    return void res.send(read.status, dlError(read.status === 413 ? 'RequestTooLarge' : 'BadArgument', read.reason));
  }
  const parts = parseMultipart(read.body, boundary);
  if (!parts) return void res.send(400, dlError('BadArgument', 'malformed multipart body'));
  // DirectLineJS sends the `activity` part as a Blob, which browsers name "blob": it is not a file.
  const files = parts.filter((p) => p.name !== 'activity' && (p.filename !== undefined || p.name === 'file'));
  if (files.length === 0 || files.length > MAX_FILES)
    return void res.send(400, dlError('BadArgument', `between 1 and ${MAX_FILES} files expected`));
  const tooLarge = files.find((f) => f.data.length > rc.uploadMaxBytes);
  if (tooLarge) return void res.send(413, dlError('RequestTooLarge', `a file is larger than ${rc.uploadMaxBytes} bytes`));
  const template = templateOf(parts.find((p) => p.name === 'activity'));
  if (!template.ok) return void res.send(400, dlError('BadArgument', template.reason));

  const quota = await rc.uploadQuota?.take(
    claims.user,
    claims.conv,
    files.length,
    files.reduce((n, f) => n + f.data.length, 0),
  );
  if (quota && !quota.ok) {
    await tellQuotaReached(rc, claims, quota.retryAfterSeconds);
    res.setHeader('retry-after', String(quota.retryAfterSeconds));
    return void res.send(429, dlError('TooManyRequests', `Upload quota reached; try again in ${quota.retryAfterSeconds} seconds`));
  }
  const attachments = [];
  try {
    for (const f of files) {
      const contentType = storedTypeOf(f.data);
      const name = safeName(f.filename);
      const expiresAt = rc.uploadExpiresAt?.();
      const meta = await rc.files.put({ ownerId: claims.user, name, contentType, bytes: f.data, ...(expiresAt ? { expiresAt } : {}) });
      attachments.push({ contentType, name, contentUrl: rc.fileLinks.link(meta.id) });
    }
  } catch (e) {
    // The store failed and the request fails with it: the attempt does not count against the quota.
    await quota?.release().catch(() => undefined);
    throw e;
  }
  const activity = { ...template.activity, type: 'message', attachments };
  const appended = await rc.adapter.receive(stamp(rc, claims, activity), rc.onTurn);
  if (!appended) return void res.send(404, dlError('NotFound', 'The conversation has not been started'));
  res.send(200, { id: appended.id });
}

function templateOf(part: FormPart | undefined): ReturnType<typeof parseClientActivity> {
  if (!part) return { ok: true, activity: { type: 'message' } };
  const parsed = parseJsonLimited(part.data);
  if (!parsed.ok)
    return {
      ok: false,
      reason:
        parsed.code === 'JSON_TOO_DEEP' ? `activity: JSON_TOO_DEEP (nested deeper than ${MAX_JSON_DEPTH} levels)` : 'activity: not JSON',
    };
  // The template's attachments describe the files (without their bytes); the stored files replace them.
  const { attachments: _described, ...rest } = (parsed.value ?? {}) as Record<string, unknown>;
  return parseClientActivity({ type: 'message', ...rest });
}

/**
 * The type a file is stored and served under, from its content. A browser's declared type is not
 * trusted: a file served from the bot's own origin as `text/html` would run script there. Nor are
 * magic bytes alone: only a header that decodes to a sensible size is served as an image (a small
 * file claiming a huge canvas would hang the browser that shows it).
 */
function storedTypeOf(bytes: Buffer): string {
  const image = acceptableImageType(bytes);
  if (image) return image;
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return 'application/octet-stream';
}

function safeName(name: string | undefined): string {
  const cleaned = (name ?? '')
    .replace(/[^\p{L}\p{N}._\- ]/gu, '_')
    .trim()
    .slice(0, 120);
  return cleaned || 'file';
}

/**
 * Posts the bot's "hourly upload limit reached" into the conversation in the language a turn
 * would use: the person's choice, else the page's (the token's), else DEFAULT_LOCALE; with none
 * of these known, in both, Malay first. A failure to post is logged: the 429 is the answer either way.
 */
async function tellQuotaReached(rc: RouteContext, claims: TokenClaims, retryAfterSeconds: number): Promise<void> {
  const params = { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) };
  try {
    const person = await rc.directory.findByIdentity({ channelId: DIRECTLINE_CHANNEL, userId: claims.user });
    const locale = person?.locale ?? claims.loc ?? rc.defaultLocale;
    const text = locale ? t(locale, 'upload.quota', params) : `${t('ms', 'upload.quota', params)}\n\n${t('en', 'upload.quota', params)}`;
    const reference = {
      channelId: DIRECTLINE_CHANNEL,
      serviceUrl: rc.adapter.serviceUrl,
      conversation: { id: claims.conv, isGroup: false, conversationType: 'personal', name: '' },
      bot: rc.adapter.botAccount,
      user: { id: claims.user, name: claims.name ?? '' },
    };
    await rc.adapter.continueConversationAsync(rc.adapter.botAccount.id, reference, async (ctx) => {
      await ctx.sendActivity(text);
    });
  } catch (err) {
    rc.logger.warn({ err, conversationId: claims.conv }, 'upload quota: could not tell the user in the conversation');
  }
}
