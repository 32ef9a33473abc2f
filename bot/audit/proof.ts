/**
 * `npm run audit -- prove <caseId>`: everything an auditor needs to check one case against a
 * signed checkpoint with standard tools, and the shell commands that do it. Every command is
 * followed by an `# expect:` line with exactly what it prints, so the block also runs as a script
 * whose output can be compared line by line (test/e2e/audit-trail.test.ts does that).
 */
import { canonicalJson, GENESIS_HASH } from '../../domain/audit.js';
import { checkpointBytes, headLeafBytes, headProof } from '../../domain/audit-checkpoint.js';
import { inclusionSteps } from '../../domain/merkle.js';
import type { AuditEntry } from '../../domain/ports/audit-log.js';
import type { AuditCheckpoint } from '../../domain/ports/audit-checkpoints.js';

export const SCRIPT_START = '----- 8< ----- commands (POSIX sh; needs openssl, sha256sum, xxd, base64) -----';
export const SCRIPT_END = '----- >8 -----';

/** One shell word, single-quoted: nothing inside is expanded. */
const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** What the hash of one audit entry covers (domain/audit.ts auditHash). */
const entryJson = (e: AuditEntry): string =>
  canonicalJson({ caseId: e.caseId, seq: e.seq, at: e.at, actorId: e.actorId, action: e.action, data: e.data ?? null });

export type ProofOutcome = { ok: true; text: string } | { ok: false; code: 'NOT_IN_CHECKPOINT' | 'HEAD_CHANGED'; text: string };

/** The proof of `caseId`'s chain against `checkpoint`, as text; not ok when the case cannot be proved. */
export function formatProof(opts: {
  caseId: string;
  chain: AuditEntry[];
  checkpoint: AuditCheckpoint;
  publicKeyPem: string;
}): ProofOutcome {
  const { caseId, chain, checkpoint: cp } = opts;
  const proof = headProof(cp, caseId);
  if (!proof) {
    return {
      ok: false,
      code: 'NOT_IN_CHECKPOINT',
      text: `Case ${caseId} has no audit chain in the checkpoint of ${cp.time}: an unknown case, or one that began later (it will be in the next checkpoint).`,
    };
  }
  const { head, index, leaf, path } = proof;
  const covered = chain.filter((e) => e.seq <= head.seq);
  if (covered.length !== head.seq || covered.at(-1)?.hash !== head.hash) {
    return {
      ok: false,
      code: 'HEAD_CHANGED',
      text: `Case ${caseId}: entry ${head.seq} no longer has the hash it had in the checkpoint of ${cp.time}; run \`npm run audit -- verify\`.`,
    };
  }
  const steps = inclusionSteps(leaf, index, cp.treeSize, path) ?? [];
  const signed = checkpointBytes(cp).toString('utf8');
  const out: string[] = [];
  const later = chain.length - covered.length;
  out.push(`Audit proof: case ${caseId} in the checkpoint of ${cp.time}`, '');
  out.push(`1. The checkpoint: tree size ${cp.treeSize}, root ${cp.root}, key id ${cp.keyId}.`);
  out.push('   Signed bytes (checkpoint.bin: these 5 lines, each ending in a newline):');
  for (const line of signed.trimEnd().split('\n')) out.push(`     ${line}`);
  out.push(`   Signature (sig.bin; ECDSA P-256 with SHA-256, DER, here in base64): ${cp.signature}`, '');
  out.push(`2. The chain: entries 1..${head.seq} were in the checkpoint${later ? `; ${later} added since (not covered)` : ''}.`);
  out.push(
    `   hash(n) = SHA-256(hash(n-1) as 64 hex characters, then entry n as canonical JSON); hash(0) = ${GENESIS_HASH.slice(0, 8)}… (64 zeros).`,
  );
  for (const e of covered) {
    out.push(`   seq ${e.seq}  ${e.at}  ${e.action} by ${e.actorId}`, `     json ${entryJson(e)}`, `     hash ${e.hash}`);
  }
  out.push('');
  out.push(`3. The leaf: SHA-256(0x00 || ${headLeafBytes(head).toString('utf8')}) = ${leaf.toString('hex')}`);
  out.push(`4. The inclusion path of leaf ${index} in a tree of ${cp.treeSize} (RFC 6962; node = SHA-256(0x01 || left || right)):`);
  if (steps.length === 0) out.push('   (the only leaf: the leaf hash is the root)');
  steps.forEach((s, i) =>
    out.push(`   ${i + 1}. left ${s.left.toString('hex')}  right ${s.right.toString('hex')}  →  ${s.result.toString('hex')}`),
  );
  out.push(`   The last hash equals the checkpoint's root ${cp.root}.`, '');
  out.push('5. The commands. Each "# expect:" line is what the command above it prints. Compare pubkey.pem with the');
  out.push('   key published at GET /audit/public-key.pem that you saved yourself.', '');
  out.push(SCRIPT_START, ...script(opts.publicKeyPem, cp, covered, head, leaf, steps), SCRIPT_END);
  return { ok: true, text: out.join('\n') };
}

function script(
  publicKeyPem: string,
  cp: AuditCheckpoint,
  covered: AuditEntry[],
  head: { caseId: string; seq: number; hash: string },
  leaf: Buffer,
  steps: NonNullable<ReturnType<typeof inclusionSteps>>,
): string[] {
  const lines = ["cat > pubkey.pem <<'PEM'", ...publicKeyPem.trimEnd().split('\n'), 'PEM'];
  lines.push(
    '# the key id is SHA-256 of the public key (DER):',
    'openssl pkey -pubin -in pubkey.pem -outform DER | sha256sum',
    `# expect: ${cp.keyId}  -`,
  );
  lines.push('# the signed bytes and the signature:');
  lines.push(
    `printf 'MyGPKI audit checkpoint v1\\ntime %s\\ntree-size %s\\nroot %s\\nkey-id %s\\n' ${sq(cp.time)} ${sq(String(cp.treeSize))} ${sq(cp.root)} ${sq(cp.keyId)} > checkpoint.bin`,
  );
  lines.push(`printf '%s' ${sq(cp.signature)} | base64 -d > sig.bin`);
  lines.push('openssl dgst -sha256 -verify pubkey.pem -signature sig.bin checkpoint.bin', '# expect: Verified OK');
  lines.push('# each entry of the chain: SHA-256(previous hash, then the entry as canonical JSON):');
  let prev = GENESIS_HASH;
  for (const e of covered) {
    lines.push(`printf '%s%s' ${sq(prev)} ${sq(entryJson(e))} | sha256sum`, `# expect: ${e.hash}  -`);
    prev = e.hash;
  }
  lines.push("# the leaf of the case's head: SHA-256(0x00, then the head as canonical JSON):");
  lines.push(`printf '\\000%s' ${sq(headLeafBytes(head).toString('utf8'))} | sha256sum`, `# expect: ${leaf.toString('hex')}  -`);
  lines.push('# up the tree to the root: SHA-256(0x01, left, right), the hashes as raw bytes:');
  for (const s of steps) {
    lines.push(
      `printf '01%s%s' ${sq(s.left.toString('hex'))} ${sq(s.right.toString('hex'))} | xxd -r -p | sha256sum`,
      `# expect: ${s.result.toString('hex')}  -`,
    );
  }
  lines.push(`# the last hash is the root in checkpoint.bin: ${cp.root}`);
  return lines;
}
