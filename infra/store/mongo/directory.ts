import { Schema, type Model } from 'mongoose';
import { DomainError } from '../../../domain/errors.js';
import type { Agency, ChannelIdentity, Locale, Person, Role } from '../../../domain/people.js';
import { ROLES } from '../../../domain/people.js';
import type { Directory } from '../../../domain/ports/directory.js';
import { ensureModelIndexes, isDuplicateKey, modelOn, RECORD_SCHEMA_OPTIONS, retryUpsert, type MongoAdapterOptions } from './shared.js';

/** One document of `people`. `emailLower` exists only for the case-insensitive lookup. */
export interface PersonDoc {
  _id: string;
  name: string;
  email?: string;
  emailLower?: string;
  agencyId?: string;
  roles: Role[];
  identities: ChannelIdentity[];
  locale?: Locale;
}

/** One document of `agencies`. */
export interface AgencyDoc {
  _id: string;
  name: string;
  nameEn?: string;
  lead?: boolean;
  state?: string;
}

/** Identity channel that matches any channel (seeded demo people). */
const ANY_CHANNEL = '*';

const identitySchema = new Schema<ChannelIdentity>(
  {
    channelId: { type: String, required: true },
    userId: { type: String, required: true },
  },
  { _id: false },
);

export const personSchema = new Schema<PersonDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    email: String,
    emailLower: String,
    agencyId: String,
    roles: { type: [{ type: String, enum: ROLES }], required: true },
    identities: { type: [identitySchema], required: true },
    locale: { type: String, enum: ['ms', 'en'] },
  },
  RECORD_SCHEMA_OPTIONS,
);
// An identity belongs to at most one person. Unique across documents (not within one array,
// which upsertPerson de-duplicates itself). Partial, because people without identities would
// otherwise all index as (null, null) and collide with each other.
personSchema.index(
  { 'identities.channelId': 1, 'identities.userId': 1 },
  { unique: true, partialFilterExpression: { 'identities.channelId': { $exists: true } }, name: 'identity_unique' },
);
// The planner cannot prove that an $elemMatch lookup implies the partial filter above, so the
// lookup gets its own plain index.
personSchema.index({ 'identities.userId': 1, 'identities.channelId': 1 }, { name: 'identity_lookup' });
personSchema.index({ emailLower: 1, _id: 1 });
personSchema.index({ roles: 1, agencyId: 1, _id: 1 });

export const agencySchema = new Schema<AgencyDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    nameEn: String,
    lead: Boolean,
    state: String,
  },
  RECORD_SCHEMA_OPTIONS,
);

const copyIdentity = (i: ChannelIdentity): ChannelIdentity => ({ channelId: i.channelId, userId: i.userId });

/** Domain person → stored document. */
export function personToDoc(p: Person): PersonDoc {
  return {
    _id: p.id,
    name: p.name,
    ...(p.email !== undefined && { email: p.email, emailLower: p.email.toLowerCase() }),
    ...(p.agencyId !== undefined && { agencyId: p.agencyId }),
    roles: [...p.roles],
    identities: p.identities.map(copyIdentity),
    ...(p.locale !== undefined && { locale: p.locale }),
  };
}

/** Stored document → domain person (`emailLower` stays behind). */
export function personFromDoc(d: PersonDoc): Person {
  return {
    id: d._id,
    name: d.name,
    ...(d.email != null && { email: d.email }),
    ...(d.agencyId != null && { agencyId: d.agencyId }),
    roles: [...(d.roles ?? [])],
    identities: (d.identities ?? []).map(copyIdentity),
    ...(d.locale != null && { locale: d.locale }),
  };
}

/** Domain agency → stored document. */
export function agencyToDoc(a: Agency): AgencyDoc {
  return {
    _id: a.id,
    name: a.name,
    ...(a.nameEn !== undefined && { nameEn: a.nameEn }),
    ...(a.lead !== undefined && { lead: a.lead }),
    ...(a.state !== undefined && { state: a.state }),
  };
}

/** Stored document → domain agency. */
export function agencyFromDoc(d: AgencyDoc): Agency {
  return {
    id: d._id,
    name: d.name,
    ...(d.nameEn != null && { nameEn: d.nameEn }),
    ...(d.lead != null && { lead: d.lead }),
    ...(d.state != null && { state: d.state }),
  };
}

function identityTaken(personId: string, i?: ChannelIdentity): DomainError {
  const which = i ? `Identity ${i.channelId}/${i.userId}` : 'An identity of the person';
  return new DomainError('DUPLICATE_KEY', `${which} belongs to another person`, { personId, ...(i && { ...i }) });
}

/**
 * {@link Directory} on MongoDB. Identities live inside the person document under a unique
 * multikey index, so "an identity belongs to at most one person" is enforced by the server; an
 * identity held by someone else is refused with `DomainError('DUPLICATE_KEY')`, never moved
 * (re-pointing a channel account would hand over that person's roles), as in the embedded store.
 * The same index makes `findOrRegister` idempotent: of two instances registering a new person's
 * identity at once, one insert wins and the other reads the winner.
 */
