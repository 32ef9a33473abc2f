/**
 * B5 memory (BENCHMARKS.md): the resident memory of the bot while 1,000 conversations walk to the
 * middle of the new user-certificate dialog, 50 at a time, and park there.
 *
 * The bot runs as a child process in the embedded default, as `npm start` runs it: the node
 * options and the entry of package.json's start script (the compiled `dist/`, built first), on a
 * fresh DATA_DIR, no REDIS_URL nor MONGODB_URI, so its RSS is its own. B1's load client (b1-client.ts, another child process) walks each conversation through the
 * first 7 turns (`hai` … agency), where the bot asks for the position: a form step. The
 * benchmark reads VmRSS from /proc/<pid>/status every 100 ms.
 *
 * Ceiling: the RSS of the idle bot after its warm-up (50 conversations walked the same way, then a
 * pause). Reported: the peak during the burst and the RSS 30 s after it, both above the idle RSS.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tinyPng } from '../test/support/bot.js';
import { startClient, waitReady } from './b1-turns.js';

export interface B5Result {
  id: 'B5';
  /** Highest RSS during the burst minus the idle RSS, in MB (2^20 bytes). Goal: <= 150. */
  peakRssOverIdleMb: number;
  /** RSS 30 s after the burst minus the idle RSS, in MB. */
  settledRssOverIdleMb: number;
  idleRssMb: number;
  peakRssMb: number;
  settledRssMb: number;
  /** Peak RSS above idle per parked conversation, in KB. */
  peakKbPerConversation: number;
  settledKbPerConversation: number;
  conversations: number;
  concurrency: number;
  /** Turns each conversation takes before it parks (it is then asked for its position). */
  turnsPerConversation: number;
  burstSeconds: number;
  turnsPerSecond: number;
  settleSeconds: number;
  /** 1-minute load average when B5 started. */
  loadAverage: number;
  goalPeakMb: number;
  met: boolean;
}

export interface B5Options {
  conversations?: number;
  settleMs?: number;
  /** Extra node options for the bot (e.g. `--heapsnapshot-signal=SIGUSR2` when profiling). */
  nodeOptions?: string[];
  /** Called with the bot's pid once the burst is over and once settled (profiling hooks). */
  onPhase?: (phase: 'burst-done' | 'settled', pid: number) => Promise<void>;
  log?: (line: string) => void;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONVERSATIONS = 1000;
const CONCURRENCY = 50;
const WARMUP_CONVERSATIONS = 50;
// hai, start, MyKad, name, e-mail, phone, agency: the bot then asks for the position.
const TURNS = 7;
const SAMPLE_MS = 100;
const IDLE_PAUSE_MS = 5000;
const IDLE_WINDOW_MS = 2000;
const SETTLE_MS = 30_000;
const GOAL_PEAK_MB = 150;
const MB = 1024 * 1024;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** VmRSS of `pid` in bytes. */
function rss(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** Samples the RSS every SAMPLE_MS; `since(t)` gives the samples taken from `t` on. */
function sampler(pid: number) {
  const samples: { t: number; rss: number }[] = [];
  const take = () => samples.push({ t: performance.now(), rss: rss(pid) });
  take();
  const timer = setInterval(take, SAMPLE_MS);
  return {
    since: (from: number, to = Infinity) => samples.filter((s) => s.t >= from && s.t <= to).map((s) => s.rss),
    now: () => {
      take();
      return samples[samples.length - 1].rss;
    },
    stop: () => clearInterval(timer),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function stop(bot: ChildProcess): Promise<void> {
  if (bot.exitCode !== null || bot.signalCode !== null) return;
  const exited = new Promise((resolve) => bot.once('exit', resolve));
  bot.kill('SIGTERM');
  const timer = setTimeout(() => bot.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** What package.json's start script gives node after `exec node` (its options and the entry). */
export function startScriptArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  const at = words.indexOf('node');
  if (at < 0) throw new Error(`B5: the start script does not run node: ${pkg.scripts.start}`);
  return words.slice(at + 1);
}

export async function runB5(opts: B5Options = {}): Promise<B5Result> {
  const conversations = opts.conversations ?? CONVERSATIONS;
  const settleMs = opts.settleMs ?? SETTLE_MS;
  const log = opts.log ?? (() => undefined);
  const loadAverage = round(loadavg()[0], 2);
  const dataDir = await mkdtemp(join(tmpdir(), 'gpki-b5-'));
  const port = await freePort();
  // The embedded default: whatever the calling shell has set for Redis or MongoDB stays out.
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  for (const k of Object.keys(env)) if (/^(REDIS_|MONGODB_)/.test(k)) delete env[k];
  execFileSync(process.execPath, ['infra/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  const bot = spawn(process.execPath, [...(opts.nodeOptions ?? []), ...startScriptArgs()], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const died = new Promise<never>((_, reject) =>
    bot.once('exit', (code, signal) => reject(new Error(`the bot exited (${code ?? signal}) during B5`))),
  );
  died.catch(() => undefined);
  const client = startClient();
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitReady(url), died]);
    const pid = bot.pid!;
    const samples = sampler(pid);
    try {
      const job = {
        kind: 'dialog' as const,
        url,
        concurrency: CONCURRENCY,
        userId: 'demo-applicant',
        upload: `data:image/png;base64,${tinyPng().toString('base64')}`,
        steps: TURNS,
      };
      log('B5: warm-up');
      await Promise.race([client.run({ ...job, conversations: WARMUP_CONVERSATIONS }), died]);
      await sleep(IDLE_PAUSE_MS);
      const idleFrom = performance.now();
      await sleep(IDLE_WINDOW_MS);
      const idle = median(samples.since(idleFrom));
      log(`B5: idle RSS ${round(idle / MB)} MB; ${conversations} conversations, ${CONCURRENCY} at a time`);
      const burstFrom = performance.now();
      const burst = await Promise.race([client.run({ ...job, conversations }), died]);
      const burstTo = performance.now();
      const peak = Math.max(...samples.since(burstFrom, burstTo), samples.now());
      await opts.onPhase?.('burst-done', pid);
      log(`B5: peak RSS ${round(peak / MB)} MB; waiting ${settleMs / 1000} s`);
      await Promise.race([sleep(settleMs), died]);
      const settled = samples.now();
      await opts.onPhase?.('settled', pid);
      const turns = burst.latencies.length;
      return {
        id: 'B5',
        peakRssOverIdleMb: round((peak - idle) / MB),
        settledRssOverIdleMb: round((settled - idle) / MB),
        idleRssMb: round(idle / MB),
        peakRssMb: round(peak / MB),
        settledRssMb: round(settled / MB),
        peakKbPerConversation: round((peak - idle) / 1024 / conversations),
        settledKbPerConversation: round((settled - idle) / 1024 / conversations),
        conversations,
        concurrency: CONCURRENCY,
        turnsPerConversation: TURNS,
        burstSeconds: round((burstTo - burstFrom) / 1000, 2),
        turnsPerSecond: round((turns * 1000) / (burstTo - burstFrom)),
        settleSeconds: settleMs / 1000,
        loadAverage,
        goalPeakMb: GOAL_PEAK_MB,
        met: (peak - idle) / MB <= GOAL_PEAK_MB,
      };
    } finally {
      samples.stop();
    }
  } finally {
    await client.close();
    await stop(bot);
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await runB5({ log: (l) => process.stderr.write(`${l}\n`) }))}\n`);
  process.exit(0);
}
