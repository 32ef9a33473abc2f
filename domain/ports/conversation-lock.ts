/** A held lock: whoever holds this token holds the key until it releases or the lease runs out. */
export interface LockLease {
  readonly key: string;
  /** Random per acquisition: only the holder can renew or release. */
  readonly token: string;
  /** How long the lock lasts from the acquisition or the last renewal, unless released. */
  readonly leaseMs: number;
}

export interface AcquireOptions {
  /** Lease length; the adapter's default when absent. */
  leaseMs?: number;
  /** How long to wait for a busy key before giving up; the adapter's default when absent. */
  waitMs?: number;
}

/**
 * Mutual exclusion per key (a conversation), so the turns of one conversation run one at a time
 * on every instance that shares the adapter's backbone.
 *
 * Promises:
 * - At most one live lease per key at any time; holders of different keys never wait for each other.
 * - Waiters of one instance are granted in the order they asked; across instances no waiter
 *   starves while the holders keep releasing within its bounded wait.
 * - A lease that is neither renewed nor released ends after `leaseMs` (a holder that died does
 *   not block the key for ever); its token is then worthless.
 * - `renew` and `release` act only for the current holder's token: a stale or forged token
 *   returns false and changes nothing.
 * - `acquire` rejects with a `DomainError` of code `INFRA_UNAVAILABLE` when the key stays busy
 *   for the whole wait (`details.reason` `conversation-busy`) or the backbone does not answer
 *   (`details.reason` `lock-unreachable`).
 */
export interface ConversationLock {
  acquire(key: string, opts?: AcquireOptions): Promise<LockLease>;
  /** Extends the lease by its length from now; false when the lease is no longer held. */
  renew(lease: LockLease): Promise<boolean>;
  /** Ends the lease; false when it was no longer held (expired, or taken over since). */
  release(lease: LockLease): Promise<boolean>;
  close(): Promise<void>;
}
