import { DomainError } from '../../../domain/errors.js';
import type { Agency, ChannelIdentity, Person, Role } from '../../../domain/people.js';
import type { Directory } from '../../../domain/ports/directory.js';
import type { Db } from './db.js';

/** One row of `people`; identities live in their own table so UNIQUE(channel_id, user_id) holds. */
interface PersonRow {
  id: string;
  email_lower: string | null;
  agency_id: string | null;
  roles: string;
  body: string;
}
interface IdentityRow {
  channel_id: string;
  user_id: string;
}
interface AgencyRow {
  id: string;
  body: string;
}

/** Identity channel that matches any channel (seeded demo people). */
const ANY_CHANNEL = '*';

function toPersonRow(p: Person): PersonRow {
  const { identities: _identities, ...rest } = p;
  return {
    id: p.id,
    email_lower: p.email ? p.email.toLowerCase() : null,
    agency_id: p.agencyId ?? null,
    roles: JSON.stringify(p.roles),
    body: JSON.stringify(rest),
  };
}

function fromPersonRow(row: PersonRow, identities: IdentityRow[]): Person {
  const body = JSON.parse(row.body) as Omit<Person, 'identities'>;
  return { ...body, id: row.id, identities: identities.map((i) => ({ channelId: i.channel_id, userId: i.user_id })) };
}

const toAgencyRow = (a: Agency): AgencyRow => ({ id: a.id, body: JSON.stringify(a) });
const fromAgencyRow = (row: AgencyRow): Agency => ({ ...(JSON.parse(row.body) as Agency), id: row.id });

function prepare(db: Db) {
  return {
    person: db.prepare<[string], PersonRow>('SELECT * FROM people WHERE id = ?'),
    identitiesOf: db.prepare<[string], IdentityRow>('SELECT channel_id, user_id FROM identities WHERE person_id = ? ORDER BY rowid'),
    ownerOf: db.prepare<[string, string], { person_id: string }>('SELECT person_id FROM identities WHERE channel_id = ? AND user_id = ?'),
    // An exact channel match sorts before the `*` fallback.
    byIdentity: db.prepare<{ channel: string; user: string; any: string }, { person_id: string }>(
      `SELECT person_id FROM identities WHERE user_id = @user AND channel_id IN (@channel, @any)
       ORDER BY channel_id = @any LIMIT 1`,
    ),
    byEmail: db.prepare<[string], PersonRow>('SELECT * FROM people WHERE email_lower = ? ORDER BY id LIMIT 1'),
    byRole: db.prepare<{ role: string; agency: string | null }, PersonRow>(
      `SELECT * FROM people
       WHERE EXISTS (SELECT 1 FROM json_each(people.roles) WHERE value = @role)
         AND (@agency IS NULL OR agency_id = @agency)
       ORDER BY id`,
    ),
    upsertPerson: db.prepare<PersonRow>(
      `INSERT INTO people (id, email_lower, agency_id, roles, body) VALUES (@id, @email_lower, @agency_id, @roles, @body)
       ON CONFLICT (id) DO UPDATE SET email_lower = excluded.email_lower, agency_id = excluded.agency_id,
         roles = excluded.roles, body = excluded.body`,
    ),
    clearIdentities: db.prepare<[string]>('DELETE FROM identities WHERE person_id = ?'),
    addIdentity: db.prepare<[string, string, string]>('INSERT INTO identities (channel_id, user_id, person_id) VALUES (?, ?, ?)'),
    agency: db.prepare<[string], AgencyRow>('SELECT * FROM agencies WHERE id = ?'),
    agencies: db.prepare<[], AgencyRow>('SELECT * FROM agencies ORDER BY id'),
    upsertAgency: db.prepare<AgencyRow>(
      'INSERT INTO agencies (id, body) VALUES (@id, @body) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
    ),
  };
}

/**
 * {@link Directory} on SQLite. An identity held by another person is refused with
 * `DomainError('DUPLICATE_KEY')` rather than moved: silently re-pointing a channel account at a
 * different person would hand them that person's roles.
 */
