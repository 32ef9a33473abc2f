import type { AgentSession, AgentSessions } from '../../../domain/ports/agent-sessions.js';
import type { RateLimits, WindowTotal } from '../../../domain/ports/rate-limits.js';
import type { Db } from './db.js';

/**
 * {@link RateLimits} on the embedded SQLite file: one upsert per `add`, so concurrent adds from
 * several processes on the same file are serialised by SQLite and none is lost.
 */
export class SqliteRateLimits implements RateLimits {
  private readonly s;
  constructor(opts: { db: Db }) {
    opts.db.exec(`CREATE TABLE IF NOT EXISTS rate_limits (key TEXT PRIMARY KEY, total REAL NOT NULL, ends_ms INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS rate_limits_ends ON rate_limits (ends_ms)`);
    this.s = {
      add: opts.db.prepare<{ key: string; amount: number; now: number; ends: number }, { total: number; ends_ms: number }>(
        `INSERT INTO rate_limits (key, total, ends_ms) VALUES (@key, @amount, @ends)
         ON CONFLICT (key) DO UPDATE SET
           total = CASE WHEN ends_ms <= @now THEN excluded.total ELSE total + excluded.total END,
           ends_ms = CASE WHEN ends_ms <= @now THEN excluded.ends_ms ELSE ends_ms END
         RETURNING total, ends_ms`,
      ),
      peek: opts.db.prepare<[string, number], { total: number; ends_ms: number }>(
        'SELECT total, ends_ms FROM rate_limits WHERE key = ? AND ends_ms > ?',
      ),
      reset: opts.db.prepare<[string]>('DELETE FROM rate_limits WHERE key = ?'),
      prune: opts.db.prepare<[number]>('DELETE FROM rate_limits WHERE ends_ms <= ?'),
    };
  }

  async add(key: string, amount: number, windowMs: number, now: Date): Promise<WindowTotal> {
    const row = this.s.add.get({ key, amount, now: now.getTime(), ends: now.getTime() + windowMs })!;
    return { total: row.total, endsAt: new Date(row.ends_ms) };
  }

  async peek(key: string, now: Date): Promise<{ total: number; endsAt?: Date }> {
    const row = this.s.peek.get(key, now.getTime());
    return row ? { total: row.total, endsAt: new Date(row.ends_ms) } : { total: 0 };
  }

  async reset(key: string): Promise<void> {
    this.s.reset.run(key);
  }

  async pruneEnded(now: Date): Promise<number> {
    return this.s.prune.run(now.getTime()).changes;
  }
}

/** {@link AgentSessions} on the embedded SQLite file. */
export class SqliteAgentSessions implements AgentSessions {
  private readonly s;
  constructor(opts: { db: Db }) {
    opts.db
      .exec(`CREATE TABLE IF NOT EXISTS agent_sessions (id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, created_at TEXT NOT NULL, expires_ms INTEGER NOT NULL, expires_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS agent_sessions_agent ON agent_sessions (agent_id);
      CREATE INDEX IF NOT EXISTS agent_sessions_expiry ON agent_sessions (expires_ms)`);
    this.s = {
      create: opts.db.prepare<[string, string, string, number, string]>(
        'INSERT INTO agent_sessions (id, agent_id, created_at, expires_ms, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      get: opts.db.prepare<[string, number], { id: string; agent_id: string; created_at: string; expires_at: string }>(
        'SELECT id, agent_id, created_at, expires_at FROM agent_sessions WHERE id = ? AND expires_ms > ?',
      ),
      delete: opts.db.prepare<[string]>('DELETE FROM agent_sessions WHERE id = ?'),
      deleteForAgent: opts.db.prepare<[string]>('DELETE FROM agent_sessions WHERE agent_id = ?'),
      agents: opts.db.prepare<[number], { agent_id: string }>(
        'SELECT DISTINCT agent_id FROM agent_sessions WHERE expires_ms > ? ORDER BY agent_id',
      ),
      prune: opts.db.prepare<[number]>('DELETE FROM agent_sessions WHERE expires_ms <= ?'),
    };
  }

  async create(session: AgentSession): Promise<void> {
    this.s.create.run(session.id, session.agentId, session.createdAt, Date.parse(session.expiresAt), session.expiresAt);
  }

  async get(id: string, now: Date): Promise<AgentSession | undefined> {
    const row = this.s.get.get(id, now.getTime());
    return row ? { id: row.id, agentId: row.agent_id, createdAt: row.created_at, expiresAt: row.expires_at } : undefined;
  }

  async delete(id: string): Promise<void> {
    this.s.delete.run(id);
  }

  async deleteForAgent(agentId: string): Promise<number> {
    return this.s.deleteForAgent.run(agentId).changes;
  }

  async agentIds(now: Date): Promise<string[]> {
    return this.s.agents.all(now.getTime()).map((r) => r.agent_id);
  }

  async pruneExpired(now: Date): Promise<number> {
    return this.s.prune.run(now.getTime()).changes;
  }
}
