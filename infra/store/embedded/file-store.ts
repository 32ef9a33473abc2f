import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fsync, openSync, renameSync, writeSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../../domain/ports/clock.js';
import type { FileStore, StoredFileMeta } from '../../../domain/ports/file-store.js';
import { systemClock } from './clock.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './data-dir.js';
import type { Db } from './db.js';

interface FileRow {
  id: string;
  owner_id: string;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  created_at: string;
  expires_at: string | null;
}

const toRow = (m: StoredFileMeta): FileRow => ({
  id: m.id,
  owner_id: m.ownerId,
  name: m.name,
  content_type: m.contentType,
  size: m.size,
  sha256: m.sha256,
  created_at: m.createdAt,
  expires_at: m.expiresAt ?? null,
});

const fromRow = (row: FileRow): StoredFileMeta => ({
  id: row.id,
  ownerId: row.owner_id,
  name: row.name,
  contentType: row.content_type,
  size: row.size,
  sha256: row.sha256,
  createdAt: row.created_at,
  ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
});

function prepare(db: Db) {
  return {
    insert: db.prepare<FileRow>(
      `INSERT INTO files (id, owner_id, name, content_type, size, sha256, created_at, expires_at)
       VALUES (@id, @owner_id, @name, @content_type, @size, @sha256, @created_at, @expires_at)`,
    ),
    expired: db.prepare<[string], { id: string }>('SELECT id FROM files WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    get: db.prepare<[string], FileRow>('SELECT * FROM files WHERE id = ?'),
    delete: db.prepare<[string]>('DELETE FROM files WHERE id = ?'),
  };
}

/**
 * {@link FileStore} with bytes as files under `dir` (named by id, which the store generates, so
 * no caller text ever becomes a path) and metadata in SQLite.
 *
 * Order of writes: the bytes land (temp file + rename, so a crash never leaves half a file under
 * a real id) before the metadata row exists, and the row goes before the bytes on delete; a row
 * therefore never points at missing bytes.
 */
export class EmbeddedFileStore implements FileStore {
  private readonly stmts: ReturnType<typeof prepare>;
  private readonly dir: string;
  private readonly clock: Clock;

  constructor(opts: { db: Db; dir: string; clock?: Clock }) {
    // Store files written before files could expire have no expires_at: added here, null = kept.
    const columns = opts.db.prepare<[], { name: string }>('PRAGMA table_info(files)').all();
    if (!columns.some((c) => c.name === 'expires_at')) opts.db.exec('ALTER TABLE files ADD COLUMN expires_at TEXT');
    // The sweep of unclaimed uploads looks for expired files every few minutes.
    opts.db.exec('CREATE INDEX IF NOT EXISTS files_expires ON files (expires_at) WHERE expires_at IS NOT NULL');
    this.stmts = prepare(opts.db);
    this.dir = opts.dir;
    this.clock = opts.clock ?? systemClock;
    ensurePrivateDir(this.dir);
  }

  private pathOf(id: string): string {
    return join(this.dir, id);
  }

  async put(file: { ownerId: string; name: string; contentType: string; bytes: Buffer; expiresAt?: string }): Promise<StoredFileMeta> {
    const meta: StoredFileMeta = {
      id: randomUUID(),
      ownerId: file.ownerId,
      name: file.name,
      contentType: file.contentType,
      size: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      createdAt: this.clock.now().toISOString(),
      ...(file.expiresAt ? { expiresAt: new Date(file.expiresAt).toISOString() } : {}),
    };
    const target = this.pathOf(meta.id);
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      // Owner-only: MyKad copies and screenshots. Opening, writing (at most a few MB, to the page
      // cache), closing and renaming are quick calls made in place; only the flush to disk waits
      // on the thread pool. Each awaited call costs the turn a trip round the event loop, behind
      // every other turn in progress: five of them made an upload the slowest turn of all.
      const fd = openSync(temp, 'wx', PRIVATE_FILE_MODE);
      try {
        for (let at = 0; at < file.bytes.length;) at += writeSync(fd, file.bytes, at);
        // Flushed before the rename, or a power cut could leave an empty file under the real id.
        await new Promise<void>((resolve, reject) => fsync(fd, (e) => (e ? reject(e) : resolve())));
      } finally {
        closeSync(fd);
      }
      renameSync(temp, target);
      this.stmts.insert.run(toRow(meta));
    } catch (e) {
      await rm(temp, { force: true });
      await rm(target, { force: true });
      throw e;
    }
    return meta;
  }

  async get(id: string): Promise<{ meta: StoredFileMeta; bytes: Buffer } | undefined> {
    const row = this.stmts.get.get(id);
    if (!row) return undefined;
    // Missing bytes behind a row is broken storage, not "not found": let it throw.
    const bytes = await readFile(this.pathOf(row.id));
    return { meta: fromRow(row), bytes };
  }

  async head(id: string): Promise<StoredFileMeta | undefined> {
    const row = this.stmts.get.get(id);
    return row ? fromRow(row) : undefined;
  }

  async delete(id: string): Promise<void> {
    const row = this.stmts.get.get(id);
    if (!row) return;
    this.stmts.delete.run(row.id);
    await rm(this.pathOf(row.id), { force: true });
  }

  async pruneExpired(now: Date): Promise<number> {
    const ids = this.stmts.expired.all(now.toISOString()).map((r) => r.id);
    for (const id of ids) await this.delete(id);
    return ids.length;
  }
}
