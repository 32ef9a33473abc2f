import type { IncomingMessage } from 'node:http';

/** One part of a multipart/form-data body. */
export interface FormPart {
  /** The form field name (`file`, `activity`). */
  name: string;
  /** Set for file parts. */
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export type BodyRead = { ok: true; body: Buffer } | { ok: false; status: 413 | 400; reason: string };

/**
 * Reads a request body into memory, refusing it as soon as it passes `maxBytes` (by the declared
 * Content-Length before reading anything, else while streaming), so an upload can never make the
 * bot hold or spool more than the limit.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, status: 413, reason: `body larger than ${maxBytes} bytes` };
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) return { ok: false, status: 413, reason: `body larger than ${maxBytes} bytes` };
      chunks.push(chunk);
    }
  } catch {
    return { ok: false, status: 400, reason: 'body could not be read' };
  }
  return { ok: true, body: Buffer.concat(chunks) };
}

/** The boundary of a `multipart/form-data` content type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!/^multipart\/form-data\s*;/i.test(contentType ?? '')) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  return m?.[1] ?? m?.[2];
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Parses a whole multipart/form-data body (RFC 7578) into its parts, or returns undefined when it
 * is not well formed. Small and strict on purpose: what browsers' FormData sends, nothing more.
 */
export function parseMultipart(body: Buffer, boundary: string, maxParts = 20): FormPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) return undefined;
  for (;;) {
    pos += delimiter.length;
    // `--` right after a delimiter closes the body.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts;
    if (!body.subarray(pos, pos + 2).equals(CRLF)) return undefined;
    const headersEnd = body.indexOf(HEADER_END, pos + 2);
    if (headersEnd < 0) return undefined;
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), headersEnd + 4);
    if (next < 0) return undefined;
    const part = partOf(body.subarray(pos + 2, headersEnd).toString('utf8'), body.subarray(headersEnd + 4, next));
    if (!part || parts.length >= maxParts) return undefined;
    parts.push(part);
    pos = next + CRLF.length;
  }
}

function partOf(headerText: string, data: Buffer): FormPart | undefined {
  const headers = new Map<string, string>();
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  if (!/^form-data\b/i.test(disposition)) return undefined;
  const name = paramOf(disposition, 'name');
  if (name === undefined) return undefined;
  const filename = extendedParamOf(disposition, 'filename') ?? paramOf(disposition, 'filename');
  const contentType = headers.get('content-type');
  // Buffer.from: the part keeps its own bytes, not a view that pins the whole body in memory.
  return { name, ...(filename !== undefined && { filename }), ...(contentType && { contentType }), data: Buffer.from(data) };
}

function paramOf(header: string, key: string): string | undefined {
  const m = new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header) ?? new RegExp(`;\\s*${key}=([^;\\s]+)`, 'i').exec(header);
  return m?.[1].replace(/\\(.)/g, '$1');
}

/** RFC 5987 `filename*=UTF-8''…`, which some clients send for non-ASCII names. */
function extendedParamOf(header: string, key: string): string | undefined {
  const m = new RegExp(`;\\s*${key}\\*=UTF-8''([^;\\s]+)`, 'i').exec(header);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}
