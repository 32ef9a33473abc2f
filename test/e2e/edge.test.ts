import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { askedField, cardOf, Chat, texts } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { removeDir, startTestBot } from '../support/bot.js';
import { LocalTokenIssuer } from '../support/openid.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

/** The edge: malformed input, duplicates, language, interruptions, health, and card forgery. */
describe('e2e: the bot edge (embedded, open mode)', function () {
  this.timeout(60_000);
  let bot: Bot;
  const connector = new TestConnector();

  before(async () => {
    await connector.start();
    bot = await startTestBot();
  });
  after(async () => {
    await bot.close();
    await connector.stop();
    removeDir(bot.dataDir);
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('answers 4xx to malformed activities and keeps serving', async () => {
    expect((await post({ type: 'message' })).status).to.equal(400);
    expect((await post({ type: 'message', id: 'x', channelId: 'test', from: { id: 'u' }, conversation: {} })).status).to.equal(400);
    expect((await post({ type: 42, id: 'x', channelId: 'test', from: { id: 'u' }, conversation: { id: 'c' } })).status).to.equal(400);
    expect((await post('{not json')).status).to.be.within(400, 499);
    expect(
      (await post({ type: 'message', id: 'x', channelId: 'test', from: { id: 'u' }, conversation: { id: 'c' }, text: 'x'.repeat(600_000) }))
        .status,
    ).to.equal(413);
    expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);
  });

  it('replies politely to an over-long message without running it', async () => {
    const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
    const r = await chat.say('mohon sijil '.repeat(500));
    expect(texts(r)).to.contain('terlalu panjang');
    expect(askedField(r)).to.equal(undefined);
  });

  it('processes a re-sent activity (same id) once', async () => {
    const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
    const id = randomUUID();
    await chat.post({ id, type: 'message', text: 'menu' });
    await chat.post({ id, type: 'message', text: 'menu' });
    expect(chat.take().filter((a) => cardOf(a))).to.have.length(1);
  });

  it('switches language on request, remembers it, and keeps the answer in progress', async () => {
    const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-tech' });
    let r = await chat.submit({ verb: 'start', goal: 'newUserCert' });
    expect(askedField(r)).to.equal('mykad');
    r = await chat.say('880808-08-8888');
    expect(askedField(r)).to.equal('fullName');
    r = await chat.say('English');
    expect(texts(r)).to.contain('I will continue in English').and.contain('Your full name');
    expect(askedField(r)).to.equal('fullName');
    r = await chat.say('bantuan');
    expect(texts(r)).to.contain('Nothing you have entered is lost');
    r = await chat.say('menu');
    expect(texts(r)).to.contain('Your application is still open');
    expect(askedField(r)).to.equal('fullName');
    r = await chat.say('Lim Wei Jie');
    expect(askedField(r)).to.equal('email');
    expect((await bot.core.directory.getPerson('demo-tech'))?.locale).to.equal('en');
    r = await chat.say('cancel');
    expect(texts(r)).to.contain('the application is cancelled');
    r = await chat.say('cancel');
    expect(texts(r)).to.contain('nothing in progress');
    await chat.say('Bahasa Melayu');
  });

  it('refuses forged and malformed card payloads, and self-approval', async () => {
    const chat = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-ap' });
    let r = await chat.submit({ verb: 'approve', caseId: 'UC-2026-000999', version: 1 });
    expect(texts(r)).to.contain('tidak dijumpai');
    r = await chat.submit({ verb: 'approve', caseId: 'DROP TABLE', version: 'x' });
    expect(texts(r)).to.contain('Kad ini tidak sah');
    r = await chat.submit({ verb: 'launchMissiles' });
    expect(texts(r)).to.contain('Kad ini tidak sah');
    const applicant = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-applicant' });
    r = await applicant.submit({ verb: 'approve', caseId: 'UC-2026-000999', version: 1 });
    expect(texts(r)).to.contain('tidak dijumpai');
  });

  it('shows a case only to people allowed to see it', async () => {
    const c = await bot.core.cases.create({
      kind: 'UC',
      status: 'MENUNGGU_PENGESAHAN_AP',
      applicantId: 'demo-applicant',
      agencyId: 'KKM',
      data: {},
      timeline: [{ at: new Date().toISOString(), event: 'submitted', actorId: 'demo-applicant' }],
    });
    const stranger = new Chat({ botUrl: () => bot.url, connector, userId: 'someone-else' });
    expect(texts(await stranger.say(`status ${c.id}`))).to.contain(`Tiada permohonan ${c.id}`);
    const ap = new Chat({ botUrl: () => bot.url, connector, userId: 'demo-ap' });
    expect(texts(await ap.say(`status ${c.id}`))).to.contain('Menunggu pengesahan AP');
    expect(texts(await ap.say('tugasan'))).to.contain('1 permohonan menunggu');
    expect(texts(await stranger.say('tasks'))).to.contain('Tiada kelulusan');
  });

  it('serves health, readiness, metrics and the CA', async () => {
    const ready = await fetch(`${bot.url}/readyz`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.include({ ready: true });
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    expect(metrics).to.match(/gpki_turns_total\{channel="test"\} \d+/);
    const pem = await (await fetch(`${bot.url}/pki/ca.pem`)).text();
    expect(pem.match(/BEGIN CERTIFICATE/g)).to.have.length(2);
    const crl = await fetch(`${bot.url}/pki/crl`);
    expect(crl.headers.get('content-type')).to.equal('application/pkix-crl');
    expect(Buffer.from(await crl.arrayBuffer())[0]).to.equal(0x30);
  });

  it('refuses file links that are not signed or have been tampered with', async () => {
    expect((await fetch(`${bot.url}/files/abc`)).status).to.equal(403);
    expect((await fetch(`${bot.url}/files/abc?exp=99999999999&sig=forged`)).status).to.equal(403);
  });
});

describe('e2e: production mode (an app id is set)', function () {
  this.timeout(60_000);
  const appId = '00000000-0000-0000-0000-000000000001';
  const issuer = new LocalTokenIssuer();
  let bot: Bot;
  before(async () => {
    await issuer.start(['msteams']);
    bot = await startTestBot({
      MicrosoftAppId: appId,
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'MultiTenant',
      BOT_OPENID_METADATA_URL: issuer.metadataUrl,
    });
  });
  after(async () => {
    await bot?.close();
    await issuer.stop();
    if (bot) removeDir(bot.dataDir);
  });

  const serviceUrl = 'https://smba.trafficmanager.net/amer/';
  const send = (headers: Record<string, string>) =>
    fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        type: 'message',
        id: randomUUID(),
        channelId: 'msteams',
        serviceUrl,
        from: { id: 'demo-applicant' },
        conversation: { id: 'c1' },
        recipient: { id: appId },
        text: 'hai',
        deliveryMode: 'expectReplies',
      }),
    });

  it('rejects a request without a token', async () => {
    expect((await send({})).status).to.equal(401);
  });

  it('rejects a token signed by anyone but the channel', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect((await send({ authorization: `Bearer ${issuer.token({ appId, serviceUrl }, privateKey)}` })).status).to.equal(401);
    expect((await send({ authorization: 'Bearer not.a.jwt' })).status).to.equal(401);
  });

  it('rejects a valid token for another bot', async () => {
    expect((await send({ authorization: `Bearer ${issuer.token({ appId: 'someone-else', serviceUrl })}` })).status).to.equal(401);
  });

  it('accepts a token the channel signed, and answers', async () => {
    const res = await send({ authorization: `Bearer ${issuer.token({ appId, serviceUrl })}` });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { activities: { attachments?: unknown[] }[] };
    expect(body.activities.some((a) => a.attachments?.length)).to.equal(true);
  });
});
