/**
 * B2 issue (BENCHMARKS.md): certificates per second the embedded CA issues from RSA-2048 CSRs,
 * and event-loop time per certificate, against raw node:crypto RSA-2048 SHA-256 signatures per
 * second measured in the same run with the same concurrency.
 *
 * The issuing CA signs with RSA-3072, which alone costs about 3x an RSA-2048 signature, so the
 * raw RSA-3072 rate is printed too: `ratioVsIssuingKey` shows the overhead of everything else.
 */
import { generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { caOn, sqliteLedger } from '../test/support/embedded-ca.js';
import { buildCsr } from '../test/support/pki.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface B2Result {
  id: 'B2';
  /** Issued per second / raw RSA-2048 signatures per second. Goal: >= 0.25. */
  ratio: number;
  /** Issued per second / raw signatures per second with the issuing CA's key size (RSA-3072). */
  ratioVsIssuingKey: number;
  issuedPerSecond: number;
  rawRsa2048PerSecond: number;
  rawRsa3072PerSecond: number;
  eventLoopMsPerCertificate: number;
  /** Longest the event loop was held up while issuing (p99 of its delay). */
  eventLoopDelayP99Ms: number;
  concurrency: number;
  goal: number;
}

const CONCURRENCY = 8;
const DURATION_MS = 3000;
const CSR_POOL = 32;

/** Runs `op` with `concurrency` calls in flight for `ms`; returns completions per second. */
async function rate(op: (i: number) => Promise<unknown>, ms: number, concurrency: number): Promise<{ perSecond: number; count: number }> {
  let count = 0;
  let next = 0;
  const start = performance.now();
  const deadline = start + ms;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await op(next++);
      count++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perSecond: (count * 1000) / (performance.now() - start), count };
}

const signAsync = (data: Buffer, key: KeyObject): Promise<Buffer> =>
  new Promise((resolve, reject) => sign('sha256', data, key, (e, s) => (e ? reject(e) : resolve(s))));

async function rawSigningRate(bits: number): Promise<number> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: bits });
  // About the size of a TBSCertificate.
  const data = randomBytes(900);
  return (await rate(() => signAsync(data, privateKey), DURATION_MS, CONCURRENCY)).perSecond;
}

export async function runB2(): Promise<B2Result> {
  const dir = await mkdtemp(join(tmpdir(), 'gpki-b2-'));
  try {
    // The ledger on a WAL file, as in production: each issue is recorded there before it returns.
    const store = sqliteLedger(join(dir, 'gpki.db'));
    const ca = caOn(join(dir, 'ca'), { ledger: store.ledger });
    await ca.ready();
    const csrs = await Promise.all(
      Array.from({ length: CSR_POOL }, async () => buildCsr(await generateKeyPairAsync('rsa', { modulusLength: 2048 }))),
    );
    // Warm-up: JIT and the first ledger append.
    for (let i = 0; i < 20; i++) {
      await ca.issue({
        key: `warm-${i}`,
        profile: 'user',
        subject: { commonName: 'Warm Up' },
        csrPem: csrs[i % CSR_POOL],
        validityDays: 365,
      });
    }
    const rawRsa2048PerSecond = await rawSigningRate(2048);
    const rawRsa3072PerSecond = await rawSigningRate(3072);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const elu = performance.eventLoopUtilization();
    const issued = await rate(
      (i) =>
        ca.issue({
          key: `UC-B2-${i}:issue`,
          profile: 'user',
          subject: { commonName: `Pengguna ${i}`, email: `pengguna${i}@mampu.gov.my`, organization: 'MAMPU' },
          csrPem: csrs[i % CSR_POOL],
          validityDays: 365,
        }),
      DURATION_MS,
      CONCURRENCY,
    );
    const busy = performance.eventLoopUtilization(elu);
    delay.disable();
    await ca.close();
    store.close();
    return {
      id: 'B2',
      ratio: issued.perSecond / rawRsa2048PerSecond,
      ratioVsIssuingKey: issued.perSecond / rawRsa3072PerSecond,
      issuedPerSecond: issued.perSecond,
      rawRsa2048PerSecond,
      rawRsa3072PerSecond,
      eventLoopMsPerCertificate: busy.active / issued.count,
      eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
      concurrency: CONCURRENCY,
      goal: 0.25,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await runB2())}\n`);
}
