/**
 * B6 start (BENCHMARKS.md): `npm start` in embedded mode, from spawn until GET /readyz answers
 * 200, once on an empty DATA_DIR (the embedded CA creates its keys then) and once more on the same
 * DATA_DIR. The ceiling beside it is the start of a bare `node -e ""`. Each start is stopped with
 * SIGTERM and must exit with code 0 (npm passes the signal on and returns the script's code).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
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
  /** Median seconds for `node -e ""` to start and exit. */
  nodeStartSeconds: number;
  firstRatio: number;
  secondRatio: number;
  /** Exit codes after SIGTERM (0 expected). */
  firstExitCode: number | null;
  secondExitCode: number | null;
  goalSeconds: number;
  met: boolean;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COMMAND = 'npm start';
const GOAL_SECONDS = 3;
const POLL_MS = 20;
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

/** Spawns `npm start`, times it to /readyz = 200, then stops it with SIGTERM and returns its exit code. */
async function timedStart(dataDir: string): Promise<{ seconds: number; exitCode: number | null }> {
  const port = await freePort();
  const started = performance.now();
  // detached: the child leads its own process group, so a stuck start can be ended with its script.
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', npm_config_update_notifier: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // Kept only to explain a failed start.
  let output = '';
  const keep = (c: Buffer) => void (output = (output + c.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitedEarly = false;
  void exited.then(() => void (exitedEarly = true));
  try {
    let seconds = NaN;
    while (performance.now() - started < START_TIMEOUT_MS && !exitedEarly) {
      if ((await status(`http://127.0.0.1:${port}/readyz`)) === 200) {
        seconds = (performance.now() - started) / 1000;
        break;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    if (Number.isNaN(seconds)) throw new Error(`${COMMAND} did not become ready (${exitedEarly ? 'it exited' : 'timed out'}); output:\n${output}`);
    child.kill('SIGTERM');
    const exitCode = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS))]);
    if (exitCode === 'timeout') throw new Error(`${COMMAND} did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM; output:\n${output}`);
    return { seconds, exitCode };
  } finally {
    // Only if it is still running (a failure above): end the process group this benchmark started.
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
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
  const dataDir = await mkdtemp(join(tmpdir(), 'gpki-b6-'));
  try {
    const nodeStartSeconds = await nodeStart();
    const first = await timedStart(dataDir);
    const second = await timedStart(dataDir);
    return {
      id: 'B6',
      command: COMMAND,
      firstStartSeconds: first.seconds,
      secondStartSeconds: second.seconds,
      nodeStartSeconds,
      firstRatio: first.seconds / nodeStartSeconds,
      secondRatio: second.seconds / nodeStartSeconds,
      firstExitCode: first.exitCode,
      secondExitCode: second.exitCode,
      goalSeconds: GOAL_SECONDS,
      met: first.seconds <= GOAL_SECONDS && second.seconds <= GOAL_SECONDS && first.exitCode === 0 && second.exitCode === 0,
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await runB6())}\n`);
}
