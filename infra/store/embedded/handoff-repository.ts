import type {
  AgentCredentials,
  HandoffNote,
  HandoffOutcome,
  HandoffRecord,
  HandoffRepository,
  NewHandoff,
} from '../../../domain/ports/handoff-repository.js';
import { noteFromStored } from '../../../domain/handoff/notes.js';
import type { Db } from './db.js';

interface Row {
  conversation_id: string;
  status: string;
  queued_ms: number;
  agent_id: string | null;
  body: string;
}

const toRow = (r: HandoffRecord): Row => ({
  conversation_id: r.conversationId,
  status: r.status,
  queued_ms: Date.parse(r.queuedAt),
  agent_id: r.agentId ?? null,
  body: JSON.stringify(r),
});
/** Notes go through the domain's reader, so a record of the previous version (corrections as `field → value` text) reads typed. */
const fromRow = (row: Row): HandoffRecord => {
  const rec = JSON.parse(row.body) as HandoffRecord;
  return { ...rec, notes: (rec.notes ?? []).map(noteFromStored) };
};

/**
 * {@link HandoffRepository} on SQLite. The take is one conditional UPDATE (`WHERE status =
 * 'waiting'`), so of two instances taking the same conversation exactly one changes a row.
 */
export class SqliteHandoffRepository implements HandoffRepository {
  private readonly db: Db;
  private readonly s;

  constructor(opts: { db: Db }) {
    this.db = opts.db;
    // Created here, like the transcripts: the store's schema file stays as the foundation left it.
    this.db.exec(`CREATE TABLE IF NOT EXISTS handoffs (
      conversation_id TEXT PRIMARY KEY, status TEXT NOT NULL, queued_ms INTEGER NOT NULL, agent_id TEXT, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS handoffs_open ON handoffs (status, queued_ms);
      CREATE INDEX IF NOT EXISTS handoffs_closed ON handoffs (status, json_extract(body, '$.closedAt'));`);
    this.s = {
      get: this.db.prepare<[string], Row>('SELECT * FROM handoffs WHERE conversation_id = ?'),
      open: this.db.prepare<[], Row>("SELECT * FROM handoffs WHERE status IN ('waiting', 'taken') ORDER BY queued_ms, conversation_id"),
      put: this.db
        .prepare<Row>(`INSERT INTO handoffs (conversation_id, status, queued_ms, agent_id, body) VALUES (@conversation_id, @status, @queued_ms, @agent_id, @body)
        ON CONFLICT (conversation_id) DO UPDATE SET status = excluded.status, queued_ms = excluded.queued_ms, agent_id = excluded.agent_id, body = excluded.body`),
      // The expression matches the handoffs_closed index, so the sweep does not read every record.
      pruneClosed: this.db.prepare<[string]>("DELETE FROM handoffs WHERE status = 'closed' AND json_extract(body, '$.closedAt') < ?"),
      take: this.db.prepare<[string, string, string, string]>(
        "UPDATE handoffs SET status = 'taken', agent_id = ?, body = json_set(body, '$.status', 'taken', '$.agentId', ?, '$.takenAt', ?) WHERE conversation_id = ? AND status = 'waiting'",
      ),
    };
  }

  async enqueue(rec: NewHandoff): Promise<{ record: HandoffRecord; created: boolean }> {
    return this.db
      .transaction(() => {
        const existing = this.s.get.get(rec.conversationId);
        const prev = existing ? fromRow(existing) : undefined;
        if (prev && prev.status !== 'closed') return { record: prev, created: false };
        const record: HandoffRecord = { ...rec, status: 'waiting', notes: prev?.notes ?? [] };
        if (rec.caseId === undefined) delete record.caseId;
        this.s.put.run(toRow(record));
        return { record, created: true };
      })
      .immediate();
  }

  async get(conversationId: string): Promise<HandoffRecord | undefined> {
    const row = this.s.get.get(conversationId);
    return row ? fromRow(row) : undefined;
  }

  async listOpen(): Promise<HandoffRecord[]> {
    return this.s.open.all().map(fromRow);
  }

  async take(conversationId: string, agentId: string, at: string): Promise<HandoffRecord | undefined> {
    const { changes } = this.s.take.run(agentId, agentId, at, conversationId);
    return changes === 1 ? this.get(conversationId) : undefined;
  }

  async close(conversationId: string, opts: { agentId?: string; outcome: HandoffOutcome; at: string }): Promise<HandoffRecord | undefined> {
    return this.db
      .transaction(() => {
        const row = this.s.get.get(conversationId);
        const rec = row ? fromRow(row) : undefined;
        if (!rec) return undefined;
        const allowed = opts.agentId === undefined ? rec.status === 'waiting' : rec.status === 'taken' && rec.agentId === opts.agentId;
        if (!allowed) return undefined;
        const closed: HandoffRecord = { ...rec, status: 'closed', outcome: opts.outcome, closedAt: opts.at };
        this.s.put.run(toRow(closed));
        return closed;
      })
      .immediate();
  }

  async pruneClosedBefore(before: Date): Promise<number> {
    return this.s.pruneClosed.run(before.toISOString()).changes;
  }

  async addNote(conversationId: string, note: HandoffNote): Promise<boolean> {
    return this.db
      .transaction(() => {
        const row = this.s.get.get(conversationId);
        if (!row) return false;
        const rec = fromRow(row);
        this.s.put.run(toRow({ ...rec, notes: [...rec.notes, note] }));
        return true;
      })
      .immediate();
  }
}

/** {@link AgentCredentials} on SQLite. */
export class SqliteAgentCredentials implements AgentCredentials {
  private readonly s;
  constructor(opts: { db: Db }) {
    opts.db.exec('CREATE TABLE IF NOT EXISTS agent_credentials (person_id TEXT PRIMARY KEY, hash TEXT NOT NULL)');
    this.s = {
      get: opts.db.prepare<[string], { hash: string }>('SELECT hash FROM agent_credentials WHERE person_id = ?'),
      set: opts.db.prepare<[string, string]>(
        'INSERT INTO agent_credentials (person_id, hash) VALUES (?, ?) ON CONFLICT (person_id) DO UPDATE SET hash = excluded.hash',
      ),
    };
  }
  async getHash(personId: string): Promise<string | undefined> {
    return this.s.get.get(personId)?.hash;
  }
  async setHash(personId: string, hash: string): Promise<void> {
    this.s.set.run(personId, hash);
  }
}
