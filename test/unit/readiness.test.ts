import { expect } from 'chai';
import { Readiness } from '../../bot/http/readiness.js';

const never = () => new Promise<never>(() => undefined);

/** /readyz's judgement (bot/readiness.ts): bounded, down at once on a failure, not on one slow answer. */
describe('Readiness', () => {
  it('reports each dependency, down at once when its probe fails or says false', async () => {
    const r = new Readiness(
      { store: () => true, queue: () => Promise.reject(new Error('connection lost')), events: async () => undefined, ca: () => false },
      { reuseMs: 0 },
    );
    expect(await r.check()).to.deep.equal({ store: true, queue: false, events: true, ca: false });
    expect(await r.down()).to.deep.equal(['queue', 'ca']);
    expect(await r.down(['store', 'queue', 'events'])).to.deep.equal(['queue']);
  });

  it('answers within its bound when a probe hangs, and counts one slow answer as up but two in a row as down', async () => {
    let slow = true;
    const r = new Readiness({ queue: () => (slow ? never() : Promise.resolve()) }, { timeoutMs: 50, reuseMs: 0 });
    const started = Date.now();
    expect(await r.check()).to.deep.equal({ queue: true });
    expect(Date.now() - started).to.be.below(1000);
    expect(await r.check()).to.deep.equal({ queue: false });
    slow = false;
    expect(await r.check()).to.deep.equal({ queue: true });
    slow = true;
    expect(await r.check(), 'one slow answer after a good one').to.deep.equal({ queue: true });
  });

  it('shares one round of probes among the checks made within reuseMs', async () => {
    let calls = 0;
    let now = 0;
    const r = new Readiness({ queue: () => void calls++ }, { reuseMs: 500, now: () => now });
    await Promise.all([r.check(), r.check(), r.down()]);
    expect(calls).to.equal(1);
    now = 600;
    await r.check();
    expect(calls).to.equal(2);
  });

  it('does not reuse a finished round that found a dependency down', async () => {
    let up = false;
    let calls = 0;
    const r = new Readiness(
      {
        ca: () => {
          calls++;
          return up;
        },
      },
      { reuseMs: 500, now: () => 0 },
    );
    await Promise.all([r.check(), r.check()]);
    expect(calls, 'checks made meanwhile share the round').to.equal(1);
    up = true;
    expect(await r.check()).to.deep.equal({ ca: true });
    up = false;
    expect(await r.check(), 'a round with everything up is reused').to.deep.equal({ ca: true });
    expect(calls).to.equal(2);
  });
});
