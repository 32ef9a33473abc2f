import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { inCi } from '../contract/harness.js';
import { removeDir, startTestBot } from '../support/bot.js';
import { askedField, Chat, texts } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD, ConsoleClient, setPasswordByCommand } from '../support/console.js';
import { deleteKeys, REDIS_URL, redisReachable } from '../support/redis.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

const redisUp = await redisReachable();

/**
 * Two bot instances that share one store (the same embedded SQLite file: MONGODB_URI is not set
 * here, and the embedded store belongs to one process, so both run in this test process) and
 * reach each other only through Redis. The agent works on A; the user's turns arrive at B.
 */
describe(`e2e: an agent on one instance serves a user on another, over Redis (${REDIS_URL})`, function () {
  if (!redisUp) {
    if (inCi()) it('Redis is reachable', () => void expect.fail(`Redis is required in CI (CI=true) but does not answer at ${REDIS_URL}`));
    else it(`SKIPPED: Redis not reachable at ${REDIS_URL}`);
    return;
  }
  this.timeout(90_000);
  const prefix = `gpki-test-handoff-${randomUUID().slice(0, 8)}`;
  const connector = new TestConnector();
  let a: Bot;
  let b: Bot;
  let desk: ConsoleClient;

  before(async () => {
    await connector.start();
    const env = { REDIS_URL, QUEUE_PREFIX: prefix, AGENT_HOURS: 'always' };
    a = await startTestBot(env);
    b = await startTestBot(env, a.dataDir);
    const set = await setPasswordByCommand({ DATA_DIR: a.dataDir }, AGENT_EMAIL, AGENT_PASSWORD);
    expect(set.code, set.stderr).to.equal(0);
    desk = await ConsoleClient.signIn(a.url, AGENT_EMAIL, AGENT_PASSWORD);
    await desk.listen();
  });
  after(async () => {
    desk?.close();
    await b?.close();
    await a?.close();
    await connector.stop();
    if (a) removeDir(a.dataDir);
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
    await desk.waitForEvent('the user message from B', (e) => e.type === 'message' && e.from === 'user' && e.text === 'nama saya ada huruf khas');
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
