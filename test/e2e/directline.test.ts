import { expect } from 'chai';
import { removeDir, startTestBot } from '../support/bot.js';
import { call, cardOf, claimsOf, DirectLineUser, Stream, type DlActivity } from '../support/directline.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

const fromBot = (a: DlActivity) => a.from.role === 'bot';
const ids = (list: DlActivity[]) => list.map((a) => a.id);

/**
 * The bot's own Direct Line 3.0 over real HTTP and a real WebSocket, as DirectLineJS (inside
 * Web Chat) drives it: start, stream, post, poll by watermark, and resume after a reload.
 */
describe('e2e: Direct Line, conversations and streams (embedded)', function () {
  this.timeout(60_000);
  let bot: Bot;
  const streams: Stream[] = [];
  const open = async (url: string) => {
    const s = await Stream.open(url);
    streams.push(s);
    return s;
  };

  before(async () => {
    bot = await startTestBot();
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });
  after(async () => {
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
  });

  it("starts a conversation bound to the token: the bot greets the token's user on the WebSocket", async () => {
    const user = await DirectLineUser.demo(bot.url, 'demo-applicant');
    expect(claimsOf(user.token)).to.include({ user: 'demo-applicant', name: 'Aminah binti Hassan' });
    const started = await user.start();
    expect(started.conversationId).to.equal(user.conversationId);
    expect(started.expires_in).to.equal(1800);
    expect(started.streamUrl).to.match(
      new RegExp(`^ws://localhost:\\d+/v3/directline/conversations/${started.conversationId}/stream\\?t=`),
    );
    expect(claimsOf(started.token)).to.include({ conv: started.conversationId, user: 'demo-applicant' });

    const stream = await open(started.streamUrl);
    const hello = await stream.waitFor('greeting', (a) =>
      (a.text ?? '').includes('Selamat datang ke Meja Bantuan MyGPKI, Aminah binti Hassan'),
    );
    expect(hello).to.deep.include({ type: 'message' });
    expect(hello.from).to.deep.equal({ id: 'gpki-bot', name: 'MyGPKI', role: 'bot' });
    expect(hello.id).to.equal(`${started.conversationId}|0000001`);
    expect(JSON.stringify(cardOf(await stream.waitFor('menu card', (a) => !!cardOf(a))))).to.contain('Mohon Sijil Digital Pengguna baharu');

    // Starting again with the same token resumes; it does not greet a second time.
    await user.start();
    const all = await user.activities();
    expect(all.activities.filter((a) => (a.text ?? '').startsWith('Selamat datang'))).to.have.length(1);
  });

  it("posts a message: its echo (with the client's activity id) and the reply reach the WebSocket and GET, watermarks rising", async () => {
    const user = await DirectLineUser.demo(bot.url, 'demo-verifier');
    const stream = await open((await user.start()).streamUrl);
    await stream.waitFor('menu card', (a) => !!cardOf(a));

    const id = await user.say('hai', { channelData: { clientActivityID: 'client-1' } });
    expect(id).to.equal(`${user.conversationId}|0000003`);
    const echo = await stream.waitFor('echo', (a) => a.id === id);
    expect(echo).to.deep.include({ text: 'hai', channelData: { clientActivityID: 'client-1' } });
    expect(echo.from).to.deep.equal({ id: 'demo-verifier', name: 'Siti Nurhaliza binti Omar', role: 'user' });
    const reply = await stream.waitFor('menu after hai', (a) => fromBot(a) && a.replyToId === id && !!cardOf(a));

    const all = await user.activities();
    expect(ids(all.activities)).to.deep.equal(ids(stream.activities));
    expect(all.activities.map((a) => a.id)).to.include(reply.id);
    expect(all.watermark).to.equal(String(all.activities.length));
    const numbers = stream.watermarks.map(Number);
    expect(numbers).to.deep.equal([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).to.equal(numbers.length);

    const after2 = await user.activities('2');
    expect(ids(after2.activities)).to.deep.equal(ids(all.activities.slice(2)));
    expect((await user.activities(all.watermark)).activities).to.deep.equal([]);
  });

  it('resumes after a reload from the last watermark: what came meanwhile arrives, nothing twice, nothing lost', async () => {
    const user = await DirectLineUser.demo(bot.url, 'demo-tech');
    const first = await open((await user.start()).streamUrl);
    await user.say('hai');
    await first.waitFor('menu after hai', (a) => fromBot(a) && !!a.replyToId);
    const seenWatermark = first.watermarks.at(-1)!;
    await first.close();

    // While the page reloads, the conversation goes on (here: a message from another tab).
    const meanwhile = await user.say('menu');
    const resumed = await user.resume(seenWatermark);
    expect(resumed.conversationId).to.equal(user.conversationId);
    expect(resumed.streamUrl).to.contain(`watermark=${seenWatermark}`);
    const second = await open(resumed.streamUrl);
    await second.waitFor('reply to the message sent meanwhile', (a) => fromBot(a) && a.replyToId === meanwhile);

    const all = await user.activities();
    expect([...ids(first.activities), ...ids(second.activities)]).to.deep.equal(ids(all.activities));
    expect(second.activities[0].id).to.equal(meanwhile);

    // A reload that asks the token endpoint for the same conversation gets it back, for the same user only.
    const again = await call(`${bot.url}/api/directline/token`, { json: { demoUser: 'demo-tech', conversationId: user.conversationId } });
    expect(again.body).to.include({ conversationId: user.conversationId, userId: 'demo-tech' });
    const stranger = await call(`${bot.url}/api/directline/token`, {
      json: { demoUser: 'demo-lead', conversationId: user.conversationId },
    });
    expect(stranger.status).to.equal(403);
    const unknown = await call(`${bot.url}/api/directline/token`, {
      json: { demoUser: 'demo-lead', conversationId: 'no-such-conversation' },
    });
    expect(unknown.body.conversationId).to.be.a('string').and.not.equal('no-such-conversation');
  });

  it('serves polling only clients: GET pages through a long conversation by watermark', async () => {
    const user = await DirectLineUser.demo(bot.url, 'demo-lead');
    await user.start();
    for (let i = 0; i < 3; i++) await user.say('menu');
    let watermark: string | undefined;
    const polled: DlActivity[] = [];
    for (;;) {
      const page = await user.activities(watermark);
      if (page.activities.length === 0) break;
      polled.push(...page.activities);
      watermark = page.watermark;
    }
    expect(polled.length).to.equal(8);
    expect(polled.filter(fromBot).every((a) => a.from.id === 'gpki-bot')).to.equal(true);
    expect(new Set(ids(polled)).size).to.equal(8);
  });

  it('refuses what a client may not send: other types, bad fields, unknown conversations', async () => {
    const user = await DirectLineUser.demo(bot.url, 'demo-agent');
    expect((await user.post({ type: 'message', text: 'hai' })).status).to.equal(404);
    await user.start();
    expect((await user.post({ type: 'invoke', name: 'adaptiveCard/action' })).status).to.equal(400);
    expect((await user.post({ type: 'message', text: 42 })).body.error.code).to.equal('BadArgument');
    expect((await user.post({ type: 'typing' })).status).to.equal(200);
    const all = await user.activities();
    expect(all.activities.at(-1)).to.deep.include({ type: 'typing' });
    expect(all.activities.filter((a) => a.replyToId === all.activities.at(-1)!.id)).to.deep.equal([]);
  });
});
