import Database from 'better-sqlite3';
import { expect } from 'chai';
import { SqliteActivityLog } from '../../infra/store/embedded/activity-log.js';

/** A store file written before delivery was recorded (no delivered_watermark) opens with 0 everywhere. */
describe('SqliteActivityLog on a file from before delivery was recorded', () => {
  it("adds delivered_watermark (0), then records delivery and lists a person's conversations", async () => {
    const db = new Database(':memory:');
    try {
      db.exec(`CREATE TABLE directline_conversations (conversation_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at TEXT NOT NULL, last_watermark INTEGER NOT NULL DEFAULT 0, last_active_at TEXT);
        CREATE TABLE directline_activities (conversation_id TEXT NOT NULL REFERENCES directline_conversations (conversation_id), watermark INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (conversation_id, watermark));
        INSERT INTO directline_conversations VALUES ('a', 'demo-applicant', '2026-03-01T00:00:00.000Z', 2, NULL), ('b', 'demo-applicant', '2026-03-02T00:00:00.000Z', 0, NULL);
        INSERT INTO directline_activities VALUES ('a', 1, '{"text":"x"}'), ('a', 2, '{"text":"y"}');`);
      const log = new SqliteActivityLog({ db });
      expect((await log.getConversation('a'))?.deliveredWatermark).to.equal(0);
      await log.markDelivered('a', 2);
      expect((await log.listOfUser('demo-applicant', 5)).map((c) => [c.conversationId, c.deliveredWatermark])).to.deep.equal([
        ['b', 0],
        ['a', 2],
      ]);
      // Opening the file again does not add the column twice.
      new SqliteActivityLog({ db });
      expect((await log.getConversation('a'))?.deliveredWatermark).to.equal(2);
    } finally {
      db.close();
    }
  });
});
