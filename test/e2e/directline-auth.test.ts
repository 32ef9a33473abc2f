import http from 'node:http';
import { expect } from 'chai';
import WebSocket from 'ws';
import { loadConfig } from '../../infra/config.js';
import { removeDir, startTestBot, tinyPng } from '../support/bot.js';
import { call, claimsOf, DirectLineUser, inSeconds, signAssertion, Stream } from '../support/directline.js';
import { waitFor } from '../support/wait-for.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

const INTRANET = 'intranet-shared-secret-0123456789';
const DL_SECRET = 'directline-secret-0123456789abcdef';

/** What a stream URL answers instead of upgrading (status), or 101 when it upgrades. */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => undefined);
  });
}

/** Who may get a token, and what a token lets its holder do: its own conversation, as itself, nothing else. */
describe('e2e: Direct Line tokens and identity (embedded, open mode)', function () {
  this.timeout(60_000);
  let bot: Bot;
  const token = (json: unknown) => call(`${bot.url}/api/directline/token`, { json });

  before(async () => {
    bot = await startTestBot({ INTRANET_SHARED_SECRET: INTRANET, DIRECTLINE_SECRET: DL_SECRET });
  });
  after(async () => {
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
  });

  it('issues a token for a signed intranet assertion; the bot greets that user by the asserted name', async () => {
    const r = await token({ assertion: signAssertion(INTRANET, { sub: 'intranet-42', name: 'Zainab binti Yusof', exp: inSeconds(120) }) });
    expect(r.status).to.equal(200);
    expect(r.body).to.include({ userId: 'intranet-42', expires_in: 1800 });
    expect(claimsOf(r.body.token as string)).to.include({ user: 'intranet-42', name: 'Zainab binti Yusof', conv: r.body.conversationId });
    const user = new DirectLineUser(bot.url, r.body.token as string);
    await user.start();
    const { activities } = await user.activities();
    expect(activities[0].text).to.contain('Selamat datang ke Meja Bantuan MyGPKI, Zainab binti Yusof');
  });

  it('refuses tampered, expired, over-long, malformed and wrongly signed assertions with 401', async () => {
    const good = signAssertion(INTRANET, { sub: 'intranet-42', exp: inSeconds(120) });
    const [payload, sig] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'demo-ap', exp: inSeconds(120) })).toString('base64url');
    const refused = [
      `${forged}.${sig}`,
      `${payload}.${sig.slice(0, -2)}AA`,
      signAssertion('another-secret-of-the-same-length', { sub: 'intranet-42', exp: inSeconds(120) }),
      signAssertion(INTRANET, { sub: 'intranet-42', exp: inSeconds(-5) }),
      signAssertion(INTRANET, { sub: 'intranet-42', exp: inSeconds(7200) }),
      signAssertion(INTRANET, { sub: '', exp: inSeconds(120) }),
      'not-an-assertion',
      '',
    ];
    for (const assertion of refused) {
      const r = await token({ assertion });
      expect(r.status, assertion).to.equal(401);
      expect(r.body.error.code).to.equal('InvalidAssertion');
    }
    expect((await token({})).status).to.equal(400);
  });

  it('lists the demo people and gives tokens for them only', async () => {
    const list = await call(`${bot.url}/api/directline/demo-users`);
    expect(list.status).to.equal(200);
    expect((list.body as { id: string }[]).map((p) => p.id)).to.deep.equal([
      'demo-agent',
      'demo-ap',
      'demo-applicant',
      'demo-lead',
      'demo-tech',
      'demo-verifier',
    ]);
    expect(list.body[1]).to.deep.equal({ id: 'demo-ap', name: 'Rahman bin Ali', roles: ['USER', 'AP'] });
    expect((await token({ demoUser: 'demo-ap' })).body.userId).to.equal('demo-ap');
    // Someone registered through another channel, and ids that only look like demo people.
    await bot.core.directory.upsertPerson({ id: 'p-real', name: 'Real Person', roles: ['USER', 'AP'], identities: [] });
    for (const demoUser of ['p-real', 'demo-nobody', 'intranet-42', '']) expect((await token({ demoUser })).status, demoUser).to.equal(403);
  });

  it('mints tokens for a backend holding the Direct Line secret, and only for it', async () => {
    const gen = (bearer?: string, json: unknown = {}) => call(`${bot.url}/v3/directline/tokens/generate`, { token: bearer, json });
    expect((await gen()).status).to.equal(401);
    expect((await gen('not-the-secret')).status).to.equal(401);
    const minted = await gen(DL_SECRET, { user: { id: 'dl_portal_7', name: 'Portal User' } });
    expect(minted.status).to.equal(200);
    expect(claimsOf(minted.body.token as string)).to.include({ user: 'dl_portal_7', conv: minted.body.conversationId });
    const anonymous = await gen(DL_SECRET);
    expect(claimsOf(anonymous.body.token as string).user).to.match(/^dl_/);
    // The secret is not a token: it opens no conversation.
    expect((await call(`${bot.url}/v3/directline/conversations`, { method: 'POST', token: DL_SECRET })).status).to.equal(401);
  });

  it('refuses a token on another conversation (403) on every endpoint, and no token or a forged one (401)', async () => {
    const mine = await DirectLineUser.demo(bot.url, 'demo-applicant');
    const theirs = await DirectLineUser.demo(bot.url, 'demo-ap');
    await mine.start();
    const started = await theirs.start();
    const before = (await theirs.activities()).activities.length;
    const other = theirs.base;
    const png = new FormData();
    png.append('file', new Blob([new Uint8Array(tinyPng())], { type: 'image/png' }), 'x.png');
    const attempts = async (bearer: string | undefined) => [
      (await call(other, { token: bearer })).status,
      (await call(`${other}/activities`, { token: bearer })).status,
      (await call(`${other}/activities`, { token: bearer, json: { type: 'message', text: 'tugasan' } })).status,
      (await call(`${other}/upload`, { token: bearer, body: png })).status,
      await upgradeStatus(started.streamUrl.replace(/t=[^&]+/, `t=${bearer ?? ''}`)),
    ];
    expect(await attempts(mine.token)).to.deep.equal([403, 403, 403, 403, 403]);
    expect(await attempts(undefined)).to.deep.equal([401, 401, 401, 401, 401]);
    const [h, _p] = mine.token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...claimsOf(mine.token), conv: theirs.conversationId })).toString('base64url');
    expect(await attempts(`${h}.${forgedPayload}.${mine.token.split('.')[2]}`)).to.deep.equal([401, 401, 401, 401, 401]);
    expect((await theirs.activities()).activities.length).to.equal(before);
    // The owner's own token still works everywhere.
    expect(await upgradeStatus(started.streamUrl)).to.equal(101);
  });

  it("stamps activities with the bot's own serviceUrl, not one made from the request's Host header", async () => {
    // The attachment reader trusts the serviceUrl's origin: a client-chosen one would let it aim the bot at any host.
    const user = await DirectLineUser.demo(bot.url, 'demo-agent');
    await user.start();
    expect(
      await postWithHost(`${user.base}/activities`, 'internal.example:8080', user.token, {
        type: 'message',
        text: 'menu',
        serviceUrl: 'http://internal.example:8080',
      }),
    ).to.equal(200);
    const { activities } = await user.activities();
    const own = `http://localhost:${new URL(bot.url).port}/v3/directline`;
    expect(activities.length).to.be.greaterThan(3);
    expect([...new Set(activities.map((a) => (a as { serviceUrl?: string }).serviceUrl))]).to.deep.equal([own]);
  });

  it('takes the sender from the token, whatever `from` the client sends', async () => {
    await bot.core.cases.create({
      kind: 'UC',
      status: 'MENUNGGU_PENGESAHAN_AP',
      applicantId: 'demo-tech',
      agencyId: 'KKM',
      data: {},
      timeline: [{ at: new Date().toISOString(), event: 'submitted', actorId: 'demo-tech' }],
    });
    const applicant = await DirectLineUser.demo(bot.url, 'demo-applicant');
    const stream = await Stream.open((await applicant.start()).streamUrl);
    try {
      const id = await applicant.say('tugasan', { from: { id: 'demo-ap', name: 'Rahman bin Ali', role: 'user' } });
      const echo = await stream.waitFor('echo', (a) => a.id === id);
      expect(echo.from).to.deep.equal({ id: 'demo-applicant', name: 'Aminah binti Hassan', role: 'user' });
      const reply = await stream.waitFor('reply', (a) => a.replyToId === id);
      expect(reply.text).to.contain('Tiada kelulusan yang menunggu anda');
    } finally {
      await stream.close();
    }
    // The same words from the AP's own token do find the AP's task: the spoof above really was ignored.
    const ap = await DirectLineUser.demo(bot.url, 'demo-ap');
    await ap.start();
    const id = await ap.say('tugasan');
    const reply = await waitFor('AP reply', async () => (await ap.activities()).activities.find((a) => a.replyToId === id));
    expect(reply.text).to.contain('1 permohonan menunggu pengesahan anda');
  });
});

