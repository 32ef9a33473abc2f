import { expect } from 'chai';
import type { Agency, Person } from '../../domain/people.js';
import type { Directory } from '../../domain/ports/directory.js';
import type { Factory, Fixture } from './harness.js';
import { rejection } from './rejection.js';

function person(id: string, over: Partial<Person> = {}): Person {
  return { id, name: `Name of ${id}`, email: `${id}@moh.gov.my`, agencyId: 'KKM', roles: ['USER'], identities: [], ...over };
}

const ids = (people: Person[]) => people.map((p) => p.id);

/** The Directory contract: people, agencies, roles, e-mail and channel-identity lookups. */
export function directoryContract(adapterName: string, factory: Factory<Directory>): void {
  describe(`Directory contract (${adapterName})`, () => {
    let fx: Fixture<Directory>;
    let dir: Directory;
    beforeEach(async () => {
      fx = await factory();
      dir = fx.subject;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('upsertPerson then getPerson returns every field; unknown ids give undefined', async () => {
      const p = person('p1', {
        roles: ['USER', 'AP'],
        locale: 'en',
        identities: [
          { channelId: 'msteams', userId: 'aad-1' },
          { channelId: '*', userId: 'p1' },
        ],
      });
      await dir.upsertPerson(p);
      expect(await dir.getPerson('p1')).to.deep.equal(p);
      expect(await dir.getPerson('p2')).to.equal(undefined);
    });

    it('upsertPerson replaces the record with the same id', async () => {
      const oldIdentity = { channelId: 'msteams', userId: 'aad-old' };
      const newIdentity = { channelId: 'webchat', userId: 'w-new' };
      await dir.upsertPerson(person('p1', { roles: ['USER', 'AP'], email: 'old@moh.gov.my', locale: 'ms', identities: [oldIdentity] }));
      const replacement: Person = { id: 'p1', name: 'New Name', roles: ['USER'], identities: [newIdentity] };
      await dir.upsertPerson(replacement);
      expect(await dir.getPerson('p1')).to.deep.equal(replacement);
      expect(await dir.findByEmail('old@moh.gov.my')).to.equal(undefined);
      expect(await dir.listByRole('AP')).to.deep.equal([]);
      expect(await dir.findByIdentity(oldIdentity)).to.equal(undefined);
      expect((await dir.findByIdentity(newIdentity))?.id).to.equal('p1');
    });

    it('findByEmail ignores case; an unknown e-mail gives undefined', async () => {
      await dir.upsertPerson(person('p1', { email: 'Aminah.Hassan@MOH.gov.my' }));
      await dir.upsertPerson(person('p2'));
      expect((await dir.findByEmail('aminah.hassan@moh.gov.my'))?.id).to.equal('p1');
      expect((await dir.findByEmail('AMINAH.HASSAN@MOH.GOV.MY'))?.id).to.equal('p1');
      expect(await dir.findByEmail('nobody@moh.gov.my')).to.equal(undefined);
    });

    it('listByRole returns holders of the role ordered by id, optionally in one agency', async () => {
      await dir.upsertPerson(person('p3', { roles: ['USER', 'AP'] }));
      await dir.upsertPerson(person('p1', { roles: ['USER', 'AP'], agencyId: 'MAMPU' }));
      await dir.upsertPerson(person('p2', { roles: ['USER'] }));
      await dir.upsertPerson(person('p0', { roles: ['AP'] }));
      expect(ids(await dir.listByRole('AP'))).to.deep.equal(['p0', 'p1', 'p3']);
      expect(ids(await dir.listByRole('AP', 'KKM'))).to.deep.equal(['p0', 'p3']);
      expect(ids(await dir.listByRole('USER'))).to.deep.equal(['p1', 'p2', 'p3']);
      expect(await dir.listByRole('ADMIN')).to.deep.equal([]);
    });

    it('linkIdentity adds an identity once, however often it is called', async () => {
      await dir.upsertPerson(person('p1', { identities: [{ channelId: 'webchat', userId: 'w-1' }] }));
      const teams = { channelId: 'msteams', userId: 'aad-1' };
      await dir.linkIdentity('p1', teams);
      await dir.linkIdentity('p1', teams);
      await dir.linkIdentity('p1', { channelId: 'webchat', userId: 'w-1' });
      const p = await dir.getPerson('p1');
      expect(p?.identities).to.have.deep.members([{ channelId: 'webchat', userId: 'w-1' }, teams]);
      expect(p?.identities).to.have.length(2);
      expect((await dir.findByIdentity(teams))?.id).to.equal('p1');
    });

    it('an identity belongs to at most one person: linking it to another is refused', async () => {
      const id = { channelId: 'msteams', userId: 'aad-1' };
      await dir.upsertPerson(person('p1', { identities: [id] }));
      await dir.upsertPerson(person('p2'));
      const err = await rejection(dir.linkIdentity('p2', id));
      expect(err.code).to.equal('DUPLICATE_KEY');
      expect((await dir.findByIdentity(id))?.id).to.equal('p1');
      expect((await dir.getPerson('p2'))?.identities).to.deep.equal([]);
      const err2 = await rejection(dir.upsertPerson(person('p3', { identities: [id] })));
      expect(err2.code).to.equal('DUPLICATE_KEY');
      expect((await dir.findByIdentity(id))?.id).to.equal('p1');
    });

    it('linkIdentity to an unknown person throws PERSON_NOT_FOUND', async () => {
      const err = await rejection(dir.linkIdentity('ghost', { channelId: 'msteams', userId: 'aad-9' }));
      expect(err.code).to.equal('PERSON_NOT_FOUND');
      expect(await dir.findByIdentity({ channelId: 'msteams', userId: 'aad-9' })).to.equal(undefined);
    });

    it('findByIdentity matches the exact channel first, then an identity on channel *', async () => {
      await dir.upsertPerson(person('seeded', { identities: [{ channelId: '*', userId: 'u-1' }] }));
      await dir.upsertPerson(person('teams-user', { identities: [{ channelId: 'msteams', userId: 'u-1' }] }));
      expect((await dir.findByIdentity({ channelId: 'msteams', userId: 'u-1' }))?.id).to.equal('teams-user');
      expect((await dir.findByIdentity({ channelId: 'webchat', userId: 'u-1' }))?.id).to.equal('seeded');
      expect((await dir.findByIdentity({ channelId: 'emulator', userId: 'u-1' }))?.identities).to.deep.equal([
        { channelId: '*', userId: 'u-1' },
      ]);
      expect(await dir.findByIdentity({ channelId: 'msteams', userId: 'u-2' })).to.equal(undefined);
      // `*` is a fallback for the user id, not a wildcard for the channel of another id.
      expect(await dir.findByIdentity({ channelId: 'msteams', userId: 'seeded' })).to.equal(undefined);
    });

    it('findOrRegister stores a new person with the identity, then returns that person to every later call', async () => {
      const id = { channelId: 'msteams', userId: 'aad-new' };
      const draft = { id: 'u-1', name: 'Pengguna', roles: ['USER' as const] };
      const first = await dir.findOrRegister(id, draft);
      expect(first).to.deep.equal({ ...draft, identities: [id] });
      expect(await dir.getPerson('u-1')).to.deep.equal(first);
      expect(await dir.findOrRegister(id, { ...draft, id: 'u-2', name: 'Lain' })).to.deep.equal(first);
      expect(await dir.getPerson('u-2')).to.equal(undefined);
    });

    it('findOrRegister returns whom findByIdentity finds (a seeded `*` identity too) and stores nothing', async () => {
      await dir.upsertPerson(person('seeded', { identities: [{ channelId: '*', userId: 'demo-1' }] }));
      expect((await dir.findOrRegister({ channelId: 'webchat', userId: 'demo-1' }, { id: 'u-9', name: 'X', roles: ['USER'] })).id).to.equal(
        'seeded',
      );
      expect(await dir.getPerson('u-9')).to.equal(undefined);
    });

    it('two concurrent registrations of one identity make one person, and both callers get it', async () => {
      const id = { channelId: 'webchat', userId: 'dl-race' };
      const [a, b] = await Promise.all([
        dir.findOrRegister(id, { id: 'u-a', name: 'A', roles: ['USER'] }),
        dir.findOrRegister(id, { id: 'u-b', name: 'B', roles: ['USER'] }),
      ]);
      expect(a.id).to.equal(b.id);
      expect(a).to.deep.equal(b);
      const stored = [await dir.getPerson('u-a'), await dir.getPerson('u-b')].filter(Boolean);
      expect(stored).to.have.length(1);
      expect((await dir.findByIdentity(id))?.id).to.equal(a.id);
    });

    it('findOrRegister never replaces an existing person with the draft id', async () => {
      await dir.upsertPerson(person('p1', { roles: ['USER', 'AP'] }));
      const err = await rejection(
        dir.findOrRegister({ channelId: 'webchat', userId: 'w-77' }, { id: 'p1', name: 'Impostor', roles: ['USER'] }),
      );
      expect(err.code).to.equal('DUPLICATE_KEY');
      expect(await dir.getPerson('p1')).to.deep.equal(person('p1', { roles: ['USER', 'AP'] }));
      expect(await dir.findByIdentity({ channelId: 'webchat', userId: 'w-77' })).to.equal(undefined);
    });

    it('agencies: upsert replaces, get returns undefined when unknown, list is ordered by id', async () => {
      const mampu: Agency = { id: 'MAMPU', name: 'Unit Pemodenan Tadbiran', nameEn: 'MAMPU', lead: true };
      await dir.upsertAgency(mampu);
      await dir.upsertAgency({ id: 'KKM', name: 'Kementerian Kesihatan', nameEn: 'Ministry of Health' });
      await dir.upsertAgency({ id: 'JPN', name: 'Jabatan Pendaftaran Negara' });
      expect(await dir.getAgency('MAMPU')).to.deep.equal(mampu);
      expect(await dir.getAgency('XYZ')).to.equal(undefined);
      const kkm: Agency = { id: 'KKM', name: 'Kementerian Kesihatan Malaysia' };
      await dir.upsertAgency(kkm);
      expect(await dir.getAgency('KKM')).to.deep.equal(kkm);
      expect((await dir.listAgencies()).map((a) => a.id)).to.deep.equal(['JPN', 'KKM', 'MAMPU']);
    });

    it('agencies: the state (for the working-day calendar) round-trips, and a replacement without one drops it', async () => {
      const kedah: Agency = { id: 'JKNKDH', name: 'Jabatan Kesihatan Negeri Kedah', state: 'KEDAH' };
      await dir.upsertAgency(kedah);
      await dir.upsertAgency({ id: 'KKM', name: 'Kementerian Kesihatan Malaysia', state: 'PUTRAJAYA' });
      expect(await dir.getAgency('JKNKDH')).to.deep.equal(kedah);
      expect((await dir.listAgencies()).map((a) => [a.id, a.state])).to.deep.equal([
        ['JKNKDH', 'KEDAH'],
        ['KKM', 'PUTRAJAYA'],
      ]);
      await dir.upsertAgency({ id: 'JKNKDH', name: 'Jabatan Kesihatan Negeri Kedah', state: 'PERLIS' });
      expect((await dir.getAgency('JKNKDH'))?.state).to.equal('PERLIS');
      await dir.upsertAgency({ id: 'KKM', name: 'Kementerian Kesihatan Malaysia' });
      expect(await dir.getAgency('KKM')).to.deep.equal({ id: 'KKM', name: 'Kementerian Kesihatan Malaysia' });
    });
  });
}
