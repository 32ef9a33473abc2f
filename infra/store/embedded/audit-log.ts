import { chainEntry } from '../../../domain/audit.js';
import type { AuditEntry, AuditInput, AuditLog, ChainHead } from '../../../domain/ports/audit-log.js';
import type { Db } from './db.js';

interface AuditRow {
  case_id: string;
  seq: number;
  at: string;
  actor_id: string;
  action: string;
  data: string | null;
  prev_hash: string;
  hash: string;
}

function toRow(e: AuditEntry): AuditRow {
  return {
    case_id: e.caseId,
    seq: e.seq,
    at: e.at,
    actor_id: e.actorId,
    action: e.action,
    data: e.data === undefined ? null : JSON.stringify(e.data),
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

function fromRow(row: AuditRow): AuditEntry {
  const e: AuditEntry = {
    caseId: row.case_id,
    seq: row.seq,
    at: row.at,
    actorId: row.actor_id,
    action: row.action,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  if (row.data !== null) e.data = JSON.parse(row.data) as Record<string, unknown>;
  return e;
}

function prepare(db: Db) {
  return {
    last: db.prepare<[string], AuditRow>('SELECT * FROM audit_log WHERE case_id = ? ORDER BY seq DESC LIMIT 1'),
    insert: db.prepare<AuditRow>(
      `INSERT INTO audit_log (case_id, seq, at, actor_id, action, data, prev_hash, hash)
       VALUES (@case_id, @seq, @at, @actor_id, @action, @data, @prev_hash, @hash)`,
    ),
    list: db.prepare<[string], AuditRow>('SELECT * FROM audit_log WHERE case_id = ? ORDER BY seq'),
    // SQLite takes the bare columns of a MAX() aggregate from the row that holds the maximum.
    heads: db.prepare<[], Pick<AuditRow, 'case_id' | 'seq' | 'hash'>>(
      'SELECT case_id, MAX(seq) AS seq, hash FROM audit_log GROUP BY case_id ORDER BY case_id',
    ),
  };
}

/**
 * What `append` stores for `entry`: the hash covers exactly what a JSON round trip keeps
 * (undefined members dropped, Dates as strings), or the stored entry would fail verification.
 */
export function auditInputAsStored(entry: AuditInput): AuditInput {
  const input: AuditInput = { caseId: entry.caseId, at: entry.at, actorId: entry.actorId, action: entry.action };
  if (entry.data !== undefined) input.data = JSON.parse(JSON.stringify(entry.data)) as Record<string, unknown>;
  return input;
}

/**
 * Appends to the chain with no transaction of its own, for callers already inside one (the case
 * repository's update-with-audit): the caller's transaction makes read-last-then-insert atomic.
 */
export function auditAppender(db: Db): (input: AuditInput) => AuditEntry {
  const stmts = prepare(db);
  return (input) => {
    const last = stmts.last.get(input.caseId);
    const entry = chainEntry(last ? fromRow(last) : undefined, auditInputAsStored(input));
    stmts.insert.run(toRow(entry));
    return entry;
  };
}

/**
 * {@link AuditLog} on SQLite. The last link is read and the new one inserted in one immediate
 * transaction, so appends from any connection are serialised; UNIQUE(case_id, seq) is the
 * backstop. The class offers no way to change or remove a row.
 */
export class SqliteAuditLog implements AuditLog {
  private readonly stmts: ReturnType<typeof prepare>;
  private readonly appendTx: (input: AuditInput) => AuditEntry;

  constructor(opts: { db: Db }) {
    this.stmts = prepare(opts.db);
    const append = opts.db.transaction(auditAppender(opts.db));
    this.appendTx = (input) => append.immediate(input);
  }

  async append(entry: AuditInput): Promise<AuditEntry> {
    return this.appendTx(entry);
  }

  async list(caseId: string): Promise<AuditEntry[]> {
    return this.stmts.list.all(caseId).map(fromRow);
  }

  async heads(): Promise<ChainHead[]> {
    return this.stmts.heads.all().map((r) => ({ caseId: r.case_id, seq: r.seq, hash: r.hash }));
  }
}