/** A POST with a Host header of the client's choosing (fetch does not let one set Host). */
function postWithHost(url: string, host: string, bearer: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', headers: { host, authorization: `Bearer ${bearer}`, 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('e2e: Direct Line with an app id set, short tokens', function () {
  this.timeout(60_000);
  let bot: Bot;
  before(async () => {
    bot = await startTestBot({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000002',
      MicrosoftAppPassword: 'not-a-real-secret',
      INTRANET_SHARED_SECRET: INTRANET,
      DIRECTLINE_TOKEN_TTL_SECONDS: '3',
    });
  });
  after(async () => {
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
  });

  it('has no demo login unless DEMO_LOGIN=true is set explicitly', async () => {
    expect((await call(`${bot.url}/api/directline/demo-users`)).status).to.equal(404);
    expect((await call(`${bot.url}/api/directline/token`, { json: { demoUser: 'demo-ap' } })).status).to.equal(403);
    expect(loadConfig({ MicrosoftAppId: 'x' }).directLine.demoLogin).to.equal(false);
    expect(loadConfig({ MicrosoftAppId: 'x', DEMO_LOGIN: 'true' }).directLine.demoLogin).to.equal(true);
    expect(loadConfig({ MONGODB_URI: 'mongodb://db/gpki' }).directLine.demoLogin).to.equal(false);
    expect(loadConfig({}).directLine.demoLogin).to.equal(true);
    expect(loadConfig({ DEMO_LOGIN: 'false' }).directLine.demoLogin).to.equal(false);
  });

  it('refreshes a live token (same conversation, later expiry); an expired token can neither refresh nor be used', async () => {
    const r = await call(`${bot.url}/api/directline/token`, {
      json: { assertion: signAssertion(INTRANET, { sub: 'intranet-7', exp: inSeconds(60) }) },
    });
    const first = r.body.token as string;
    expect(r.body.expires_in).to.equal(3);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refreshed = await call(`${bot.url}/v3/directline/tokens/refresh`, { method: 'POST', token: first });
    expect(refreshed.status).to.equal(200);
    const second = refreshed.body.token as string;
    expect(claimsOf(second)).to.include({ conv: claimsOf(first).conv, user: 'intranet-7' });
    expect(claimsOf(second).exp).to.be.greaterThan(claimsOf(first).exp);

    await waitFor('the first token to expire', () => claimsOf(first).exp * 1000 < Date.now() - 50, { timeoutMs: 5000 });
    const late = await call(`${bot.url}/v3/directline/tokens/refresh`, { method: 'POST', token: first });
    expect(late.status).to.equal(403);
    expect(late.body.error.code).to.equal('TokenExpired');
    expect((await call(`${bot.url}/v3/directline/conversations`, { method: 'POST', token: first })).status).to.equal(403);
    // The refreshed one still opens the conversation (the bot greets with the app id as its own id).
    const user = new DirectLineUser(bot.url, second);
    await user.start();
    expect((await user.activities()).activities[0].from.id).to.equal('00000000-0000-0000-0000-000000000002');
  });
});
