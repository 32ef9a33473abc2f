/** A conversation of the bot's own Direct Line channel, bound to one user when it starts. */
export interface ActivityConversation {
  conversationId: string;
  /** The channel user id the conversation belongs to (set by the server, never by a client). */
  userId: string;
  /** ISO-8601 instant the conversation started. */
  createdAt: string;
}

/** A conversation as the log keeps it: the record plus how far its client has been served. */
export interface StoredActivityConversation extends ActivityConversation {
  /** The highest watermark handed to a client of this conversation (stream or poll); 0 when nothing was. */
  deliveredWatermark: number;
}

/** One activity of a conversation with the position the log gave it. */
export interface LoggedActivity {
  conversationId: string;
  /** 1, 2, 3 … per conversation, in the order the activities were appended. */
  watermark: number;
  /** The activity as JSON (opaque to the log); it comes back exactly as appended. */
  activity: Record<string, unknown>;
}

/**
 * Everything said in the bot's Direct Line conversations, in order, so a client that reloads,
 * or reconnects to another bot instance, resumes where it was.
 *
 * Promises:
 * - `createConversation` stores the record once: it returns true when it created it and false
 *   when the conversation existed already, in which case the stored record is kept unchanged.
 * - `getConversation` returns `undefined` for an unknown conversation.
 * - `append` gives the activity the next watermark of its conversation: 1 for the first, then
 *   last + 1, unique and gap-free under concurrent appends from any connection or instance.
 *   An activity becomes visible to `listAfter` only together with every lower watermark of the
 *   same conversation, so a reader that continues after the last watermark it saw never skips one.
 *   Appending to an unknown conversation stores nothing and returns `undefined`.
 * - `listAfter` returns the activities with a watermark greater than `after`, ascending, at most
 *   `limit` of them; an unknown conversation gives `[]`.
 * - Nothing can be changed through this port. `pruneBefore(before)` removes whole conversations
 *   (record and every activity) whose last append (or start, when nothing was appended) is older
 *   than `before`, and returns how many activities went. A conversation with an append at or after
 *   `before` keeps everything, so every watermark a client holds for it stays valid.
 *   (`markDelivered` is the one other write: it records delivery, never content.)
 * - `getConversation` returns the record with `deliveredWatermark` (0 until `markDelivered`).
 * - `markDelivered(conversationId, watermark)` records that a client was handed everything up to
 *   `watermark`: the stored value becomes the greater of the two, so it never goes down (late or
 *   concurrent marks from several streams or instances are harmless). An unknown conversation,
 *   or a watermark that is not a positive integer, changes nothing.
 * - `listOfUser(userId, limit)` returns at most `limit` of the user's conversations (records as
 *   `getConversation` gives them), newest first by `createdAt`; `[]` for a user with none.
 */
export interface ActivityLog {
  createConversation(conversation: ActivityConversation): Promise<boolean>;
  getConversation(conversationId: string): Promise<StoredActivityConversation | undefined>;
  markDelivered(conversationId: string, watermark: number): Promise<void>;
  listOfUser(userId: string, limit: number): Promise<StoredActivityConversation[]>;
  append(conversationId: string, activity: Record<string, unknown>): Promise<LoggedActivity | undefined>;
  listAfter(conversationId: string, after: number, limit: number): Promise<LoggedActivity[]>;
  pruneBefore(before: Date): Promise<{ conversations: number; activities: number }>;
}
