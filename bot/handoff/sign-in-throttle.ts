import { createHash } from 'node:crypto';
import type { RateLimits } from '../../domain/ports/rate-limits.js';

export interface SignInThrottleOptions {
  limits: RateLimits;
  /** Failed sign-ins for one e-mail in a window before it is locked out until the window ends. */
  maxFailures: number;
  /** Failed sign-ins from one client address (whatever the e-mail) in a window. */
  maxFailuresPerAddress: number;
  windowMs: number;
  now: () => Date;
}

/**
 * Console sign-in throttling in the shared store (RateLimits), per e-mail and per client address:
 * every instance counts the same failures, a restart forgets none, and nothing is evicted, so a
 * flood of sign-ins for other e-mails cannot lift an account's lock-out. A lock-out is bounded:
 * it lasts until the window that began with the first failure ends (SIGNIN_LOCK_MINUTES).
 *
 * An attempt is counted before the password is checked (`admit`), so concurrent guesses cannot
 * slip past the limit together; a success forgets the account's failures and gives back its
 * address's count. Unknown e-mails are counted like known ones: the answers stay the same.
 */
export class SignInThrottle {
  constructor(private readonly opts: SignInThrottleOptions) {}

  /** Counts an attempt; `ok: false` (with when to try again) when the e-mail or the address is locked out. */
  async admit(email: string, address: string): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
    const now = this.opts.now();
    const [account, from] = await Promise.all([
      this.opts.limits.add(accountKey(email), 1, this.opts.windowMs, now),
      this.opts.limits.add(addressKey(address), 1, this.opts.windowMs, now),
    ]);
    const locked = [
      account.total > this.opts.maxFailures && account.endsAt,
      from.total > this.opts.maxFailuresPerAddress && from.endsAt,
    ].filter((d): d is Date => d instanceof Date);
    if (locked.length === 0) return { ok: true };
    const until = Math.max(...locked.map((d) => d.getTime()));
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)) };
  }

  /** The attempt admitted for `email` from `address` succeeded. */
  async succeeded(email: string, address: string): Promise<void> {
    await this.opts.limits.reset(accountKey(email));
    await this.opts.limits.add(addressKey(address), -1, this.opts.windowMs, this.opts.now());
  }
}

/** Keys of fixed length whatever was typed; the store keeps no e-mail address. */
const accountKey = (email: string) => `signin:account:${createHash('sha256').update(email.trim().toLowerCase()).digest('base64url')}`;
const addressKey = (address: string) => `signin:address:${address}`;
