/**
 * B6 start (BENCHMARKS.md): `npm start` in embedded mode, from spawn until GET /readyz answers
 * 200, once on an empty DATA_DIR (the embedded CA creates its keys then) and once more on the same
 * DATA_DIR, then once with npm's script spawned directly. The ceiling beside it is the start of a
 * bare `node -e ""`. Each start is stopped with SIGTERM sent to the spawned process, as a supervisor
 * would; the bot should exit with code 0. Whether npm passes the signal on is reported, because
 * npm forwards it to `sh -c`, and dash dies of it without passing it to node.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface B6Result {
  id: 'B6';
  command: string;
  /** Seconds from spawn to /readyz = 200 on an empty DATA_DIR (CA keys generated). Goal: <= 3. */
  firstStartSeconds: number;
  /** The same on the DATA_DIR the first start left. Goal: <= 3. */
  secondStartSeconds: number;
  /** The script npm runs, spawned directly, on the same DATA_DIR: npm's own share is the difference. */
  directCommand: string;
  directStartSeconds: number;
  /** CPU seconds all processes of each start had used when /readyz answered 200 (first, second, direct). */
  cpuSecondsToReady: number[];
  /** 1-minute load average when B6 started. */
  loadAverage: number;
  /** Median seconds for `node -e ""` to start and exit. */
  nodeStartSeconds: number;
  firstRatio: number;
  secondRatio: number;
  /** How `npm start` ended after SIGTERM (exit code or signal), and whether the bot outlived it. */
  npmExit: (number | string | null)[];
  npmOrphanedBot: boolean;
  /** The bot's own exit code after SIGTERM when spawned directly (0 expected). */
  directExitCode: number | string | null;
  goalSeconds: number;
  /** The second start's goal, for wall and CPU seconds alike. */
  goalSecondStartSeconds: number;
  met: boolean;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NPM_START = ['npm', 'start'];
