/**
 * B3 jobs (BENCHMARKS.md): CA-issue jobs through BullMQ and our processors against one Redis, and
 * the in-process runner on the same work; beside them, no-op BullMQ jobs on the same Redis at the
 * same concurrency (the ceiling).
 *
 * One CA-issue job is the whole work of an approved case: the `ca/issue` job runs the real
 * processor (jobs/processors.ts → issueCertificate), the embedded CA issues the certificate, it is
 * stored and recorded on the case, and the holder's `certificateIssued` notice goes through the
 * `notify` queue (QueuedNotifier → `notify/deliver` job) to a local notification sink. A job counts
 * as done when the sink has the holder's notice, so each CA-issue job is two BullMQ jobs.
 *
 * Every run drains a backlog: the jobs are enqueued first, then the workers start, and the clock
 * runs from start() until the last one is done. The approved cases are prepared beforehand through
 * the real use cases (submit, then the AP's approval), with the enqueued `ca/issue` jobs captured
 * instead of queued, so the measured runs see only the issuing work.
 *
 * Redis: REDIS_URL or 127.0.0.1:6379; every key goes under a prefix of its own, deleted at the end.
 */
import { generateKeyPair, randomBytes, randomUUID, sign } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Job, JobHandler, JobScheduler, JobSpec, QueueName } from '../domain/ports/job-scheduler.js';
import type { Notification, NotificationChannel } from '../domain/ports/notifier.js';
import type { CoreDeps } from '../domain/usecases/deps.js';
import { submitUserCertificate } from '../domain/usecases/user-certificate-apply.js';
import { decideUserCertificate } from '../domain/usecases/user-certificate-decide.js';
import type { EmbeddedCertificateAuthority } from '../infra/ca/embedded-ca.js';
import { loadDirectorySeed } from '../infra/directory-seed.js';
import { BullMqJobScheduler } from '../infra/queue/bullmq.js';
import { InlineJobScheduler } from '../infra/queue/inline.js';
import { SqliteCaLedger } from '../infra/store/embedded/ca-ledger.js';
import { createEmbeddedStore, type EmbeddedStore } from '../infra/store/embedded/index.js';
import { JOBS } from '../jobs/names.js';
import { processors, registerProcessors } from '../jobs/processors.js';
import { tinyPng } from '../test/support/bot.js';
import { coreDepsOn } from '../test/support/core-deps.js';
import { caOn } from '../test/support/embedded-ca.js';
import { deleteKeys, redisReachable, REDIS_URL } from '../test/support/redis.js';

export interface B3Result {
  id: 'B3';
  /** CA-issue jobs/s through BullMQ ÷ no-op BullMQ jobs/s. Goal: >= 0.5. */
  ratio: number;
  caJobsPerSecondBullmq: number;
  noopJobsPerSecondBullmq: number;
  /** The same CA-issue work on the in-process runner (SQLite `jobs` table), same concurrency. */
  caJobsPerSecondInline: number;
  /** In-process CA-issue jobs/s ÷ no-op BullMQ jobs/s, for comparison. */
  inlineRatio: number;
  /** BullMQ jobs that only make one RSA-3072 signature (the issuing key's size), per second. */
  signatureJobsPerSecondBullmq: number;
  /**
   * Those jobs/s ÷ no-op jobs/s: the most `ratio` could be for a job that signs a certificate at
   * all, before its key pair, its records, and its notice (a second queue job).
   */
  signatureFloorRatio: number;
  /** CA-issue jobs per run (each run its own approved cases) and no-op jobs. */
  caJobs: number;
  noopJobs: number;
  /** Jobs each BullMQ worker (and the in-process runner) runs at once: the bot's BullMQ setting. */
  concurrency: number;
  /** Cases checked after each CA run: issued, stored, recorded on the case, holder told (BullMQ, in-process). */
  verified: { bullmq: number; inline: number };
  /**
   * CPU time of this process (every thread: the CA's key generation and signing run on libuv's
   * pool) per job, in ms: CA-issue jobs on BullMQ, and no-op jobs. Redis's own CPU is not in it.
   */
  cpuMsPerCaJob: number;
  cpuMsPerNoopJob: number;
  /** 1-minute load average when B3 started. */
  loadAverage: number;
  redisUrl: string;
  /** Every Redis key B3 wrote was under `<redisPrefix>:`, deleted before it returned. */
  redisPrefix: string;
  goal: number;
  met: boolean;
}

