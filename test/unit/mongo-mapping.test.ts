import { expect } from 'chai';
import { cast, closeCasting, validationErrorPaths } from '../support/mongo-cast.js';
import { Types, type Schema } from 'mongoose';
import type { Case } from '../../domain/cases/case.js';
import type { CertificateRecord } from '../../domain/certificates.js';
import type { Agency, Person } from '../../domain/people.js';
import type { AuditEntry } from '../../domain/ports/audit-log.js';
import type { ConversationRecord, PendingMessage } from '../../domain/ports/conversation-repository.js';
import type { StoredFileMeta } from '../../domain/ports/file-store.js';
import { auditFromDoc, auditSchema, auditToDoc } from '../../infra/store/mongo/audit-log.js';
import { caseFromRecord, caseSchema, caseToRecord, counterSchema } from '../../infra/store/mongo/case-repository.js';
import { certificateFromDoc, certificateSchema, certificateToDoc } from '../../infra/store/mongo/certificate-repository.js';
import {
  conversationFromDoc,
  conversationSchema,
  conversationToDoc,
  pendingFromDoc,
  pendingSchema,
  pendingToDoc,
} from '../../infra/store/mongo/conversation-repository.js';
import { agencyFromDoc, agencySchema, agencyToDoc, personFromDoc, personSchema, personToDoc } from '../../infra/store/mongo/directory.js';
import { fileMetaFromDoc, fileMetaToDoc } from '../../infra/store/mongo/file-store.js';
import { storageSchema, storeItemFromDoc, storeItemToDoc } from '../../infra/store/mongo/storage.js';
import { transcriptFromDoc, transcriptSchema, transcriptToDoc } from '../../infra/store/mongo/transcripts.js';

after(closeCasting);

function without<T extends object>(o: T, key: keyof T): Partial<T> {
  const copy: Partial<T> = { ...o };
  delete copy[key];
  return copy;
}

const fullCase: Case = {
  id: 'UC-2026-000123',
  kind: 'UC',
  status: 'RETURNED',
  applicantId: 'p-applicant',
  agencyId: 'KKM',
  data: { fullName: 'Aminah', tags: ['a'], nested: { n: 1, ok: true, none: null }, empty: {} },
  correction: { fields: ['email', 'phone'], note: 'typo', byId: 'p-ap', at: '2026-03-02T00:00:00.000Z' },
  reason: 'incomplete',
  certificateSerial: '0a1b',
  timeline: [
    { at: '2026-03-01T00:00:00.000Z', event: 'submitted', actorId: 'p-applicant', status: 'SUBMITTED' },
    { at: '2026-03-02T00:00:00.000Z', event: 'returned', actorId: 'p-ap', status: 'RETURNED', note: 'typo' },
    { at: '2026-03-02T00:00:01.000Z', event: 'reminded', actorId: 'system' },
  ],
  version: 3,
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-02T00:00:01.000Z',
};
const minimalCase: Case = {
  id: 'AD-2027-000001',
  kind: 'AD',
  status: 'OPEN',
  applicantId: 'p1',
  data: {},
  timeline: [],
  version: 1,
  createdAt: '2027-01-01T00:00:00.000Z',
  updatedAt: '2027-01-01T00:00:00.000Z',
};

const fullCert: CertificateRecord = {
  serial: '0a1b2c',
  ownerId: 'p1',
  caseId: 'UC-2026-000001',
  profile: 'user',
  medium: 'token',
  subjectCommonName: 'AMINAH BINTI HASSAN',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2026-12-10T08:00:00+08:00',
  status: 'DIBATALKAN',
  revocation: { reason: 'keyCompromise', at: '2026-05-01T00:00:00.000Z' },
  certPem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
  successor: { serial: '0d0e', caseId: 'UC-2026-000002' },
  remindersSent: [30, 14],
};
const minimalCert: CertificateRecord = {
  serial: 'ff',
  ownerId: 'p1',
  caseId: 'SC-2026-000001',
  profile: 'server',
  subjectCommonName: 'www.example.gov.my',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
  status: 'AKTIF',
  certPem: 'pem',
};

