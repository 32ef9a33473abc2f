import Database from 'better-sqlite3';
import { expect } from 'chai';
import mongoose, { type Connection } from 'mongoose';
import { correctionsBy, noteFromStored } from '../../domain/handoff/notes.js';
import type { HandoffNote, HandoffRecord } from '../../domain/ports/handoff-repository.js';
import { SqliteHandoffRepository } from '../../infra/store/embedded/handoff-repository.js';
import { handoffFromDoc, handoffSchema, type HandoffDoc } from '../../infra/store/mongo/handoff-repository.js';

const AT = '2026-05-01T01:10:00.000Z';

/** A record as the previous version stored it: a correction was a note whose text was `field → value`. */
const legacy = {
  conversationId: 'c1',
  channelId: 'webchat',
  personId: 'p1',
  reason: 'request',
  status: 'taken',
  queuedAt: '2026-05-01T01:00:00.000Z',
  agentId: 'agent-1',
  takenAt: '2026-05-01T01:05:00.000Z',
  notes: [
    { at: AT, agentId: 'agent-1', text: 'email → aminah@moh.gov.my' },
    { at: AT, agentId: 'agent-1', text: 'E-mel lama ditukar atas permintaan pengguna' },
  ],
};
const typed: HandoffNote[] = [
  { kind: 'correction', at: AT, agentId: 'agent-1', field: 'email', value: 'aminah@moh.gov.my' },
  { at: AT, agentId: 'agent-1', text: 'E-mel lama ditukar atas permintaan pengguna' },
];

describe('handoff notes: corrections as data, and records of the previous version', () => {
  const rows: [string, Parameters<typeof noteFromStored>[0], HandoffNote][] = [
    [
      'an arrow note of the previous version is the correction it was',
      { at: AT, agentId: 'a', text: 'mykad → 9001******78' },
      { kind: 'correction', at: AT, agentId: 'a', field: 'mykad', value: '9001******78' },
    ],
    [
      'an arrow in the value stays in the value',
      { at: AT, agentId: 'a', text: 'address → Aras 1 → Blok B' },
      { kind: 'correction', at: AT, agentId: 'a', field: 'address', value: 'Aras 1 → Blok B' },
    ],
    [
      'an old note whose arrow follows no form field is a plain note',
      { at: AT, agentId: 'a', text: 'token → kad pintar' },
      { at: AT, agentId: 'a', text: 'token → kad pintar' },
    ],
    ['an old plain note stays as it was', { at: AT, agentId: 'a', text: 'hai' }, { at: AT, agentId: 'a', text: 'hai' }],
    [
      'a note typed as a note is never read as a correction',
      { kind: 'note', at: AT, agentId: 'a', text: 'email → x@moh.gov.my' },
      { kind: 'note', at: AT, agentId: 'a', text: 'email → x@moh.gov.my' },
    ],
    [
      'a typed correction reads as written',
      { kind: 'correction', at: AT, agentId: 'a', field: 'phone', value: '0388881234' },
      { kind: 'correction', at: AT, agentId: 'a', field: 'phone', value: '0388881234' },
    ],
  ];
  for (const [name, stored, read] of rows)
    it(name, () => {
      expect(noteFromStored(stored)).to.deep.equal(read);
    });

  it("lists the corrections the owning agent made since taking the conversation, not older ones or a colleague's", () => {
    const rec: Pick<HandoffRecord, 'notes' | 'takenAt'> = {
      takenAt: '2026-05-01T01:05:00.000Z',
      notes: [
        { kind: 'correction', at: '2026-05-01T01:00:00.000Z', agentId: 'agent-1', field: 'phone', value: 'before' },
        { kind: 'correction', at: AT, agentId: 'agent-2', field: 'phone', value: 'colleague' },
        { kind: 'note', at: AT, agentId: 'agent-1', text: 'nota' },
        { kind: 'correction', at: AT, agentId: 'agent-1', field: 'email', value: 'aminah@moh.gov.my' },
      ],
    };
    expect(correctionsBy(rec, 'agent-1').map((c) => [c.field, c.value])).to.deep.equal([['email', 'aminah@moh.gov.my']]);
  });

  it('the SQLite store reads a record of the previous version with its correction typed', async () => {
    const db = new Database(':memory:');
    try {
      const repo = new SqliteHandoffRepository({ db });
      db.prepare('INSERT INTO handoffs (conversation_id, status, queued_ms, agent_id, body) VALUES (?, ?, ?, ?, ?)').run(
        'c1',
        'taken',
        Date.parse(legacy.queuedAt),
        'agent-1',
        JSON.stringify(legacy),
      );
      expect((await repo.get('c1'))?.notes).to.deep.equal(typed);
      expect((await repo.listOpen())[0]?.notes).to.deep.equal(typed);
    } finally {
      db.close();
    }
  });

  describe('the Mongo mapping (no server)', () => {
    let connection: Connection;
    before(() => {
      connection = mongoose.createConnection();
    });
    after(async () => {
      await connection.close();
    });

    it('reads a document of the previous version with its correction typed', () => {
      const { conversationId, ...rest } = legacy;
      const doc = { _id: conversationId, queuedMs: Date.parse(legacy.queuedAt), ...rest } as unknown as HandoffDoc;
      expect(handoffFromDoc(doc).notes).to.deep.equal(typed);
    });

    it('the schema keeps a correction and a typed note as given', async () => {
      const notes: HandoffNote[] = [typed[0]!, { kind: 'note', at: AT, agentId: 'agent-1', text: 'nota' }];
      const Model = connection.model('handoffNotes', handoffSchema);
      const doc = new Model({ _id: 'c1', ...legacy, conversationId: undefined, queuedMs: 1, notes });
      await doc.validate();
      expect(handoffFromDoc(doc.toObject() as HandoffDoc).notes).to.deep.equal(notes);
    });
  });
});
