import { createHash, generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import {
  buildCheckpoint,
  checkpointBytes,
  checkpointSignatureValid,
  headLeafBytes,
  headProof,
  keyIdOf,
} from '../../domain/audit-checkpoint.js';
import { EMPTY_ROOT, inclusionProof, inclusionSteps, leafHash, merkleRoot, nodeHash, verifyInclusion } from '../../domain/merkle.js';
import type { CheckpointSigner } from '../../domain/ports/audit-checkpoints.js';
import { sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAuditCheckpoint, verifyAuditTrail } from '../../domain/usecases/audit-trail.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';

/** The Certificate Transparency test vectors (RFC 6962 trees over these leaves). */
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) =>
  Buffer.from(h, 'hex'),
);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const hashed = LEAVES.map(leafHash);
const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));
const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

describe('Merkle tree (RFC 6962)', () => {
  it('hashes leaves with 0x00 and nodes with 0x01 in front', () => {
    expect(leafHash(Buffer.from('abc'))).to.deep.equal(sha256(Buffer.from([0]), Buffer.from('abc')));
    const [a, b] = [sha256(Buffer.from('a')), sha256(Buffer.from('b'))];
    expect(nodeHash(a, b)).to.deep.equal(sha256(Buffer.from([1]), a, b));
  });

  it('gives the published roots for 0 to 8 leaves (odd sizes included)', () => {
    expect(EMPTY_ROOT.toString('hex')).to.equal(ROOTS[0]);
    for (let n = 0; n <= 8; n++) expect(merkleRoot(hashed.slice(0, n)).toString('hex'), `size ${n}`).to.equal(ROOTS[n]);
  });

  it('promotes an odd last leaf instead of duplicating it: [a, b, c] and [a, b, c, c] differ', () => {
    const three = hashed.slice(0, 3);
    expect(merkleRoot(three).equals(merkleRoot([...three, three[2]!]))).to.equal(false);
    expect(merkleRoot(three)).to.deep.equal(nodeHash(nodeHash(three[0]!, three[1]!), three[2]!));
  });

  it('builds the known inclusion proofs', () => {
    expect(hex(inclusionProof(5, hashed))).to.deep.equal([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(inclusionProof(2, hashed.slice(0, 3)))).to.deep.equal([ROOTS[2]]);
    expect(inclusionProof(0, hashed.slice(0, 1))).to.deep.equal([]);
  });

  it('every proof of every leaf in trees of 1 to 8 verifies, and its last step is the root', () => {
    for (let n = 1; n <= 8; n++) {
      const tree = hashed.slice(0, n);
      const root = merkleRoot(tree);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(i, tree);
        expect(verifyInclusion(tree[i]!, i, n, proof, root), `leaf ${i} of ${n}`).to.equal(true);
        const steps = inclusionSteps(tree[i]!, i, n, proof)!;
        expect(steps).to.have.length(proof.length);
        for (const s of steps) expect(nodeHash(s.left, s.right)).to.deep.equal(s.result);
      }
    }
  });

  it('refuses a proof for another leaf, index, size or root, and a shortened or lengthened proof', () => {
    const tree = hashed.slice(0, 7);
    const root = merkleRoot(tree);
    const proof = inclusionProof(3, tree);
    expect(verifyInclusion(tree[4]!, 3, 7, proof, root)).to.equal(false);
    expect(verifyInclusion(tree[3]!, 2, 7, proof, root)).to.equal(false);
    // The size is bound as far as it shapes the path (a size-4 path is shorter); the signed checkpoint binds the rest.
    expect(verifyInclusion(tree[3]!, 3, 4, proof, root)).to.equal(false);
    expect(verifyInclusion(tree[3]!, 3, 7, proof, merkleRoot(hashed))).to.equal(false);
    expect(verifyInclusion(tree[3]!, 3, 7, proof.slice(1), root)).to.equal(false);
    expect(verifyInclusion(tree[3]!, 3, 7, [...proof, root], root)).to.equal(false);
    expect(verifyInclusion(tree[3]!, 7, 7, proof, root)).to.equal(false);
    expect(() => inclusionProof(7, tree)).to.throw(RangeError);
  });
});

