import { randomUUID } from 'node:crypto';
import type { ChannelIdentity, Person } from '../../domain/people.js';
import type { Directory } from '../../domain/ports/directory.js';

/**
 * Finds the person behind a channel identity on every turn, with a short cache: the directory
 * changes rarely, and a lookup per turn was a large share of a turn's cost. Someone unknown is
 * registered as a plain user, idempotently: a new person's first two messages reaching two
 * instances at once make one person (`Directory.findOrRegister`), not a duplicate-identity error.
 * `forget` drops a person after a change made here (a language choice); changes made elsewhere
 * (a new directory file) show within `ttlMs`.
 */
export class PersonLookup {
  private readonly cache = new Map<string, { person: Person; at: number }>();
  constructor(private readonly opts: { directory: Directory; ttlMs: number; max: number; now?: () => number }) {}

  async resolve(identity: ChannelIdentity, displayName?: string): Promise<Person> {
    const key = `${identity.channelId}\u0000${identity.userId}`;
    const now = (this.opts.now ?? Date.now)();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.opts.ttlMs) return hit.person;
    const person = await this.opts.directory.findOrRegister(identity, {
      id: `u-${randomUUID()}`,
      name: (displayName ?? '').slice(0, 120) || 'Pengguna',
      roles: ['USER'],
    });
    this.cache.delete(key);
    this.cache.set(key, { person, at: now });
    if (this.cache.size > this.opts.max) this.cache.delete(this.cache.keys().next().value as string);
    return person;
  }

  forget(personId: string): void {
    for (const [key, entry] of this.cache) if (entry.person.id === personId) this.cache.delete(key);
  }
}
