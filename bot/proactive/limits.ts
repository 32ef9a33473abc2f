/**
 * Teams limits proactive messages per conversation (about 7 a second and 60 per 30 seconds) and
 * answers 429 when a bot goes faster; it also answers 412/502/504 under load. Sends wait for a
 * free slot, and those answers are retried with exponential backoff and jitter.
 */

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface RateLimits {
  perSecond: number;
  perWindow: number;
  windowMs: number;
}

export const TEAMS_LIMITS: RateLimits = { perSecond: 7, perWindow: 60, windowMs: 30_000 };

/** Sliding windows per conversation, in this process. */
export class ConversationRateLimiter {
  private readonly sent = new Map<string, number[]>();
  constructor(private readonly opts: RateLimits & { now?: () => number; sleep?: (ms: number) => Promise<void> } = TEAMS_LIMITS) {}

  /** Resolves when one more message may go to `conversationId`, and counts it. */
  async acquire(conversationId: string): Promise<void> {
    const now = this.opts.now ?? Date.now;
    const sleep = this.opts.sleep ?? sleepFor;
    for (;;) {
      const t = now();
      const times = (this.sent.get(conversationId) ?? []).filter((x) => t - x < this.opts.windowMs);
      const lastSecond = times.filter((x) => t - x < 1000);
      const wait = Math.max(
        lastSecond.length >= this.opts.perSecond ? lastSecond[0] + 1000 - t : 0,
        times.length >= this.opts.perWindow ? times[0] + this.opts.windowMs - t : 0,
      );
      if (wait <= 0) {
        times.push(t);
        this.sent.set(conversationId, times);
        return;
      }
      this.sent.set(conversationId, times);
      await sleep(wait);
    }
  }
}

const RETRYABLE = new Set([412, 429, 502, 504]);

function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown; status?: unknown }).statusCode ?? (e as { status?: unknown }).status;
  return typeof s === 'number' ? s : undefined;
}

function retryAfterMs(e: unknown): number | undefined {
  const headers = (e as { response?: { headers?: { get?(name: string): string | undefined | null } } }).response?.headers;
  const v = headers?.get?.('retry-after');
  const seconds = v ? Number(v) : NaN;
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** Runs `send`, retrying the channel's throttling and gateway answers; other errors go straight up. */
export async function sendWithRetries<T>(
  send: () => Promise<T>,
  opts: { attempts?: number; baseMs?: number; maxMs?: number; sleep?: (ms: number) => Promise<void>; random?: () => number } = {},
): Promise<T> {
  const { attempts = 5, baseMs = 500, maxMs = 30_000 } = opts;
  const sleep = opts.sleep ?? sleepFor;
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (e) {
      const status = statusOf(e);
      if (status === undefined || !RETRYABLE.has(status) || attempt >= attempts) throw e;
      const backoff = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
      // Full jitter, so many senders throttled at once do not retry in step; Retry-After wins when longer.
      await sleep(Math.max(retryAfterMs(e) ?? 0, Math.round(random() * backoff)));
    }
  }
}
