/**
 * The Merkle tree of RFC 6962 §2.1 (Certificate Transparency), so any auditor can recompute it
 * with sha256sum:
 *
 * - leaf hash  = SHA-256(0x00 || leaf bytes)
 * - node hash  = SHA-256(0x01 || left child hash || right child hash)   (raw 32-byte hashes)
 * - root of n leaves: n = 0 → SHA-256 of nothing; n = 1 → the leaf hash; otherwise, with k the
 *   largest power of two below n, node(root of leaves [0, k), root of leaves [k, n)).
 *
 * An odd leaf is never duplicated: it is promoted to the next level as it is (what the split at k
 * gives), so no two different leaf lists share a root.
 */
import { createHash } from 'node:crypto';

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** The root of a tree with no leaves: SHA-256 of the empty string. */
export const EMPTY_ROOT = sha256();

export const leafHash = (leaf: Uint8Array): Buffer => sha256(LEAF_PREFIX, leaf);
export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer => sha256(NODE_PREFIX, left, right);

/** Largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over already leaf-hashed entries. */
export function merkleRoot(leafHashes: readonly Buffer[]): Buffer {
  if (leafHashes.length === 0) return EMPTY_ROOT;
  if (leafHashes.length === 1) return leafHashes[0]!;
  const k = splitPoint(leafHashes.length);
  return nodeHash(merkleRoot(leafHashes.slice(0, k)), merkleRoot(leafHashes.slice(k)));
}

/** PATH(index, D[n]) of RFC 6962 §2.1.1: the sibling hashes from the leaf up to the root. */
export function inclusionProof(index: number, leafHashes: readonly Buffer[]): Buffer[] {
  const n = leafHashes.length;
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`leaf index ${index} is outside a tree of ${n}`);
  if (n === 1) return [];
  const k = splitPoint(n);
  return index < k
    ? [...inclusionProof(index, leafHashes.slice(0, k)), merkleRoot(leafHashes.slice(k))]
    : [...inclusionProof(index - k, leafHashes.slice(k)), merkleRoot(leafHashes.slice(0, k))];
}

/** One hashing step of an inclusion check: node(left, right) = result. */
export interface InclusionStep {
  left: Buffer;
  right: Buffer;
  result: Buffer;
}

/**
 * The steps of RFC 9162 §2.1.3.2 (verifying an inclusion proof), each as the node hash it computes,
 * or undefined when the proof does not fit the index and size. The last result is the root.
 */
export function inclusionSteps(leaf: Buffer, index: number, size: number, proof: readonly Buffer[]): InclusionStep[] | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  const steps: InclusionStep[] = [];
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      steps.push({ left: p, right: r, result: (r = nodeHash(p, r)) });
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      steps.push({ left: r, right: p, result: (r = nodeHash(r, p)) });
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? steps : undefined;
}

/** True when `proof` shows the leaf hash at `index` in the tree of `size` leaves with `root`. */
export function verifyInclusion(leaf: Buffer, index: number, size: number, proof: readonly Buffer[], root: Buffer): boolean {
  const steps = inclusionSteps(leaf, index, size, proof);
  if (!steps) return false;
  return (steps.at(-1)?.result ?? leaf).equals(root);
}
