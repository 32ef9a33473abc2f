import type { RateLimits, WindowTotal } from '../../domain/ports/rate-limits.js';

const HOUR_MS = 3_600_000;

export type QuotaTaken = { ok: true; release(): Promise<void> } | { ok: false; retryAfterSeconds: number };

/**
 * Direct Line upload quotas: files and bytes per hour, per person and per conversation, counted in
 * {@link RateLimits} so every instance shares them and a restart forgets nothing. The person's
 * quota stops one user spreading uploads over many conversations; the conversation's stops one
 * conversation being fed by several identities (a trusted backend may mint tokens for any user).
 */
export class UploadQuota {
  constructor(private readonly opts: { limits: RateLimits; maxFilesPerHour: number; maxBytesPerHour: number; now: () => Date }) {}

  /**
   * Counts `files` files of `bytes` bytes in total against every quota at once. When one would be
   * exceeded, what was added is given back (a refused upload does not count) and the answer says
   * how long until the latest exceeded window ends. Otherwise `release()` gives the upload back,
   * for a caller that ends up storing nothing.
   */
  async take(userId: string, convId: string, files: number, bytes: number): Promise<QuotaTaken> {
    const now = this.opts.now();
    const { maxFilesPerHour, maxBytesPerHour } = this.opts;
    const counters = [
      { key: `upload:files:person:${userId}`, amount: files, max: maxFilesPerHour },
      { key: `upload:bytes:person:${userId}`, amount: bytes, max: maxBytesPerHour },
      { key: `upload:files:conv:${convId}`, amount: files, max: maxFilesPerHour },
      { key: `upload:bytes:conv:${convId}`, amount: bytes, max: maxBytesPerHour },
    ];
    // Every counter is added to, even past the first one over: each add is atomic, so two
    // instances racing for the last place never both get it (at worst both are refused).
    const windows = await Promise.all(counters.map((c) => this.opts.limits.add(c.key, c.amount, HOUR_MS, now)));
    const added = counters.map((c, i) => ({ ...c, window: windows[i] }));
    const giveBack = () => this.giveBack(added);
    const over = added.filter((c) => c.window.total > c.max);
    if (over.length === 0) return { ok: true, release: giveBack };
    await giveBack();
    const latestEnd = Math.max(...over.map((c) => c.window.endsAt.getTime()));
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((latestEnd - now.getTime()) / 1000)) };
  }

  /**
   * Takes the amounts off again, in the windows they were added to. Once such a window has ended
   * there is nothing to give back: a negative add then would open the next window below zero.
   */
  private async giveBack(added: { key: string; amount: number; window: WindowTotal }[]): Promise<void> {
    const now = this.opts.now();
    await Promise.all(
      added
        .filter((c) => c.amount > 0 && c.window.endsAt.getTime() > now.getTime())
        .map((c) => this.opts.limits.add(c.key, -c.amount, HOUR_MS, now)),
    );
  }
}
