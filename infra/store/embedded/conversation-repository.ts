import { DomainError } from '../../../domain/errors.js';
import type {
  ConversationOwner,
  ConversationRecord,
  ConversationRepository,
  PendingMessage,
} from '../../../domain/ports/conversation-repository.js';
import type { Db } from './db.js';
import { writeBatchOf, type WriteBatch } from './write-batch.js';

interface ConversationRow {
  conversation_id: string;
  channel_id: string;
  person_id: string;
  reference: string;
  owner: string;
  agent_id: string | null;
  last_seen_at: string;
  last_seen_ms: number;
}
interface PendingRow {
  id: string;
  person_id: string;
  payload: string;
  created_at: string;
  created_ms: number;
}

type SaveInput = Parameters<ConversationRepository['save']>[0];

function toMs(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new DomainError('INVALID_INPUT', `${field} is not a date: ${iso}`);
  return ms;
}

function toConversationRow(r: ConversationRecord): ConversationRow {
  return {
    conversation_id: r.conversationId,
    channel_id: r.channelId,
    person_id: r.personId,
    reference: JSON.stringify(r.reference),
    owner: r.owner,
    agent_id: r.agentId ?? null,
    last_seen_at: r.lastSeenAt,
    last_seen_ms: toMs(r.lastSeenAt, 'lastSeenAt'),
  };
}

function fromConversationRow(row: ConversationRow): ConversationRecord {
  const rec: ConversationRecord = {
    conversationId: row.conversation_id,
    channelId: row.channel_id,
    personId: row.person_id,
    reference: JSON.parse(row.reference) as Record<string, unknown>,
    owner: row.owner as ConversationOwner,
    lastSeenAt: row.last_seen_at,
  };
  if (row.agent_id !== null) rec.agentId = row.agent_id;
  return rec;
}

const toPendingRow = (m: PendingMessage): PendingRow => ({
  id: m.id,
  person_id: m.personId,
  payload: JSON.stringify(m.payload),
  created_at: m.createdAt,
  created_ms: toMs(m.createdAt, 'createdAt'),
});

const fromPendingRow = (row: PendingRow): PendingMessage => ({
  id: row.id,
  personId: row.person_id,
  payload: JSON.parse(row.payload) as Record<string, unknown>,
  createdAt: row.created_at,
});

function prepare(db: Db) {
  return {
    get: db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE conversation_id = ?'),
    upsert: db.prepare<ConversationRow>(
      `INSERT INTO conversations (conversation_id, channel_id, person_id, reference, owner, agent_id, last_seen_at, last_seen_ms)
       VALUES (@conversation_id, @channel_id, @person_id, @reference, @owner, @agent_id, @last_seen_at, @last_seen_ms)
       ON CONFLICT (conversation_id) DO UPDATE SET channel_id = excluded.channel_id, person_id = excluded.person_id,
         reference = excluded.reference, owner = excluded.owner, agent_id = excluded.agent_id,
         last_seen_at = excluded.last_seen_at, last_seen_ms = excluded.last_seen_ms`,
    ),
    // A save that gives neither owner nor agentId: one statement, so no read and no transaction
    // around it; a new row is the bot's, an existing one keeps its owner and agent.
    upsertKeepOwner: db.prepare<ConversationRow>(
      `INSERT INTO conversations (conversation_id, channel_id, person_id, reference, owner, agent_id, last_seen_at, last_seen_ms)
       VALUES (@conversation_id, @channel_id, @person_id, @reference, @owner, @agent_id, @last_seen_at, @last_seen_ms)
       ON CONFLICT (conversation_id) DO UPDATE SET channel_id = excluded.channel_id, person_id = excluded.person_id,
         reference = excluded.reference, last_seen_at = excluded.last_seen_at, last_seen_ms = excluded.last_seen_ms`,
    ),
    latest: db.prepare<[string], ConversationRow>(
      'SELECT * FROM conversations WHERE person_id = ? ORDER BY last_seen_ms DESC, conversation_id LIMIT 1',
    ),
    setOwner: db.prepare<[string, string | null, string]>('UPDATE conversations SET owner = ?, agent_id = ? WHERE conversation_id = ?'),
    // A message id already queued is not queued twice (a retried notify job re-adds the same id).
    addPending: db.prepare<PendingRow>(
      `INSERT INTO pending_messages (id, person_id, payload, created_at, created_ms)
       VALUES (@id, @person_id, @payload, @created_at, @created_ms) ON CONFLICT (id) DO NOTHING`,
    ),
    pendingOf: db.prepare<[string], PendingRow>('SELECT * FROM pending_messages WHERE person_id = ? ORDER BY created_ms, rowid'),
    anyPending: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM pending_messages WHERE person_id = ? LIMIT 1'),
    deletePendingOf: db.prepare<[string]>('DELETE FROM pending_messages WHERE person_id = ?'),
    // Not the person's latest (the order of `latest`: newest last_seen_ms, then smallest id), and
    // owned by the bot: see the port's pruneBefore.
    pruneConversations: db.prepare<[number]>(
      `DELETE FROM conversations WHERE last_seen_ms < ? AND owner = 'bot'
         AND EXISTS (SELECT 1 FROM conversations newer WHERE newer.person_id = conversations.person_id
           AND (newer.last_seen_ms > conversations.last_seen_ms
             OR (newer.last_seen_ms = conversations.last_seen_ms AND newer.conversation_id < conversations.conversation_id)))`,
    ),
    prunePending: db.prepare<[number]>('DELETE FROM pending_messages WHERE created_ms < ?'),
  };
}