describe('audit checkpoints', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const signer: CheckpointSigner = { keyId: keyIdOf(publicKeyPem), publicKeyPem, sign: (b) => sign('sha256', b, privateKey) };
  const h = (c: string) => createHash('sha256').update(c).digest('hex');
  const heads = [
    { caseId: 'UC-2026-000002', seq: 3, hash: h('b') },
    { caseId: 'AD-2026-000001', seq: 1, hash: h('a') },
    { caseId: 'UC-2026-000001', seq: 2, hash: h('c') },
  ];
  const at = new Date('2026-05-01T00:00:00.000Z');

  it('leaves are the heads as canonical JSON, sorted by case id; the root is the RFC 6962 root over them', () => {
    const cp = buildCheckpoint(heads, at, signer);
    expect(cp.heads.map((x) => x.caseId)).to.deep.equal(['AD-2026-000001', 'UC-2026-000001', 'UC-2026-000002']);
    expect(headLeafBytes(cp.heads[0]!).toString()).to.equal(`{"caseId":"AD-2026-000001","hash":"${h('a')}","seq":1}`);
    const leaves = cp.heads.map((x) => leafHash(headLeafBytes(x)));
    expect(cp.root).to.equal(merkleRoot(leaves).toString('hex'));
    expect(cp.treeSize).to.equal(3);
  });

  it('signs exactly the five documented lines, and the signature verifies only under its own key', () => {
    const cp = buildCheckpoint(heads, at, signer);
    expect(checkpointBytes(cp).toString()).to.equal(
      `MyGPKI audit checkpoint v1\ntime 2026-05-01T00:00:00.000Z\ntree-size 3\nroot ${cp.root}\nkey-id ${signer.keyId}\n`,
    );
    expect(checkpointSignatureValid(cp, publicKeyPem)).to.equal(true);
    expect(checkpointSignatureValid({ ...cp, treeSize: 2 }, publicKeyPem)).to.equal(false);
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(checkpointSignatureValid(cp, other)).to.equal(false);
  });

  it('proves a case head into the root, and knows no proof for a case it does not hold', () => {
    const cp = buildCheckpoint(heads, at, signer);
    const p = headProof(cp, 'UC-2026-000002')!;
    expect(p.index).to.equal(2);
    expect(verifyInclusion(p.leaf, p.index, cp.treeSize, p.path, Buffer.from(cp.root, 'hex'))).to.equal(true);
    expect(headProof(cp, 'KN-2026-000001')).to.equal(undefined);
  });

  it('an empty trail has a checkpoint too: size 0, the empty root', () => {
    const cp = buildCheckpoint([], at, signer);
    expect(cp).to.deep.include({ treeSize: 0, root: ROOTS[0], heads: [] });
  });
});

describe('verifyAuditTrail (on the embedded store in memory)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const signer: CheckpointSigner = { keyId: keyIdOf(publicKeyPem), publicKeyPem, sign: (b) => sign('sha256', b, privateKey) };
  const clock = { now: () => new Date('2026-05-01T00:00:00.000Z') };
  let store: EmbeddedStore;
  let filesDir: string;
  const append = (caseId: string, action: string) => store.audit.append({ caseId, at: '2026-05-01T00:00:00.000Z', actorId: 'p1', action });
  const deps = () => ({ audit: store.audit, checkpoints: store.auditCheckpoints });
  beforeEach(async () => {
    filesDir = mkdtempSync(join(tmpdir(), 'gpki-audit-unit-'));
    store = createEmbeddedStore({ file: ':memory:', filesDir });
    for (const c of ['UC-2026-000001', 'UC-2026-000002']) for (const a of ['submitted', 'approved', 'issued']) await append(c, a);
    await makeAuditCheckpoint({ ...deps(), signer, clock });
  });
  afterEach(async () => {
    await store.close();
    rmSync(filesDir, { recursive: true, force: true });
  });

  it('passes a trail that only grew since the checkpoint, and new cases', async () => {
    await append('UC-2026-000001', 'revoked');
    await append('UC-2026-000003', 'submitted');
    const r = await verifyAuditTrail(deps(), { publicKeyPem });
    expect(r).to.deep.include({ cases: 3, entries: 8, problems: [] });
  });

  it('names a chain cut back below its checkpointed head, and stored heads that no longer hash to the root', async () => {
    store.db.prepare("DELETE FROM audit_log WHERE case_id = 'UC-2026-000002' AND seq = 3").run();
    store.db.prepare("UPDATE audit_checkpoints SET heads = json_remove(heads, '$[0]')").run();
    const r = await verifyAuditTrail(deps(), { publicKeyPem });
    expect(r.problems).to.deep.equal([
      { code: 'CHAIN_SHORTENED', caseId: 'UC-2026-000002', seq: 3, length: 2 },
      { code: 'CHECKPOINT_ALTERED' },
    ]);
  });

  it('refuses a checkpoint under another key, and says when there is no key to check with', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect((await verifyAuditTrail(deps(), { publicKeyPem: other })).problems).to.deep.equal([{ code: 'SIGNATURE_INVALID' }]);
    expect((await verifyAuditTrail(deps())).problems).to.deep.equal([{ code: 'NO_PUBLIC_KEY' }]);
  });
});
