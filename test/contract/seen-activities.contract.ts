import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import type { SeenActivities } from '../../infra/dedupe.js';
import type { Fixture } from './harness.js';

/** A marks fixture; `peer` stands for another bot instance on the same backbone. */
export interface SeenFixture extends Fixture<SeenActivities> {
  /** Another instance sharing the subject's marks (same Redis and prefix); in-process adapters give the subject itself. */
  peer(): Promise<SeenActivities>;
}
export type SeenFactory = (opts: { ttlMs: number }) => Promise<SeenFixture>;

/**
 * What the turn handler does with the marks (bot/turn-pipeline.ts), under the conversation lock:
 * drop an activity whose turn completed, else run the turn and mark it when it completed.
 */
async function deliver(seen: SeenActivities, id: string, turn: () => Promise<void>): Promise<'dropped' | 'ran'> {
  if (await seen.completed(id)) return 'dropped';
  await turn();
  await seen.markCompleted(id);
  return 'ran';
}

/**
 * The duplicate-activity marks contract (infra/dedupe.ts): only completed turns count, checking
 * marks nothing, marks are seen by every instance, and they expire after their window.
 */
export function seenActivitiesContract(adapterName: string, factory: SeenFactory): void {
  describe(`SeenActivities contract (${adapterName})`, () => {
    let fx: SeenFixture;
    let seen: SeenActivities;
    let id: string;
    beforeEach(async () => {
      fx = await factory({ ttlMs: 60_000 });
      seen = fx.subject;
      id = `test:conv-1:${randomUUID()}`;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('does not count an activity whose turn was never marked completed, however often it is checked', async () => {
      expect(await seen.completed(id)).to.equal(false);
      expect(await seen.completed(id)).to.equal(false);
      expect(await (await fx.peer()).completed(id)).to.equal(false);
    });

    it('counts a completed turn on every instance, and only that activity', async () => {
      await seen.markCompleted(id);
      expect(await seen.completed(id)).to.equal(true);
      expect(await (await fx.peer()).completed(id)).to.equal(true);
      expect(await seen.completed(`${id}-next`)).to.equal(false);
      await seen.markCompleted(id);
      expect(await seen.completed(id)).to.equal(true);
    });

    it('runs the re-send of a turn that crashed once, and drops the re-sends of a turn that completed', async () => {
      const peer = await fx.peer();
      let runs = 0;
      const crash = () => Promise.reject(new Error('process killed mid-turn'));
      const ok = async () => void (runs += 1);
      await deliver(seen, id, crash).catch(() => undefined);
      expect(await deliver(peer, id, ok)).to.equal('ran');
      expect(await deliver(seen, id, ok)).to.equal('dropped');
      expect(await deliver(peer, id, ok)).to.equal('dropped');
      expect(runs).to.equal(1);
    });

    it('forgets a mark after its window', async () => {
      const short = await factory({ ttlMs: 250 });
      try {
        await short.subject.markCompleted(id);
        expect(await short.subject.completed(id)).to.equal(true);
        await sleep(400);
        expect(await short.subject.completed(id)).to.equal(false);
      } finally {
        await short.close();
      }
    });
  });
}
