import { expect } from 'chai';
import { ConversationRateLimiter, sendWithRetries } from '../../bot/proactive/limits.js';

describe('proactive send limits', () => {
  it('lets 7 messages a second through per conversation, then waits', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new ConversationRateLimiter({
      perSecond: 7,
      perWindow: 60,
      windowMs: 30_000,
      now: () => now,
      sleep: async (ms) => void (waits.push(ms), (now += ms)),
    });
    for (let i = 0; i < 7; i++) await limiter.acquire('a');
    expect(waits).to.deep.equal([]);
    await limiter.acquire('a');
    expect(waits).to.deep.equal([1000]);
    await limiter.acquire('b');
    expect(waits).to.have.length(1);
  });

  it('keeps to 60 messages per 30 seconds', async () => {
    let now = 0;
    const limiter = new ConversationRateLimiter({
      perSecond: 7,
      perWindow: 60,
      windowMs: 30_000,
      now: () => now,
      sleep: async (ms) => void (now += ms),
    });
    for (let i = 0; i < 61; i++) await limiter.acquire('a');
    expect(now).to.be.at.least(30_000);
  });

  it('retries 429, 412, 502 and 504 with growing, jittered waits, and nothing else', async () => {
    const waits: number[] = [];
    let calls = 0;
    const statuses = [429, 412, 502, 504];
    const r = await sendWithRetries(
      async () => {
        const s = statuses[calls++];
        if (s) throw Object.assign(new Error('busy'), { statusCode: s });
        return 'sent';
      },
      { attempts: 5, baseMs: 100, sleep: async (ms) => void waits.push(ms), random: () => 1 },
    );
    expect(r).to.equal('sent');
    expect(waits).to.deep.equal([100, 200, 400, 800]);

    let other = 0;
    const err = await sendWithRetries(
      async () => {
        other++;
        throw Object.assign(new Error('forbidden'), { statusCode: 403 });
      },
      { sleep: async () => undefined },
    ).catch((e: Error) => e);
    expect(err).to.be.instanceOf(Error);
    expect(other).to.equal(1);
  });

  it('gives up after the last attempt with the channel error', async () => {
    let calls = 0;
    const err = await sendWithRetries(
      async () => {
        calls++;
        throw Object.assign(new Error('throttled'), { statusCode: 429 });
      },
      { attempts: 3, sleep: async () => undefined },
    ).catch((e: { statusCode: number }) => e);
    expect(calls).to.equal(3);
    expect(err).to.include({ statusCode: 429 });
  });
});
