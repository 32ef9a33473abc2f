/**
 * B1 turns (BENCHMARKS.md): the real bot in embedded mode, 100 conversations each walking the full
 * new user-certificate dialog, 50 conversations at a time over 50 keep-alive connections, replies
 * returned through deliveryMode "expectReplies". Beside it, in the same run and with the same
 * client: (a) a plain restify handler on POST /api/messages, (b) a plain botbuilder echo bot
 * (CloudAdapter, no app id, same restify plugins) — the SDK's own floor for a turn.
 *
 * The servers run on the main thread and the client in a worker thread (b1-client.ts), so each
 * has its own event loop, as with a separate load generator.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import restify, { type Request, type Response, type Server } from 'restify';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { startBot } from '../bot/main.js';
import { loadConfig } from '../infra/config.js';
import { tinyPng } from '../test/support/bot.js';
import type { ClientJob, ClientResult } from './b1-client.js';

export interface B1Result {
  id: 'B1';
  /** Bot turns/s ÷ echo-bot turns/s. Goal: >= 0.5. */
  ratioVsEcho: number;
  botTurnsPerSecond: number;
  botP50Ms: number;
  /** Goal: <= 100 ms. */
  botP99Ms: number;
  botTurns: number;
  echoTurnsPerSecond: number;
  echoP50Ms: number;
  echoP99Ms: number;
  restifyRps: number;
  restifyP99Ms: number;
  /** Bot p99 ÷ the 100 ms goal (<= 1 meets it). */
  p99VsGoal: number;
  conversations: number;
  concurrency: number;
  proactivePosts: number;
  /** p99 per dialog step (1 = 'hai' … 13 = submit), to show where the time goes. */
  stepP99Ms: number[];
  /** Share of wall time the server's event loop was busy while measured: near 1 = server-bound. */
  serverElu: { restify: number; echo: number; bot: number };
  /** The same for the client's thread: near 1 = the client limits the rate. */
  clientElu: { restify: number; echo: number; bot: number };
  goalRatio: number;
  goalP99Ms: number;
  met: boolean;
}

const CONVERSATIONS = 100;
const CONCURRENCY = 50;
const WARMUP_CONVERSATIONS = 20;
// The bot makes 1,300 turns; the ceilings get a few times that so their rates settle.
const ECHO_REQUESTS = 4000;
const RESTIFY_REQUESTS = 15000;
const WARMUP_REQUESTS = 1500;
const GOAL_RATIO = 0.5;
const GOAL_P99_MS = 100;

/** The load client in a worker thread; tsx's hooks are not inherited by workers on Node 20, so it registers them itself. */
interface Client {
  run(job: ClientJob): Promise<ClientResult>;
  /** Runs a measured job and reports how busy each event loop was meanwhile. */
  measure(job: ClientJob): Promise<{ r: ClientResult; s: Stats; serverElu: number; clientElu: number }>;
  close(): Promise<number>;
}

