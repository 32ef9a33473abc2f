import type { Activity, TurnContext } from 'botbuilder';
import { maskMyKadInText } from '../../domain/rules/mykad.js';
import type { Logger } from '../../infra/logger.js';

/**
 * A turn's transcript: what came in and every reply, masked, written through a `TranscriptSink`.
 * The pipeline starts a write when the app's routes are done (so a store that commits in groups
 * commits it with the turn's state) and again at the very end for anything later, and awaits them
 * all before the turn answers.
 */

/** One activity of the transcript, already masked. */
export type TranscriptEntry = { conversationId: string; at: string; direction: 'in' | 'out'; activity: Partial<Activity> };

/** Where transcripts go (masked before they get there), one call per turn. */
export interface TranscriptSink {
  append(entries: TranscriptEntry[]): Promise<void>;
}

const TRANSCRIPT_KEY = Symbol('gpki.transcript');

/** The turn's transcript entries, how many of them are written or being written, and those writes. */
interface TurnTranscript {
  entries: TranscriptEntry[];
  written: number;
  writes: Promise<void>[];
}

/** Starts writing the turn's entries not yet written; a failed write is logged, never the turn's failure. */
export function startTranscriptWrite(ctx: TurnContext, sink: TranscriptSink, log: Logger): void {
  const t = ctx.turnState.get(TRANSCRIPT_KEY) as TurnTranscript | undefined;
  if (!t || t.written === t.entries.length) return;
  const fresh = t.entries.slice(t.written);
  t.written = t.entries.length;
  t.writes.push(sink.append(fresh).catch((err: unknown) => log.error({ err }, 'transcript write failed')));
}

/** Settles once every write the turn started is done (or logged as failed). */
export async function transcriptWritten(ctx: TurnContext): Promise<void> {
  await Promise.all((ctx.turnState.get(TRANSCRIPT_KEY) as TurnTranscript | undefined)?.writes ?? []);
}

/** Collects the turn's activities, masked, in its turn state, for `startTranscriptWrite`. */
export function recordTranscript(ctx: TurnContext, clock: { now(): Date } = { now: () => new Date() }): void {
  const conversationId = ctx.activity.conversation.id;
  const entries: TranscriptEntry[] = [];
  ctx.turnState.set(TRANSCRIPT_KEY, { entries, written: 0, writes: [] } satisfies TurnTranscript);
  const add = (direction: 'in' | 'out', activity: Partial<Activity>) =>
    entries.push({ conversationId, at: clock.now().toISOString(), direction, activity: maskActivity(activity) });
  add('in', ctx.activity);
  ctx.onSendActivities(async (_c, activities, next) => {
    for (const act of activities) add('out', act);
    return next();
  });
}

/** Only what a transcript needs, with MyKad numbers masked in text and card data. */
export function maskActivity(a: Partial<Activity>): Partial<Activity> {
  // A helpdesk agent's message keeps who sent it (the agent console shows each line's speaker).
  const agent = (a.channelData as { agent?: { id?: string; name?: string } } | undefined)?.agent;
  const pick: Partial<Activity> = {
    type: a.type,
    id: a.id,
    text: a.text,
    value: a.value,
    attachments: a.attachments?.map((x) => ({ contentType: x.contentType, name: x.name, content: x.content })),
    ...(agent ? { channelData: { agent: { id: agent.id, name: agent.name } } } : {}),
  };
  return maskedCopy(pick) as Partial<Activity>;
}

// A string or number that could hold a MyKad number at all: twelve digits need four in a row somewhere.
const FOUR_DIGITS = /\d{4}/;

/**
 * What `JSON.parse(maskMyKadInText(JSON.stringify(v)))` gave, without writing and re-reading the
 * whole activity as text: a copy with JSON's rules (`toJSON` used, `undefined` and functions left
 * out, or `null` in arrays) in which every string and key is masked. A MyKad-shaped number that is
 * a JSON number becomes its masked text (the text round trip broke the JSON there and threw). Each
 * string is masked on its own, so a number split by an escaped newline or after a control
 * character is masked too, where the JSON text hid it behind `\n` or `\u0000`.
 */
function maskedCopy(v: unknown): unknown {
  if (typeof v === 'string') return FOUR_DIGITS.test(v) ? maskMyKadInText(v) : v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    const text = String(v);
    const masked = FOUR_DIGITS.test(text) ? maskMyKadInText(text) : text;
    return masked === text ? v : masked;
  }
  if (typeof v !== 'object' || v === null) return typeof v === 'boolean' || v === null ? v : undefined;
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return maskedCopy((toJSON as () => unknown).call(v));
  if (Array.isArray(v)) {
    return v.map((x) => {
      const y = maskedCopy(x);
      return y === undefined ? null : y;
    });
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    const y = maskedCopy((v as Record<string, unknown>)[key]);
    if (y !== undefined) out[FOUR_DIGITS.test(key) ? maskMyKadInText(key) : key] = y;
  }
  return out;
}
