import { createHash } from 'node:crypto';
import type { AuditEntry, AuditInput } from './ports/audit-log.js';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with sorted keys, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function auditHash(prevHash: string, entry: AuditInput & { seq: number }): string {
  const body = canonicalJson({
    caseId: entry.caseId,
    seq: entry.seq,
    at: entry.at,
    actorId: entry.actorId,
    action: entry.action,
    data: entry.data ?? null,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/** Builds the next link of a chain; adapters call this so every store hashes the same way. */
export function chainEntry(prev: AuditEntry | undefined, input: AuditInput): AuditEntry {
  const seq = (prev?.seq ?? 0) + 1;
  const prevHash = prev?.hash ?? GENESIS_HASH;
  return { ...input, seq, prevHash, hash: auditHash(prevHash, { ...input, seq }) };
}

/** Checks every link; returns the first broken seq, if any. */
export function verifyAuditChain(entries: AuditEntry[]): { ok: true } | { ok: false; brokenAt: number } {
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e.seq !== i + 1 || e.prevHash !== prevHash || auditHash(prevHash, e) !== e.hash) return { ok: false, brokenAt: i + 1 };
    prevHash = e.hash;
  }
  return { ok: true };
}
