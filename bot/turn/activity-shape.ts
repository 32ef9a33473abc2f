/**
 * The smallest activity we agree to process; anything less is a 400, not a crash. Written by hand
 * rather than with a schema library because it runs on every turn (a zod parse was ~5% of a turn).
 * Returns the path and reason of the first problem, or undefined when the shape is acceptable.
 */
export function activityProblem(body: unknown): { path: string; reason: string } | undefined {
  if (!isObject(body)) return { path: '', reason: 'expected an object' };
  const problem =
    str(body, 'type', 1, 64) ??
    str(body, 'id', 1, 256) ??
    str(body, 'channelId', 1, 64) ??
    optStr(body, 'serviceUrl', 2048) ??
    obj(body, 'from', (f) => str(f, 'id', 1, 512, 'from.') ?? optStr(f, 'name', 512, 'from.')) ??
    obj(body, 'conversation', (c) => str(c, 'id', 1, 512, 'conversation.')) ??
    optObj(body, 'recipient', (r) => optStr(r, 'id', 512, 'recipient.')) ??
    optStr(body, 'text', 100_000) ??
    attachments(body);
  return problem;
}

type Rec = Record<string, unknown>;
type Problem = { path: string; reason: string } | undefined;

const isObject = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Rec, key: string, min: number, max: number, prefix = ''): Problem {
  const v = o[key];
  if (typeof v !== 'string') return { path: prefix + key, reason: v === undefined ? 'Required' : 'Expected string' };
  if (v.length < min || v.length > max) return { path: prefix + key, reason: `length must be ${min}..${max}` };
  return undefined;
}

function optStr(o: Rec, key: string, max: number, prefix = ''): Problem {
  return o[key] === undefined ? undefined : str(o, key, 0, max, prefix);
}

function obj(o: Rec, key: string, inner: (v: Rec) => Problem): Problem {
  const v = o[key];
  return isObject(v) ? inner(v) : { path: key, reason: v === undefined ? 'Required' : 'Expected object' };
}

function optObj(o: Rec, key: string, inner: (v: Rec) => Problem): Problem {
  return o[key] === undefined ? undefined : obj(o, key, inner);
}

function attachments(o: Rec): Problem {
  const v = o.attachments;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > 10) return { path: 'attachments', reason: 'Expected at most 10 attachments' };
  for (let i = 0; i < v.length; i++) {
    const a = v[i] as unknown;
    if (!isObject(a)) return { path: `attachments.${i}`, reason: 'Expected object' };
    const p = str(a, 'contentType', 1, 256, `attachments.${i}.`);
    if (p) return p;
  }
  return undefined;
}
