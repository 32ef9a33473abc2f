import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { waitFor } from './wait-for.js';

/** A free TCP port on the loopback interface, for a child process that must be restarted on the same one. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A real child process (the bot, a worker, a Redis server) that a fault test starts, kills with
 * SIGKILL and starts again with the same command and environment.
 */
export class ChildService {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  out = '';

  constructor(
    private readonly command: string,
    private readonly args: string[],
    private readonly env: Record<string, string> = {},
  ) {}

  start(): this {
    this.out = '';
    const child = spawn(this.command, this.args, {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (this.out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.out += c.toString()));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.child = child;
    return this;
  }

  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  /** Kills the process the hard way (no shutdown hooks run) and waits until it is gone. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** Stops the process politely (SIGTERM), then hard after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async waitForOutput(what: string, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    return waitFor(what, () => pattern.exec(this.out) ?? undefined, { timeoutMs, intervalMs: 50 });
  }
}

/** The bot's entry point as `npm start` / `npm run worker` run it. */
export function botProcess(env: Record<string, string>, role: 'all' | 'worker' = 'all'): ChildService {
  return new ChildService(
    process.execPath,
    ['--disable-warning=DEP0111', '--import', 'tsx', 'bot/main.ts', ...(role === 'worker' ? ['--worker'] : [])],
    env,
  );
}

/** A throwaway Redis without persistence (like the machines' own), on its own port. */
export function redisProcess(port: number): ChildService {
  return new ChildService('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {});
}

/** Waits until `url`/readyz answers 200. */
export async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(`${url} to be ready`, async () => (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) })).status === 200, {
    timeoutMs,
    intervalMs: 100,
  });
}
