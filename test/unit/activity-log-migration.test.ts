import Database from 'better-sqlite3';
import { expect } from 'chai';
import { SqliteActivityLog } from '../../infra/store/embedded/activity-log.js';

/** A store file written before retention existed (no last_active_at) opens, prunes by creation time, and appends on. */
describe('SqliteActivityLog on a file from before retention', () => {
  it('adds last_active_at, prunes conversations by their start when they have no later append, and keeps appending', async () => {
    const db = new Database(':memory:');
    try {
      db.exec(`CREATE TABLE directline_conversations (conversation_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at TEXT NOT NULL, last_watermark INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE directline_activities (conversation_id TEXT NOT NULL REFERENCES directline_conversations (conversation_id), watermark INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (conversation_id, watermark));
        INSERT INTO directline_conversations VALUES ('old', 'demo-applicant', '2026-01-01T00:00:00.000Z', 2), ('kept', 'demo-ap', '2026-03-01T00:00:00.000Z', 1);
        INSERT INTO directline_activities VALUES ('old', 1, '{"text":"a"}'), ('old', 2, '{"text":"b"}'), ('kept', 1, '{"text":"c"}');`);
      const log = new SqliteActivityLog({ db, clock: { now: () => new Date('2026-03-02T00:00:00.000Z') } });
      expect(await log.pruneBefore(new Date('2026-02-01T00:00:00.000Z'))).to.deep.equal({ conversations: 1, activities: 2 });
      expect(await log.getConversation('old')).to.equal(undefined);
      expect((await log.append('kept', { text: 'd' }))?.watermark).to.equal(2);
      expect((await log.listAfter('kept', 0, 10)).map((e) => e.activity.text)).to.deep.equal(['c', 'd']);
      // Opening the file again does not try to add the column twice.
      new SqliteActivityLog({ db });
      expect(await log.pruneBefore(new Date('2026-03-01T12:00:00.000Z')), 'kept was appended to after the cut-off').to.deep.equal({
        conversations: 0,
        activities: 0,
      });
    } finally {
      db.close();
    }
  });
});
