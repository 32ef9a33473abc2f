/**
 * B1's load client. It runs in its own process so that building requests and parsing replies
 * neither share the event loop with the server being measured nor count in the server's CPU time.
 *
 * Two jobs: `dialog` walks the full new user-certificate dialog in many conversations and checks
 * every reply, so an off-track dialog fails the benchmark instead of timing error messages;
 * `fixed` posts the same small activity over and over (the ceilings).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export type ClientJob =
  | {
      kind: 'dialog';
      url: string;
      conversations: number;
      concurrency: number;
      /** `{n}` is replaced by the conversation's number */ userId: string;
      /** data: URL of the MyKad copy */ upload: string;
      /** Stop each conversation after this many turns (B5 parks them mid-dialog); default all 13. */ steps?: number;
    }
  | { kind: 'fixed'; url: string; requests: number; concurrency: number };

export interface ClientResult {
  /** Per-request latency in ms, in completion order. */
  latencies: number[];
  /** Dialog only: latencies per step of the script (index 0 = 'hai'), to show which turn is slow. */
  byStep: number[][];
  elapsedMs: number;
  /** Share of the time the client's event loop was busy: near 1 means the client limited the rate. */
  clientElu: number;
  /** Activities the bot posted to the serviceUrl instead of returning them (proactive sends). */
  proactivePosts: number;
}

interface Reply {
  type?: string;
  text?: string;
  attachments?: { contentType?: string }[];
  channelData?: { prompt?: { field?: string } };
}

type Check = (replies: Reply[]) => string | undefined;

/** What the bot must ask next (channelData.prompt.field of the last prompt of the turn). */
const asks =
  (field: string): Check =>
  (r) => {
    const got = [...r].reverse().find((a) => a.channelData?.prompt)?.channelData?.prompt?.field;
    return got === field ? undefined : `expected a prompt for '${field}', got '${got ?? 'no prompt'}'`;
  };
const hasCard: Check = (r) =>
  r.some((a) => a.attachments?.some((x) => x.contentType === 'application/vnd.microsoft.card.adaptive'))
    ? undefined
    : 'expected the menu card';
const hasCaseId: Check = (r) => (r.some((a) => /UC-\d{4}-\d{6}/.test(a.text ?? '')) ? undefined : 'expected a case id after submitting');

/** The full new user-certificate dialog as a channel would send it: 13 turns. */
function script(n: number, png: string): { activity: Record<string, unknown>; check: Check }[] {
  const text = (t: string) => ({ type: 'message', text: t });
  const value = (v: Record<string, unknown>) => ({ type: 'message', value: v });
  return [
    { activity: text('hai'), check: hasCard },
    { activity: value({ verb: 'start', goal: 'newUserCert' }), check: asks('mykad') },
    { activity: text('900101-14-5678'), check: asks('fullName') },
    { activity: text(`Pemohon Penanda Aras ${n}`), check: asks('email') },
    { activity: text(`pemohon${n}@moh.gov.my`), check: asks('phone') },
    { activity: text('012-345 6789'), check: asks('agency') },
    { activity: text('Kementerian Kesihatan Malaysia'), check: asks('position') },
    { activity: text('Pegawai Teknologi Maklumat F41'), check: asks('medium') },
    { activity: text('Token'), check: asks('applications') },
    { activity: text('ePerolehan'), check: asks('mykadCopy') },
    {
      activity: { type: 'message', attachments: [{ name: 'mykad.png', contentType: 'image/png', contentUrl: png }] },
      check: asks('declaration'),
    },
    { activity: text('ya'), check: asks('confirm') },
    { activity: value({ verb: 'answer', field: 'confirm', choice: 'submit' }), check: hasCaseId },
  ];
}

function activity(serviceUrl: string, conversationId: string, userId: string, body: Record<string, unknown>): string {
  return JSON.stringify({
    id: randomUUID(),
    channelId: 'bench',
    serviceUrl,
    from: { id: userId, name: userId },
    recipient: { id: 'gpki-bot' },
    conversation: { id: conversationId },
    timestamp: new Date().toISOString(),
    deliveryMode: 'expectReplies',
    ...body,
  });
}

/** POSTs JSON over the keep-alive agent; resolves with the status, the body and the latency. */
function post(agent: http.Agent, url: URL, body: string): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A stand-in connector: absorbs anything the bot sends proactively (it should be rare). */
async function startSink(): Promise<{ url: string; posts: () => number; close: () => Promise<void> }> {
  let posts = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts++;
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: `p${posts}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, posts: () => posts, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Runs `count` tasks with at most `concurrency` in flight. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/**
 * Opens the job's `concurrency` keep-alive connections before its clock starts: one GET each, all
 * at once (any answer will do). A job measures turns on open connections, the bot's and the
 * ceilings' alike. Opened during the run, each new connection waited for the server to accept it,
 * which a busy server does once per event-loop turn: the first turns of the bot's run (not the
 * ceilings', whose server is idle between requests) waited up to ~0.7 s for their connection.
 */
async function openConnections(agent: http.Agent, url: URL, count: number): Promise<void> {
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const req = http.request(url, { method: 'GET', agent }, (res) => {
            res.resume();
            res.on('end', resolve);
            res.on('error', reject);
          });
          req.on('error', reject);
          req.end();
        }),
    ),
  );
}

async function run(job: ClientJob): Promise<ClientResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const sink = await startSink();
  const target = new URL('/api/messages', job.url);
  await openConnections(agent, new URL('/healthz', job.url), job.concurrency);
  const latencies: number[] = [];
  const byStep: number[][] = [];
  const started = performance.now();
  const elu = performance.eventLoopUtilization();
  try {
    if (job.kind === 'dialog') {
      const tag = randomUUID().slice(0, 8);
      await pool(job.conversations, job.concurrency, async (n) => {
        const conversationId = `bench-${tag}-${n}`;
        for (const [step, { activity: body, check }] of script(n, job.upload).slice(0, job.steps).entries()) {
          const res = await post(agent, target, activity(sink.url, conversationId, job.userId.replace('{n}', `${tag}-${n}`), body));
          latencies.push(res.ms);
          (byStep[step] ??= []).push(res.ms);
          const replies = res.status === 200 ? ((JSON.parse(res.body) as { activities?: Reply[] }).activities ?? []) : [];
          const problem = res.status === 200 ? check(replies) : `HTTP ${res.status}`;
          if (problem) {
            const said = replies
              .map((a) => a.text)
              .filter(Boolean)
              .join(' | ')
              .slice(0, 300);
            throw new Error(
              `dialog off track in ${conversationId} at step ${step + 1} (${JSON.stringify(body).slice(0, 80)}): ${problem}; bot said: ${said || '(nothing)'}`,
            );
          }
        }
      });
    } else {
      const body = activity(sink.url, 'bench-fixed', 'bench-user', { type: 'message', text: 'hai' });
      await pool(job.requests, job.concurrency, async () => {
        const res = await post(agent, target, body);
        if (res.status !== 200) throw new Error(`ceiling answered HTTP ${res.status}: ${res.body.slice(0, 200)}`);
        latencies.push(res.ms);
      });
    }
    return {
      latencies,
      byStep,
      elapsedMs: performance.now() - started,
      clientElu: performance.eventLoopUtilization(elu).utilization,
      proactivePosts: sink.posts(),
    };
  } finally {
    agent.destroy();
    await sink.close();
  }
}

process.on('message', (job: ClientJob) => {
  run(job).then(
    (result) => process.send!({ ok: true, result }),
    (e: unknown) => process.send!({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
// The benchmark ends the client by closing the channel.
process.on('disconnect', () => process.exit(0));
