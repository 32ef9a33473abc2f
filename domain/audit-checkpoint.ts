/**
 * Signed checkpoints of the audit trail, defined so an auditor can recompute everything with
 * sha256sum and openssl (README: "Checking the audit trail as an auditor"):
 *
 * - leaf bytes of a case = UTF-8 of the canonical JSON `{"caseId":…,"hash":…,"seq":…}` of its
 *   chain head (keys sorted, no spaces: `canonicalJson` of domain/audit.ts);
 * - leaves sorted by case id (by character code); tree and hashes of RFC 6962 (domain/merkle.ts):
 *   leaf = SHA-256(0x00 || leaf bytes), node = SHA-256(0x01 || left || right);
 * - signed bytes = UTF-8 of these five lines, each ending in "\n":
 *   `MyGPKI audit checkpoint v1`, `time <ISO time>`, `tree-size <n>`, `root <hex>`, `key-id <hex>`;
 * - signature = ECDSA P-256 over SHA-256 of the signed bytes, DER, base64 in JSON.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { canonicalJson } from './audit.js';
import { inclusionProof, leafHash, merkleRoot } from './merkle.js';
import type { ChainHead } from './ports/audit-log.js';
import type { AuditCheckpoint, CheckpointSigner, PublishedCheckpoint } from './ports/audit-checkpoints.js';

export const CHECKPOINT_HEADER = 'MyGPKI audit checkpoint v1';

const byCaseId = (a: ChainHead, b: ChainHead): number => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0);

/** The bytes a case's head contributes as a leaf. */
export const headLeafBytes = (h: ChainHead): Buffer => Buffer.from(canonicalJson({ caseId: h.caseId, seq: h.seq, hash: h.hash }), 'utf8');

/** The heads in tree order, each case once. */
export function treeOrder(heads: readonly ChainHead[]): ChainHead[] {
  return heads.map((h) => ({ caseId: h.caseId, seq: h.seq, hash: h.hash })).sort(byCaseId);
}

export const headsRoot = (orderedHeads: readonly ChainHead[]): string =>
  merkleRoot(orderedHeads.map((h) => leafHash(headLeafBytes(h)))).toString('hex');

/** The exact bytes that are signed. */
export function checkpointBytes(cp: Pick<PublishedCheckpoint, 'time' | 'treeSize' | 'root' | 'keyId'>): Buffer {
  return Buffer.from(`${CHECKPOINT_HEADER}\ntime ${cp.time}\ntree-size ${cp.treeSize}\nroot ${cp.root}\nkey-id ${cp.keyId}\n`, 'utf8');
}

/** Builds and signs a checkpoint over `heads` at `time`. */
export function buildCheckpoint(heads: readonly ChainHead[], time: Date, signer: CheckpointSigner): AuditCheckpoint {
  const ordered = treeOrder(heads);
  const unsigned = { time: time.toISOString(), treeSize: ordered.length, root: headsRoot(ordered), keyId: signer.keyId };
  return { ...unsigned, signature: signer.sign(checkpointBytes(unsigned)).toString('base64'), heads: ordered };
}

/** SHA-256 (hex) of a public key's DER SubjectPublicKeyInfo: `openssl pkey -pubin -outform DER | sha256sum`. */
export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/** True when the checkpoint's signature verifies under `publicKeyPem` and names that key. */
export function checkpointSignatureValid(cp: PublishedCheckpoint, publicKeyPem: string): boolean {
  try {
    if (keyIdOf(publicKeyPem) !== cp.keyId) return false;
    return verify('sha256', checkpointBytes(cp), publicKeyPem, Buffer.from(cp.signature, 'base64'));
  } catch {
    return false;
  }
}

/** The inclusion proof of one case's head in a checkpoint, or undefined when the case is not in it. */
export function headProof(
  cp: AuditCheckpoint,
  caseId: string,
): { index: number; head: ChainHead; leaf: Buffer; path: Buffer[] } | undefined {
  const ordered = treeOrder(cp.heads);
  const index = ordered.findIndex((h) => h.caseId === caseId);
  if (index < 0) return undefined;
  const leaves = ordered.map((h) => leafHash(headLeafBytes(h)));
  return { index, head: ordered[index]!, leaf: leaves[index]!, path: inclusionProof(index, leaves) };
}

/** A published checkpoint as read from JSON (e.g. one saved from GET /audit/checkpoints), or undefined when malformed. */
export function parsePublishedCheckpoint(value: unknown): PublishedCheckpoint | undefined {
  const v = value as Record<string, unknown> | null;
  if (!v || typeof v !== 'object') return undefined;
  const hex = (x: unknown) => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x);
  if (typeof v.time !== 'string' || Number.isNaN(Date.parse(v.time)) || !Number.isInteger(v.treeSize) || (v.treeSize as number) < 0)
    return undefined;
  if (!hex(v.root) || !hex(v.keyId) || typeof v.signature !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(v.signature)) return undefined;
  return { time: v.time, treeSize: v.treeSize as number, root: v.root as string, keyId: v.keyId as string, signature: v.signature };
}
