import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RunningBot } from '../../bot/main.js';
import type { CertificateRecord } from '../../domain/certificates.js';
import { DomainError } from '../../domain/errors.js';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import type { TrainingApplication } from '../../domain/cases/operations.js';
import type { UserCertApplication } from '../../domain/cases/user-certificate.js';
import { submitTrainingApplication } from '../../domain/usecases/training.js';
import { submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import { decideUserCertificate } from '../../domain/usecases/user-certificate-decide.js';
import { removeDir, startTestBot, tinyPng } from './bot.js';
import { Chat } from './chat.js';
import type { TestConnector } from './connector.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

/** A valid user application for `ownerId` (KKM unless patched), with a real PNG as the MyKad copy. */
export async function userApplication(
  bot: RunningBot,
  ownerId: string,
  patch: Partial<UserCertApplication> = {},
): Promise<UserCertApplication> {
  const file = await bot.core.files.put({ ownerId, name: 'ic.png', contentType: 'image/png', bytes: tinyPng() });
  return {
    mykad: '900101145678',
    fullName: 'Aminah binti Hassan',
    email: 'aminah@moh.gov.my',
    phone: '0123456789',
    agencyId: 'KKM',
    position: 'Pegawai F41',
    medium: 'token',
    applications: ['ePerolehan'],
    mykadCopyFileId: file.id,
    declaration: true,
    ...patch,
  };
}

export const trainingApplication = (patch: Partial<TrainingApplication> = {}): TrainingApplication => ({
  fullName: 'Aminah binti Hassan',
  email: 'aminah@moh.gov.my',
  phone: '0123456789',
  agencyId: 'KKM',
  position: 'Pembangun Sistem F41',
  purpose: 'Ujian integrasi ePerolehan',
  declaration: true,
  ...patch,
});

/**
 * A certificate issued the way the first flow issues it (applied, approved by `apId`, issued by
 * the CA job), as the starting point of a renewal, revocation or replacement.
 */
export async function issuedCertificate(
  bot: RunningBot,
  ownerId: string,
  opts: { realm?: 'user' | 'training'; apId?: string; patch?: Partial<UserCertApplication> } = {},
): Promise<{ caseId: string; cert: CertificateRecord }> {
  const r =
    opts.realm === 'training'
      ? await submitTrainingApplication(bot.core, { actorId: ownerId, application: trainingApplication() })
      : await submitUserCertificate(bot.core, ownerId, await userApplication(bot, ownerId, opts.patch));
  if (!r.ok) throw new Error(`submit: ${r.error}`);
  const d = await decideUserCertificate(bot.core, { caseId: r.value.id, actorId: opts.apId ?? 'demo-ap', decision: 'approve' });
  if (!d.ok) throw new Error(`approve: ${d.error}`);
  const serial = await waitFor('the certificate to be issued', async () => (await bot.core.cases.get(r.value.id))?.certificateSerial, {
    timeoutMs: 20_000,
  });
  return { caseId: r.value.id, cert: (await bot.core.certificates.get(serial))! };
}

/** `openssl crl -inform DER -text` of a CRL served over HTTP. */
export async function crlText(url: string): Promise<string> {
  const der = Buffer.from(await (await fetch(url)).arrayBuffer());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-crl-'));
  try {
    writeFileSync(path.join(dir, 'crl.der'), der);
    const { stdout } = await run('openssl', ['crl', '-inform', 'DER', '-in', path.join(dir, 'crl.der'), '-noout', '-text']);
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The reason openssl prints for `serial` in a CRL's text, or undefined when it is not listed. */
export function crlReasonOf(text: string, serial: string): string | undefined {
  const blocks = text.split(/Serial Number:\s*/).slice(1);
  const block = blocks.find((b) => b.trim().split(/\s/)[0]!.toUpperCase().replace(/^0+/, '') === serial.toUpperCase().replace(/^0+/, ''));
  if (!block) return undefined;
  return /CRL Reason Code:\s*\n\s*(.+)/.exec(block)?.[1]?.trim() ?? 'unspecified';
}

/**
 * `openssl verify` of a certificate against a served chain (issuing, then root, PEM), at `at`
 * (default now): tests with an injected clock issue certificates that start in the future.
 */
export async function opensslVerify(chainPem: string, certPem: string, at?: Date): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-verify-'));
  const [issuing, root] = chainPem.split(/(?<=-----END CERTIFICATE-----)\s*/).filter((s) => s.includes('BEGIN'));
  writeFileSync(path.join(dir, 'root.pem'), root!);
  writeFileSync(path.join(dir, 'issuing.pem'), issuing!);
  writeFileSync(path.join(dir, 'cert.pem'), certPem);
  try {
    const atTime = at ? ['-attime', String(Math.floor(at.getTime() / 1000))] : [];
    const { stdout } = await run('openssl', [
      'verify',
      ...atTime,
      '-CAfile',
      path.join(dir, 'root.pem'),
      '-untrusted',
      path.join(dir, 'issuing.pem'),
      path.join(dir, 'cert.pem'),
    ]);
    return { ok: stdout.trim().endsWith(': OK'), output: stdout };
  } catch (e) {
    return { ok: false, output: String((e as { stderr?: string }).stderr ?? e) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl x509 -subject` of a PEM certificate. */
export async function subjectOf(certPem: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-x509-'));
  try {
    writeFileSync(path.join(dir, 'cert.pem'), certPem);
    const { stdout } = await run('openssl', ['x509', '-in', path.join(dir, 'cert.pem'), '-noout', '-subject', '-nameopt', 'utf8']);
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A CA decorator for `startTestBot(..., { decorateCa })`: `failIssues(n)` makes the next `n`
 * issues of the user CA fail as a CA that cannot be reached would (retryable).
 */
export class FlakyCa {
  private failures = 0;
  failIssues(n: number): void {
    this.failures = n;
  }
  get remaining(): number {
    return this.failures;
  }
  readonly decorate = (ca: CertificateAuthority, realm: 'user' | 'training'): CertificateAuthority => {
    if (realm !== 'user') return ca;
    return {
      ready: () => ca.ready(),
      revoke: (serial, reason) => ca.revoke(serial, reason),
      caCertificatesPem: () => ca.caCertificatesPem(),
      crlDer: () => ca.crlDer(),
      issue: async (req) => {
        if (this.failures > 0) {
          this.failures--;
          throw new DomainError('CA_UNAVAILABLE', 'CA not reachable (test)');
        }
        return ca.issue(req);
      },
    };
  };
}

/**
 * The bot with an applicant (demo-applicant) and their AP (demo-ap) who have both used it, so
 * proactive messages reach them: the starting point of every certificate-operation test.
 */
export async function startWithApplicantAndAp(
  connector: TestConnector,
  env: Record<string, string> = {},
  opts: Parameters<typeof startTestBot>[2] = {},
) {
  await connector.start();
  const bot = await startTestBot(env, undefined, opts);
  const applicant = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
  const ap = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-ap' });
  await applicant.say('menu');
  await ap.say('menu');
  return { bot, applicant, ap };
}

/** Stops what `startWithApplicantAndAp` started and removes the bot's data folder. */
export async function stopBotAndConnector(bot: (RunningBot & { dataDir: string }) | undefined, connector: TestConnector): Promise<void> {
  await bot?.close();
  await connector.stop();
  if (bot) removeDir(bot.dataDir);
}
