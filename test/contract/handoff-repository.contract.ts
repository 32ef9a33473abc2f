import { expect } from 'chai';
import type { AgentCredentials, HandoffNote, HandoffRepository, NewHandoff } from '../../domain/ports/handoff-repository.js';
import type { Factory, Fixture } from './harness.js';

const entry = (conversationId: string, queuedAt: string, over: Partial<NewHandoff> = {}): NewHandoff => ({
  conversationId,
  channelId: 'webchat',
  personId: `p-${conversationId}`,
  reason: 'request',
  queuedAt,
  ...over,
});

/** The HandoffRepository promises (domain/ports/handoff-repository.ts), for every adapter. */
export function handoffRepositoryContract(name: string, make: Factory<HandoffRepository>): void {
  describe(`HandoffRepository contract (${name})`, () => {
    let f: Fixture<HandoffRepository>;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.close();
    });

    it('enqueues once: a second enqueue of an open conversation returns it unchanged', async () => {
      const first = await f.subject.enqueue(entry('c1', '2026-05-01T01:00:00.000Z', { caseId: 'UC-2026-000001' }));
      expect(first.created).to.equal(true);
      expect(first.record).to.deep.equal({
        conversationId: 'c1',
        channelId: 'webchat',
        personId: 'p-c1',
        reason: 'request',
        queuedAt: '2026-05-01T01:00:00.000Z',
        status: 'waiting',
        caseId: 'UC-2026-000001',
        notes: [],
      });
      const again = await f.subject.enqueue(entry('c1', '2026-05-01T02:00:00.000Z', { reason: 'error' }));
      expect(again).to.deep.equal({ record: first.record, created: false });
      expect(await f.subject.get('c1')).to.deep.equal(first.record);
      expect(await f.subject.get('nope')).to.equal(undefined);
    });

    it('lists open records oldest first and leaves closed ones out', async () => {
      await f.subject.enqueue(entry('late', '2026-05-01T03:00:00.000Z'));
      await f.subject.enqueue(entry('early', '2026-05-01T01:00:00.000Z'));
      await f.subject.enqueue(entry('gone', '2026-05-01T02:00:00.000Z'));
      await f.subject.take('late', 'agent-1', '2026-05-01T03:30:00.000Z');
      await f.subject.close('gone', { outcome: 'timeout', at: '2026-05-01T04:00:00.000Z' });
      expect((await f.subject.listOpen()).map((r) => [r.conversationId, r.status])).to.deep.equal([
        ['early', 'waiting'],
        ['late', 'taken'],
      ]);
    });

    it('gives a waiting conversation to exactly one of many concurrent takers', async () => {
      await f.subject.enqueue(entry('c1', '2026-05-01T01:00:00.000Z'));
      const takers = Array.from({ length: 8 }, (_, i) => `agent-${i}`);
      const results = await Promise.all(takers.map((a) => f.subject.take('c1', a, '2026-05-01T01:05:00.000Z')));
      const winners = results.filter(Boolean);
      expect(winners).to.have.length(1);
      expect(winners[0]).to.deep.include({ status: 'taken', takenAt: '2026-05-01T01:05:00.000Z' });
      expect((await f.subject.get('c1'))?.agentId).to.equal(winners[0]!.agentId);
      expect(await f.subject.take('c1', 'agent-late', '2026-05-01T01:06:00.000Z')).to.equal(undefined);
      expect(await f.subject.take('unknown', 'agent-1', '2026-05-01T01:06:00.000Z')).to.equal(undefined);
    });

    it('closes only as the owning agent, or a waiting record without one; reopens a closed one with its notes', async () => {
      await f.subject.enqueue(entry('c1', '2026-05-01T01:00:00.000Z'));
      expect(await f.subject.close('c1', { agentId: 'agent-1', outcome: 'handback', at: '2026-05-01T01:01:00.000Z' })).to.equal(undefined);
      await f.subject.take('c1', 'agent-1', '2026-05-01T01:02:00.000Z');
      expect(await f.subject.close('c1', { outcome: 'timeout', at: '2026-05-01T01:03:00.000Z' })).to.equal(undefined);
      expect(await f.subject.close('c1', { agentId: 'agent-2', outcome: 'end', at: '2026-05-01T01:03:00.000Z' })).to.equal(undefined);
      expect(await f.subject.addNote('c1', { at: '2026-05-01T01:03:30.000Z', agentId: 'agent-1', text: 'e-mel dibetulkan' })).to.equal(
        true,
      );
      const closed = await f.subject.close('c1', { agentId: 'agent-1', outcome: 'handback', at: '2026-05-01T01:04:00.000Z' });
      expect(closed).to.deep.include({ status: 'closed', outcome: 'handback', closedAt: '2026-05-01T01:04:00.000Z', agentId: 'agent-1' });
      const again = await f.subject.enqueue(entry('c1', '2026-05-01T02:00:00.000Z', { reason: 'misunderstood' }));
      expect(again.created).to.equal(true);
      expect(again.record).to.deep.equal({
        conversationId: 'c1',
        channelId: 'webchat',
        personId: 'p-c1',
        reason: 'misunderstood',
        queuedAt: '2026-05-01T02:00:00.000Z',
        status: 'waiting',
        notes: [{ at: '2026-05-01T01:03:30.000Z', agentId: 'agent-1', text: 'e-mel dibetulkan' }],
      });
      expect(await f.subject.addNote('unknown', { at: '2026-05-01T01:03:30.000Z', agentId: 'a', text: 'x' })).to.equal(false);
    });

    it('keeps corrections as data beside notes, in order, through take, close and a reopen', async () => {
      await f.subject.enqueue(entry('c1', '2026-05-01T01:00:00.000Z'));
      await f.subject.take('c1', 'agent-1', '2026-05-01T01:01:00.000Z');
      const notes: HandoffNote[] = [
        { kind: 'correction', at: '2026-05-01T01:02:00.000Z', agentId: 'agent-1', field: 'email', value: 'aminah@moh.gov.my' },
        { kind: 'note', at: '2026-05-01T01:03:00.000Z', agentId: 'agent-1', text: 'email → bukan pembetulan' },
        { kind: 'correction', at: '2026-05-01T01:04:00.000Z', agentId: 'agent-1', field: 'mykad', value: '9001******78' },
      ];
      for (const n of notes) expect(await f.subject.addNote('c1', n)).to.equal(true);
      expect((await f.subject.get('c1'))?.notes).to.deep.equal(notes);
      expect((await f.subject.listOpen())[0]?.notes).to.deep.equal(notes);
      const closed = await f.subject.close('c1', { agentId: 'agent-1', outcome: 'handback', at: '2026-05-01T01:05:00.000Z' });
      expect(closed?.notes).to.deep.equal(notes);
      expect((await f.subject.enqueue(entry('c1', '2026-05-01T02:00:00.000Z'))).record.notes).to.deep.equal(notes);
    });

    it('pruneClosedBefore deletes records closed before the instant and never an open one', async () => {
      for (const c of ['old', 'recent', 'waiting', 'taken']) await f.subject.enqueue(entry(c, '2026-01-01T00:00:00.000Z'));
      await f.subject.close('old', { outcome: 'timeout', at: '2026-01-01T01:00:00.000Z' });
      await f.subject.take('recent', 'agent-1', '2026-01-01T00:30:00.000Z');
      await f.subject.close('recent', { agentId: 'agent-1', outcome: 'handback', at: '2026-03-01T00:00:00.000Z' });
      await f.subject.take('taken', 'agent-2', '2026-01-01T00:30:00.000Z');
      expect(await f.subject.pruneClosedBefore(new Date('2026-02-01T00:00:00.000Z'))).to.equal(1);
      expect(await f.subject.get('old')).to.equal(undefined);
      expect((await f.subject.get('recent'))?.status).to.equal('closed');
      expect((await f.subject.listOpen()).map((r) => r.conversationId)).to.deep.equal(['taken', 'waiting']);
      expect(await f.subject.pruneClosedBefore(new Date('2026-02-01T00:00:00.000Z')), 'a second prune finds nothing').to.equal(0);
      // A pruned conversation joins the queue afresh.
      expect((await f.subject.enqueue(entry('old', '2026-04-01T00:00:00.000Z'))).record).to.deep.include({ status: 'waiting', notes: [] });
    });
  });
}

/** The AgentCredentials promises, for every adapter. */
export function agentCredentialsContract(name: string, make: Factory<AgentCredentials>): void {
  describe(`AgentCredentials contract (${name})`, () => {
    let f: Fixture<AgentCredentials>;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.close();
    });
    it('keeps one hash per person; a reset replaces it', async () => {
      expect(await f.subject.getHash('demo-agent')).to.equal(undefined);
      await f.subject.setHash('demo-agent', 'scrypt$a');
      await f.subject.setHash('demo-agent', 'scrypt$b');
      await f.subject.setHash('other', 'scrypt$c');
      expect(await f.subject.getHash('demo-agent')).to.equal('scrypt$b');
      expect(await f.subject.getHash('other')).to.equal('scrypt$c');
    });
  });
}
