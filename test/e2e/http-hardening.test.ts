import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import type { UserCertApplication } from '../../domain/cases/user-certificate.js';
import { submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import { cardOf, Chat } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { removeDir, startTestBot, tinyPng } from '../support/bot.js';
import { DirectLineUser } from '../support/directline.js';
import { executeAction } from '../support/teams.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

const FORGED = 'evil.example';
const DL_SECRET = 'directline-secret-0123456789abcdef';
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * A request with headers fetch() will not send as given (a forged Host) or a body it frames
 * differently (chunked, no Content-Length).
 */
function raw(
  base: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean },
): Promise<Raw> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const headers = { ...opts.headers };
    if (opts.body !== undefined && !opts.chunked) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = http.request(
      { hostname, port, path: opts.path, method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'), headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined && opts.chunked) {
      // Written in pieces with no Content-Length: only counting the bytes can stop it.
      const body = Buffer.from(opts.body);
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
    } else if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const json = (r: Raw) => JSON.parse(r.text) as Record<string, any>;
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Everything a response shows a client: status line aside, its headers and body. */
const shown = (r: Raw) => `${JSON.stringify(r.headers)}\n${r.text}`;

/** The security headers and input limits of the HTTP surface, over real HTTP against a started bot. */
describe('e2e: HTTP hardening (embedded, open mode, no PUBLIC_URL)', function () {
  this.timeout(60_000);
  let bot: Bot;
  let port: string;
  const connector = new TestConnector();

  before(async () => {
    await connector.start();
    bot = await startTestBot({ DIRECTLINE_SECRET: DL_SECRET });
    port = new URL(bot.url).port;
  });
  after(async () => {
    await bot?.close();
    await connector.stop();
    if (bot) removeDir(bot.dataDir);
  });

  /** A Direct Line token for a demo person, asked for with a forged Host. */
  async function demoToken(demoUser: string, headers: Record<string, string> = {}): Promise<Raw> {
    return raw(bot.url, {
      path: '/api/directline/token',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ demoUser }),
    });
  }

  describe('the public address comes from configuration, never from the Host header', () => {
    const forged = { host: FORGED, 'x-forwarded-host': FORGED };

    it('keeps a forged Host out of /chat, its CSP naming the configured address', async () => {
      const r = await raw(bot.url, { path: '/chat', headers: forged });
      expect(r.status).to.equal(200);
      expect(shown(r)).not.to.contain(FORGED);
      expect(String(r.headers['content-security-policy'])).to.contain(
        `connect-src 'self' data: blob: ws://localhost:${port} wss://localhost:${port}`,
      );
    });

    it('keeps it out of every token answer and of the stream URL of a started or resumed conversation', async () => {
      const issued = await demoToken('demo-applicant', forged);
      expect(issued.status).to.equal(200);
      const token = json(issued).token as string;
      const generated = await raw(bot.url, {
        path: '/v3/directline/tokens/generate',
        headers: { ...forged, authorization: `Bearer ${DL_SECRET}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(generated.status).to.equal(200);
      const refreshed = await raw(bot.url, {
        method: 'POST',
        path: '/v3/directline/tokens/refresh',
        headers: { ...forged, authorization: `Bearer ${token}` },
      });
      expect(refreshed.status).to.equal(200);
      const started = await raw(bot.url, {
        method: 'POST',
        path: '/v3/directline/conversations',
        headers: { ...forged, authorization: `Bearer ${token}` },
      });
      expect(started.status).to.equal(201);
      const { conversationId, streamUrl } = json(started) as { conversationId: string; streamUrl: string };
      expect(
        streamUrl.startsWith(`ws://localhost:${port}/v3/directline/conversations/${encodeURIComponent(conversationId)}/stream?t=`),
        streamUrl,
      ).to.equal(true);
      const resumed = await raw(bot.url, {
        path: `/v3/directline/conversations/${encodeURIComponent(conversationId)}`,
        headers: { ...forged, authorization: `Bearer ${json(started).token as string}` },
      });
      expect(resumed.status).to.equal(200);
      expect(String(json(resumed).streamUrl).startsWith(`ws://localhost:${port}/`)).to.equal(true);
      const activities = await raw(bot.url, {
        path: `/v3/directline/conversations/${encodeURIComponent(conversationId)}/activities`,
        headers: { ...forged, authorization: `Bearer ${json(resumed).token as string}` },
      });
      expect(activities.status).to.equal(200);
      for (const r of [issued, generated, refreshed, started, resumed, activities]) expect(shown(r)).not.to.contain(FORGED);
    });

    it('keeps it out of /console and of an error answer', async () => {
      const page = await raw(bot.url, { path: '/console', headers: forged });
      expect(page.status).to.equal(200);
      expect(shown(page)).not.to.contain(FORGED);
      const missing = await raw(bot.url, { path: '/no-such-page', headers: forged });
      expect(missing.status).to.equal(404);
      expect(shown(missing)).not.to.contain(FORGED);
    });
  });

  describe('caching and transport headers', () => {
    it('marks every answer that carries a token or personal data no-store', async () => {
      const user = await DirectLineUser.demo(bot.url, 'demo-applicant');
      const token = await demoToken('demo-applicant');
      const generated = await raw(bot.url, {
        path: '/v3/directline/tokens/generate',
        headers: { authorization: `Bearer ${DL_SECRET}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const refreshed = await raw(bot.url, {
        method: 'POST',
        path: '/v3/directline/tokens/refresh',
        headers: { authorization: `Bearer ${user.token}` },
      });
      const started = await raw(bot.url, {
        method: 'POST',
        path: '/v3/directline/conversations',
        headers: { authorization: `Bearer ${user.token}` },
      });
      const demoUsers = await raw(bot.url, { path: '/api/directline/demo-users' });
      const activities = await raw(bot.url, {
        path: `/v3/directline/conversations/${encodeURIComponent(user.conversationId)}/activities`,
        headers: { authorization: `Bearer ${json(started).token as string}` },
      });
      const consoleMe = await raw(bot.url, { path: '/console/api/me' });
      const answers = {
        token,
        generated,
        refreshed,
        started,
        demoUsers,
        activities,
        consoleMe,
        chat: await raw(bot.url, { path: '/chat' }),
        console: await raw(bot.url, { path: '/console' }),
      };
      for (const [name, r] of Object.entries(answers)) {
        expect(r.status, name).to.be.below(500);
        expect(r.headers['cache-control'], name).to.equal('no-store');
      }
      expect(json(activities).activities.length, 'the greeting is in the history').to.be.above(0);
    });

    it('lets a route that may be cached say so itself', async () => {
      const js = await raw(bot.url, { path: '/web/chat.js' });
      expect(js.status).to.equal(200);
      expect(js.headers['cache-control']).to.equal('public, max-age=300, must-revalidate');
      const bundle = await raw(bot.url, { path: '/web/webchat.js' });
      expect(bundle.headers['cache-control']).to.equal('public, max-age=86400');
    });

    it('sends no HSTS while the public address is http', async () => {
      for (const path of ['/chat', '/healthz', '/no-such-page'])
        expect((await raw(bot.url, { path })).headers['strict-transport-security'], path).to.equal(undefined);
      expect((await demoToken('demo-applicant')).headers['strict-transport-security']).to.equal(undefined);
    });
  });

  describe('input limits answer 4xx, and the bot goes on', () => {
    const activity = (value: string) =>
      `{"type":"message","id":"${randomUUID()}","channelId":"test","serviceUrl":"${connector.url}","from":{"id":"demo-applicant"},"recipient":{"id":"gpki-bot"},"conversation":{"id":"deep-${randomUUID()}"},"text":"hai","value":${value}}`;
    const postMessages = (body: string | Buffer, headers: Record<string, string> = {}, chunked = false) =>
      raw(bot.url, { path: '/api/messages', headers: { 'content-type': 'application/json', ...headers }, body, chunked });

    for (const depth of [5_000, 100_000]) {
      it(`refuses JSON nested ${depth.toLocaleString('en')} deep on /api/messages with 400, then answers a normal message`, async () => {
        const r = await postMessages(activity(nested(depth)));
        expect(r.status, r.text).to.equal(400);
        expect(json(r)).to.deep.equal({ error: 'JSON_TOO_DEEP', maxDepth: 64 });
        const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
        const replies = await chat.say('menu');
        expect(
          replies.some((a) => cardOf(a)),
          'the menu card',
        ).to.equal(true);
      });

      it(`refuses JSON nested ${depth.toLocaleString('en')} deep on Direct Line activities with 400 BadArgument, then answers a normal message`, async () => {
        const user = await DirectLineUser.demo(bot.url, 'demo-applicant');
        await user.start();
        const r = await raw(bot.url, {
          path: `/v3/directline/conversations/${encodeURIComponent(user.conversationId)}/activities`,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
          body: `{"type":"message","text":"hai","value":${nested(depth)}}`,
        });
        expect(r.status, r.text).to.equal(400);
        expect(json(r).error.code).to.equal('BadArgument');
        expect(json(r).error.message).to.contain('JSON_TOO_DEEP');
        const before = (await user.activities()).watermark;
        const id = await user.say('menu');
        const after = (await user.activities(before)).activities;
        expect(
          after.some((a) => a.replyToId === id && a.from.role !== 'user'),
          'a reply to the message',
        ).to.equal(true);
      });
    }

    it('accepts a real activity with ordinary nesting (a card submit) on both endpoints', async () => {
      const value = JSON.stringify({ verb: 'help', extra: { a: [{ b: [{ c: [1, 2, 3] }] }] } });
      expect((await postMessages(activity(value))).status).to.equal(200);
      const user = await DirectLineUser.demo(bot.url, 'demo-applicant');
      await user.start();
      expect((await user.post({ type: 'message', value: JSON.parse(value) as unknown })).status).to.equal(200);
    });

    it('refuses deep JSON on every route that reads JSON, e.g. the token and console sign-in endpoints', async () => {
      const token = await raw(bot.url, {
        path: '/api/directline/token',
        headers: { 'content-type': 'application/json' },
        body: `{"demoUser":${nested(5_000)}}`,
      });
      expect(token.status).to.equal(400);
      expect(json(token).error.code).to.equal('BadArgument');
      const login = await raw(bot.url, {
        path: '/console/api/login',
        headers: { 'content-type': 'application/json' },
        body: `{"user":${nested(5_000)}}`,
      });
      expect(login.status).to.equal(400);
      expect(json(login).error).to.equal('JSON_TOO_DEEP');
    });

    it('refuses a body over 512 KB with 413, with or without a Content-Length', async () => {
      const big = activity(JSON.stringify('x'.repeat(600_000)));
      expect((await postMessages(big)).status).to.equal(413);
      expect((await postMessages(big, {}, true)).status).to.equal(413);
      const user = await DirectLineUser.demo(bot.url, 'demo-applicant');
      await user.start();
      const path = `/v3/directline/conversations/${encodeURIComponent(user.conversationId)}/activities`;
      const body = JSON.stringify({ type: 'message', text: 'x'.repeat(600_000) });
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${user.token}` };
      expect((await raw(bot.url, { path, headers, body })).status).to.equal(413);
      expect((await raw(bot.url, { path, headers, body, chunked: true })).status).to.equal(413);
      expect(await user.say('menu')).to.be.a('string');
    });

    it('refuses a compressed body, whose inflated size no limit would see, with 415', async () => {
      // 20 KB on the wire, 20 MB once inflated: far over the 512 KB limit, which counts only the wire.
      const bomb = gzipSync(Buffer.alloc(20_000_000, 0x20));
      const r = await postMessages(bomb, { 'content-encoding': 'gzip' });
      expect(r.status).to.equal(415);
      expect(json(r)).to.deep.equal({ error: 'CONTENT_ENCODING_UNSUPPORTED' });
      expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);
    });
  });

  describe('invokes', () => {
    const invoke = (activity: Record<string, unknown>) =>
      fetch(`${bot.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'invoke',
          id: randomUUID(),
          channelId: 'msteams',
          serviceUrl: connector.url,
          from: { id: 'demo-ap' },
          recipient: { id: 'bot' },
          conversation: { id: `teams-${randomUUID()}` },
          ...activity,
        }),
      });

    it('answers an invoke of an unknown name, or of an unknown card verb, with 400 UNKNOWN_INVOKE (not 501)', async () => {
      for (const forged of [
        { name: 'evil/forged', value: { x: 1 } },
        { name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'selfDestruct', data: {} }, trigger: 'manual' } },
        { value: {} },
      ]) {
        const r = await invoke(forged);
        expect(r.status, JSON.stringify(forged)).to.equal(400);
        expect(await r.json()).to.deep.equal({ code: 'UNKNOWN_INVOKE' });
      }
    });

    it('answers a re-sent invoke (same id) with 409, not 501', async () => {
      const id = randomUUID();
      const conversation = { id: `teams-${randomUUID()}` };
      expect((await invoke({ id, conversation, name: 'evil/forged' })).status).to.equal(400);
      const again = await invoke({ id, conversation, name: 'evil/forged' });
      expect(again.status).to.equal(409);
      expect(await again.json()).to.deep.equal({ code: 'DUPLICATE_ACTIVITY' });
    });

    it('still serves a known invoke: an AP refreshes (even without replyToId) and approves from an Action.Execute card', async () => {
      // The AP's latest Teams conversation is where the approval card goes.
      const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-ap', channelId: 'msteams' });
      await chat.say('hai');
      const file = await bot.core.files.put({ ownerId: 'demo-applicant', name: 'ic.png', contentType: 'image/png', bytes: tinyPng() });
      const app: UserCertApplication = {
        mykad: '900101145678',
        fullName: 'Aminah binti Hassan',
        email: 'aminah@moh.gov.my',
        phone: '0123456789',
        agencyId: 'KKM',
        position: 'Pegawai F41',
        medium: 'token',
        applications: ['ePerolehan'],
        mykadCopyFileId: file.id,
        declaration: true,
      };
      const submitted = await submitUserCertificate(bot.core, 'demo-applicant', app);
      if (!submitted.ok) throw new Error(submitted.error);
      const c = submitted.value;
      const sent = await chat.waitFor('approval card', (a) => JSON.stringify(cardOf(a) ?? {}).includes(c.id));
      const ap = { botUrl: bot.url, connector, userId: 'demo-ap', conversationId: chat.conversationId };
      // A refresh with no message to replace (forged, or Teams leaving replyToId out): the card comes back all the same.
      const refreshed = await executeAction(ap, 'refreshApproval', { caseId: c.id });
      const card = refreshed.value as { actions: { verb: string; data: Record<string, unknown> }[] };
      expect(card.actions.map((a) => a.verb)).to.deep.equal(['approve', 'return', 'reject']);
      const approved = await executeAction({ ...ap, replyToId: sent.id }, 'approve', card.actions[0].data);
      expect(approved.type).to.equal('application/vnd.microsoft.card.adaptive');
      expect(JSON.stringify(approved.value)).to.contain('Diluluskan');
      expect(connector.activities(chat.conversationId).find((a) => a.id === sent.id)?.updated, 'the card message replaced').to.equal(1);
      expect((await bot.core.cases.get(c.id))?.timeline.some((e) => e.event === 'approved')).to.equal(true);
    });
  });
});

describe('e2e: HTTP hardening behind an https PUBLIC_URL', function () {
  this.timeout(60_000);
  const PUBLIC = 'https://helpdesk.gpki.example.gov.my';
  let bot: Bot;

  before(async () => void (bot = await startTestBot({ PUBLIC_URL: PUBLIC })));
  after(async () => {
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
  });

  it('sends HSTS on every answer: pages, tokens, health and errors', async () => {
    const token = await raw(bot.url, {
      path: '/api/directline/token',
      headers: { 'content-type': 'application/json', host: FORGED },
      body: JSON.stringify({ demoUser: 'demo-applicant' }),
    });
    expect(token.status).to.equal(200);
    const answers = [
      token,
      await raw(bot.url, { path: '/chat' }),
      await raw(bot.url, { path: '/healthz' }),
      await raw(bot.url, { path: '/web/chat.js' }),
      await raw(bot.url, { path: '/no-such-page' }),
    ];
    for (const r of answers) expect(r.headers['strict-transport-security']).to.equal(HSTS);
  });

  it('builds stream URLs and the CSP on the public address whatever Host the request names', async () => {
    const user = await DirectLineUser.demo(bot.url, 'demo-applicant');
    const started = await raw(bot.url, {
      method: 'POST',
      path: '/v3/directline/conversations',
      headers: { host: FORGED, authorization: `Bearer ${user.token}` },
    });
    expect(started.status).to.equal(201);
    expect(String(json(started).streamUrl).startsWith('wss://helpdesk.gpki.example.gov.my/v3/directline/conversations/')).to.equal(true);
    const chat = await raw(bot.url, { path: '/chat', headers: { host: FORGED } });
    expect(String(chat.headers['content-security-policy'])).to.contain(
      'ws://helpdesk.gpki.example.gov.my wss://helpdesk.gpki.example.gov.my',
    );
    for (const r of [started, chat]) expect(shown(r)).not.to.contain(FORGED);
  });
});
