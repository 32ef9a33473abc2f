import type { Request, Response } from 'restify';
import { sniffImageType } from '../../domain/rules/files.js';
import { dlError, parseClientActivity } from './activities.js';
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
 * MyKad copy, say) is for the dialog that asked for it to decide; here only the size is checked.
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
  if (files.length === 0 || files.length > MAX_FILES) return void res.send(400, dlError('BadArgument', `between 1 and ${MAX_FILES} files expected`));
  const tooLarge = files.find((f) => f.data.length > rc.uploadMaxBytes);
  if (tooLarge) return void res.send(413, dlError('RequestTooLarge', `a file is larger than ${rc.uploadMaxBytes} bytes`));
  const template = templateOf(parts.find((p) => p.name === 'activity'));
  if (!template.ok) return void res.send(400, dlError('BadArgument', template.reason));

  const attachments = [];
  for (const f of files) {
    const contentType = storedTypeOf(f.data);
    const name = safeName(f.filename);
    const expiresAt = rc.uploadExpiresAt?.();
    const meta = await rc.files.put({ ownerId: claims.user, name, contentType, bytes: f.data, ...(expiresAt ? { expiresAt } : {}) });
    attachments.push({ contentType, name, contentUrl: rc.fileLinks.link(meta.id) });
  }
  const activity = { ...template.activity, type: 'message', attachments };
  const appended = await rc.adapter.receive(stamp(rc, claims, activity), rc.onTurn);
  if (!appended) return void res.send(404, dlError('NotFound', 'The conversation has not been started'));
  res.send(200, { id: appended.id });
}

function templateOf(part: FormPart | undefined): ReturnType<typeof parseClientActivity> {
  if (!part) return { ok: true, activity: { type: 'message' } };
  let json: unknown;
  try {
    json = JSON.parse(part.data.toString('utf8'));
  } catch {
    return { ok: false, reason: 'activity: not JSON' };
  }
  // The template's attachments describe the files (without their bytes); the stored files replace them.
  const { attachments: _described, ...rest } = (json ?? {}) as Record<string, unknown>;
  return parseClientActivity({ type: 'message', ...rest });
}

/**
 * The type a file is stored and served under, from its content. A browser's declared type is not
 * trusted: a file served from the bot's own origin as `text/html` would run script there.
 */
function storedTypeOf(bytes: Buffer): string {
  const image = sniffImageType(bytes);
  if (image) return image;
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return 'application/octet-stream';
}

function safeName(name: string | undefined): string {
  const cleaned = (name ?? '').replace(/[^\p{L}\p{N}._\- ]/gu, '_').trim().slice(0, 120);
  return cleaned || 'file';
}
