import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { inCi } from '../contract/harness.js';
import { removeDir, startTestBot } from '../support/bot.js';
import { AGENT_EMAIL, AGENT_PASSWORD, ConsoleClient, setPasswordByCommand } from '../support/console.js';
import { deleteKeys, REDIS_URL, redisReachable } from '../support/redis.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

const redisUp = await redisReachable();
const ADMIN_EMAIL = 'pentadbir.sistem@mampu.gov.my';
const ADMIN_PASSWORD = `kata-laluan-pentadbir-${randomUUID().slice(0, 8)}`;

/** The demo directory plus a helpdesk agent who is also an administrator (the demo has none). */
function seedWithAdmin(file: string): void {
  const demo = JSON.parse(readFileSync(new URL('../../infra/seed/demo-directory.json', import.meta.url), 'utf8')) as { people: unknown[] };
  demo.people.push({
    id: 'ops-admin',
    name: 'Hafiz bin Osman',
    email: ADMIN_EMAIL,
    agencyId: 'MAMPU',
    roles: ['USER', 'HELPDESK_AGENT', 'ADMIN'],
    identities: [{ channelId: '*', userId: 'ops-admin' }],
    locale: 'ms',
  });
  writeFileSync(file, JSON.stringify(demo));
}

async function get(url: string, cookie?: string, init: RequestInit = {}): Promise<{ status: number; type: string; text: string }> {
  const headers = { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string> | undefined) };
  const res = await fetch(url, { ...init, headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Bull Board: the BullMQ dashboard, for administrators signed in through the agent console. */
describe('e2e: the queue dashboard at /admin/queues', function () {
  this.timeout(90_000);

  it('does not exist in the embedded mode', async () => {
    const bot = await startTestBot();
    try {
      expect((await get(`${bot.url}/admin/queues`)).status).to.equal(404);
      expect((await get(`${bot.url}/admin/queues/api/queues`)).status).to.equal(404);
    } finally {
      await bot.close();
      removeDir(bot.dataDir);
    }
  });

  describe(`scaled out (${REDIS_URL})`, () => {
    if (!redisUp) {
      if (inCi()) it('Redis is reachable', () => void expect.fail(`Redis is required in CI (CI=true) but does not answer at ${REDIS_URL}`));
      else it(`SKIPPED: Redis not reachable at ${REDIS_URL}`);
      return;
    }
    const prefix = `gpki-test-board-${randomUUID().slice(0, 8)}`;
    let bot: Bot;
    let board: string;

    before(async () => {
      // The seed lives in the bot's data folder, so removing that folder removes it too.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-e2e-'));
      const seed = path.join(dir, 'directory-with-admin.json');
      seedWithAdmin(seed);
      bot = await startTestBot({ REDIS_URL, QUEUE_PREFIX: prefix, DIRECTORY_SEED: seed }, dir);
      board = `${bot.url}/admin/queues`;
      const set = await Promise.all([
        setPasswordByCommand({ DATA_DIR: bot.dataDir }, AGENT_EMAIL, AGENT_PASSWORD),
        setPasswordByCommand({ DATA_DIR: bot.dataDir }, ADMIN_EMAIL, ADMIN_PASSWORD),
      ]);
      for (const s of set) expect(s.code, s.stderr).to.equal(0);
    });
    after(async () => {
      await bot?.close();
      if (bot) removeDir(bot.dataDir);
      await deleteKeys(prefix);
    });

    it('refuses anyone not signed in (401) and a signed-in agent who is not an administrator (403)', async () => {
      for (const url of [board, `${board}/api/queues`]) {
        expect((await get(url)).status, url).to.equal(401);
        expect((await get(url, 'gpki_console=forged.cookie')).status, url).to.equal(401);
      }
      expect((await get(`${board}/api/queues/ca/pause`, undefined, { method: 'PUT' })).status).to.equal(401);

      const agent = await ConsoleClient.signIn(bot.url, AGENT_EMAIL, AGENT_PASSWORD);
      for (const url of [board, `${board}/api/queues`]) {
        const r = await get(url, agent.cookie);
        expect(r.status, url).to.equal(403);
        expect(JSON.parse(r.text)).to.deep.equal({ error: 'NOT_AN_ADMIN' });
      }
    });

    it("shows an administrator the dashboard and its queues, and allows only the changes that keep the scheduler's promises", async () => {
      const admin = new ConsoleClient(bot.url);
      const login = (await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)) as { status: number; setCookie?: string };
      expect(login.status).to.equal(200);
      // The browser sends the console's cookie to the dashboard too.
      expect(login.setCookie).to.contain('Path=/admin');

      const page = await get(board, admin.cookie);
      expect(page.status).to.equal(200);
      expect(page.type).to.contain('text/html');
      // The page's scripts are relative to <base href>, which must be the mount point.
      const base = /<base href="([^"]+)"/.exec(page.text)?.[1];
      const script = /src="([^"]+\.js)"/.exec(page.text)?.[1];
      expect(script, 'a script of the dashboard').to.be.a('string');
      const asset = new URL(script!, new URL(base ?? '', `${bot.url}/`)).href;
      expect(asset).to.contain('/admin/queues/static/');
      expect((await get(asset, admin.cookie)).status).to.equal(200);
      expect((await get(asset)).status, 'assets need the session too').to.equal(401);

      await bot.core.jobs.enqueue({
        queue: 'visits',
        name: 'ticketAutoClose',
        key: `board-${randomUUID()}`,
        payload: { caseId: 'AD-2026-000001', at: new Date().toISOString() },
        delayMs: 3_600_000,
      });
      const api = await get(`${board}/api/queues`, admin.cookie);
      expect(api.status).to.equal(200);
      const queues = (JSON.parse(api.text) as { queues: { name: string; counts: Record<string, number>; isPaused: boolean }[] }).queues;
      expect(queues.map((q) => q.name)).to.include.members(['ca', 'notify', 'visits', 'expiry']);
      expect(queues.find((q) => q.name === 'visits')?.counts.delayed).to.equal(1);

      const change = (p: string, headers: Record<string, string> = {}) =>
        get(`${board}/api/queues/${p}`, admin.cookie, { method: 'PUT', headers });
      expect((await change('expiry/pause')).status).to.equal(200);
      const paused = JSON.parse((await get(`${board}/api/queues`, admin.cookie)).text) as { queues: { name: string; isPaused: boolean }[] };
      expect(paused.queues.find((q) => q.name === 'expiry')?.isPaused).to.equal(true);
      expect((await change('expiry/resume')).status).to.equal(200);

      for (const refused of ['visits/obliterate', 'visits/empty', 'visits/promote', 'visits/clean/delayed']) {
        const r = await change(refused);
        expect(r.status, refused).to.equal(403);
        expect(JSON.parse(r.text), refused).to.deep.equal({ error: 'CHANGE_NOT_ALLOWED' });
      }
      expect((await change('expiry/pause', { origin: 'https://elsewhere.example' })).status).to.equal(403);
      // The bot's own origin (its public address) may; the request's Host is not what decides.
      const own = new URL(bot.url);
      expect((await change('expiry/pause', { origin: `http://localhost:${own.port}` })).status).to.equal(200);
      expect((await change('expiry/resume', { origin: `http://localhost:${own.port}` })).status).to.equal(200);
      expect((await bot.core.jobs.counts('visits')).delayed).to.equal(1);
    });
  });
});