export class SqliteDirectory implements Directory {
  private readonly stmts: ReturnType<typeof prepare>;
  private readonly upsertPersonTx: (p: Person) => void;
  private readonly linkTx: (personId: string, identity: ChannelIdentity) => void;
  private readonly registerTx: (identity: ChannelIdentity, draft: Omit<Person, 'identities'>) => string;

  constructor(opts: { db: Db }) {
    const db = opts.db;
    this.stmts = prepare(db);
    this.upsertPersonTx = db.transaction((p: Person) => {
      this.stmts.upsertPerson.run(toPersonRow(p));
      // Replace: the person's identities become exactly the given ones.
      this.stmts.clearIdentities.run(p.id);
      for (const i of p.identities) this.insertIdentity(p.id, i);
    });
    this.linkTx = db.transaction((personId: string, identity: ChannelIdentity) => {
      if (!this.stmts.person.get(personId)) throw new DomainError('PERSON_NOT_FOUND', `No person ${personId}`, { personId });
      this.insertIdentity(personId, identity);
    });
    const register = db.transaction((identity: ChannelIdentity, draft: Omit<Person, 'identities'>): string => {
      const holder = this.stmts.byIdentity.get({ channel: identity.channelId, user: identity.userId, any: ANY_CHANNEL });
      if (holder) return holder.person_id;
      // A new person, never a replacement: an existing id is refused as the MongoDB insert refuses it.
      if (this.stmts.person.get(draft.id))
        throw new DomainError('DUPLICATE_KEY', `Person ${draft.id} already exists`, { personId: draft.id });
      this.upsertPersonTx({ ...draft, identities: [identity] });
      return draft.id;
    });
    // IMMEDIATE: the lookup and the insert hold the write lock together, so another connection's
    // registration of the same identity waits and then finds this one's person.
    this.registerTx = (identity, draft) => register.immediate(identity, draft);
  }

  /** Adds one identity unless the person already has it; refuses one held by someone else. */
  private insertIdentity(personId: string, i: ChannelIdentity): void {
    const owner = this.stmts.ownerOf.get(i.channelId, i.userId);
    if (owner?.person_id === personId) return;
    if (owner) {
      throw new DomainError('DUPLICATE_KEY', `Identity ${i.channelId}/${i.userId} belongs to another person`, {
        personId,
        ownerId: owner.person_id,
      });
    }
    this.stmts.addIdentity.run(i.channelId, i.userId, personId);
  }

  private load(row: PersonRow | undefined): Person | undefined {
    return row ? fromPersonRow(row, this.stmts.identitiesOf.all(row.id)) : undefined;
  }

  async getPerson(id: string): Promise<Person | undefined> {
    return this.load(this.stmts.person.get(id));
  }

  async findByIdentity(identity: ChannelIdentity): Promise<Person | undefined> {
    const hit = this.stmts.byIdentity.get({ channel: identity.channelId, user: identity.userId, any: ANY_CHANNEL });
    return hit ? this.getPerson(hit.person_id) : undefined;
  }

  async findByEmail(email: string): Promise<Person | undefined> {
    return this.load(this.stmts.byEmail.get(email.toLowerCase()));
  }

  async listByRole(role: Role, agencyId?: string): Promise<Person[]> {
    return this.stmts.byRole.all({ role, agency: agencyId ?? null }).map((r) => this.load(r)!);
  }

  async upsertPerson(p: Person): Promise<void> {
    this.upsertPersonTx(p);
  }

  async linkIdentity(personId: string, identity: ChannelIdentity): Promise<void> {
    this.linkTx(personId, identity);
  }

  async findOrRegister(identity: ChannelIdentity, draft: Omit<Person, 'identities'>): Promise<Person> {
    // A read first: nearly every call finds someone, and a lookup should not take the write lock.
    const found = await this.findByIdentity(identity);
    if (found) return found;
    const id = this.registerTx(identity, draft);
    return (await this.getPerson(id))!;
  }

  async getAgency(id: string): Promise<Agency | undefined> {
    const row = this.stmts.agency.get(id);
    return row ? fromAgencyRow(row) : undefined;
  }

  async listAgencies(): Promise<Agency[]> {
    return this.stmts.agencies.all().map(fromAgencyRow);
  }

  async upsertAgency(a: Agency): Promise<void> {
    this.stmts.upsertAgency.run(toAgencyRow(a));
  }
}