function startClient(): Client {
  const file = new URL('./b1-client.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then((t) => t.tsImport(${JSON.stringify(file)}, ${JSON.stringify(file)}))`, { eval: true });
  let failed: Error | undefined;
  worker.on('error', (e) => void (failed = e));
  const run = (job: ClientJob) =>
    new Promise<ClientResult>((resolve, reject) => {
      if (failed) return reject(failed);
      worker.once('message', (m: { ok: true; result: ClientResult } | { ok: false; error: string }) => (m.ok ? resolve(m.result) : reject(new Error(m.error))));
      worker.once('error', reject);
      worker.postMessage(job);
    });
  return {
    run,
    async measure(job) {
      const server = performance.eventLoopUtilization();
      const client = worker.performance.eventLoopUtilization();
      const r = await run(job);
      return {
        r,
        s: stats(r.latencies, r.elapsedMs),
        serverElu: performance.eventLoopUtilization(server).utilization,
        clientElu: worker.performance.eventLoopUtilization(client).utilization,
      };
    },
    close: () => worker.terminate(),
  };
}

/** The same plugins the bot's server uses, so the ceilings parse bodies as the bot does. */
function restifyServer(): Server {
  const server = restify.createServer({ name: 'bench', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ maxBodySize: 512 * 1024, mapParams: false, rejectUnknown: true }));
  return server;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Stats { perSecond: number; p50: number; p99: number; count: number }

function stats(latencies: number[], elapsedMs: number): Stats {
  const sorted = [...latencies].sort((a, b) => a - b);
  // Nearest-rank percentile.
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  return { perSecond: (sorted.length * 1000) / elapsedMs, p50: at(0.5), p99: at(0.99), count: sorted.length };
}

/** Runs a ceiling server: warm-up, then the measured requests. */
async function ceiling(client: Client, server: Server, requests: number): ReturnType<Client['measure']> {
  const url = await listen(server);
  try {
    await client.run({ kind: 'fixed', url, requests: WARMUP_REQUESTS, concurrency: CONCURRENCY });
    return await client.measure({ kind: 'fixed', url, requests, concurrency: CONCURRENCY });
  } finally {
    server.close();
  }
}

function plainRestify(): Server {
  const server = restifyServer();
  // Callback style: restify 11 rejects a sync handler without `next`.
  server.post('/api/messages', (_req: Request, res: Response, next: () => void) => {
    res.send(200, { ok: true });
    next();
  });
  return server;
}

function echoBot(): Server {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = restifyServer();
  server.post('/api/messages', async (req: Request, res: Response) => {
    await adapter.process(req as never, res as never, async (ctx: TurnContext) => {
      if (ctx.activity.type === 'message') await ctx.sendActivity(`echo: ${ctx.activity.text ?? ''}`);
    });
  });
  return server;
}

/** Polls /readyz: the first start generates the CA keys in the background, which would steal a core. */
async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await new Promise<number>((resolve) => {
      http.get(`${url}/readyz`, { agent: false }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', () => resolve(0));
    });
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`bot at ${url} not ready after ${timeoutMs} ms`);
}

async function measureBot(client: Client): ReturnType<Client['measure']> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gpki-b1-'));
  const bot = await startBot(loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }));
  try {
    await waitReady(bot.url);
    const job = { kind: 'dialog' as const, url: bot.url, concurrency: CONCURRENCY, userId: 'demo-applicant', upload: `data:image/png;base64,${tinyPng().toString('base64')}` };
    await client.run({ ...job, conversations: WARMUP_CONVERSATIONS });
    return await client.measure({ ...job, conversations: CONVERSATIONS });
  } finally {
    await bot.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function runB1(): Promise<B1Result> {
  const client = startClient();
  try {
    const plain = await ceiling(client, plainRestify(), RESTIFY_REQUESTS);
    const echoRun = await ceiling(client, echoBot(), ECHO_REQUESTS);
    const botRun = await measureBot(client);
    const [echo, bot] = [echoRun.s, botRun.s];
    const ratioVsEcho = bot.perSecond / echo.perSecond;
    return {
      id: 'B1',
      ratioVsEcho,
      botTurnsPerSecond: bot.perSecond,
      botP50Ms: bot.p50,
      botP99Ms: bot.p99,
      botTurns: bot.count,
      echoTurnsPerSecond: echo.perSecond,
      echoP50Ms: echo.p50,
      echoP99Ms: echo.p99,
      restifyRps: plain.s.perSecond,
      restifyP99Ms: plain.s.p99,
      p99VsGoal: bot.p99 / GOAL_P99_MS,
      conversations: CONVERSATIONS,
      concurrency: CONCURRENCY,
      proactivePosts: botRun.r.proactivePosts,
      stepP99Ms: botRun.r.byStep.map((l) => stats(l, 1).p99),
      serverElu: { restify: plain.serverElu, echo: echoRun.serverElu, bot: botRun.serverElu },
      clientElu: { restify: plain.clientElu, echo: echoRun.clientElu, bot: botRun.clientElu },
      goalRatio: GOAL_RATIO,
      goalP99Ms: GOAL_P99_MS,
      met: ratioVsEcho >= GOAL_RATIO && bot.p99 <= GOAL_P99_MS,
    };
  } finally {
    await client.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await runB1())}\n`);
}
