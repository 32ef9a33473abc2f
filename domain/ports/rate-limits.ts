/**
 * Counters in fixed time windows, shared by every instance and kept across restarts: failed
 * sign-ins per account and per client address, uploads per person and per conversation. Nothing
 * is evicted to make room: a window ends only when its time is up (or `reset`).
 *
 * Promises:
 * - `add(key, amount, windowMs, now)` adds `amount` (may be negative, to give back) to the key's
 *   current window and returns the window's total after the addition and when the window ends.
 *   A window starts at the first `add` after the previous one ended and lasts `windowMs`.
 *   Concurrent adds are never lost: n concurrent `add(k, 1, …)` leave a total of n.
 * - `peek(key, now)` returns the current window's total (0 and no end when none is running)
 *   without changing anything.
 * - `reset(key)` forgets the key; `pruneEnded(now)` deletes every ended window and returns how many.
 */
export interface RateLimits {
  add(key: string, amount: number, windowMs: number, now: Date): Promise<WindowTotal>;
  peek(key: string, now: Date): Promise<{ total: number; endsAt?: Date }>;
  reset(key: string): Promise<void>;
  pruneEnded(now: Date): Promise<number>;
}

export interface WindowTotal {
  total: number;
  endsAt: Date;
}
