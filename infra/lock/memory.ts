import { DomainError } from '../../domain/errors.js';
import type { AcquireOptions, ConversationLock, LockLease } from '../../domain/ports/conversation-lock.js';

export interface LockDefaults {
  /** Lease length when `acquire` names none. */
  leaseMs: number;
  /** Longest wait for a busy key when `acquire` names none. */
  waitMs: number;
}

interface Waiter {
  leaseMs: number;
  grant: (lease: LockLease) => void;
  fail: (err: Error) => void;
  timer: NodeJS.Timeout;
}

interface Slot {
  holder?: { token: string; timer: NodeJS.Timeout };
  /** First come, first served: the order a conversation's messages arrived in. */
  waiters: Waiter[];
}

/** The key stayed held by someone else for the whole wait. */
export function conversationBusy(key: string, waitMs: number): DomainError {
  return new DomainError('INFRA_UNAVAILABLE', `conversation lock "${key}" still held after ${waitMs} ms`, {
    reason: 'conversation-busy',
    key,
    waitMs,
  });
}

/**
 * One process: a FIFO queue of waiters per key (what the Direct Line adapter's per-conversation
 * promise chain did, plus a lease and a bounded wait). Slots exist only while a key is held, so
 * the map stays as small as the number of conversations in a turn right now.
 *
 * Tokens are a counter, not random: they never leave the process, and an acquisition per turn
 * should cost next to nothing (B1).
 */
export class MemoryConversationLock implements ConversationLock {
  private readonly slots = new Map<string, Slot>();
  private next = 0;
  private closed = false;

  constructor(private readonly defaults: LockDefaults = { leaseMs: 10_000, waitMs: 12_000 }) {}

  acquire(key: string, opts: AcquireOptions = {}): Promise<LockLease> {
    if (this.closed) return Promise.reject(new Error('MemoryConversationLock is closed'));
    const leaseMs = opts.leaseMs ?? this.defaults.leaseMs;
    const waitMs = opts.waitMs ?? this.defaults.waitMs;
    const slot = this.slots.get(key);
    if (!slot) {
      const fresh: Slot = { waiters: [] };
      this.slots.set(key, fresh);
      return Promise.resolve(this.grant(key, fresh, leaseMs));
    }
    return new Promise<LockLease>((resolve, reject) => {
      const waiter: Waiter = {
        leaseMs,
        grant: resolve,
        fail: reject,
        timer: setTimeout(() => {
          const i = slot.waiters.indexOf(waiter);
          if (i >= 0) slot.waiters.splice(i, 1);
          reject(conversationBusy(key, waitMs));
        }, waitMs),
      };
      slot.waiters.push(waiter);
    });
  }

  async renew(lease: LockLease): Promise<boolean> {
    const slot = this.slots.get(lease.key);
    if (slot?.holder?.token !== lease.token) return false;
    clearTimeout(slot.holder.timer);
    slot.holder.timer = this.expiry(lease.key, lease.token, lease.leaseMs);
    return true;
  }

  async release(lease: LockLease): Promise<boolean> {
    return this.end(lease.key, lease.token);
  }

  /** Refuses new acquisitions, fails the waiters still queued and drops every timer. */
  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots.values()) {
      if (slot.holder) clearTimeout(slot.holder.timer);
      for (const w of slot.waiters) {
        clearTimeout(w.timer);
        w.fail(new Error('MemoryConversationLock is closed'));
      }
    }
    this.slots.clear();
  }

  private grant(key: string, slot: Slot, leaseMs: number): LockLease {
    const token = `m${++this.next}`;
    slot.holder = { token, timer: this.expiry(key, token, leaseMs) };
    return { key, token, leaseMs };
  }

  /** A lease nobody renews ends on its own, as a crashed holder's Redis key would. */
  private expiry(key: string, token: string, leaseMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.end(key, token), leaseMs);
    // An unreleased lease must not keep the process alive at shutdown.
    timer.unref();
    return timer;
  }

  private end(key: string, token: string): boolean {
    const slot = this.slots.get(key);
    if (slot?.holder?.token !== token) return false;
    clearTimeout(slot.holder.timer);
    slot.holder = undefined;
    const waiter = slot.waiters.shift();
    if (!waiter) {
      this.slots.delete(key);
      return true;
    }
    clearTimeout(waiter.timer);
    waiter.grant(this.grant(key, slot, waiter.leaseMs));
    return true;
  }
}