export interface B3Options {
  caJobs?: number;
  noopJobs?: number;
  concurrency?: number;
  warmupCaJobs?: number;
  /** Called with the store, the CA and the measured runs' case ids before they are removed (the smoke test looks at them). */
  inspect?: (run: {
    store: EmbeddedStore;
    ca: EmbeddedCertificateAuthority;
    caseIds: { bullmq: string[]; inline: string[] };
  }) => Promise<void>;
  /** Written to with a line per phase (the benchmark itself is quiet). */
  log?: (line: string) => void;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Each user certificate costs the CA a throwaway RSA-2048 key pair (no CSR for tokens) plus an
// RSA-3072 signature, so a CA-issue job is far slower than a no-op; the counts differ to keep both
// runs a few seconds long.
const CA_JOBS = 48;
const NOOP_JOBS = 2000;
const WARMUP_CA_JOBS = 8;
const WARMUP_NOOP_JOBS = 200;
// bot/runtime.ts runs BullMQ workers at concurrency 4.
const CONCURRENCY = 4;
const GOAL = 0.5;
const RUN_TIMEOUT_MS = 300_000;
const generateKeyPairAsync = promisify(generateKeyPair);

/** The edge's side of notification delivery: counts each holder's `certificateIssued` and wakes a waiter. */
class NotificationSink implements NotificationChannel {
  readonly issued = new Map<string, string>();
  private waiter?: { count: number; resolve: () => void };

  async deliver(_personId: string, n: Notification): Promise<'delivered'> {
    if (n.type === 'certificateIssued') {
      this.issued.set(n.caseId, n.serial);
      if (this.waiter && this.issued.size >= this.waiter.count) this.waiter.resolve();
    }
    return 'delivered';
  }

