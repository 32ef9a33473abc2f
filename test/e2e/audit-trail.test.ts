import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { auditHash, GENESIS_HASH, verifyAuditChain } from '../../domain/audit.js';
import type { PublishedCheckpoint } from '../../domain/ports/audit-checkpoints.js';
import { agentAct, lodgeComplaint } from '../../domain/usecases/complaint.js';
import { SCRIPT_END, SCRIPT_START } from '../../bot/audit/proof.js';
import { removeDir, startTestBot } from '../support/bot.js';
import { waitFor } from '../support/wait-for.js';
import { deleteKeys, redisReachable, REDIS_URL } from '../support/redis.js';
import { inCi } from '../contract/harness.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
type Run = { code: number; stdout: string; stderr: string };

function run(file: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: opts.cwd ?? repo, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `npm run audit -- <args>` as an operator runs it, with nothing but DATA_DIR configured. */
const audit = (dataDir: string, args: string[]) => run('npm', ['run', '--silent', 'audit', '--', ...args], { env: { DATA_DIR: dataDir } });

/** The README's commands for one published checkpoint: rebuild the signed bytes, verify with openssl. */
async function opensslVerifies(dir: string, cp: PublishedCheckpoint, publicKeyPem: string): Promise<Run> {
  await writeFile(join(dir, 'pubkey.pem'), publicKeyPem);
  const script = [
    `printf 'MyGPKI audit checkpoint v1\\ntime %s\\ntree-size %s\\nroot %s\\nkey-id %s\\n' '${cp.time}' '${cp.treeSize}' '${cp.root}' '${cp.keyId}' > checkpoint.bin`,
    `printf '%s' '${cp.signature}' | base64 -d > sig.bin`,
    'openssl dgst -sha256 -verify pubkey.pem -signature sig.bin checkpoint.bin',
  ].join('\n');
  return run('sh', ['-ec', script], { cwd: dir });
}

/**
 * every case's audit chain is checked link by link, signed checkpoints (a Merkle
 * root over the chain heads) are published, and a chain rewritten consistently is caught against
 * the last checkpoint. Run on the real bot (embedded store, in-process job runner) and the real CLI.
 */
describe('e2e: a verifiable audit trail', function () {
  this.timeout(120_000);
  let bot: Awaited<ReturnType<typeof startTestBot>>;
  let work: string;
  const cases: string[] = [];
  const getJson = async <T>(path: string): Promise<T> => (await (await fetch(`${bot.url}${path}`)).json()) as T;
  const publicKey = async () => (await fetch(`${bot.url}/audit/public-key.pem`)).text();
  const db = () => new Database(join(bot.dataDir, 'gpki.db'));

  before(async () => {
    bot = await startTestBot();
    work = await mkdtemp(join(tmpdir(), 'gpki-auditor-'));
    for (const description of ['Token tidak dikesan.', 'Sijil tamat tempoh.', 'PIN disekat.']) {
      const lodged = await lodgeComplaint(bot.hd, { actorId: 'demo-applicant', category: 'token', application: 'ePerolehan', description });
      if (!lodged.ok) throw new Error(lodged.error);
      cases.push(lodged.value.id);
      expect((await agentAct(bot.hd, { caseId: lodged.value.id, actorId: 'demo-agent', action: 'acknowledge' })).ok).to.equal(true);
    }
  });
  after(async () => {
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('the periodic job signs a checkpoint at start; it is published with the key, and openssl verifies it', async () => {
    const list = await waitFor('the checkpoint of the job run at start', async () => {
      const l = await getJson<PublishedCheckpoint[]>('/audit/checkpoints');
      return l.length > 0 ? l : undefined;
    });
    const cp = list.at(-1)!;
    expect(Object.keys(cp).sort()).to.deep.equal(['keyId', 'root', 'signature', 'time', 'treeSize']);
    const pem = await publicKey();
    expect(pem).to.match(/^-----BEGIN PUBLIC KEY-----\n/);
    const r = await opensslVerifies(work, cp, pem);
    expect(r.stdout.trim(), r.stderr).to.equal('Verified OK');
    // The key is kept like the CA keys: owner-only files in an owner-only folder under DATA_DIR.
    expect((await stat(join(bot.dataDir, 'audit'))).mode & 0o777).to.equal(0o700);
    expect((await stat(join(bot.dataDir, 'audit', 'audit.key.pem'))).mode & 0o777).to.equal(0o600);
  });

  it('`npm run audit -- checkpoint` signs every case head; GET /audit/checkpoints lists it first; an untouched store verifies (exit 0)', async () => {
    const made = await audit(bot.dataDir, ['checkpoint']);
    expect(made.code, made.stderr).to.equal(0);
    const cp = JSON.parse(made.stdout) as PublishedCheckpoint;
    const heads = await bot.core.audit.heads();
    expect(heads.map((h) => h.caseId)).to.include.members(cases);
    expect(cp.treeSize).to.equal(heads.length);
    expect((await getJson<PublishedCheckpoint[]>('/audit/checkpoints'))[0]).to.deep.equal(cp);
    expect((await opensslVerifies(work, cp, await publicKey())).stdout.trim()).to.equal('Verified OK');
    await writeFile(join(work, 'checkpoint.json'), JSON.stringify(await getJson('/audit/checkpoints')));

    // A chain that only grew since the checkpoint is fine.
    expect(
      (await agentAct(bot.hd, { caseId: cases[2]!, actorId: 'demo-agent', action: 'reply', text: 'Sila cuba di komputer lain.' })).ok,
    ).to.equal(true);
    const verified = await audit(bot.dataDir, ['verify']);
    expect(verified.code, verified.stdout + verified.stderr).to.equal(0);
    expect(verified.stdout).to.contain('Audit trail OK').and.contain(`the checkpoint of ${cp.time}`);
  });

  it('`prove` prints a script whose every openssl and sha256sum command prints what it promises', async () => {
    const proved = await audit(bot.dataDir, ['prove', cases[1]!]);
    expect(proved.code, proved.stderr).to.equal(0);
    const lines = proved.stdout.split('\n');
    const script = lines.slice(lines.indexOf(SCRIPT_START) + 1, lines.indexOf(SCRIPT_END));
    expect(script.join('\n')).to.contain('openssl dgst -sha256 -verify pubkey.pem -signature sig.bin checkpoint.bin');
    const expected = script.filter((l) => l.startsWith('# expect: ')).map((l) => l.slice('# expect: '.length));
    const dir = await mkdtemp(join(work, 'prove-'));
    await writeFile(join(dir, 'proof.sh'), script.join('\n'));
    const r = await run('sh', ['-e', 'proof.sh'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim().split('\n')).to.deep.equal(expected);
    // The script's key is the published one, and its last hash is the signed root.
    expect(await readFile(join(dir, 'pubkey.pem'), 'utf8')).to.equal(await publicKey());
    const latest = (await getJson<PublishedCheckpoint[]>('/audit/checkpoints'))[0]!;
    expect(expected.at(-1)).to.equal(`${latest.root}  -`);
    expect(expected).to.include('Verified OK');
  });

  it('(a) one stored audit row changed in the SQLite file: verify exits 1 naming the case and the entry', async () => {
    const conn = db();
    try {
      const row = conn.prepare('SELECT data FROM audit_log WHERE case_id = ? AND seq = 2').get(cases[0]!) as { data: string };
      conn.prepare('UPDATE audit_log SET data = ? WHERE case_id = ? AND seq = 2').run(JSON.stringify({ forged: true }), cases[0]!);
      const broken = await audit(bot.dataDir, ['verify']);
      expect(broken.code).to.equal(1);
      expect(broken.stdout).to.contain('Audit trail BROKEN').and.contain(`case ${cases[0]}: entry 2 is broken`);
      expect(broken.stdout).to.not.contain(`case ${cases[1]}`);
      conn.prepare('UPDATE audit_log SET data = ? WHERE case_id = ? AND seq = 2').run(row.data, cases[0]!);
    } finally {
      conn.close();
    }
    expect((await audit(bot.dataDir, ['verify'])).code).to.equal(0);
  });

  it('(b) a chain rewritten consistently (every hash recomputed) passes the link check but not the last checkpoint', async () => {
    const caseId = cases[1]!;
    const chain = await bot.core.audit.list(caseId);
    let prev = GENESIS_HASH;
    const conn = db();
    try {
      const update = conn.prepare('UPDATE audit_log SET actor_id = ?, prev_hash = ?, hash = ? WHERE case_id = ? AND seq = ?');
      for (const e of chain) {
        const actorId = e.seq === 1 ? 'someone-else' : e.actorId;
        const hash = auditHash(prev, { ...e, actorId });
        update.run(actorId, prev, hash, caseId, e.seq);
        prev = hash;
      }
    } finally {
      conn.close();
    }
    expect(verifyAuditChain(await bot.core.audit.list(caseId))).to.deep.equal({ ok: true });
    const head = chain.at(-1)!;
    for (const args of [['verify'], ['verify', '--checkpoint', join(work, 'checkpoint.json')]]) {
      const r = await audit(bot.dataDir, args);
      expect(r.code, args.join(' ')).to.equal(1);
      expect(r.stdout)
        .to.contain(`case ${caseId}: entry ${head.seq} differs from the checkpoint of`)
        .and.contain(`hash then ${head.hash}, now ${prev}`);
      expect(r.stdout).to.not.contain(`case ${cases[0]}`).and.not.contain(`case ${cases[2]}`);
    }
    const proved = await audit(bot.dataDir, ['prove', caseId]);
    expect(proved.code).to.equal(1);
    expect(proved.stderr).to.contain(`entry ${head.seq} no longer has the hash it had`);
  });
});

const redisUp = await redisReachable();

/** The same job on the scaled-out runner: BullMQ, two instances on one store, one checkpoint per period. */
describe(`e2e: audit checkpoints made by the BullMQ runner (${REDIS_URL})`, function () {
  if (!redisUp) {
    if (inCi()) it('Redis is reachable', () => void expect.fail(`Redis is required in CI (CI=true) but does not answer at ${REDIS_URL}`));
    else it(`SKIPPED: Redis not reachable at ${REDIS_URL}`);
    return;
  }
  this.timeout(90_000);
  const prefix = `gpki-test-audit-${randomUUID().slice(0, 8)}`;
  let a: Awaited<ReturnType<typeof startTestBot>>;
  let b: Awaited<ReturnType<typeof startTestBot>>;
  after(async () => {
    await b?.close();
    await a?.close();
    if (a) removeDir(a.dataDir);
    await deleteKeys(prefix);
  });

  it('signs one checkpoint for the period at start, with the one key both instances publish', async () => {
    a = await startTestBot({ REDIS_URL, QUEUE_PREFIX: prefix });
    b = await startTestBot({ REDIS_URL, QUEUE_PREFIX: prefix }, a.dataDir);
    const list = await waitFor(
      'the checkpoint job on BullMQ',
      async () => {
        const l = (await (await fetch(`${b.url}/audit/checkpoints`)).json()) as PublishedCheckpoint[];
        return l.length > 0 ? l : undefined;
      },
      { timeoutMs: 20_000 },
    );
    const [pemA, pemB] = await Promise.all([a, b].map(async (x) => (await fetch(`${x.url}/audit/public-key.pem`)).text()));
    expect(pemA).to.equal(pemB);
    const dir = await mkdtemp(join(tmpdir(), 'gpki-auditor-'));
    try {
      expect((await opensslVerifies(dir, list[0]!, pemA)).stdout.trim()).to.equal('Verified OK');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // Both instances scheduled the period's checkpoint at start under one job key: there is one job, one checkpoint.
    expect(await (await fetch(`${a.url}/audit/checkpoints`)).json()).to.have.length(1);
  });
});