export class MongoDirectory implements Directory {
  private readonly people: Model<PersonDoc>;
  private readonly agencies: Model<AgencyDoc>;

  constructor(opts: MongoAdapterOptions) {
    this.people = modelOn(opts, 'people', personSchema);
    this.agencies = modelOn(opts, 'agencies', agencySchema);
  }

  /** Creates the collections and indexes (createMongoStore does this for every adapter). */
  async init(): Promise<void> {
    await ensureModelIndexes([this.people, this.agencies]);
  }

  async getPerson(id: string): Promise<Person | undefined> {
    const d = await this.people.findById(id).lean<PersonDoc>();
    return d ? personFromDoc(d) : undefined;
  }

  async findByIdentity(identity: ChannelIdentity): Promise<Person | undefined> {
    const exact = await this.findOneWithIdentity(identity.channelId, identity.userId);
    if (exact || identity.channelId === ANY_CHANNEL) return exact;
    return this.findOneWithIdentity(ANY_CHANNEL, identity.userId);
  }

  async findByEmail(email: string): Promise<Person | undefined> {
    const d = await this.people.findOne({ emailLower: email.toLowerCase() }).sort({ _id: 1 }).lean<PersonDoc>();
    return d ? personFromDoc(d) : undefined;
  }

  async listByRole(role: Role, agencyId?: string): Promise<Person[]> {
    const query: Record<string, unknown> = { roles: role };
    if (agencyId !== undefined) query.agencyId = agencyId;
    const docs = await this.people.find(query).sort({ _id: 1 }).lean<PersonDoc[]>();
    return docs.map(personFromDoc);
  }

  async upsertPerson(p: Person): Promise<void> {
    // The same identity twice in one person is one identity (the unique index cannot see it).
    const seen = new Set<string>();
    const identities = p.identities.filter((i) => {
      const k = JSON.stringify([i.channelId, i.userId]);
      return seen.has(k) ? false : (seen.add(k), true);
    });
    const doc = personToDoc({ ...p, identities });
    try {
      await retryUpsert(() => this.people.replaceOne({ _id: doc._id }, doc, { upsert: true }));
    } catch (e) {
      // `_id` races are retried away above, so a duplicate that remains is an identity.
      if (isDuplicateKey(e)) throw identityTaken(p.id);
      throw e;
    }
  }

  async linkIdentity(personId: string, identity: ChannelIdentity): Promise<void> {
    const i = copyIdentity(identity);
    try {
      // Only pushes when the person lacks it, so linking twice is a no-op.
      const res = await this.people.updateOne(
        { _id: personId, identities: { $not: { $elemMatch: { channelId: i.channelId, userId: i.userId } } } },
        { $push: { identities: i } },
      );
      if (res.matchedCount === 1) return;
    } catch (e) {
      if (isDuplicateKey(e)) throw identityTaken(personId, i);
      throw e;
    }
    if (!(await this.people.exists({ _id: personId }))) {
      throw new DomainError('PERSON_NOT_FOUND', `No person ${personId}`, { personId });
    }
  }

  async findOrRegister(identity: ChannelIdentity, draft: Omit<Person, 'identities'>): Promise<Person> {
    const found = await this.findByIdentity(identity);
    if (found) return found;
    const doc = personToDoc({ ...draft, identities: [copyIdentity(identity)] });
    try {
      // An insert, never a replace: the unique identity index lets exactly one of concurrent
      // registrations in, and a person with the same id is never overwritten.
      await this.people.create(doc);
      return personFromDoc(doc);
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    // The winner's insert may not be majority-committed yet, so this one read is 'local': on the
    // primary it sees every applied write.
    const winner = await this.findOneWithIdentity(identity.channelId, identity.userId, 'local');
    if (winner) return winner;
    throw new DomainError('DUPLICATE_KEY', `Person ${draft.id} already exists`, { personId: draft.id });
  }

  async getAgency(id: string): Promise<Agency | undefined> {
    const d = await this.agencies.findById(id).lean<AgencyDoc>();
    return d ? agencyFromDoc(d) : undefined;
  }

  async listAgencies(): Promise<Agency[]> {
    const docs = await this.agencies.find({}).sort({ _id: 1 }).lean<AgencyDoc[]>();
    return docs.map(agencyFromDoc);
  }

  async upsertAgency(a: Agency): Promise<void> {
    const doc = agencyToDoc(a);
    await retryUpsert(() => this.agencies.replaceOne({ _id: doc._id }, doc, { upsert: true }));
  }

  private async findOneWithIdentity(channelId: string, userId: string, readConcern?: 'local'): Promise<Person | undefined> {
    const query = this.people.findOne({ identities: { $elemMatch: { channelId, userId } } });
    if (readConcern) query.readConcern(readConcern);
    const d = await query.lean<PersonDoc>();
    return d ? personFromDoc(d) : undefined;
  }
}
