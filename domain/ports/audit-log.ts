/** One audit entry. `hash` = sha256(prevHash + canonical JSON of the other fields). */
export interface AuditEntry {
  caseId: string;
  /** 1-based position in the case's chain. */
  seq: number;
  at: string;
  actorId: string;
  action: string;
  data?: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type AuditInput = Pick<AuditEntry, 'caseId' | 'at' | 'actorId' | 'action' | 'data'>;

/** The last link of one case's chain: what a signed checkpoint commits to (domain/audit-checkpoint.ts). */
export type ChainHead = Pick<AuditEntry, 'caseId' | 'seq' | 'hash'>;

/**
 * Append-only, hash-chained per case.
 *
 * Promises: `append` links the entry to the last one of the same case (the first links to
 * GENESIS_HASH), assigns `seq` and `hash`, and is safe under concurrent appends to one case
 * (no two entries share a seq); `list` returns the chain in seq order; nothing can be changed
 * or deleted through this port. Verification is `verifyAuditChain` in domain/audit.ts.
 * `heads` returns the last entry (highest seq) of every case that has one, sorted by case id
 * (ascending, by character code), one per case.
 */
export interface AuditLog {
  append(entry: AuditInput): Promise<AuditEntry>;
  list(caseId: string): Promise<AuditEntry[]>;
  heads(): Promise<ChainHead[]>;
}
