import type { Db } from './db.js';
import { writeBatchOf, type WriteBatch } from './write-batch.js';
import type { TranscriptEntry } from '../transcript-entry.js';

export type { TranscriptEntry };

/** Conversation transcripts (already masked by the caller), append-only, in arrival order. */
export class SqliteTranscripts {
  private readonly insert;
  private readonly insertAll: (entries: TranscriptEntry[]) => void;
  private readonly select;
  private readonly prune;
  private readonly batch: WriteBatch;
  constructor(private readonly opts: { db: Db }) {
    this.batch = writeBatchOf(opts.db);
    opts.db.exec(`CREATE TABLE IF NOT EXISTS transcripts (
      n INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, at TEXT NOT NULL, direction TEXT NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS transcripts_conv ON transcripts (conversation_id, n);
      CREATE INDEX IF NOT EXISTS transcripts_at ON transcripts (at);`);
    this.prune = opts.db.prepare('DELETE FROM transcripts WHERE at < ?');
    this.insert = opts.db.prepare('INSERT INTO transcripts (conversation_id, at, direction, body) VALUES (?, ?, ?, ?)');
    this.insertAll = opts.db.transaction((entries: TranscriptEntry[]) => {
      for (const e of entries) this.insert.run(e.conversationId, e.at, e.direction, JSON.stringify(e.activity));
    });
    this.select = opts.db.prepare(
      'SELECT conversation_id, at, direction, body FROM transcripts WHERE conversation_id = ? ORDER BY n DESC LIMIT ?',
    );
  }

  /**
   * Appends a turn's entries in one transaction (one commit per turn, not per message), shared
   * with other turns' writes of the same moment (write-batch.ts); resolves once committed.
   */
  async append(entries: TranscriptEntry[]): Promise<void> {
    await this.batch.run(() => this.insertAll(entries));
  }

  /** The last `limit` entries, oldest first. */
  async list(conversationId: string, limit = 200): Promise<TranscriptEntry[]> {
    const rows = this.select.all(conversationId, limit) as { conversation_id: string; at: string; direction: 'in' | 'out'; body: string }[];
    return rows.reverse().map((r) => ({
      conversationId: r.conversation_id,
      at: r.at,
      direction: r.direction,
      activity: JSON.parse(r.body) as Record<string, unknown>,
    }));
  }

  /** Removes every entry stamped before `before` (ISO instants compare as text); returns how many. */
  async pruneBefore(before: Date): Promise<number> {
    return this.prune.run(before.toISOString()).changes;
  }
}
