import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaLedgerRow } from '../../domain/ports/ca-ledger.js';
import type { IssuedCertificate } from '../../domain/ports/certificate-authority.js';
import { caOn, caTemplate, sqliteLedger } from '../support/embedded-ca.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run ca -- <args>` as an operator runs it, with nothing but DATA_DIR configured. */
function caCommand(dataDir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'ca', '--', ...args],
      { cwd: repo, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * `npm run ca -- list` reads the CA ledger of DATA_DIR's store (the same one the bot and workers
 * use): one row per certificate with its case, validity and status, and for a revoked one the
 * reason and the time.
 */
describe('e2e: npm run ca -- list', function () {
  this.timeout(60_000);
  let dataDir: string;
  let user: IssuedCertificate[];
  let training: IssuedCertificate;
  let revokedAt: Date;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gpki-ca-cli-'));
    const { dir } = await caTemplate();
    await Promise.all([cp(dir, join(dataDir, 'ca'), { recursive: true }), cp(dir, join(dataDir, 'ca-training'), { recursive: true })]);
    const store = sqliteLedger(join(dataDir, 'gpki.db'));
    const ca = caOn(join(dataDir, 'ca'), { ledger: store.ledger });
    const trainingCa = caOn(join(dataDir, 'ca-training'), { ledger: store.ledger, realm: 'training' });
    try {
      const subject = { commonName: 'Aminah binti Ahmad', email: 'aminah@mampu.gov.my', organization: 'MAMPU' };
      user = [
        await ca.issue({ key: 'UC-2026-000001:issue', profile: 'user', subject, validityDays: 365 }),
        await ca.issue({
          key: 'UC-2026-000002:issue',
          profile: 'user',
          subject: { ...subject, commonName: 'Rahim bin Osman' },
          validityDays: 365,
        }),
      ];
      training = await trainingCa.issue({ key: 'TC-2026-000001:issue', profile: 'training', subject, validityDays: 90 });
      ({ revokedAt } = await ca.revoke(user[1]!.serial, 'keyCompromise'));
    } finally {
      await ca.close();
      await trainingCa.close();
      store.close();
    }
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('prints one JSON array: one row per certificate, the revoked one with its reason and time', async () => {
    const { code, stdout } = await caCommand(dataDir, ['list', '--json']);
    expect(code).to.equal(0);
    const rows = JSON.parse(stdout) as CaLedgerRow[];
    expect(rows.map((r) => [r.realm, r.caseId, r.serial, r.subjectCn, r.status])).to.have.deep.members([
      ['user', 'UC-2026-000001', user[0]!.serial, 'Aminah binti Ahmad', 'issued'],
      ['user', 'UC-2026-000002', user[1]!.serial, 'Rahim bin Osman', 'revoked'],
      ['training', 'TC-2026-000001', training.serial, 'Aminah binti Ahmad', 'issued'],
    ]);
    const revoked = rows.find((r) => r.serial === user[1]!.serial)!;
    expect(revoked.revocation).to.deep.equal({ reason: 'keyCompromise', at: revokedAt.toISOString() });
    expect(revoked).to.deep.include({
      profile: 'user',
      notBefore: user[1]!.notBefore.toISOString(),
      notAfter: user[1]!.notAfter.toISOString(),
    });
  });

  it('prints a table by default, one line per certificate, with the revocation reason and time', async () => {
    const { code, stdout } = await caCommand(dataDir, ['list']);
    expect(code).to.equal(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).to.match(/^REALM\s+SERIAL\s+SUBJECT\s+CASE\s+PROFILE\s+NOT BEFORE\s+NOT AFTER\s+ISSUED\s+STATUS\s+REASON\s+REVOKED/);
    for (const c of [...user, training])
      expect(
        lines.filter((l) => l.includes(c.serial)),
        c.serial,
      ).to.have.length(1);
    const revokedLine = lines.find((l) => l.includes(user[1]!.serial))!;
    expect(revokedLine)
      .to.contain('UC-2026-000002')
      .and.contain('revoked')
      .and.contain('keyCompromise')
      .and.contain(revokedAt.toISOString().replace('.000Z', 'Z'));
    expect(lines.at(-1)).to.equal('3 key(s): 2 valid or expired, 1 revoked, 0 intent(s) without a certificate');
  });

  it('lists one realm with --realm, and refuses an unknown realm as a usage error', async () => {
    const { code, stdout } = await caCommand(dataDir, ['list', '--json', '--realm', 'training']);
    expect(code).to.equal(0);
    expect((JSON.parse(stdout) as CaLedgerRow[]).map((r) => r.serial)).to.deep.equal([training.serial]);
    const bad = await caCommand(dataDir, ['list', '--realm', 'production']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('usage: npm run ca -- list');
  });

  it('prints an empty list for a DATA_DIR with no store yet, creating nothing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'gpki-ca-cli-empty-'));
    try {
      const { code, stdout } = await caCommand(empty, ['list', '--json']);
      expect(code).to.equal(0);
      expect(JSON.parse(stdout)).to.deep.equal([]);
      expect(await readdir(empty)).to.deep.equal([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
