import Database from 'better-sqlite3';
import { expect } from 'chai';
import { SqliteStorage } from '../../infra/store/embedded/storage.js';

const DAY = 86_400_000;

/** A store file written before bot-state retention (no updated_ms) opens, and its items count from the upgrade. */
describe('SqliteStorage on a file from before bot-state retention', () => {
  it('adds the last-use column, stamps the existing items with the upgrade time, and prunes them only a period later', async () => {
    const db = new Database(':memory:');
    try {
      db.exec(`CREATE TABLE bot_storage (key TEXT PRIMARY KEY, etag TEXT NOT NULL, body TEXT NOT NULL);
        INSERT INTO bot_storage VALUES ('webchat/bot/conversations/c1', 'e-1', '{"dialogStack":[]}');`);
      const upgrade = Date.parse('2026-03-01T00:00:00.000Z');
      let now = upgrade;
      const storage = new SqliteStorage({ db, clock: { now: () => new Date(now) } });
      expect(db.prepare('SELECT updated_ms FROM bot_storage').all()).to.deep.equal([{ updated_ms: upgrade }]);
      // Whatever its real age, the first sweep after the upgrade (10-day retention) keeps it.
      now += DAY;
      expect(await storage.pruneIdleBefore(new Date(now - 10 * DAY))).to.equal(0);
      expect((await storage.read(['webchat/bot/conversations/c1']))['webchat/bot/conversations/c1']).to.deep.equal({
        dialogStack: [],
        eTag: 'e-1',
      });
      // Opening the file again does not add the column twice.
      new SqliteStorage({ db });
      now += 30 * DAY;
      expect(await storage.pruneIdleBefore(new Date(now - 10 * DAY))).to.equal(1);
    } finally {
      db.close();
    }
  });
});
