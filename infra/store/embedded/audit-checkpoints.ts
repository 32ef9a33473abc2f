import type { ChainHead } from '../../../domain/ports/audit-log.js';
import type { AuditCheckpoint, AuditCheckpoints, PublishedCheckpoint } from '../../../domain/ports/audit-checkpoints.js';
import type { Db } from './db.js';

interface CheckpointRow {
  time: string;
  tree_size: number;
  root: string;
  key_id: string;
  signature: string;
}

const published = (r: CheckpointRow): PublishedCheckpoint => ({
  time: r.time,
  treeSize: r.tree_size,
  root: r.root,
  keyId: r.key_id,
  signature: r.signature,
});

/**
 * {@link AuditCheckpoints} on the embedded SQLite file. A checkpoint's heads are one JSON column
 * (read only with the checkpoint); `time` is the primary key, so a second one is refused by
 * INSERT OR IGNORE. The signing key's sealed copy is one row of `audit_keys`.
 */
export class SqliteAuditCheckpoints implements AuditCheckpoints {
  private readonly s;
  constructor(opts: { db: Db }) {
    opts.db
      .exec(`CREATE TABLE IF NOT EXISTS audit_checkpoints (time TEXT PRIMARY KEY, tree_size INTEGER NOT NULL, root TEXT NOT NULL, key_id TEXT NOT NULL, signature TEXT NOT NULL, heads TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS audit_keys (id TEXT PRIMARY KEY, blob TEXT NOT NULL)`);
    const columns = 'time, tree_size, root, key_id, signature';
    this.s = {
      add: opts.db.prepare<[string, number, string, string, string, string]>(
        `INSERT OR IGNORE INTO audit_checkpoints (${columns}, heads) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      latest: opts.db.prepare<[], CheckpointRow & { heads: string }>(
        `SELECT ${columns}, heads FROM audit_checkpoints ORDER BY time DESC LIMIT 1`,
      ),
      get: opts.db.prepare<[string], CheckpointRow & { heads: string }>(`SELECT ${columns}, heads FROM audit_checkpoints WHERE time = ?`),
      list: opts.db.prepare<[number], CheckpointRow>(`SELECT ${columns} FROM audit_checkpoints ORDER BY time DESC LIMIT ?`),
      key: opts.db.prepare<[], { blob: string }>("SELECT blob FROM audit_keys WHERE id = 'signing'"),
      putKey: opts.db.prepare<[string]>("INSERT OR IGNORE INTO audit_keys (id, blob) VALUES ('signing', ?)"),
    };
  }

  async add(cp: AuditCheckpoint): Promise<boolean> {
    const heads = JSON.stringify(cp.heads.map((h): ChainHead => ({ caseId: h.caseId, seq: h.seq, hash: h.hash })));
    return this.s.add.run(cp.time, cp.treeSize, cp.root, cp.keyId, cp.signature, heads).changes > 0;
  }

  async latest(): Promise<AuditCheckpoint | undefined> {
    const row = this.s.latest.get();
    return row && { ...published(row), heads: JSON.parse(row.heads) as ChainHead[] };
  }

  async get(time: string): Promise<AuditCheckpoint | undefined> {
    const row = this.s.get.get(time);
    return row && { ...published(row), heads: JSON.parse(row.heads) as ChainHead[] };
  }

  async list(limit: number): Promise<PublishedCheckpoint[]> {
    return this.s.list.all(Math.max(0, Math.floor(limit))).map(published);
  }

  async signingKey(): Promise<string | undefined> {
    return this.s.key.get()?.blob;
  }

  async putSigningKeyIfAbsent(blob: string): Promise<{ won: boolean; blob: string }> {
    const won = this.s.putKey.run(blob).changes > 0;
    return { won, blob: won ? blob : this.s.key.get()!.blob };
  }
}