const fullPerson: Person = {
  id: 'p1',
  name: 'Aminah',
  email: 'Aminah.Hassan@MOH.gov.my',
  agencyId: 'KKM',
  roles: ['USER', 'AP'],
  locale: 'en',
  identities: [
    { channelId: 'msteams', userId: 'aad-1' },
    { channelId: '*', userId: 'p1' },
  ],
};
const minimalPerson: Person = { id: 'p2', name: 'Nobody', roles: [], identities: [] };
const fullAgency: Agency = { id: 'MAMPU', name: 'Unit Pemodenan Tadbiran', nameEn: 'MAMPU', lead: false };
const minimalAgency: Agency = { id: 'KKM', name: 'Kementerian Kesihatan Malaysia' };

const fullConversation: ConversationRecord = {
  conversationId: 'c1',
  channelId: 'msteams',
  personId: 'p1',
  owner: 'agent',
  agentId: 'agent-7',
  reference: { conversation: { id: 'c1' }, serviceUrl: 'https://smba.example/', bot: { id: 'bot' } },
  lastSeenAt: '2026-03-01T08:00:00+08:00',
};
const minimalConversation: ConversationRecord = {
  conversationId: 'c2',
  channelId: 'webchat',
  personId: 'p2',
  owner: 'bot',
  reference: {},
  lastSeenAt: '2026-03-01T00:00:00.000Z',
};
const pendingMsg: PendingMessage = {
  id: 'm1',
  personId: 'p1',
  payload: { type: 'caseApproved', caseId: 'UC-2026-000001' },
  createdAt: '2026-03-01T00:00:00Z',
};

const chained: AuditEntry = {
  caseId: 'UC-2026-000001',
  seq: 2,
  at: '2026-03-01T00:00:00.000Z',
  actorId: 'p-ap',
  action: 'approved',
  data: { by: 'p-ap', nested: { n: [1, 2] }, empty: {} },
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
};
const fileMeta: StoredFileMeta = {
  id: new Types.ObjectId().toHexString(),
  ownerId: 'p1',
  name: 'mykad.png',
  contentType: 'image/png',
  size: 256,
  sha256: 'c'.repeat(64),
  createdAt: '2026-03-01T00:00:00.000Z',
};

