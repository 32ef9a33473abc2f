/** Who speaks for the bot side of a conversation. */
export type ConversationOwner = 'bot' | 'queued' | 'agent';

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
 */
export interface ConversationRepository {
  save(rec: Omit<ConversationRecord, 'owner' | 'agentId'> & Partial<Pick<ConversationRecord, 'owner' | 'agentId'>>): Promise<void>;
  get(conversationId: string): Promise<ConversationRecord | undefined>;
  latestForPerson(personId: string): Promise<ConversationRecord | undefined>;
  setOwner(conversationId: string, owner: ConversationOwner, agentId?: string): Promise<boolean>;
  addPending(msg: PendingMessage): Promise<void>;
  takePending(personId: string): Promise<PendingMessage[]>;
}
