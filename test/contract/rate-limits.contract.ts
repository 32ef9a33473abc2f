import { expect } from 'chai';
import type { AgentSessions } from '../../domain/ports/agent-sessions.js';
import type { RateLimits } from '../../domain/ports/rate-limits.js';
import type { Factory, Fixture } from './harness.js';

const T0 = new Date('2026-05-01T01:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const HOUR = 3_600_000;

/** The RateLimits promises (domain/ports/rate-limits.ts), for every adapter. */
export function rateLimitsContract(name: string, make: Factory<RateLimits>): void {
  describe(`RateLimits contract (${name})`, () => {
    let f: Fixture<RateLimits>;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.close();
    });

    it('adds within one window, which ends windowMs after its first add', async () => {
      expect(await f.subject.add('k', 1, HOUR, T0)).to.deep.equal({ total: 1, endsAt: at(HOUR) });
      expect(await f.subject.add('k', 2.5, HOUR, at(10_000))).to.deep.equal({ total: 3.5, endsAt: at(HOUR) });
      expect(await f.subject.add('k', -0.5, HOUR, at(20_000))).to.deep.equal({ total: 3, endsAt: at(HOUR) });
      expect(await f.subject.peek('k', at(30_000))).to.deep.equal({ total: 3, endsAt: at(HOUR) });
      expect(await f.subject.peek('other', at(30_000))).to.deep.equal({ total: 0 });
    });

    it('starts a new window after the previous one ended', async () => {
      await f.subject.add('k', 5, HOUR, T0);
      expect(await f.subject.peek('k', at(HOUR))).to.deep.equal({ total: 0 });
      expect(await f.subject.add('k', 1, HOUR, at(HOUR + 1))).to.deep.equal({ total: 1, endsAt: at(2 * HOUR + 1) });
    });

    it('keeps keys apart and forgets one on reset', async () => {
      await f.subject.add('a', 4, HOUR, T0);
      await f.subject.add('b', 7, HOUR, T0);
      await f.subject.reset('a');
      expect((await f.subject.peek('a', T0)).total).to.equal(0);
      expect((await f.subject.peek('b', T0)).total).to.equal(7);
    });

    it('loses none of many concurrent adds', async () => {
      const totals = await Promise.all(Array.from({ length: 40 }, () => f.subject.add('k', 1, HOUR, T0)));
      expect((await f.subject.peek('k', T0)).total).to.equal(40);
      // Each add saw a different running total: the window was shared, not restarted.
      expect(new Set(totals.map((t) => t.total)).size).to.equal(40);
    });

    it('evicts nothing to make room: a window survives thousands of other keys', async () => {
      await f.subject.add('victim', 5, HOUR, T0);
      for (let i = 0; i < 12_000; i += 500)
        await Promise.all(Array.from({ length: 500 }, (_, j) => f.subject.add(`flood-${i + j}`, 1, HOUR, T0)));
      expect((await f.subject.peek('victim', at(60_000))).total).to.equal(5);
    });

    it('prunes exactly the ended windows', async () => {
      await f.subject.add('short', 1, 1000, T0);
      await f.subject.add('long', 1, HOUR, T0);
      expect(await f.subject.pruneEnded(at(1000))).to.equal(1);
      expect((await f.subject.peek('long', at(1000))).total).to.equal(1);
      expect(await f.subject.pruneEnded(at(1000))).to.equal(0);
    });
  });
}

/** The AgentSessions promises (domain/ports/agent-sessions.ts), for every adapter. */
export function agentSessionsContract(name: string, make: Factory<AgentSessions>): void {
  describe(`AgentSessions contract (${name})`, () => {
    let f: Fixture<AgentSessions>;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.close();
    });
    const session = (id: string, agentId: string, ttlMs = HOUR) => ({
      id,
      agentId,
      createdAt: T0.toISOString(),
      expiresAt: at(ttlMs).toISOString(),
    });

    it('returns a session only until it expires', async () => {
      await f.subject.create(session('s1', 'agent-1'));
      expect(await f.subject.get('s1', at(HOUR - 1))).to.deep.equal(session('s1', 'agent-1'));
      expect(await f.subject.get('s1', at(HOUR))).to.equal(undefined);
      expect(await f.subject.get('nope', T0)).to.equal(undefined);
    });

    it('deletes one session, or every session of one agent', async () => {
      await f.subject.create(session('s1', 'agent-1'));
      await f.subject.create(session('s2', 'agent-1'));
      await f.subject.create(session('s3', 'agent-2'));
      await f.subject.delete('s1');
      await f.subject.delete('unknown');
      expect(await f.subject.get('s1', T0)).to.equal(undefined);
      expect(await f.subject.agentIds(T0)).to.deep.equal(['agent-1', 'agent-2']);
      expect(await f.subject.deleteForAgent('agent-1')).to.equal(1);
      expect(await f.subject.get('s2', T0)).to.equal(undefined);
      expect(await f.subject.get('s3', T0)).to.not.equal(undefined);
      expect(await f.subject.agentIds(T0)).to.deep.equal(['agent-2']);
    });

    it('prunes exactly the expired sessions', async () => {
      await f.subject.create(session('short', 'a', 1000));
      await f.subject.create(session('long', 'a'));
      expect(await f.subject.agentIds(at(1000))).to.deep.equal(['a']);
      expect(await f.subject.pruneExpired(at(1000))).to.equal(1);
      expect(await f.subject.get('long', at(1000))).to.not.equal(undefined);
    });
  });
}