describe('mongo store: record <-> domain mapping (no server)', () => {
  it('cases round-trip both ways, optional fields absent rather than undefined', () => {
    for (const c of [fullCase, minimalCase]) {
      const rec = caseToRecord(c);
      expect(caseFromRecord(rec)).to.deep.equal(c);
      expect(caseToRecord(caseFromRecord(rec))).to.deep.equal(rec);
      expect(Object.values(rec)).to.not.include(undefined);
    }
    expect(caseToRecord(fullCase)._id).to.equal('UC-2026-000123');
    expect(caseToRecord(minimalCase)).to.not.have.any.keys('agencyId', 'correction', 'reason', 'certificateSerial');
  });

  it('certificates round-trip both ways; notAfterMs is the instant of notAfter, which stays as written', () => {
    for (const c of [fullCert, minimalCert]) {
      const doc = certificateToDoc(c);
      expect(certificateFromDoc(doc)).to.deep.equal(c);
      expect(certificateToDoc(certificateFromDoc(doc))).to.deep.equal(doc);
    }
    const doc = certificateToDoc(fullCert);
    expect(doc.notAfter).to.equal('2026-12-10T08:00:00+08:00');
    expect(doc.notAfterMs).to.equal(Date.parse('2026-12-10T00:00:00.000Z'));
  });

  it('people round-trip both ways; the e-mail is kept as given and also lower-cased for lookup', () => {
    for (const p of [fullPerson, minimalPerson]) {
      const doc = personToDoc(p);
      expect(personFromDoc(doc)).to.deep.equal(p);
      expect(personToDoc(personFromDoc(doc))).to.deep.equal(doc);
    }
    expect(personToDoc(fullPerson)).to.include({ email: 'Aminah.Hassan@MOH.gov.my', emailLower: 'aminah.hassan@moh.gov.my' });
    expect(personToDoc(minimalPerson)).to.not.have.any.keys('email', 'emailLower', 'agencyId', 'locale');
  });

  it('agencies round-trip both ways, keeping lead: false', () => {
    for (const a of [fullAgency, minimalAgency]) {
      expect(agencyFromDoc(agencyToDoc(a))).to.deep.equal(a);
      expect(agencyToDoc(agencyFromDoc(agencyToDoc(a)))).to.deep.equal(agencyToDoc(a));
    }
    expect(agencyFromDoc(agencyToDoc(fullAgency)).lead).to.equal(false);
  });

  it('conversations and pending messages round-trip both ways', () => {
    for (const c of [fullConversation, minimalConversation]) {
      const doc = conversationToDoc(c);
      expect(conversationFromDoc(doc)).to.deep.equal(c);
      expect(conversationToDoc(conversationFromDoc(doc))).to.deep.equal(doc);
    }
    expect(conversationToDoc(fullConversation).lastSeenMs).to.equal(Date.parse('2026-03-01T00:00:00.000Z'));
    const order = new Types.ObjectId();
    const doc = pendingToDoc(pendingMsg, order);
    expect(pendingFromDoc(doc)).to.deep.equal(pendingMsg);
    expect(pendingToDoc(pendingFromDoc(doc), order)).to.deep.equal(doc);
    // Without an explicit order, later messages get larger ObjectIds: insertion order breaks ties.
    const [a, b] = [pendingToDoc(pendingMsg), pendingToDoc(pendingMsg)];
    expect(a.order.toHexString() < b.order.toHexString()).to.equal(true);
  });

  it('a non-date lastSeenAt or createdAt is refused with INVALID_INPUT', () => {
    expect(() => conversationToDoc({ ...minimalConversation, lastSeenAt: 'yesterday' }))
      .to.throw()
      .with.property('code', 'INVALID_INPUT');
    expect(() => pendingToDoc({ ...pendingMsg, createdAt: '' }))
      .to.throw()
      .with.property('code', 'INVALID_INPUT');
  });

  it('audit entries round-trip both ways, with and without data', () => {
    const { data: _omit, ...noData } = chained;
    for (const e of [chained, noData]) {
      const doc = auditToDoc(e);
      expect(auditFromDoc(doc)).to.deep.equal(e);
      expect(auditToDoc(auditFromDoc(doc))).to.deep.equal(doc);
    }
    expect(auditToDoc(noData)).to.not.have.property('data');
  });

  it('file metadata round-trips through a GridFS files document; foreign files are refused', () => {
    const doc = fileMetaToDoc(fileMeta);
    expect(doc._id.toHexString()).to.equal(fileMeta.id);
    expect(doc).to.include({ filename: 'mykad.png', length: 256 });
    expect(fileMetaFromDoc(doc)).to.deep.equal(fileMeta);
    expect(fileMetaToDoc(fileMetaFromDoc(doc))).to.deep.equal(doc);
    expect(() => fileMetaFromDoc({ _id: doc._id, filename: 'x', length: 1 })).to.throw(/metadata/);
  });

  it('store items round-trip with their eTag kept apart from the JSON, stamped with the write time', () => {
    const item = { dialogStack: [{ id: 'd', state: { stepIndex: 2 } }], n: 1.5, none: null, $odd: { 'a.b': 1 } };
    const doc = storeItemToDoc('msteams/conversations/c1', { ...item, eTag: 'old' }, 'e-1', 1_770_000_000_000);
    expect(doc).to.deep.equal({ _id: 'msteams/conversations/c1', eTag: 'e-1', json: JSON.stringify(item), updatedMs: 1_770_000_000_000 });
    expect(storeItemFromDoc(doc)).to.deep.equal({ ...item, eTag: 'e-1' });
    const back = storeItemFromDoc(doc);
    expect(storeItemToDoc(doc._id, back, String(back.eTag), doc.updatedMs)).to.deep.equal(doc);
  });

  it('transcript entries are stored as JSON text, so card keys like $schema reach no BSON document', () => {
    const card = {
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', $data: { 'a.b': 1 }, type: 'AdaptiveCard', version: '1.5' },
    };
    const e = {
      conversationId: 'c1',
      at: '2026-03-01T00:00:00.000Z',
      direction: 'out' as const,
      activity: { type: 'message', attachments: [card] },
    };
    const doc = transcriptToDoc(e);
    expect(doc).to.deep.equal({ conversationId: 'c1', at: e.at, direction: 'out', json: JSON.stringify(e.activity) });
    expect(Object.keys(doc)).to.not.include('activity');
    expect(transcriptFromDoc(doc)).to.deep.equal(e);
    // Documents written before the change kept the activity as BSON; they still read.
    expect(
      transcriptFromDoc({ conversationId: 'c1', at: e.at, direction: 'in', activity: { type: 'message', text: 'hai' } }).activity,
    ).to.deep.equal({ type: 'message', text: 'hai' });
  });
});

