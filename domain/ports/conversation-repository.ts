/** Who speaks for the bot side of a conversation: the bot, nobody yet (waiting in the agents' queue), or an agent. */
export const CONVERSATION_OWNERS = ['bot', 'queued', 'agent'] as const;
export type ConversationOwner = (typeof CONVERSATION_OWNERS)[number];

export interface ConversationRecord {
  /** Channel conversation id. */
  conversationId: string;
  channelId: string;
  personId: string;
  /** botbuilder ConversationReference, kept opaque to the domain. */
  reference: Record<string, unknown>;
  owner: ConversationOwner;
  agentId?: string;
  /** ISO-8601 of the last turn. */
  lastSeenAt: string;
}

/** A message that could not be delivered yet; handed over on the person's next turn. */
export interface PendingMessage {
  id: string;
  personId: string;
  /** Rendered-later notification (see Notification in ports/notifier.ts). */
  payload: Record<string, unknown>;
  createdAt: string;
}

/**
 * Conversation references (for proactive messages) and conversation ownership.
 *
 * Promises: `save` upserts by conversationId and keeps `owner`/`agentId` unless given;
 * `latestForPerson` returns the conversation with the newest `lastSeenAt` (or `undefined`);
 * `setOwner` on an unknown conversation changes nothing and returns false;
 * pending messages come back oldest first and `takePending` removes what it returns (at most once).
 * `pruneBefore(before)` deletes pending messages created before `before`, and conversations last
 * seen before it that the bot owns and that are not their person's latest (`latestForPerson`):
 * a person's latest reference is kept whatever its age, because proactive messages (a renewal
 * reminder two years after issue) need it; a conversation queued for or held by an agent is in use.
 */
export interface ConversationRepository {
  save(rec: Omit<ConversationRecord, 'owner' | 'agentId'> & Partial<Pick<ConversationRecord, 'owner' | 'agentId'>>): Promise<void>;
  get(conversationId: string): Promise<ConversationRecord | undefined>;
  latestForPerson(personId: string): Promise<ConversationRecord | undefined>;
  setOwner(conversationId: string, owner: ConversationOwner, agentId?: string): Promise<boolean>;
  addPending(msg: PendingMessage): Promise<void>;
  takePending(personId: string): Promise<PendingMessage[]>;
  pruneBefore(before: Date): Promise<{ conversations: number; pending: number }>;
}

/**
 * The retention side of the bot's own turn state (dialog stacks and scopes, saved through
 * botbuilder's `Storage` on the same store). `pruneIdleBefore(before)` deletes items idle since
 * before `before` and returns how many went. An item read or written at or after `before` always
 * stays (a conversation still in use keeps its state even when its turns change nothing); the
 * adapters keep last-use times to within an hour, so an item idle for up to an hour longer may
 * stay until the next sweep.
 */
export interface BotStateRetention {
  pruneIdleBefore(before: Date): Promise<number>;
}
