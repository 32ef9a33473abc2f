import { verifyAuditChain } from '../audit.js';
import { buildCheckpoint, checkpointSignatureValid, headsRoot, treeOrder } from '../audit-checkpoint.js';
import type { AuditEntry, AuditLog } from '../ports/audit-log.js';
import type { AuditCheckpoint, AuditCheckpoints, CheckpointSigner, PublishedCheckpoint } from '../ports/audit-checkpoints.js';
import type { Clock } from '../ports/clock.js';
import type { JobScheduler } from '../ports/job-scheduler.js';
import { JOBS } from '../ports/job-names.js';

export interface AuditTrailDeps {
  audit: AuditLog;
  checkpoints: AuditCheckpoints;
}

/** Reads every chain head now, signs the Merkle root over them and keeps the checkpoint. */
export async function makeAuditCheckpoint(deps: AuditTrailDeps & { signer: CheckpointSigner; clock: Clock }): Promise<AuditCheckpoint> {
  const checkpoint = buildCheckpoint(await deps.audit.heads(), deps.clock.now(), deps.signer);
  if (!(await deps.checkpoints.add(checkpoint))) return (await deps.checkpoints.get(checkpoint.time))!;
  return checkpoint;
}

/** The job key of one period's checkpoint: one checkpoint per period, however often it is scheduled. */
export const auditCheckpointKey = (period: string) => `audit:checkpoint:${period}`;

/**
 * Schedules the periodic checkpoint, idempotently, like the daily expiry scan: periods are
 * `everyHours` long from the Unix epoch (24 h: from midnight UTC). At start, the current period's
 * checkpoint (at once when it is new) or, when that one is known already, the next; after a
 * checkpoint (`after` = its period), the next period's. Returns the period scheduled.
 */
export async function scheduleAuditCheckpoint(
  deps: { jobs: JobScheduler; clock: Clock },
  opts: { everyHours: number; after?: string },
): Promise<string> {
  const periodMs = opts.everyHours * 3_600_000;
  const now = deps.clock.now().getTime();
  const enqueue = (startMs: number) => {
    const period = new Date(startMs).toISOString();
    return deps.jobs
      .enqueue({
        ...JOBS.auditCheckpoint,
        payload: { period },
        key: auditCheckpointKey(period),
        delayMs: Math.max(0, startMs - now),
        attempts: 5,
        backoffMs: 60_000,
      })
      .then((r) => ({ period, duplicate: r.duplicate }));
  };
  if (opts.after) return (await enqueue(Math.floor(Date.parse(opts.after) / periodMs) * periodMs + periodMs)).period;
  const current = Math.floor(now / periodMs) * periodMs;
  const first = await enqueue(current);
  return first.duplicate ? (await enqueue(current + periodMs)).period : first.period;
}

/**
 * What can be wrong with the trail, by code (the CLI words each one):
 * - LINK_BROKEN: entry `seq` of the case does not link or hash correctly (verifyAuditChain);
 * - HEAD_CHANGED: the entry that was the case's head in the checkpoint now has another hash;
 * - CHAIN_SHORTENED: the case has fewer entries than it had at the checkpoint (`seq` = its head then);
 * - CHECKPOINT_UNKNOWN: the given checkpoint is not in the store;
 * - CHECKPOINT_ALTERED: the store's copy differs from the given checkpoint, or its heads no longer hash to its root;
 * - SIGNATURE_INVALID: the checkpoint's signature does not verify under the audit public key;
 * - NO_PUBLIC_KEY: there is a checkpoint but no public key to check it with.
 */
export type AuditProblemCode =
  'LINK_BROKEN' | 'HEAD_CHANGED' | 'CHAIN_SHORTENED' | 'CHECKPOINT_UNKNOWN' | 'CHECKPOINT_ALTERED' | 'SIGNATURE_INVALID' | 'NO_PUBLIC_KEY';

export interface AuditProblem {
  code: AuditProblemCode;
  caseId?: string;
  seq?: number;
  /** HEAD_CHANGED: the hash in the checkpoint and the one stored now; CHAIN_SHORTENED: entries now. */
  expected?: string;
  actual?: string;
  length?: number;
}

export interface AuditTrailReport {
  cases: number;
  entries: number;
  /** At most one per case (the lowest seq), then the checkpoint's own problems. */
  problems: AuditProblem[];
  /** The checkpoint the chains were checked against (absent when there is none yet). */
  checkpoint?: PublishedCheckpoint;
}

/**
 * Checks every case's chain link by link, then the chains against a checkpoint: the one given
 * (e.g. saved from GET /audit/checkpoints) or else the latest in the store. A chain that only grew
 * since the checkpoint passes: its checkpointed head must still be at its seq with the same hash.
 */
export async function verifyAuditTrail(
  deps: AuditTrailDeps,
  opts: { checkpoint?: PublishedCheckpoint; publicKeyPem?: string } = {},
): Promise<AuditTrailReport> {
  const chains = new Map<string, AuditEntry[]>();
  for (const head of await deps.audit.heads()) chains.set(head.caseId, await deps.audit.list(head.caseId));
  const perCase = new Map<string, AuditProblem>();
  const note = (p: AuditProblem) => {
    const known = perCase.get(p.caseId!);
    if (!known || p.seq! < known.seq!) perCase.set(p.caseId!, p);
  };
  let entries = 0;
  for (const [caseId, chain] of chains) {
    entries += chain.length;
    const r = verifyAuditChain(chain);
    if (!r.ok) note({ code: 'LINK_BROKEN', caseId, seq: r.brokenAt });
  }
  const own: AuditProblem[] = [];
  const stored = opts.checkpoint ? await deps.checkpoints.get(opts.checkpoint.time) : await deps.checkpoints.latest();
  const checkpoint = opts.checkpoint ?? (stored && published(stored));
  if (opts.checkpoint && !stored) own.push({ code: 'CHECKPOINT_UNKNOWN' });
  if (checkpoint && stored) {
    const ordered = treeOrder(stored.heads);
    const same = (['time', 'treeSize', 'root', 'keyId', 'signature'] as const).every((k) => stored[k] === checkpoint[k]);
    if (!same || ordered.length !== checkpoint.treeSize || headsRoot(ordered) !== checkpoint.root) own.push({ code: 'CHECKPOINT_ALTERED' });
    for (const head of ordered) {
      const chain = chains.get(head.caseId) ?? (await deps.audit.list(head.caseId));
      const then = chain.find((e) => e.seq === head.seq);
      if (!then) note({ code: 'CHAIN_SHORTENED', caseId: head.caseId, seq: head.seq, length: chain.length });
      else if (then.hash !== head.hash)
        note({ code: 'HEAD_CHANGED', caseId: head.caseId, seq: head.seq, expected: head.hash, actual: then.hash });
    }
  }
  if (checkpoint) {
    if (!opts.publicKeyPem) own.push({ code: 'NO_PUBLIC_KEY' });
    else if (!checkpointSignatureValid(checkpoint, opts.publicKeyPem)) own.push({ code: 'SIGNATURE_INVALID' });
  }
  const problems = [...perCase.values()].sort((a, b) => (a.caseId! < b.caseId! ? -1 : a.caseId! > b.caseId! ? 1 : 0));
  return { cases: chains.size, entries, problems: [...problems, ...own], ...(checkpoint && { checkpoint }) };
}

/** A checkpoint as published: without its leaves. */
export function published(cp: AuditCheckpoint): PublishedCheckpoint {
  return { time: cp.time, treeSize: cp.treeSize, root: cp.root, keyId: cp.keyId, signature: cp.signature };
}
