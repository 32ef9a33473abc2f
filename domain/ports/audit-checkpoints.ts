import type { ChainHead } from './audit-log.js';

/**
 * A signed checkpoint of the audit trail: the Merkle root over every case's chain head at `time`
 * (domain/audit-checkpoint.ts says exactly what is hashed and signed).
 */
export interface AuditCheckpoint {
  /** ISO-8601 instant (UTC, milliseconds) the heads were read; unique per checkpoint. */
  time: string;
  /** Number of leaves: the cases that had an audit chain. */
  treeSize: number;
  /** Merkle root, 64 lowercase hex characters. */
  root: string;
  /** SHA-256 (hex) of the signing key's public key, DER SubjectPublicKeyInfo. */
  keyId: string;
  /** ECDSA P-256 / SHA-256 signature (DER) over the checkpoint's signed bytes, base64. */
  signature: string;
  /** The tree's leaves in order (sorted by case id): what the root commits to. */
  heads: ChainHead[];
}

/** What is published at GET /audit/checkpoints: a checkpoint without its leaves. */
export type PublishedCheckpoint = Omit<AuditCheckpoint, 'heads'>;

/**
 * The signed checkpoints, and the audit signing key's sealed copy, in the shared store.
 *
 * Promises:
 * - `add` keeps a checkpoint as given and returns true; a second one with the same `time` is
 *   refused (false) and changes nothing. Nothing can be changed or removed through this port.
 * - `latest` is the one with the greatest `time`; `get(time)` the one with exactly that time; both
 *   undefined when there is none. Heads come back in the order they were added.
 * - `list(limit)` returns at most `limit` checkpoints without their heads, newest first.
 * - `signingKey` is the sealed key blob, if any; `putSigningKeyIfAbsent` stores `blob` unless one is
 *   already there, and returns the one that is kept (`won` true when it is `blob`): concurrent
 *   first starts of several processes end on one key.
 */
export interface AuditCheckpoints {
  add(checkpoint: AuditCheckpoint): Promise<boolean>;
  latest(): Promise<AuditCheckpoint | undefined>;
  get(time: string): Promise<AuditCheckpoint | undefined>;
  list(limit: number): Promise<PublishedCheckpoint[]>;
  signingKey(): Promise<string | undefined>;
  putSigningKeyIfAbsent(blob: string): Promise<{ won: boolean; blob: string }>;
}

/** Signs checkpoints with the audit key (infra keeps the private key; the domain never sees it). */
export interface CheckpointSigner {
  /** SHA-256 (hex) of the public key, DER SubjectPublicKeyInfo. */
  readonly keyId: string;
  readonly publicKeyPem: string;
  /** ECDSA P-256 / SHA-256 signature over `bytes`, DER-encoded (what `openssl dgst -verify` reads). */
  sign(bytes: Buffer): Buffer;
}
