import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { inCi } from '../contract/harness.js';
import { removeDir, startTestBot, tinyPng } from '../support/bot.js';
import { askedField, Chat, cardOf, promptOf } from '../support/chat.js';
import { TestConnector, type SentActivity } from '../support/connector.js';
import { DirectLineUser, promptOf as dlPromptOf } from '../support/directline.js';
import { deleteKeys, REDIS_URL, redisReachable } from '../support/redis.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

const redisUp = await redisReachable();
const SUBMIT = { verb: 'answer', field: 'confirm', choice: 'submit' };
const CASE_NO = /UC-\d{4}-\d{6}/;

/**
 * Walks the new user-certificate application to its summary card, each turn on the next of
 * `urls` (the second instance sees what the first saved), and returns the summary replies.
 */
async function walkToSummary(chat: Chat, urls: string[], at: { url: string }): Promise<SentActivity[]> {
  let turn = 0;
  const next = () => void (at.url = urls[turn++ % urls.length]);
  next();
  let r = await chat.submit({ verb: 'start', goal: 'newUserCert' });
  expect(askedField(r)).to.equal('mykad');
  for (const [answer, asks] of [
    ['900101-14-5678', 'fullName'],
    ['Aminah binti Hassan', 'email'],
    ['aminah@moh.gov.my', 'phone'],
    ['012-345 6789', 'agency'],
    ['Kementerian Kesihatan Malaysia', 'position'],
    ['Pegawai Teknologi Maklumat F41', 'medium'],
    ['Token', 'applications'],
    ['ePerolehan', 'mykadCopy'],
  ]) {
    next();
    r = await chat.say(answer);
    expect(askedField(r), answer).to.equal(asks);
  }
  next();
  r = await chat.upload('mykad.png', 'image/png', tinyPng());
  expect(askedField(r)).to.equal('declaration');
  next();
  r = await chat.say('ya');
  expect(askedField(r)).to.equal('confirm');
  return r;
}

/** One click of the summary's Submit button, as the channel posts it: its own activity id, to the given instance. */
async function click(url: string, chat: Chat, connectorUrl: string, id: string): Promise<number> {
  const res = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id,
      channelId: 'msteams',
      serviceUrl: connectorUrl,
      from: { id: chat.userId, name: chat.userId },
      recipient: { id: 'gpki-bot' },
      conversation: { id: chat.conversationId },
      timestamp: new Date().toISOString(),
      value: SUBMIT,
    }),
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Five quick clicks of Submit (five activities, arriving together, alternating between the
 * instances when there are two): the turns run one after another, so one case is made, and
 * every click is answered: the first with the case number, the others with "this card is out of
 * date" (the dialog they answer has ended).
 */
async function fiveClicks(bots: Bot[], connector: TestConnector): Promise<void> {
  const at = { url: bots[0].url };
  const chat = new Chat({ botUrl: () => at.url, connector, userId: 'demo-applicant', channelId: 'msteams' });
  const summary = await walkToSummary(
    chat,
    bots.map((b) => b.url),
    at,
  );
  expect(JSON.stringify(cardOf(promptOf(summary)))).to.contain('Aminah binti Hassan');

  const ids = Array.from({ length: 5 }, (_, i) => `click-${i}-${randomUUID()}`);
  const statuses = await Promise.all(ids.map((id, i) => click(bots[i % bots.length].url, chat, connector.url, id)));
  expect(statuses).to.deep.equal([200, 200, 200, 200, 200]);

  const cases = await bots[0].core.cases.listByApplicant('demo-applicant');
  expect(
    cases.map((c) => c.kind),
    'cases stored',
  ).to.have.length(1);
  const replies = chat.take();
  for (const id of ids)
    expect(
      replies.filter((a) => a.replyToId === id),
      `replies to ${id}`,
    ).to.not.be.empty;
  const announcing = replies.filter((a) => CASE_NO.test(a.text ?? ''));
  expect(announcing.map((a) => CASE_NO.exec(a.text ?? '')?.[0])).to.deep.equal([cases[0].id]);
  const stale = replies.filter((a) => (a.text ?? '').includes('Kad ini tidak sah atau telah lapuk'));
  expect(new Set(stale.map((a) => a.replyToId)).size).to.equal(4);
}

