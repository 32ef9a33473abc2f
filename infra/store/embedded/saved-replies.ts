import { DomainError } from '../../../domain/errors.js';
import type { Locale } from '../../../domain/people.js';
import type { SavedReplies, SavedReply, SavedReplyChange } from '../../../domain/ports/saved-replies.js';
import type { Db } from './db.js';

interface Row {
  id: string;
  locale: string;
  title: string;
  text: string;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

const toReply = (r: Row): SavedReply => ({
  id: r.id,
  locale: r.locale as Locale,
  title: r.title,
  text: r.text,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

/** {@link SavedReplies} on the embedded SQLite file (one row per reply; BINARY collation orders by code point). */
export class SqliteSavedReplies implements SavedReplies {
  private readonly s;
  constructor(opts: { db: Db }) {
    opts.db
      .exec(`CREATE TABLE IF NOT EXISTS saved_replies (id TEXT PRIMARY KEY, locale TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
      created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL)`);
    this.s = {
      create: opts.db.prepare<Row>(`INSERT INTO saved_replies (id, locale, title, text, created_by, created_at, updated_by, updated_at)
        VALUES (@id, @locale, @title, @text, @created_by, @created_at, @updated_by, @updated_at) ON CONFLICT (id) DO NOTHING`),
      get: opts.db.prepare<[string], Row>('SELECT * FROM saved_replies WHERE id = ?'),
      list: opts.db.prepare<[], Row>('SELECT * FROM saved_replies ORDER BY locale, title, id'),
      update: opts.db.prepare<{ id: string; locale: string; title: string; text: string; updated_by: string; updated_at: string }, Row>(
        'UPDATE saved_replies SET locale = @locale, title = @title, text = @text, updated_by = @updated_by, updated_at = @updated_at WHERE id = @id RETURNING *',
      ),
      delete: opts.db.prepare<[string]>('DELETE FROM saved_replies WHERE id = ?'),
      count: opts.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM saved_replies'),
    };
  }

  async create(r: SavedReply): Promise<void> {
    const row = {
      id: r.id,
      locale: r.locale,
      title: r.title,
      text: r.text,
      created_by: r.createdBy,
      created_at: r.createdAt,
      updated_by: r.updatedBy,
      updated_at: r.updatedAt,
    };
    if (this.s.create.run(row).changes === 0) throw new DomainError('DUPLICATE_KEY', `saved reply ${r.id} already exists`, { id: r.id });
  }

  async get(id: string): Promise<SavedReply | undefined> {
    const row = this.s.get.get(id);
    return row ? toReply(row) : undefined;
  }

  async list(): Promise<SavedReply[]> {
    return this.s.list.all().map(toReply);
  }

  async update(id: string, c: SavedReplyChange): Promise<SavedReply | undefined> {
    const row = this.s.update.get({ id, locale: c.locale, title: c.title, text: c.text, updated_by: c.updatedBy, updated_at: c.updatedAt });
    return row ? toReply(row) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    return this.s.delete.run(id).changes > 0;
  }

  async count(): Promise<number> {
    return this.s.count.get()!.n;
  }
}
