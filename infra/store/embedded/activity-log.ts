import type { ActivityConversation, ActivityLog, LoggedActivity, StoredActivityConversation } from '../../../domain/ports/activity-log.js';
import type { Clock } from '../../../domain/ports/clock.js';
import { systemClock } from './clock.js';
import type { Db } from './db.js';

interface ConversationRow {
  conversation_id: string;
  user_id: string;
  created_at: string;
  last_watermark: number;
  delivered_watermark: number;
}
interface ActivityRow {
  conversation_id: string;
  watermark: number;
  body: string;
}

// Created here rather than in db.ts, like the transcripts table: only this adapter owns them.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS directline_conversations (
  conversation_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_watermark INTEGER NOT NULL DEFAULT 0,
  last_active_at TEXT,
  delivered_watermark INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS directline_conversations_active ON directline_conversations (COALESCE(last_active_at, created_at));
CREATE INDEX IF NOT EXISTS directline_conversations_user ON directline_conversations (user_id, created_at);
CREATE TABLE IF NOT EXISTS directline_activities (
  conversation_id TEXT NOT NULL REFERENCES directline_conversations (conversation_id),
  watermark INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (conversation_id, watermark)
);
`;

function prepare(db: Db) {
  return {
    insertConversation: db.prepare<{ conversation_id: string; user_id: string; created_at: string }>(
      `INSERT INTO directline_conversations (conversation_id, user_id, created_at)
       VALUES (@conversation_id, @user_id, @created_at) ON CONFLICT (conversation_id) DO NOTHING`,
    ),
    getConversation: db.prepare<[string], ConversationRow>('SELECT * FROM directline_conversations WHERE conversation_id = ?'),
    markDelivered: db.prepare<[number, string, number]>(
      'UPDATE directline_conversations SET delivered_watermark = MAX(delivered_watermark, ?) WHERE conversation_id = ? AND delivered_watermark < ?',
    ),
    listOfUser: db.prepare<[string, number], ConversationRow>(
      'SELECT * FROM directline_conversations WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
    ),
    nextWatermark: db.prepare<[string, string], { last_watermark: number }>(
      'UPDATE directline_conversations SET last_watermark = last_watermark + 1, last_active_at = ? WHERE conversation_id = ? RETURNING last_watermark',
    ),
    idle: db.prepare<[string], { conversation_id: string }>(
      'SELECT conversation_id FROM directline_conversations WHERE COALESCE(last_active_at, created_at) < ?',
    ),
    deleteActivities: db.prepare<[string]>('DELETE FROM directline_activities WHERE conversation_id = ?'),
    deleteConversation: db.prepare<[string]>('DELETE FROM directline_conversations WHERE conversation_id = ?'),
    insertActivity: db.prepare<ActivityRow>(
      'INSERT INTO directline_activities (conversation_id, watermark, body) VALUES (@conversation_id, @watermark, @body)',
    ),
    listAfter: db.prepare<[string, number, number], ActivityRow>(
      'SELECT * FROM directline_activities WHERE conversation_id = ? AND watermark > ? ORDER BY watermark LIMIT ?',
    ),
  };
}

const conversationOf = (row: ConversationRow): StoredActivityConversation => ({
  conversationId: row.conversation_id,
  userId: row.user_id,
  createdAt: row.created_at,
  deliveredWatermark: row.delivered_watermark ?? 0,
});

const fromRow = (row: ActivityRow): LoggedActivity => ({
  conversationId: row.conversation_id,
  watermark: row.watermark,
  activity: JSON.parse(row.body) as Record<string, unknown>,
});

/**
 * {@link ActivityLog} on SQLite. The watermark is bumped on the conversation's row and the
 * activity inserted in one immediate transaction, so appends from any connection to the file are
 * serialised and commit in watermark order (a reader can never see 5 before 4).
 */
export class SqliteActivityLog implements ActivityLog {
  private readonly stmts: ReturnType<typeof prepare>;
  private readonly appendTx: (conversationId: string, body: string) => number | undefined;

  private readonly clock: Clock;
  private readonly pruneTx: (before: string) => { conversations: number; activities: number };

  constructor(opts: { db: Db; clock?: Clock }) {
    this.clock = opts.clock ?? systemClock;
    opts.db.exec(SCHEMA.slice(0, SCHEMA.indexOf('CREATE INDEX')));
    // Files written before retention existed have no last_active_at: added here, null means "created_at".
    const columns = opts.db.prepare<[], { name: string }>('PRAGMA table_info(directline_conversations)').all();
    if (!columns.some((c) => c.name === 'last_active_at'))
      opts.db.exec('ALTER TABLE directline_conversations ADD COLUMN last_active_at TEXT');
    // Files written before delivery was recorded: 0 = nothing known to be handed out yet.
    if (!columns.some((c) => c.name === 'delivered_watermark')) {
      opts.db.exec('ALTER TABLE directline_conversations ADD COLUMN delivered_watermark INTEGER NOT NULL DEFAULT 0');
    }
    opts.db.exec(SCHEMA.slice(SCHEMA.indexOf('CREATE INDEX')));
    this.stmts = prepare(opts.db);
    const append = opts.db.transaction((conversationId: string, body: string): number | undefined => {
      const bumped = this.stmts.nextWatermark.get(this.clock.now().toISOString(), conversationId);
      if (!bumped) return undefined;
      this.stmts.insertActivity.run({ conversation_id: conversationId, watermark: bumped.last_watermark, body });
      return bumped.last_watermark;
    });
    this.appendTx = (conversationId, body) => append.immediate(conversationId, body);
    // One immediate transaction: an append racing the prune either lands first (and the
    // conversation is no longer idle) or finds the conversation gone.
    const prune = opts.db.transaction((before: string) => {
      let conversations = 0;
      let activities = 0;
      for (const { conversation_id } of this.stmts.idle.all(before)) {
        activities += this.stmts.deleteActivities.run(conversation_id).changes;
        conversations += this.stmts.deleteConversation.run(conversation_id).changes;
      }
      return { conversations, activities };
    });
    this.pruneTx = (before) => prune.immediate(before);
  }

  async pruneBefore(before: Date): Promise<{ conversations: number; activities: number }> {
    return this.pruneTx(before.toISOString());
  }

  async createConversation(c: ActivityConversation): Promise<boolean> {
    return (
      this.stmts.insertConversation.run({ conversation_id: c.conversationId, user_id: c.userId, created_at: c.createdAt }).changes === 1
    );
  }

  async getConversation(conversationId: string): Promise<StoredActivityConversation | undefined> {
    const row = this.stmts.getConversation.get(conversationId);
    return row ? conversationOf(row) : undefined;
  }

  async markDelivered(conversationId: string, watermark: number): Promise<void> {
    if (!Number.isInteger(watermark) || watermark <= 0) return;
    this.stmts.markDelivered.run(watermark, conversationId, watermark);
  }

  async listOfUser(userId: string, limit: number): Promise<StoredActivityConversation[]> {
    if (!(limit > 0)) return [];
    return this.stmts.listOfUser.all(userId, Math.floor(limit)).map(conversationOf);
  }

  async append(conversationId: string, activity: Record<string, unknown>): Promise<LoggedActivity | undefined> {
    const body = JSON.stringify(activity);
    const watermark = this.appendTx(conversationId, body);
    // Returned through JSON like `listAfter`, so the caller holds exactly what a reader will get.
    return watermark === undefined ? undefined : { conversationId, watermark, activity: JSON.parse(body) as Record<string, unknown> };
  }

  async listAfter(conversationId: string, after: number, limit: number): Promise<LoggedActivity[]> {
    return this.stmts.listAfter.all(conversationId, after, limit).map(fromRow);
  }
}
