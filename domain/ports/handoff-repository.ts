import type { FormField } from '../cases/forms.js';

/** Why a conversation joined the agents' queue. */
export type HandoffReason = 'request' | 'misunderstood' | 'error';
/** `waiting` in the queue, `taken` by one agent, `closed` (handed back, ended or timed out). */
export type HandoffStatus = 'waiting' | 'taken' | 'closed';
export type HandoffOutcome = 'handback' | 'end' | 'timeout';

/** An agent's note on the conversation; `kind` is absent on notes written before corrections were data. */
export interface HandoffTextNote {
  kind?: 'note';
  at: string;
  agentId: string;
  text: string;
}

/** An agent's correction of one field of the request in progress: the value as shown (a MyKad masked). */
export interface HandoffCorrection {
  kind: 'correction';
  at: string;
  agentId: string;
  field: FormField;
  value: string;
}

/** What agents add to a conversation's record, oldest first: notes and corrections, as data. */
export type HandoffNote = HandoffTextNote | HandoffCorrection;

/** One conversation's place with the helpdesk agents: its queue entry and its owner. */
export interface HandoffRecord {
  conversationId: string;
  channelId: string;
  personId: string;
  reason: HandoffReason;
  status: HandoffStatus;
  /** ISO-8601 instant the conversation (last) joined the queue. */
  queuedAt: string;
  agentId?: string;
  takenAt?: string;
  closedAt?: string;
  outcome?: HandoffOutcome;
  /** The case the user was working on, when one has a number. */
  caseId?: string;
  notes: HandoffNote[];
}

export type NewHandoff = Pick<HandoffRecord, 'conversationId' | 'channelId' | 'personId' | 'reason' | 'queuedAt'> & { caseId?: string };

/**
 * The agents' queue and who owns each conversation, shared by every bot instance.
 *
 * Promises: one record per conversation. `enqueue` creates a `waiting` record, or returns the
 * open (`waiting`/`taken`) one unchanged with `created: false`; a closed record is reopened as a
 * fresh `waiting` one (notes kept). `take` is atomic: of any number of concurrent takers of a
 * `waiting` record exactly one gets it back; the others (and any take of a record not waiting)
 * get `undefined`. `close` ends a `waiting` record (no agent given) or a `taken` one held by
 * `agentId`; otherwise it changes nothing and returns `undefined`. `listOpen` returns the waiting
 * and taken records, oldest `queuedAt` first. `pruneClosedBefore(before)` deletes closed records
 * whose `closedAt` is before `before` (open ones are never pruned) and returns how many went.
 */
export interface HandoffRepository {
  enqueue(rec: NewHandoff): Promise<{ record: HandoffRecord; created: boolean }>;
  get(conversationId: string): Promise<HandoffRecord | undefined>;
  listOpen(): Promise<HandoffRecord[]>;
  take(conversationId: string, agentId: string, at: string): Promise<HandoffRecord | undefined>;
  close(conversationId: string, opts: { agentId?: string; outcome: HandoffOutcome; at: string }): Promise<HandoffRecord | undefined>;
  /** Appends a note or a correction, as given (read back equal); false when there is no record. */
  addNote(conversationId: string, note: HandoffNote): Promise<boolean>;
  pruneClosedBefore(before: Date): Promise<number>;
}

/** scrypt hashes of helpdesk agents' console passwords, by person id. */
export interface AgentCredentials {
  getHash(personId: string): Promise<string | undefined>;
  setHash(personId: string, hash: string): Promise<void>;
}
