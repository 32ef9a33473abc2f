import type { Agency, ChannelIdentity, Person, Role } from '../people.js';

/**
 * People, agencies and roles.
 *
 * Promises: lookups return `undefined` when not found; e-mail lookup is case-insensitive;
 * `upsertPerson` / `upsertAgency` replace the record with the same id; `linkIdentity` adds a
 * channel identity to a person once (idempotent) and an identity belongs to at most one person;
 * `findByIdentity` matches the exact (channelId, userId) first, then an identity recorded with
 * channelId `*` (any channel, used by seeded demo people); lists are ordered by id.
 * `findOrRegister` is idempotent per identity: of any number of concurrent registrations of one
 * identity (a new person's first messages reaching two instances at once) exactly one person is
 * created, and every caller gets that person back.
 */
export interface Directory {
  getPerson(id: string): Promise<Person | undefined>;
  findByIdentity(identity: ChannelIdentity): Promise<Person | undefined>;
  findByEmail(email: string): Promise<Person | undefined>;
  /** People holding `role`, optionally only in one agency. */
  listByRole(role: Role, agencyId?: string): Promise<Person[]>;
  upsertPerson(p: Person): Promise<void>;
  linkIdentity(personId: string, identity: ChannelIdentity): Promise<void>;
  /**
   * The person `findByIdentity(identity)` returns, or else `draft` stored with `identity` as its
   * one identity. When another caller registers the same identity first, returns that person
   * and stores nothing.
   */
  findOrRegister(identity: ChannelIdentity, draft: Omit<Person, 'identities'>): Promise<Person>;
  getAgency(id: string): Promise<Agency | undefined>;
  listAgencies(): Promise<Agency[]>;
  upsertAgency(a: Agency): Promise<void>;
}
