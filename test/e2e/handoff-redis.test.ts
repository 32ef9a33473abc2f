import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { connectMongo } from '../../infra/store/mongo/index.js';
import { waitFor } from '../support/wait-for.js';
import { inCi } from '../contract/harness.js';
import { removeDir, startTestBot } from '../support/bot.js';
import { askedField, Chat, texts } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD, ConsoleClient, setPasswordByCommand } from '../support/console.js';
import { deleteKeys, REDIS_URL, redisReachable } from '../support/redis.js';

const redisUp = await redisReachable();
const MONGODB_URI = process.env.MONGODB_URI;

interface Instances {
  a: { url: string };
  b: { url: string };
  /** What `npm run agent:password` needs to reach the same store. */
  storeEnv: Record<string, string>;
  close(): Promise<void>;
}

/** Embedded: two servers in this process on one DATA_DIR (the SQLite store belongs to one process). */
async function inProcess(env: Record<string, string>): Promise<Instances> {
  const a = await startTestBot(env);
  const b = await startTestBot(env, a.dataDir);
  return {
    a,
    b,
    storeEnv: { DATA_DIR: a.dataDir },
    close: async () => {
      await b.close();
      await a.close();
      removeDir(a.dataDir);
    },
  };
}

/** With MONGODB_URI: two real processes, each its own DATA_DIR, sharing MongoDB and Redis only. */
async function twoProcesses(env: Record<string, string>): Promise<Instances> {
  const dbName = `gpki_handoff_${randomUUID().slice(0, 8)}`;
  const shared = {
    ...env,
    MONGODB_URI: MONGODB_URI!,
    MONGODB_DB: dbName,
    PORT: '0',
    LOG_LEVEL: 'info',
    DIRECTORY_SEED: fileURLToPath(new URL('../../infra/seed/demo-directory.json', import.meta.url)),
    CONSOLE_SECRET: randomUUID(),
    FILE_LINK_SECRET: randomUUID(),
    DIRECTLINE_SECRET: randomUUID(),
    KEY_ESCROW_SECRET: randomUUID(),
    CA_KEY_SECRET: randomUUID(),
  };
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const start = async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-handoff-proc-'));
    dirs.push(dir);
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'bot/main.ts'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...shared, DATA_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const url = await waitFor('listening log line', () => /"url":"(http:[^"]+)"/.exec(out)?.[1], { timeoutMs: 60_000 });
    await waitFor('readiness', async () => (await fetch(`${url}/readyz`)).status === 200, { timeoutMs: 60_000 });
    return { url };
  };
  const a = await start();
  const b = await start();
  return {
    a,
    b,
    storeEnv: { ...shared, DATA_DIR: dirs[0] },
    close: async () => {
      await Promise.all(
        children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGTERM'))))),
      );
      for (const d of dirs) removeDir(d);
      const conn = await connectMongo({ uri: MONGODB_URI!, dbName });
      await conn.dropDatabase();
      await conn.close();
    },
  };
}

/**
 * Two bot instances that share one store and reach each other only through Redis: two processes
 * on MongoDB when MONGODB_URI is set, otherwise two servers in this process on one embedded
 * SQLite file (the embedded store belongs to one process). The agent works on A; the user's turns
 * arrive at B.
 */
describe(`e2e: an agent on one instance serves a user on another, over Redis (${REDIS_URL}, ${MONGODB_URI ? 'two processes on MongoDB' : 'two servers on one embedded store'})`, function () {
  if (!redisUp) {
    if (inCi()) it('Redis is reachable', () => void expect.fail(`Redis is required in CI (CI=true) but does not answer at ${REDIS_URL}`));
    else it(`SKIPPED: Redis not reachable at ${REDIS_URL}`);
    return;
  }
  this.timeout(90_000);
  const prefix = `gpki-test-handoff-${randomUUID().slice(0, 8)}`;
  const connector = new TestConnector();
  let run: Instances;
  let a: Instances['a'];
  let b: Instances['b'];
  let desk: ConsoleClient;

  before(async () => {
    await connector.start();
    const env = { REDIS_URL, QUEUE_PREFIX: prefix, AGENT_HOURS: 'always' };
    run = MONGODB_URI ? await twoProcesses(env) : await inProcess(env);
    ({ a, b } = run);
    const set = await setPasswordByCommand(run.storeEnv, AGENT_EMAIL, AGENT_PASSWORD);
    expect(set.code, set.stderr).to.equal(0);
    desk = await ConsoleClient.signIn(a.url, AGENT_EMAIL, AGENT_PASSWORD);
    await desk.listen();
  });
  after(async () => {
    desk?.close();
    await run?.close();
    await connector.stop();
    await deleteKeys(prefix);
  });

  it('queues on B, is taken on A, relays both ways and hands back to the dialog on B', async () => {
    const user = new Chat({ botUrl: () => b.url, connector, userId: 'demo-applicant', channelId: 'msteams' });
    await user.submit({ verb: 'start', goal: 'newUserCert' });
    await user.say('900101-14-5678');
    let r = await user.say('ejen');
    expect(texts(r)).to.contain('tempat ke-1 dalam giliran');
    // The queue change made on B reaches the console stream held by A.
    await desk.waitForEvent('the queue change from B', (e) => e.type === 'queue');
    expect((await desk.call('POST', desk.conversation(user.conversationId, '/take'))).status).to.equal(200);
    await user.waitFor('the takeover notice', (x) => (x.text ?? '').includes(`${AGENT_NAME} (Ejen Meja Bantuan) kini bersama anda`));

    // B sees A's ownership in the shared store and stays silent; the message reaches A's console via Redis.
    r = await user.say('nama saya ada huruf khas');
    expect(r).to.deep.equal([]);
    await desk.waitForEvent(
      'the user message from B',
      (e) => e.type === 'message' && e.from === 'user' && e.text === 'nama saya ada huruf khas',
    );
    await desk.call('POST', desk.conversation(user.conversationId, '/messages'), { text: 'Tiada masalah, teruskan.' });
    await user.waitFor('the agent message from A', (x) => x.text === `${AGENT_NAME} (Ejen Meja Bantuan): Tiada masalah, teruskan.`);
    const fixed = await desk.call('POST', desk.conversation(user.conversationId, '/fields'), { field: 'mykad', value: '900101-14-5679' });
    expect(fixed.status).to.equal(200);

    expect((await desk.call('POST', desk.conversation(user.conversationId, '/handback'))).status).to.equal(200);
    await user.waitFor('the re-asked name', (x) => x.channelData?.prompt?.field === 'fullName');
    // The next turn, on B, continues the dialog with the corrected data.
    r = await user.say('Aminah binti Hassan');
    expect(askedField(r)).to.equal('email');
    const view = (await desk.call('GET', desk.conversation(user.conversationId))).json;
    expect(view.form.values).to.deep.include({ mykad: '9001******79', fullName: 'Aminah binti Hassan' });
  });
});
