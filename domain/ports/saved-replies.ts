import type { Locale } from '../people.js';

/** A reply the helpdesk keeps ready for agents to insert in a conversation, in one language. */
export interface SavedReply {
  id: string;
  locale: Locale;
  title: string;
  text: string;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** What an edit changes, and who made it when. */
export interface SavedReplyChange {
  locale: Locale;
  title: string;
  text: string;
  updatedBy: string;
  updatedAt: string;
}

/**
 * The helpdesk's saved replies, in the shared store so every instance's console sees the same
 * ones. Validation (lengths, who may change them) is the caller's; the store keeps what it is given.
 *
 * Promises:
 * - `create` adds a reply; an id already stored rejects with a `DomainError` coded `DUPLICATE_KEY`
 *   and changes nothing.
 * - `list` returns every reply ordered by locale, then title, then id (plain code-point order).
 * - `update` replaces locale, title and text and stamps `updatedBy`/`updatedAt`, keeping
 *   `createdBy`/`createdAt`; it returns the reply as stored, or undefined when there is no such id.
 * - `delete` returns true when it removed a reply, false when there was none.
 */
export interface SavedReplies {
  create(reply: SavedReply): Promise<void>;
  get(id: string): Promise<SavedReply | undefined>;
  list(): Promise<SavedReply[]>;
  update(id: string, change: SavedReplyChange): Promise<SavedReply | undefined>;
  delete(id: string): Promise<boolean>;
  count(): Promise<number>;
}