/**
 * The same on the bot's own Direct Line (Web Chat): five Submit posts at once with one token,
 * alternating between the instances when there are two.
 */
async function fiveClicksOnDirectLine(bots: Bot[]): Promise<void> {
  const users = [await DirectLineUser.demo(bots[0].url, 'demo-tech')];
  await users[0].start();
  for (const b of bots.slice(1)) users.push(new DirectLineUser(b.url, users[0].token));
  let turn = 0;
  const next = () => users[turn++ % users.length];
  await next().submit({ verb: 'start', goal: 'newUserCert' });
  for (const answer of ['880808-08-8888', 'Lim Wei Jie', 'lim.weijie@moh.gov.my', '0123456789', '1', 'Pegawai F44', 'Token', 'ePerolehan'])
    await next().say(answer);
  expect((await next().upload([{ name: 'mykad.png', type: 'image/png', bytes: tinyPng() }])).status).to.equal(200);
  await next().say('ya');
  const before = (await users[0].activities()).activities;
  expect(dlPromptOf(before.at(-1))).to.equal('confirm');

  const ids = await Promise.all(Array.from({ length: 5 }, () => next().submit(SUBMIT)));
  const cases = await bots[0].core.cases.listByApplicant('demo-tech');
  expect(cases, 'cases stored').to.have.length(1);
  const replies = (await users[0].activities()).activities.slice(before.length).filter((a) => a.from.role === 'bot');
  for (const id of ids)
    expect(
      replies.filter((a) => a.replyToId === id),
      `replies to ${id}`,
    ).to.not.be.empty;
  expect(replies.filter((a) => CASE_NO.test(a.text ?? '')).map((a) => CASE_NO.exec(a.text ?? '')?.[0])).to.deep.equal([cases[0].id]);
}

describe('e2e: one conversation, one turn at a time (embedded mode)', function () {
  this.timeout(120_000);
  const connector = new TestConnector();
  let bot: Bot;
  before(async () => {
    await connector.start();
    bot = await startTestBot();
  });
  after(async () => {
    await bot?.close();
    await connector.stop();
    if (bot) removeDir(bot.dataDir);
  });

  it('five concurrent clicks of Submit make one case, and each click gets a reply', async () => {
    await fiveClicks([bot], connector);
  });

  it("the same in Web Chat (the bot's own Direct Line)", async () => {
    await fiveClicksOnDirectLine([bot]);
  });
});

describe(`e2e: one conversation, one turn at a time, on two instances sharing one store and Redis (${REDIS_URL})`, function () {
  if (!redisUp) {
    if (inCi()) it('Redis is reachable', () => void expect.fail(`Redis is required in CI (CI=true) but does not answer at ${REDIS_URL}`));
    else it(`SKIPPED: Redis not reachable at ${REDIS_URL}`);
    return;
  }
  this.timeout(120_000);
  const prefix = `gpki-test-serial-${randomUUID().slice(0, 8)}`;
  const connector = new TestConnector();
  const bots: Bot[] = [];
  before(async () => {
    await connector.start();
    const env = { REDIS_URL, QUEUE_PREFIX: prefix };
    bots.push(await startTestBot(env));
    // Two servers on one embedded SQLite file (it belongs to one process): they meet only in the store and in Redis.
    bots.push(await startTestBot(env, bots[0].dataDir));
  });
  after(async () => {
    for (const b of bots.reverse()) await b.close();
    await connector.stop();
    if (bots[0]) removeDir(bots[0].dataDir);
    await deleteKeys(prefix);
  });

  it('five concurrent clicks of Submit, alternating between the instances, make one case, and each click gets a reply', async () => {
    await fiveClicks(bots, connector);
  });

  it("the same in Web Chat (the bot's own Direct Line), one token posting through both instances", async () => {
    await fiveClicksOnDirectLine(bots);
  });
});
