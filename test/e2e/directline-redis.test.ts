import { randomUUID } from 'node:crypto';
import { redisReachable, deleteKeys, REDIS_URL } from '../support/redis.js';
import { expect } from 'chai';
import { inCi } from '../contract/harness.js';
import { removeDir, startTestBot } from '../support/bot.js';
import { cardOf, DirectLineUser, Stream } from '../support/directline.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

const redisUp = await redisReachable();

/**
 * Two bot instances behind one load balancer: one data folder (the same SQLite file and Direct
 * Line secret) and one Redis. A WebSocket held by one instance gets what the other produces.
 */
describe(`e2e: Direct Line across two instances on Redis (${REDIS_URL})`, function () {
  if (!redisUp) {
    if (inCi()) it('Redis is reachable', () => void expect.fail(`Redis is required in CI (CI=true) but does not answer at ${REDIS_URL}`));
    else it(`SKIPPED: Redis not reachable at ${REDIS_URL}`);
    return;
  }
  this.timeout(90_000);
  const prefix = `gpki-test-dl-${randomUUID().slice(0, 8)}`;
  let a: Bot;
  let b: Bot;
  const streams: Stream[] = [];

  before(async () => {
    const env = { REDIS_URL, QUEUE_PREFIX: prefix };
    a = await startTestBot(env);
    b = await startTestBot(env, a.dataDir);
  });
  after(async () => {
    await Promise.all(streams.map((s) => s.close()));
    await b?.close();
    await a?.close();
    if (a) removeDir(a.dataDir);
    await deleteKeys(prefix);
  });

  it('delivers a reply produced on instance B to the WebSocket held by instance A, and resumes on B', async () => {
    const onA = await DirectLineUser.demo(a.url, 'demo-applicant');
    const streamA = await Stream.open((await onA.start()).streamUrl);
    streams.push(streamA);
    await streamA.waitFor('greeting (made on A)', (x) => !!cardOf(x));

    // The same token, posted through instance B (the load balancer's choice).
    const onB = new DirectLineUser(b.url, onA.token);
    const id = await onB.say('hai');
    const reply = await streamA.waitFor('reply produced on B', (x) => x.replyToId === id && !!cardOf(x));
    expect(reply.from.role).to.equal('bot');

    // A reload that lands on B resumes the same conversation from the page's last watermark.
    const seen = streamA.watermarks.at(-1)!;
    const later = await onB.say('menu');
    const streamB = await Stream.open((await onB.resume(seen)).streamUrl);
    streams.push(streamB);
    await streamB.waitFor('reply on the resumed stream', (x) => x.replyToId === later);
    expect(streamB.activities[0].id).to.equal(later);
    const all = (await onB.activities()).activities.map((x) => x.id);
    expect(new Set(all).size).to.equal(all.length);
  });

  it('delivers a proactive notification to the WebSocket on A whichever instance runs the notify job', async () => {
    const ap = await DirectLineUser.demo(a.url, 'demo-ap');
    const stream = await Stream.open((await ap.start()).streamUrl);
    streams.push(stream);
    const c = await b.core.cases.create({
      kind: 'UC',
      status: 'DILULUSKAN',
      applicantId: 'demo-ap',
      agencyId: 'KKM',
      data: {},
      timeline: [],
    });
    await b.core.notifier.notify('demo-ap', { type: 'caseApproved', caseId: c.id }, `dl-redis-${c.id}`);
    const notice = await stream.waitFor('approval notice', (x) => (x.text ?? '').includes(c.id));
    expect(notice.from.role).to.equal('bot');
  });
});