  until(count: number): Promise<void> {
    if (this.issued.size >= count) return Promise.resolve();
    return new Promise((resolve) => void (this.waiter = { count, resolve }));
  }
}

/** Takes the use cases' enqueues while cases are prepared, so nothing runs until the measured run. */
class CapturingScheduler implements JobScheduler {
  readonly specs: JobSpec[] = [];
  async enqueue(spec: JobSpec) {
    this.specs.push(spec);
    return { id: spec.key, duplicate: false };
  }
  process(_queue: QueueName, _handler: JobHandler): void {}
  async start() {}
  async close() {}
  async counts() {
    return { waiting: 0, delayed: 0, active: 0, completed: 0, failed: 0 };
  }
  async pruneFinished() {
    return 0;
  }
}

function withTimeout<T>(p: Promise<T>, what: string, ms = RUN_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done after ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

interface Fixture {
  store: EmbeddedStore;
  ca: EmbeddedCertificateAuthority;
  dbFile: string;
}

/** Approved user-certificate cases (status DIHANTAR_KE_CA), each with its captured `ca/issue` job. */
async function approvedCases(f: Fixture, count: number): Promise<JobSpec[]> {
  const capture = new CapturingScheduler();
  const deps = coreDepsOn(f.store, capture, { ca: f.ca });
  for (let i = 0; i < count; i++) {
    const file = await deps.files.put({ ownerId: 'demo-applicant', name: 'ic.png', contentType: 'image/png', bytes: tinyPng() });
    const submitted = await submitUserCertificate(deps, 'demo-applicant', {
      mykad: '900101145678',
      fullName: `Pemohon Penanda Aras ${i}`,
      email: `pemohon${i}@moh.gov.my`,
      phone: '0123456789',
      agencyId: 'KKM',
      position: 'Pegawai Teknologi Maklumat F41',
      medium: 'token',
      applications: ['ePerolehan'],
      mykadCopyFileId: file.id,
      declaration: true,
    });
    if (!submitted.ok) throw new Error(`B3 set-up: submit refused: ${submitted.error}`);
    const approved = await decideUserCertificate(deps, { caseId: submitted.value.id, actorId: 'demo-ap', decision: 'approve' });
    if (!approved.ok) throw new Error(`B3 set-up: approval refused: ${approved.error}`);
  }
  const issue = capture.specs.filter((s) => s.queue === JOBS.caIssue.queue && s.name === JOBS.caIssue.name);
  if (issue.length !== count) throw new Error(`B3 set-up: expected ${count} ca/issue jobs, the approvals enqueued ${issue.length}`);
  return issue;
}

/** Each case of `specs` is issued, its certificate stored against the holder, and the holder was told that serial. */
async function verify(f: Fixture, specs: JobSpec[], sink: NotificationSink): Promise<number> {
  let ok = 0;
  for (const spec of specs) {
    const caseId = spec.payload.caseId as string;
    const c = await f.store.cases.get(caseId);
    const serial = c?.certificateSerial;
    const cert = serial ? await f.store.certificates.get(serial) : undefined;
    const good =
      c?.status === 'DIKELUARKAN' &&
      cert?.caseId === caseId &&
      cert.ownerId === 'demo-applicant' &&
      cert.certPem.includes('BEGIN CERTIFICATE') &&
      sink.issued.get(caseId) === serial;
    if (!good)
      throw new Error(
        `B3: case ${caseId} not issued as expected (status ${c?.status}, serial ${serial ?? 'none'}, stored ${Boolean(cert)}, notified ${sink.issued.get(caseId) ?? 'no'})`,
      );
    ok++;
  }
  return ok;
}

interface Drained {
  perSecond: number;
  ms: number;
  cpuMs: number;
}

/** Enqueues every job, starts the workers, and times until `done` resolves. */
async function drain(jobs: JobScheduler, specs: JobSpec[], done: Promise<void>, what: string): Promise<Drained> {
  for (const spec of specs) {
    const r = await jobs.enqueue(spec);
    if (r.duplicate) throw new Error(`${what}: job ${spec.key} was taken as a duplicate`);
  }
  const cpu = process.cpuUsage();
  const started = performance.now();
  await jobs.start();
  await withTimeout(done, what);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { perSecond: (specs.length * 1000) / ms, ms, cpuMs: (used.user + used.system) / 1000 };
}

/** CA-issue jobs for `specs` on `jobs` through the real processors; returns the rate and how many cases checked out. */
async function caRun(f: Fixture, jobs: JobScheduler, specs: JobSpec[], what: string): Promise<Drained & { verified: number }> {
  const sink = new NotificationSink();
  const deps: CoreDeps = coreDepsOn(f.store, jobs, { ca: f.ca });
  registerProcessors(jobs, processors({ core: deps, channel: sink }));
  try {
    const r = await drain(jobs, specs, sink.until(specs.length), what);
    const counts = await jobs.counts('ca');
    if (counts.failed > 0) throw new Error(`${what}: ${counts.failed} ca jobs failed`);
    return { ...r, verified: await verify(f, specs, sink) };
  } finally {
    await jobs.close();
  }
}

/**
 * No-op jobs on `jobs`, through the same registration and dispatch as the processors; with `work`,
 * jobs that do only that (the signature floor below).
 */
async function noopRun(jobs: JobScheduler, count: number, tag: string, work?: () => Promise<unknown>): Promise<Drained> {
  let ran = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => void (resolve = r));
  const noop = async (_job: Job) => {
    if (work) await work();
    if (++ran === count) resolve();
  };
  registerProcessors(jobs, { ca: { noop } });
  const specs: JobSpec[] = Array.from({ length: count }, (_, i) => ({
    queue: 'ca',
    name: 'noop',
    payload: { i },
    key: `noop:${tag}:${i}`,
  }));
  try {
    return await drain(jobs, specs, done, `no-op jobs (${tag})`);
  } finally {
    await jobs.close();
  }
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function runB3(opts: B3Options = {}): Promise<B3Result> {
  const caJobs = opts.caJobs ?? CA_JOBS;
  const noopJobs = opts.noopJobs ?? NOOP_JOBS;
  const concurrency = opts.concurrency ?? CONCURRENCY;
  const warmupCaJobs = opts.warmupCaJobs ?? WARMUP_CA_JOBS;
  const log = opts.log ?? (() => undefined);
  const loadAverage = round(loadavg()[0], 2);
  if (!(await redisReachable())) throw new Error(`B3 needs Redis: nothing answers at ${REDIS_URL} (set REDIS_URL)`);
  const dir = await mkdtemp(join(tmpdir(), 'gpki-b3-'));
  const prefix = `gpki-bench-b3-${randomUUID().slice(0, 8)}`;
  const bull = (run: string) => new BullMqJobScheduler({ connection: REDIS_URL, prefix: `${prefix}:${run}`, concurrency });
  const dbFile = join(dir, 'gpki.db');
  const store = createEmbeddedStore({ file: dbFile, filesDir: join(dir, 'files') });
  // The CA on the store's own ledger, as in the embedded mode (bot/runtime.ts).
  const ca = caOn(join(dir, 'ca'), { ledger: new SqliteCaLedger({ db: store.db }) });
  const f: Fixture = { store, ca, dbFile };
  try {
    await loadDirectorySeed(store.directory, JSON.parse(await readFile(join(ROOT, 'infra/seed/demo-directory.json'), 'utf8')));
    log('B3: creating the CA keys');
    await ca.ready();
    log(`B3: approving ${2 * caJobs + warmupCaJobs} cases`);
    const warmSpecs = await approvedCases(f, warmupCaJobs);
    const bullSpecs = await approvedCases(f, caJobs);
    const inlineSpecs = await approvedCases(f, caJobs);

    // Warm-up of both paths (JIT, the CA's first ledger writes, Redis connections' scripts).
    log('B3: warm-up');
    await caRun(f, bull('warm-ca'), warmSpecs, 'warm-up CA jobs');
    await noopRun(bull('warm-noop'), WARMUP_NOOP_JOBS, 'warm');

    log(`B3: ${noopJobs} no-op jobs on BullMQ`);
    const noopBefore = await noopRun(bull('noop-1'), noopJobs, 'before');
    log(`B3: ${caJobs} CA-issue jobs on BullMQ`);
    const caBull = await caRun(f, bull('ca'), bullSpecs, 'CA-issue jobs on BullMQ');
    log(`B3: ${noopJobs} no-op jobs on BullMQ again`);
    const noopAfter = await noopRun(bull('noop-2'), noopJobs, 'after');
    // The floor under any CA-issue job: one RSA-3072 signature (the issuing key's size) on the
    // thread pool, as the CA signs, and nothing else; no key pair, no store, no notice.
    log(`B3: ${noopJobs} jobs that each make one RSA-3072 signature, on BullMQ`);
    const signingKey = (await generateKeyPairAsync('rsa', { modulusLength: 3072 })).privateKey;
    const tbs = randomBytes(1200);
    const signOnce = () => new Promise((resolve, reject) => sign('sha256', tbs, signingKey, (e, sig) => (e ? reject(e) : resolve(sig))));
    const signOnly = await noopRun(bull('sign'), noopJobs, 'sign', signOnce);
    log(`B3: ${caJobs} CA-issue jobs on the in-process runner`);
    // The in-process runner on the store's SQLite file, as in the embedded mode.
    const caInline = await caRun(f, new InlineJobScheduler({ file: dbFile, concurrency }), inlineSpecs, 'CA-issue jobs in process');

    // The ceiling is the mean of the no-op runs before and after, so drift in the machine's load evens out.
    const caseIds = (specs: JobSpec[]) => specs.map((s) => s.payload.caseId as string);
    await opts.inspect?.({ store, ca, caseIds: { bullmq: caseIds(bullSpecs), inline: caseIds(inlineSpecs) } });
    const noopPerSecond = (noopBefore.perSecond + noopAfter.perSecond) / 2;
    const ratio = caBull.perSecond / noopPerSecond;
    return {
      id: 'B3',
      ratio: round(ratio, 4),
      caJobsPerSecondBullmq: round(caBull.perSecond, 2),
      noopJobsPerSecondBullmq: round(noopPerSecond),
      caJobsPerSecondInline: round(caInline.perSecond, 2),
      inlineRatio: round(caInline.perSecond / noopPerSecond, 4),
      signatureJobsPerSecondBullmq: round(signOnly.perSecond),
      signatureFloorRatio: round(signOnly.perSecond / noopPerSecond, 4),
      caJobs,
      noopJobs,
      concurrency,
      verified: { bullmq: caBull.verified, inline: caInline.verified },
      cpuMsPerCaJob: round(caBull.cpuMs / caJobs, 2),
      cpuMsPerNoopJob: round((noopBefore.cpuMs + noopAfter.cpuMs) / (2 * noopJobs), 3),
      loadAverage,
      redisUrl: REDIS_URL,
      redisPrefix: prefix,
      goal: GOAL,
      met: ratio >= GOAL,
    };
  } finally {
    await ca.close();
    await store.close();
    await deleteKeys(prefix).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await runB3({ log: (l) => process.stderr.write(`${l}\n`) }))}\n`);
  process.exit(0);
}