/**
 * {@link ConversationRepository} on SQLite. `takePending` reads and deletes in one immediate
 * transaction, so two instances draining the same person's queue never both get a message.
 */
export class SqliteConversationRepository implements ConversationRepository {
  private readonly stmts: ReturnType<typeof prepare>;
  private readonly saveTx: (rec: SaveInput) => void;
  private readonly takeTx: (personId: string) => PendingRow[];
  private readonly batch: WriteBatch;

  constructor(opts: { db: Db }) {
    const db = opts.db;
    this.batch = writeBatchOf(db);
    this.stmts = prepare(db);
    const save = db.transaction((rec: SaveInput) => {
      const existing = this.stmts.get.get(rec.conversationId);
      // Ownership is kept unless given; a new owner comes with its own agentId (or none), so a
      // handback to the bot never leaves the previous agent recorded.
      const owner = rec.owner ?? (existing?.owner as ConversationOwner | undefined) ?? 'bot';
      const agentId = rec.owner !== undefined || rec.agentId !== undefined ? rec.agentId : (existing?.agent_id ?? undefined);
      this.stmts.upsert.run(toConversationRow({ ...rec, owner, agentId }));
    });
    this.saveTx = (rec) => save.immediate(rec);
    const take = db.transaction((personId: string) => {
      const rows = this.stmts.pendingOf.all(personId);
      this.stmts.deletePendingOf.run(personId);
      return rows;
    });
    this.takeTx = (personId) => take.immediate(personId);
  }

  async save(rec: SaveInput): Promise<void> {
    // Committed with other turns' writes of the same moment (write-batch.ts); resolves once committed.
    if (rec.owner === undefined && rec.agentId === undefined) {
      const row = toConversationRow({ ...rec, owner: 'bot' });
      await this.batch.run(() => this.stmts.upsertKeepOwner.run(row));
    } else await this.batch.run(() => this.saveTx(rec));
  }

  async get(conversationId: string): Promise<ConversationRecord | undefined> {
    const row = this.stmts.get.get(conversationId);
    return row ? fromConversationRow(row) : undefined;
  }

  async latestForPerson(personId: string): Promise<ConversationRecord | undefined> {
    const row = this.stmts.latest.get(personId);
    return row ? fromConversationRow(row) : undefined;
  }

  async setOwner(conversationId: string, owner: ConversationOwner, agentId?: string): Promise<boolean> {
    return this.stmts.setOwner.run(owner, agentId ?? null, conversationId).changes === 1;
  }

  async addPending(msg: PendingMessage): Promise<void> {
    this.stmts.addPending.run(toPendingRow(msg));
  }

  async takePending(personId: string): Promise<PendingMessage[]> {
    // Most turns find nothing waiting: a plain read answers them without a write transaction. A
    // message added just after the read is taken on the next turn, as if it had come after this one.
    if (!this.stmts.anyPending.get(personId)) return [];
    return this.takeTx(personId).map(fromPendingRow);
  }

  async pruneBefore(before: Date): Promise<{ conversations: number; pending: number }> {
    // One statement each: a save that touches a conversation meanwhile is either before it (and
    // the row no longer matches) or after it (and re-creates the reference).
    const cutoff = before.getTime();
    return { conversations: this.stmts.pruneConversations.run(cutoff).changes, pending: this.stmts.prunePending.run(cutoff).changes };
  }
}
