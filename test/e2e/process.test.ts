import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { removeDir } from '../support/bot.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The real process as `npm start` runs it, from the JavaScript `npm run build` writes to dist/
 * (built here from the source under test): start, readiness, JSON logs, bad config, SIGTERM.
 */
describe('e2e: the bot process', function () {
  this.timeout(90_000);

  before(async () => {
    await promisify(execFile)(process.execPath, ['infra/build.mjs']);
    expect(existsSync('dist/bot/main.js'), 'npm run build wrote dist/bot/main.js').to.equal(true);
  });

  function start(env: Record<string, string>): {
    child: ChildProcess;
    out: () => string;
    err: () => string;
    exited: Promise<number | null>;
  } {
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', 'dist/bot/main.js'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, out: () => out, err: () => err, exited };
  }

  it('refuses to start on a bad setting and names it', async () => {
    const p = start({ PORT: 'not-a-port', EMAIL_DOMAINS: 'gov.my' });
    expect(await p.exited).to.equal(78);
    expect(p.err()).to.contain('PORT');
  });

  it('starts on an empty DATA_DIR, becomes ready, logs JSON without MyKad numbers, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-proc-'));
    const p = start({ DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'debug' });
    try {
      const url = await waitFor('listening log line', () => /"url":"(http:[^"]+)"/.exec(p.out())?.[1], { timeoutMs: 30_000 });
      await waitFor('readiness', async () => (await fetch(`${url}/readyz`)).status === 200, { timeoutMs: 60_000 });
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: 'm1',
          channelId: 'test',
          from: { id: 'demo-applicant' },
          conversation: { id: 'c-900101145678' },
          recipient: { id: 'b' },
          text: 'IC saya 900101-14-5678',
          deliveryMode: 'expectReplies',
          serviceUrl: 'http://127.0.0.1:9',
        }),
      });
      expect(res.status).to.equal(200);
      await waitFor('turn log', () => p.out().includes('turn done'));
      p.child.kill('SIGTERM');
      expect(await p.exited).to.equal(0);
      const lines = p.out().trim().split('\n');
      for (const line of lines) expect(() => JSON.parse(line), line).not.to.throw();
      expect(p.out()).to.contain('bot stopped');
      expect(p.out()).to.contain('9001******78');
      expect(p.out()).not.to.match(/900101-?14-?5678/);
    } finally {
      p.child.kill('SIGKILL');
      removeDir(dir);
    }
  });
});