/** What package.json's start script runs after `exec node`: its options and the entry (infra/start.cjs, the launcher of the start bundle). */
function startScript(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  const at = words.indexOf('node');
  if (at < 0) throw new Error(`B6: the start script does not run node: ${pkg.scripts.start}`);
  return words.slice(at + 1);
}
const DIRECT = [process.execPath, ...startScript()];
/** Goals (issue figures): the first start (CA keys made) within 3 s, the second within 1.5 s of wall and of CPU time. */
const GOAL_SECONDS = 3;
const GOAL_SECOND_START_SECONDS = 1.5;
const POLL_MS = 20;
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One GET without keep-alive: a refused connection (not listening yet) counts as 0. */
function status(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

interface Stop {
  /** Exit code of the spawned process after SIGTERM, or the signal that ended it. */
  exit: number | string | null;
  /** npm only: the bot was still running after npm had exited (its own SIGTERM never reached it). */
  orphaned: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A timer that does not keep the benchmark's process alive once everything else is done. */
const deadline = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());

/**
 * CPU seconds used so far by every process in the group (Linux /proc; NaN elsewhere). Unlike the
 * wall time, it hardly grows when other work shares the machine, so it shows what a start costs.
 */
function groupCpuSeconds(pgid: number): number {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the command name: state ppid pgrp … utime(14) stime(15) cutime(16) cstime(17).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    }
    return ticks / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** True while any process of the group the benchmark started is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the whole process group is gone; SIGTERMs it (then SIGKILLs it) if it lingers. */
async function reapGroup(pgid: number): Promise<boolean> {
  const lingered = groupAlive(pgid);
  for (const [signal, waitMs] of [
    ['SIGTERM', STOP_TIMEOUT_MS],
    ['SIGKILL', 5000],
  ] as const) {
    if (!groupAlive(pgid)) break;
    try {
      process.kill(-pgid, signal);
    } catch {
      // gone meanwhile
    }
    for (let t = 0; t < waitMs && groupAlive(pgid); t += 50) await sleep(50);
  }
  return lingered;
}

/** Spawns the bot, times it to /readyz = 200, then sends SIGTERM to the spawned process and waits for everything it started to end. */
async function timedStart(cmd: string[], dataDir: string): Promise<{ seconds: number; cpuSeconds: number } & Stop> {
  const port = await freePort();
  const started = performance.now();
  // detached: the child leads its own process group, so whatever it leaves behind can be found and ended.
  const child = spawn(cmd[0], cmd.slice(1), {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      npm_config_update_notifier: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pgid = child.pid!;
  // Kept only to explain a failed start.
  let output = '';
  const keep = (c: Buffer) => void (output = (output + c.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  let exitedEarly = false;
  void exited.then(() => void (exitedEarly = true));
  try {
    let seconds = NaN;
    let cpuSeconds = NaN;
    while (performance.now() - started < START_TIMEOUT_MS && !exitedEarly) {
      if ((await status(`http://127.0.0.1:${port}/readyz`)) === 200) {
        seconds = (performance.now() - started) / 1000;
        cpuSeconds = groupCpuSeconds(pgid);
        break;
      }
      await sleep(POLL_MS);
    }
    if (Number.isNaN(seconds))
      throw new Error(`${cmd.join(' ')} did not become ready (${exitedEarly ? 'it exited' : 'timed out'}); output:\n${output}`);
    child.kill('SIGTERM');
    const exit = await Promise.race([exited, deadline(STOP_TIMEOUT_MS)]);
    if (exit === 'timeout') throw new Error(`${cmd.join(' ')} did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM; output:\n${output}`);
    // Give the bot a moment to drain if the signal reached it; whatever still runs then was orphaned.
    for (let t = 0; t < 2000 && groupAlive(pgid); t += 50) await sleep(50);
    return { seconds, cpuSeconds, exit, orphaned: await reapGroup(pgid) };
  } finally {
    await reapGroup(pgid);
  }
}

/** Median time for a bare node to start and exit: what any `npm start` pays at least. */
async function nodeStart(runs = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await new Promise<void>((resolve, reject) => {
      const c = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
      c.once('error', reject);
      c.once('exit', () => resolve());
    });
    times.push((performance.now() - t) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

export async function runB6(): Promise<B6Result> {
  // `npm start` runs the start bundle in dist/: build it from the source being measured (as `npm install`
  // does). The build empties dist/, so the first start also finds no code cache (dist/.cache) and writes it.
  execFileSync(process.execPath, ['infra/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
  const dataDir = await mkdtemp(join(tmpdir(), 'gpki-b6-'));
  try {
    const loadAverage = loadavg()[0];
    const nodeStartSeconds = await nodeStart();
    const first = await timedStart(NPM_START, dataDir);
    const second = await timedStart(NPM_START, dataDir);
    const direct = await timedStart(DIRECT, dataDir);
    return {
      id: 'B6',
      command: NPM_START.join(' '),
      firstStartSeconds: first.seconds,
      secondStartSeconds: second.seconds,
      directCommand: `node ${DIRECT.slice(1).join(' ')}`,
      directStartSeconds: direct.seconds,
      cpuSecondsToReady: [first.cpuSeconds, second.cpuSeconds, direct.cpuSeconds],
      loadAverage,
      nodeStartSeconds,
      firstRatio: first.seconds / nodeStartSeconds,
      secondRatio: second.seconds / nodeStartSeconds,
      npmExit: [first.exit, second.exit],
      npmOrphanedBot: first.orphaned || second.orphaned,
      directExitCode: direct.exit,
      goalSeconds: GOAL_SECONDS,
      goalSecondStartSeconds: GOAL_SECOND_START_SECONDS,
      met: first.seconds <= GOAL_SECONDS && second.seconds <= GOAL_SECOND_START_SECONDS && second.cpuSeconds <= GOAL_SECOND_START_SECONDS,
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await runB6())}\n`);
}
