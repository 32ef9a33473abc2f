import type { AcquireOptions, ConversationLock } from '../../domain/ports/conversation-lock.js';

/** The lock key of a conversation: the same conversation id on two channels is two conversations. */
export const conversationLockKey = (channelId: string | undefined, conversationId: string | undefined): string =>
  `${channelId}:${conversationId}`;

/** Where a turn keeps what it holds (botbuilder's `TurnContext.turnState` is such a map). */
export interface HeldLocks {
  get(key: symbol): unknown;
  set(key: symbol, value: unknown): unknown;
  delete(key: symbol): boolean;
}

const HELD = Symbol('gpki.conversationLockHeld');

export interface RunExclusiveOptions extends AcquireOptions {
  /**
   * The turn's own state: a `runExclusive` of the same key nested in one already holding it (the
   * Direct Line adapter holds it around the turn handler, which takes it itself on `/api/messages`)
   * runs at once instead of waiting for itself.
   */
  held?: HeldLocks;
  /**
   * The lease could not be renewed (`lost`: someone else holds the key now, or Redis is away) or
   * not released. The work goes on either way: the bot state's eTags refuse a stale write.
   */
  onTrouble?: (what: 'lost' | 'release', err?: unknown) => void;
}

/**
 * Runs `work` while holding `key`: acquires (waiting in line, bounded), renews the lease every
 * third of its length while the work runs, releases when it settles. Rejects like
 * {@link ConversationLock.acquire} when the key cannot be had, without running `work`.
 */
export async function runExclusive<T>(
  lock: ConversationLock,
  key: string,
  work: () => Promise<T>,
  opts: RunExclusiveOptions = {},
): Promise<T> {
  if (opts.held?.get(HELD) === key) return work();
  const lease = await lock.acquire(key, opts);
  const renewal = setInterval(
    () => {
      lock.renew(lease).then(
        (held) => held || opts.onTrouble?.('lost'),
        (err: unknown) => opts.onTrouble?.('lost', err),
      );
    },
    Math.max(1, Math.floor(lease.leaseMs / 3)),
  );
  renewal.unref();
  opts.held?.set(HELD, key);
  try {
    return await work();
  } finally {
    opts.held?.delete(HELD);
    clearInterval(renewal);
    // A failed release is not the work's failure: the lease runs out on its own.
    await lock.release(lease).then(
      (held) => held || opts.onTrouble?.('lost'),
      (err: unknown) => opts.onTrouble?.('release', err),
    );
  }
}
