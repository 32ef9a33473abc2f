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

/**
 * Append-only, hash-chained per case.
 *
 * Promises: `append` links the entry to the last one of the same case (the first links to
 * GENESIS_HASH), assigns `seq` and `hash`, and is safe under concurrent appends to one case
 * (no two entries share a seq); `list` returns the chain in seq order; nothing can be changed
 * or deleted through this port. Verification is `verifyAuditChain` in domain/audit.ts.
 */
export interface AuditLog {
  append(entry: AuditInput): Promise<AuditEntry>;
  list(caseId: string): Promise<AuditEntry[]>;
}