describe('mongo store: schemas accept mapped records and refuse incomplete ones (no server)', () => {
  const cases: [string, Schema<any>, object, string][] = [
    ['case (full)', caseSchema, caseToRecord(fullCase), 'applicantId'],
    ['case (minimal, data {})', caseSchema, caseToRecord(minimalCase), 'data'],
    ['counter', counterSchema, { _id: 'UC-2026', seq: 7 }, 'seq'],
    ['certificate (full)', certificateSchema, certificateToDoc(fullCert), 'certPem'],
    ['certificate (minimal)', certificateSchema, certificateToDoc(minimalCert), 'notAfterMs'],
    ['person (full)', personSchema, personToDoc(fullPerson), 'name'],
    ['person (minimal)', personSchema, personToDoc(minimalPerson), 'name'],
    ['agency', agencySchema, agencyToDoc(fullAgency), 'name'],
    ['conversation (full)', conversationSchema, conversationToDoc(fullConversation), 'personId'],
    ['conversation (reference {})', conversationSchema, conversationToDoc(minimalConversation), 'reference'],
    ['pending message', pendingSchema, pendingToDoc(pendingMsg), 'payload'],
    ['audit entry', auditSchema, auditToDoc(chained), 'hash'],
    ['storage item', storageSchema, storeItemToDoc('k', { v: 1 }, 'e-1', 1), 'eTag'],
    ['storage item (write time)', storageSchema, storeItemToDoc('k', { v: 1 }, 'e-1', 1), 'updatedMs'],
    [
      'transcript entry',
      transcriptSchema,
      transcriptToDoc({ conversationId: 'c1', at: '2026-03-01T00:00:00.000Z', direction: 'in', activity: { $schema: 'x' } }),
      'json',
    ],
  ];

  for (const [name, schema, record, required] of cases) {
    it(`${name}: validates, and casting changes nothing (no added _id, defaults or dropped {})`, async () => {
      const bson = await cast(schema, record);
      // Audit and transcript entries get an ObjectId `_id`, which the mapping never reads.
      if (schema === auditSchema || schema === transcriptSchema) {
        expect(bson._id).to.be.instanceOf(Types.ObjectId);
        delete bson._id;
      }
      expect(bson).to.deep.equal(record);
    });

    it(`${name}: a record without ${required} is refused`, async () => {
      const paths = await validationErrorPaths(schema, without(record as Record<string, unknown>, required));
      expect(paths).to.include(required);
    });
  }

  it('enums are enforced: an unknown role, kind, owner or revocation reason is refused', async () => {
    expect(await validationErrorPaths(personSchema, { ...personToDoc(fullPerson), roles: ['USER', 'SUPERUSER'] })).to.deep.equal([
      'roles.1',
    ]);
    expect(await validationErrorPaths(caseSchema, { ...caseToRecord(fullCase), kind: 'XX' })).to.deep.equal(['kind']);
    expect(await validationErrorPaths(conversationSchema, { ...conversationToDoc(fullConversation), owner: 'nobody' })).to.deep.equal([
      'owner',
    ]);
    const revoked = certificateToDoc(fullCert);
    expect(await validationErrorPaths(certificateSchema, { ...revoked, revocation: { reason: 'bored', at: 'x' } })).to.include(
      'revocation.reason',
    );
  });

  it('a timeline entry or identity missing a required field is refused', async () => {
    const badTimeline = { ...caseToRecord(fullCase), timeline: [{ at: 'x', actorId: 'p' }] };
    expect(await validationErrorPaths(caseSchema, badTimeline)).to.include('timeline.0.event');
    const badIdentity = { ...personToDoc(fullPerson), identities: [{ channelId: 'msteams' }] };
    expect(await validationErrorPaths(personSchema, badIdentity)).to.include('identities.0.userId');
  });
});
