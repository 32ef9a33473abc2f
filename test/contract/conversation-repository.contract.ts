import { expect } from 'chai';
import type { ConversationRecord, ConversationRepository, PendingMessage } from '../../domain/ports/conversation-repository.js';
import type { Factory, Fixture } from './harness.js';

type SaveInput = Parameters<ConversationRepository['save']>[0];

function conv(conversationId: string, over: Partial<SaveInput> = {}): SaveInput {
  return {
    conversationId,
    channelId: 'msteams',
    personId: 'p1',
    reference: { conversation: { id: conversationId }, serviceUrl: 'https://smba.example/', bot: { id: 'bot' } },
    lastSeenAt: '2026-03-01T00:00:00.000Z',
    ...over,
  };
}

function pending(id: string, createdAt: string, personId = 'p1'): PendingMessage {
  return { id, personId, payload: { type: 'caseApproved', caseId: `UC-2026-00000${id.slice(-1)}` }, createdAt };
}

/** The ConversationRepository contract: references, ownership, pending messages. */
export function conversationRepositoryContract(adapterName: string, factory: Factory<ConversationRepository>): void {
  describe(`ConversationRepository contract (${adapterName})`, () => {
    let fx: Fixture<ConversationRepository>;
    let repo: ConversationRepository;
    beforeEach(async () => {
      fx = await factory();
      repo = fx.subject;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('save then get returns the record, owned by the bot by default; unknown ids give undefined', async () => {
      await repo.save(conv('c1'));
      const expected: ConversationRecord = { ...conv('c1'), owner: 'bot' };
      expect(await repo.get('c1')).to.deep.equal(expected);
      expect(await repo.get('c2')).to.equal(undefined);
    });

    it('save upserts by conversationId', async () => {
      await repo.save(conv('c1'));
      await repo.save(conv('c1', { lastSeenAt: '2026-03-02T00:00:00.000Z', reference: { v: 2 } }));
      const got = await repo.get('c1');
      expect(got?.lastSeenAt).to.equal('2026-03-02T00:00:00.000Z');
      expect(got?.reference).to.deep.equal({ v: 2 });
    });

    it('save keeps owner and agentId unless given', async () => {
      await repo.save(conv('c1'));
      expect(await repo.setOwner('c1', 'agent', 'agent-7')).to.equal(true);
      await repo.save(conv('c1', { lastSeenAt: '2026-03-03T00:00:00.000Z' }));
      const kept = await repo.get('c1');
      expect(kept).to.deep.include({ owner: 'agent', agentId: 'agent-7', lastSeenAt: '2026-03-03T00:00:00.000Z' });
      await repo.save(conv('c1', { owner: 'queued' }));
      expect((await repo.get('c1'))?.owner).to.equal('queued');
      await repo.save(conv('c2', { owner: 'agent', agentId: 'agent-8' }));
      expect(await repo.get('c2')).to.deep.include({ owner: 'agent', agentId: 'agent-8' });
    });

    it('setOwner on an unknown conversation returns false and creates nothing', async () => {
      expect(await repo.setOwner('nope', 'agent', 'agent-1')).to.equal(false);
      expect(await repo.get('nope')).to.equal(undefined);
    });

    it('setOwner changes owner and agentId; handing back to the bot clears the agent', async () => {
      await repo.save(conv('c1'));
      expect(await repo.setOwner('c1', 'queued')).to.equal(true);
      expect((await repo.get('c1'))?.owner).to.equal('queued');
      await repo.setOwner('c1', 'agent', 'agent-7');
      expect(await repo.get('c1')).to.deep.include({ owner: 'agent', agentId: 'agent-7' });
      await repo.setOwner('c1', 'bot');
      const back = await repo.get('c1');
      expect(back?.owner).to.equal('bot');
      expect(back?.agentId).to.equal(undefined);
      expect(back?.reference).to.deep.equal(conv('c1').reference);
    });

    it('latestForPerson returns the conversation with the newest lastSeenAt', async () => {
      await repo.save(conv('teams', { lastSeenAt: '2026-03-05T00:00:00.000Z' }));
      await repo.save(conv('webchat', { channelId: 'webchat', lastSeenAt: '2026-03-07T00:00:00.000Z' }));
      await repo.save(conv('old', { lastSeenAt: '2026-03-01T00:00:00.000Z' }));
      await repo.save(conv('other', { personId: 'p2', lastSeenAt: '2026-04-01T00:00:00.000Z' }));
      expect((await repo.latestForPerson('p1'))?.conversationId).to.equal('webchat');
      await repo.save(conv('teams', { lastSeenAt: '2026-03-08T00:00:00.000Z' }));
      expect((await repo.latestForPerson('p1'))?.conversationId).to.equal('teams');
      expect(await repo.latestForPerson('nobody')).to.equal(undefined);
    });

    it('pending messages come back oldest first, and takePending removes what it returns', async () => {
      await repo.addPending(pending('m2', '2026-03-02T00:00:00.000Z'));
      await repo.addPending(pending('m3', '2026-03-03T00:00:00.000Z'));
      await repo.addPending(pending('m1', '2026-03-01T00:00:00.000Z'));
      await repo.addPending(pending('o1', '2026-03-01T00:00:00.000Z', 'p2'));
      const taken = await repo.takePending('p1');
      expect(taken).to.deep.equal([
        pending('m1', '2026-03-01T00:00:00.000Z'),
        pending('m2', '2026-03-02T00:00:00.000Z'),
        pending('m3', '2026-03-03T00:00:00.000Z'),
      ]);
      expect(await repo.takePending('p1')).to.deep.equal([]);
      expect(await repo.takePending('p2')).to.deep.equal([pending('o1', '2026-03-01T00:00:00.000Z', 'p2')]);
    });

    it('concurrent takePending calls hand each message out at most once', async () => {
      for (let i = 0; i < 10; i++) await repo.addPending(pending(`m${i}`, `2026-03-01T00:00:0${i}.000Z`));
      const takes = await Promise.all(Array.from({ length: 5 }, () => repo.takePending('p1')));
      const ids = takes
        .flat()
        .map((m) => m.id)
        .sort();
      expect(ids).to.deep.equal(Array.from({ length: 10 }, (_, i) => `m${i}`));
    });

    it('pruneBefore deletes idle references a newer one of the same person supersedes, and old pending messages', async () => {
      const cutoff = new Date('2026-04-01T00:00:00.000Z');
      await repo.save(conv('p1-old', { lastSeenAt: '2026-01-01T00:00:00.000Z' }));
      await repo.save(conv('p1-older', { lastSeenAt: '2025-12-01T00:00:00.000Z' }));
      await repo.save(conv('p1-latest', { lastSeenAt: '2026-02-01T00:00:00.000Z' }));
      // Only reference of its person, idle for months: kept, a renewal reminder needs it.
      await repo.save(conv('p2-only', { personId: 'p2', lastSeenAt: '2025-06-01T00:00:00.000Z' }));
      // Superseded and idle, but an agent holds it: in use.
      await repo.save(conv('p3-held', { personId: 'p3', lastSeenAt: '2026-01-01T00:00:00.000Z', owner: 'agent', agentId: 'agent-1' }));
      await repo.save(conv('p3-latest', { personId: 'p3', lastSeenAt: '2026-05-01T00:00:00.000Z' }));
      // Superseded but seen at the cutoff itself: not idle long enough.
      await repo.save(conv('p4-edge', { personId: 'p4', lastSeenAt: '2026-04-01T00:00:00.000Z' }));
      await repo.save(conv('p4-latest', { personId: 'p4', lastSeenAt: '2026-05-01T00:00:00.000Z' }));
      await repo.addPending(pending('m-old', '2026-03-01T00:00:00.000Z'));
      await repo.addPending(pending('m-new', '2026-04-02T00:00:00.000Z'));
      await repo.addPending(pending('m-other', '2026-01-01T00:00:00.000Z', 'p2'));

      expect(await repo.pruneBefore(cutoff)).to.deep.equal({ conversations: 2, pending: 2 });
      for (const gone of ['p1-old', 'p1-older']) expect(await repo.get(gone), gone).to.equal(undefined);
      for (const kept of ['p1-latest', 'p2-only', 'p3-held', 'p3-latest', 'p4-edge', 'p4-latest'])
        expect(await repo.get(kept), kept).to.not.equal(undefined);
      expect((await repo.latestForPerson('p1'))?.conversationId).to.equal('p1-latest');
      expect(await repo.takePending('p1')).to.deep.equal([pending('m-new', '2026-04-02T00:00:00.000Z')]);
      expect(await repo.takePending('p2')).to.deep.equal([]);
      expect(await repo.pruneBefore(cutoff), 'a second prune finds nothing').to.deep.equal({ conversations: 0, pending: 0 });
    });

    it('pruneBefore keeps one reference per person when two share the newest instant, the one latestForPerson returns', async () => {
      await repo.save(conv('b', { lastSeenAt: '2026-01-01T00:00:00.000Z' }));
      await repo.save(conv('a', { lastSeenAt: '2026-01-01T00:00:00.000Z' }));
      const latest = (await repo.latestForPerson('p1'))?.conversationId;
      expect(await repo.pruneBefore(new Date('2026-04-01T00:00:00.000Z'))).to.deep.equal({ conversations: 1, pending: 0 });
      expect((await repo.latestForPerson('p1'))?.conversationId).to.equal(latest);
    });
  });
}
