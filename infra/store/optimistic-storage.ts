import type { Storage, StoreItems } from 'botbuilder';

/**
 * The eTag `read` gives a key that is not stored. Written back it means "only while still not
 * stored": every adapter writes an item whose eTag names a key it does not hold, and refuses one
 * whose eTag differs from the stored one (test/contract/storage.contract.ts), and stored eTags are
 * random UUIDs, never this.
 */
export const NOT_STORED_ETAG = 'not-stored';

/**
 * The bot's turn state with optimistic concurrency on every write.
 *
 * teams-ai's `TurnState` (which holds the dialog state here; botbuilder's `BotState`, which
 * writes with eTag `*`, is not used) writes back the very item it read, eTag included, so a
 * stored item is already written only if nobody wrote it since. What it left open is a key that
 * was not stored when read: written with no eTag, unconditionally, so of two first turns of a
 * conversation on two instances the later silently replaced the earlier. Here every key read
 * comes back with an eTag, `NOT_STORED_ETAG` for a missing one, and a write based on a stale read
 * fails with `ETAG_CONFLICT` (the turn fails, logged, and is not marked completed) instead of
 * losing a step.
 *
 * No per-turn memory and no extra store round trip: the eTag travels in the item itself.
 * A write with eTag `*` (or none, after a scope was deleted and rebuilt) still overwrites.
 * Serialising a conversation's turns (infra/lock) keeps conflicts from happening at all; this is
 * what catches one when a lease ran out under a turn, or state is written outside a turn.
 */
export class OptimisticStorage implements Storage {
  constructor(private readonly inner: Storage) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items = await this.inner.read(keys);
    for (const key of keys) if (!(key in items)) items[key] = { eTag: NOT_STORED_ETAG };
    return items;
  }

  write(changes: StoreItems): Promise<void> {
    return this.inner.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}
