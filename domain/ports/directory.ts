import type { Agency, ChannelIdentity, Person, Role } from '../people.js';

/**
 * People, agencies and roles.
 *
 * Promises: lookups return `undefined` when not found; e-mail lookup is case-insensitive;
 * `upsertPerson` / `upsertAgency` replace the record with the same id; `linkIdentity` adds a
 * channel identity to a person once (idempotent) and an identity belongs to at most one person;
 * `findByIdentity` matches the exact (channelId, userId) first, then an identity recorded with
 * channelId `*` (any channel, used by seeded demo people); lists are ordered by id.
 */
export interface Directory {
  getPerson(id: string): Promise<Person | undefined>;
  findByIdentity(identity: ChannelIdentity): Promise<Person | undefined>;
  findByEmail(email: string): Promise<Person | undefined>;
  /** People holding `role`, optionally only in one agency. */
  listByRole(role: Role, agencyId?: string): Promise<Person[]>;
  upsertPerson(p: Person): Promise<void>;
  linkIdentity(personId: string, identity: ChannelIdentity): Promise<void>;
  getAgency(id: string): Promise<Agency | undefined>;
  listAgencies(): Promise<Agency[]>;
  upsertAgency(a: Agency): Promise<void>;
}
