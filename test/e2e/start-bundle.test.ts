import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { removeDir } from '../support/bot.js';
import { freePort } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';

/**
 * `npm start` runs the start bundle (dist/start.cjs, one CommonJS file of bot/main.ts and most of
 * its packages) through infra/start.cjs, which compiles it with a V8 code cache kept in
 * dist/.cache. The unit and e2e tests run the TypeScript source, so this is the test of the
 * bundled code: it starts the bot exactly as the start script does, walks a turn, and checks that
 * the first start writes the cache and the second one uses it.
 */
describe('e2e: the start bundle (npm start)', function () {
  this.timeout(180_000);

  const cacheDir = path.join('dist', '.cache');
  let dataDir: string;

  /** What package.json's start script gives node after `exec node`: its options and the launcher. */
  function startArgs(): string[] {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
    const words = pkg.scripts.start.trim().split(/\s+/);
    expect(words.slice(0, 2), pkg.scripts.start).to.deep.equal(['exec', 'node']);
    return words.slice(2);
  }

  before(async () => {
    await promisify(execFile)(process.execPath, ['infra/build.mjs']);
    expect(existsSync('dist/start.cjs'), 'npm run build wrote dist/start.cjs').to.equal(true);
    expect(existsSync(cacheDir), 'a new build starts without a code cache').to.equal(false);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gpki-bundle-'));
  });

  after(() => removeDir(dataDir));

  async function start(): Promise<{ url: string; child: ChildProcess; err: () => string; exited: Promise<number | string | null> }> {
    const port = await freePort();
    const child = spawn(process.execPath, startArgs(), {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        START_CACHE_DEBUG: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stdout!.resume();
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
    const url = `http://127.0.0.1:${port}`;
    let gone = false;
    void exited.then(() => (gone = true));
    await waitFor(
      'readiness',
      async () => {
        if (gone) throw new Error(`the bot exited:\n${err}`);
        return (await fetch(`${url}/readyz`)).status === 200;
      },
      { timeoutMs: 120_000, intervalMs: 50 },
    );
    return { url, child, err: () => err, exited };
  }

  async function stop(p: { child: ChildProcess; exited: Promise<number | string | null>; err: () => string }): Promise<void> {
    p.child.kill('SIGTERM');
    expect(await p.exited, p.err()).to.equal(0);
  }

  function cacheFiles(): string[] {
    return existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith('.bin')) : [];
  }

  it('starts, answers a turn, serves the web pages, writes its code cache, and stops with 0 on SIGTERM', async () => {
    const p = await start();
    try {
      expect(p.err()).to.match(/start cache: none at /);
      const res = await fetch(`${p.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: 'm1',
          channelId: 'test',
          from: { id: 'demo-applicant' },
          conversation: { id: 'c-bundle-1' },
          recipient: { id: 'b' },
          text: 'hello',
          locale: 'en-MY',
          deliveryMode: 'expectReplies',
          serviceUrl: 'http://127.0.0.1:9',
        }),
      });
      expect(res.status).to.equal(200);
      const { activities } = (await res.json()) as { activities: { type: string; text?: string; attachments?: unknown[] }[] };
      const replies = activities.filter((a) => a.type === 'message');
      expect(replies, JSON.stringify(activities)).to.not.be.empty;
      expect(replies.some((a) => Boolean(a.text) || (a.attachments?.length ?? 0) > 0)).to.equal(true);
      // Files found from the project folder (APP_ROOT) and through createRequire (botframework-webchat).
      expect((await fetch(`${p.url}/chat`)).status).to.equal(200);
      const webchat = await fetch(`${p.url}/web/webchat.js`);
      expect(webchat.status).to.equal(200);
      expect((await webchat.arrayBuffer()).byteLength).to.be.greaterThan(1_000_000);
    } finally {
      await stop(p);
    }
    expect(p.err()).to.match(/start cache: wrote /);
    expect(p.err()).not.to.match(/DeprecationWarning/);
    expect(cacheFiles()).to.have.length(1);
  });

  it('walks a whole guided dialog in the bundle: choices by number and by text, a lodged ticket with its number', async () => {
    const p = await start();
    let n = 0;
    const turn = async (extra: Record<string, unknown>): Promise<string> => {
      const res = await fetch(`${p.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: `w${++n}`,
          channelId: 'test',
          from: { id: 'demo-applicant' },
          conversation: { id: 'c-bundle-walk' },
          recipient: { id: 'b' },
          locale: 'ms-MY',
          deliveryMode: 'expectReplies',
          serviceUrl: 'http://127.0.0.1:9',
          ...extra,
        }),
      });
      expect(res.status).to.equal(200);
      const { activities } = (await res.json()) as { activities: { type: string; text?: string; attachments?: unknown[] }[] };
      return JSON.stringify(activities);
    };
    try {
      await turn({ text: 'hai' });
      expect(await turn({ value: { verb: 'start', goal: 'complaint' } })).to.contain('"field":"category"');
      // The fourth choice by its number (botbuilder-dialogs' number recognizer, loaded on first use in the bundle).
      const next = await turn({ text: '4' });
      expect(next).to.match(/"field":"[a-z]+"/);
      expect(next).to.not.contain('"field":"category"');
      await turn({ text: 'ePerolehan' });
      await turn({ text: 'Token saya tidak dikesan oleh komputer walaupun sudah cuba port USB lain.' });
      let r = await turn({ text: 'langkau' });
      if (!/AD-\d{4}-\d{6}/.test(r)) r = await turn({ text: 'tidak' });
      expect(r).to.match(/AD-\d{4}-\d{6}/);
      // The status command finds the new ticket in the store.
      const id = /AD-\d{4}-\d{6}/.exec(r)![0];
      expect(await turn({ text: `status ${id}` })).to.contain(`**${id}**: Baharu`);
    } finally {
      await stop(p);
    }
    expect(p.err()).not.to.match(/turn failed|TypeError|ReferenceError/);
  });

  it('uses the cache on the next start (V8 accepts it) and leaves it as it is', async () => {
    const [file] = cacheFiles();
    expect(file, 'the first start wrote a cache').to.be.a('string');
    const before = statSync(path.join(cacheDir, file!));
    const p = await start();
    try {
      expect(p.err()).to.contain(`start cache: accepted ${path.resolve(cacheDir, file!)}`);
    } finally {
      await stop(p);
    }
    expect(p.err()).not.to.match(/start cache: (rejected|none|wrote)/);
    expect(cacheFiles()).to.deep.equal([file]);
    expect(statSync(path.join(cacheDir, file!)).mtimeMs).to.equal(before.mtimeMs);
  });
});
