import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { ConversationLock } from '../../domain/ports/conversation-lock.js';
import type { SeenActivities } from '../../infra/dedupe.js';

/** One bot instance as the turn pipeline sees it: its duplicate marks and its conversation lock. */
export interface Instance {
  seen: SeenActivities;
  lock: ConversationLock;
}

/**
 * The backbone the marks live on (one process, or one Redis and prefix). Every `instance` shares
 * the same marks and locks; `otherDeployment` is a deployment beside it on the same backbone
 * (another prefix), which must share nothing.
 */
export interface MarksBackbone {
  instance(): Promise<Instance>;
  otherDeployment(): Promise<SeenActivities>;
  /**
   * Lets at least `ms` pass for the marks. `controlled`: the adapter's clock is moved exactly, so
   * the window is checked on both sides of its end; `real`: time passes on its own and only the
   * forgetting is awaited (no assertion depends on how long a step took).
   */
  readonly time: 'controlled' | 'real';
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}
export type BackboneFactory = (opts: { ttlMs: number }) => Promise<MarksBackbone>;

/**
 * The turn handler's use of the marks (bot/turn-pipeline.ts): under the conversation's lock, drop
 * an activity whose turn completed, else run the turn and mark it.
 */
async function deliver(at: Instance, conversation: string, id: string, turn: () => Promise<void>): Promise<'dropped' | 'ran'> {
  const lease = await at.lock.acquire(`test:${conversation}`, { waitMs: 20_000 });
  try {
    if (await at.seen.completed(id)) return 'dropped';
    await turn();
    await at.seen.markCompleted(id);
    return 'ran';
  } finally {
    await at.lock.release(lease);
  }
}

/**
 * What infra/dedupe.ts promises beyond the basic suite (seen-activities.contract.ts), on every
 * adapter: marks of different activities and conversations are independent, a deployment on the
 * same backbone shares none, marks made in parallel are all kept, many parallel re-sends of one
 * activity across instances run its turn exactly once (the marks checked under the lock, as the
 * port's callers must), and a mark lasts exactly its window.
 *
 * The port gives no "first mark wins" answer of its own: `markCompleted` is idempotent and
 * returns nothing; the single winner comes from checking and marking under the conversation lock.
 */
export function seenActivitiesConcurrencyContract(adapterName: string, factory: BackboneFactory): void {
  describe(`SeenActivities under concurrency and isolation (${adapterName})`, function () {
    this.timeout(30_000);
    let bb: MarksBackbone;
    let run: string;
    beforeEach(async () => {
      bb = await factory({ ttlMs: 60_000 });
      run = randomUUID().slice(0, 8);
    });
    afterEach(async () => {
      await bb.close();
    });

    it('keeps the marks of one activity id in two conversations, and of two ids in one, apart', async () => {
      const a = await bb.instance();
      const sameIdA = `test:conv-A-${run}:act-1`;
      const sameIdB = `test:conv-B-${run}:act-1`;
      const next = `test:conv-A-${run}:act-2`;
      await a.seen.markCompleted(sameIdA);
      expect([await a.seen.completed(sameIdA), await a.seen.completed(sameIdB), await a.seen.completed(next)]).to.deep.equal([
        true,
        false,
        false,
      ]);
      await a.seen.markCompleted(next);
      expect([await a.seen.completed(sameIdB), await a.seen.completed(next)]).to.deep.equal([false, true]);
    });

    it('shares no mark with another deployment on the same backbone', async () => {
      const mine = await bb.instance();
      const theirs = await bb.otherDeployment();
      const id = `test:conv-${run}:act-1`;
      await mine.seen.markCompleted(id);
      expect(await theirs.completed(id)).to.equal(false);
      await theirs.markCompleted(`test:conv-${run}:act-2`);
      expect(await mine.seen.completed(`test:conv-${run}:act-2`)).to.equal(false);
    });

    it('keeps every mark made in parallel from two instances, and only those', async () => {
      const [a, b] = [await bb.instance(), await bb.instance()];
      const ids = Array.from({ length: 200 }, (_, i) => `test:conv-${i % 7}-${run}:act-${i}`);
      await Promise.all(ids.map((id, i) => (i % 2 ? a : b).seen.markCompleted(id)));
      // The same ids again at once: idempotent, nothing lost or thrown.
      await Promise.all(ids.map((id, i) => (i % 2 ? b : a).seen.markCompleted(id)));
      const checks = await Promise.all(ids.map((id, i) => (i % 3 ? a : b).seen.completed(id)));
      expect(checks.filter(Boolean)).to.have.length(ids.length);
      const unmarked = await Promise.all(ids.map((id) => a.seen.completed(`${id}-x`)));
      expect(unmarked.filter(Boolean)).to.have.length(0);
    });

    it('runs the turn of an activity re-sent many times at once to several instances exactly once', async () => {
      const instances = [await bb.instance(), await bb.instance(), await bb.instance()];
      const conversation = `conv-${run}`;
      const runs = new Map<string, number>();
      const turn = (id: string) => async () => {
        runs.set(id, (runs.get(id) ?? 0) + 1);
        // The turn takes a moment: the other deliveries arrive while it runs.
        await new Promise((resolve) => setImmediate(resolve));
      };
      const ids = [1, 2, 3, 4].map((n) => `test:${conversation}:act-${n}`);
      const deliveries = ids.flatMap((id) =>
        Array.from({ length: 12 }, (_, k) => deliver(instances[k % instances.length]!, conversation, id, turn(id))),
      );
      const outcomes = await Promise.all(deliveries);
      expect(outcomes.filter((o) => o === 'ran')).to.have.length(ids.length);
      expect(ids.map((id) => runs.get(id))).to.deep.equal([1, 1, 1, 1]);
      for (const at of instances) for (const id of ids) expect(await at.seen.completed(id)).to.equal(true);
    });

    it('keeps a mark for its whole window and forgets it after', async () => {
      const short = await factory({ ttlMs: 1500 });
      try {
        const at = await short.instance();
        const id = `test:conv-${run}:act-1`;
        await at.seen.markCompleted(id);
        expect(await at.seen.completed(id)).to.equal(true);
        if (short.time === 'controlled') {
          await short.elapse(1499);
          expect(await at.seen.completed(id)).to.equal(true);
          await short.elapse(1);
          expect(await at.seen.completed(id)).to.equal(false);
        } else {
          // Real time: wait for the mark to go, however long the machine takes to get there.
          let forgotten = false;
          for (let i = 0; i < 100 && !forgotten; i++) {
            await short.elapse(100);
            forgotten = !(await at.seen.completed(id));
          }
          expect(forgotten, 'the mark was still there 10 s after a 1.5 s window').to.equal(true);
        }
        // A turn re-sent after the window runs again, and is marked again.
        let ran = 0;
        expect(await deliver(at, `conv-${run}`, id, async () => void ran++)).to.equal('ran');
        expect([ran, await at.seen.completed(id)]).to.deep.equal([1, true]);
      } finally {
        await short.close();
      }
    });
  });
}
