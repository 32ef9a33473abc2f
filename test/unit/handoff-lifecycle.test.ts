import { expect } from 'chai';
import {
  decideHandoff,
  HANDOFF_ACTOR,
  HANDOFF_EVENTS,
  HANDOFF_STATES,
  handoffTransition,
  type HandoffEvent,
  type HandoffState,
} from '../../domain/handoff/lifecycle.js';
import type { Person } from '../../domain/people.js';
import type { HandoffRecord } from '../../domain/ports/handoff-repository.js';

type Expected = string;

/**
 * Every status × event of a conversation's handoff: `→ next (effect[, outcome])`, or `✗ CODE`.
 * What the console and the turn pipeline did before the lifecycle had a home, row by row.
 */
const TABLE: Record<HandoffState, Record<HandoffEvent, Expected>> = {
  none: {
    ask: '→ waiting (queued)',
    userMessage: '✗ NOT_FOUND',
    take: '✗ NOT_FOUND',
    agentAct: '✗ NOT_FOUND',
    handBack: '✗ NOT_FOUND',
    end: '✗ NOT_FOUND',
    timeout: '✗ NOT_FOUND',
  },
  waiting: {
    ask: '→ waiting (alreadyQueued)',
    userMessage: '→ waiting (relay)',
    take: '→ taken (taken)',
    agentAct: '✗ NOT_OWNER',
    handBack: '✗ NOT_OWNER',
    end: '✗ NOT_OWNER',
    timeout: '→ closed (timedOut, timeout)',
  },
  taken: {
    ask: '→ taken (withAgent)',
    userMessage: '→ taken (relayOnly)',
    take: '✗ TAKEN',
    agentAct: '→ taken (acted)',
    handBack: '→ closed (handedBack, handback)',
    end: '→ closed (ended, end)',
    timeout: '✗ NOT_WAITING',
  },
  closed: {
    ask: '→ waiting (queued)',
    userMessage: '✗ NOT_FOUND',
    take: '✗ NOT_FOUND',
    agentAct: '✗ NOT_FOUND',
    handBack: '✗ NOT_FOUND',
    end: '✗ NOT_FOUND',
    timeout: '✗ NOT_FOUND',
  },
};

const shown = (from: HandoffState, event: HandoffEvent): string => {
  const s = handoffTransition(from, event);
  return s.ok ? `→ ${s.to} (${[s.effect, s.outcome].filter(Boolean).join(', ')})` : `✗ ${s.code}`;
};

const person = (id: string, roles: Person['roles']): Person => ({ id, name: id, email: `${id}@moh.gov.my`, roles, identities: [] });
const agent = person('agent-1', ['HELPDESK_AGENT']);
const colleague = person('agent-2', ['HELPDESK_AGENT']);
const admin = person('admin-1', ['ADMIN']);

const record = (status: HandoffRecord['status'], over: Partial<HandoffRecord> = {}): HandoffRecord => ({
  conversationId: 'c1',
  channelId: 'webchat',
  personId: 'p1',
  reason: 'request',
  status,
  queuedAt: '2026-05-01T01:00:00.000Z',
  notes: [],
  ...(status === 'waiting' ? {} : { agentId: agent.id, takenAt: '2026-05-01T01:05:00.000Z' }),
  ...over,
});

describe('handoff lifecycle: status × event', () => {
  for (const from of HANDOFF_STATES)
    for (const event of HANDOFF_EVENTS)
      it(`${from} × ${event} ${TABLE[from][event]}`, () => {
        expect(shown(from, event)).to.equal(TABLE[from][event]);
      });

  it('names the outcome of every move to closed, and closes nothing else', () => {
    for (const from of HANDOFF_STATES)
      for (const event of HANDOFF_EVENTS) {
        const s = handoffTransition(from, event);
        if (s.ok) expect(s.to === 'closed', `${from} × ${event}`).to.equal(s.outcome !== undefined);
      }
  });
});

describe('handoff lifecycle: who may do it', () => {
  it('lets the person ask and write, and no one else', () => {
    expect(decideHandoff(undefined, 'ask', { as: 'person' })).to.deep.include({ ok: true, effect: 'queued' });
    expect(decideHandoff(record('taken'), 'userMessage', { as: 'person' })).to.deep.include({ ok: true, effect: 'relayOnly' });
    expect(decideHandoff(undefined, 'ask', { as: 'agent', agent })).to.deep.equal({ ok: false, code: 'NOT_OWNER' });
    expect(decideHandoff(record('waiting'), 'userMessage', { as: 'system' })).to.deep.equal({ ok: false, code: 'NOT_OWNER' });
  });

  it('lets any helpdesk agent take a waiting conversation; a console user without the desk role is refused first', () => {
    expect(decideHandoff(record('waiting'), 'take', { as: 'agent', agent: colleague })).to.deep.include({ ok: true, to: 'taken' });
    expect(decideHandoff(record('waiting'), 'take', { as: 'agent', agent: admin })).to.deep.equal({ ok: false, code: 'NOT_OWNER' });
    expect(decideHandoff(undefined, 'take', { as: 'agent', agent: admin })).to.deep.equal({ ok: false, code: 'NOT_OWNER' });
    expect(decideHandoff(record('taken'), 'take', { as: 'agent', agent: colleague })).to.deep.equal({ ok: false, code: 'TAKEN' });
    expect(decideHandoff(undefined, 'take', { as: 'person' })).to.deep.equal({ ok: false, code: 'NOT_OWNER' });
  });

  for (const event of ['agentAct', 'handBack', 'end'] as const) {
    it(`lets only the owning agent ${event}`, () => {
      expect(HANDOFF_ACTOR[event]).to.equal('owner');
      expect(decideHandoff(record('taken'), event, { as: 'agent', agent }).ok).to.equal(true);
      expect(decideHandoff(record('taken'), event, { as: 'agent', agent: colleague })).to.deep.equal({ ok: false, code: 'NOT_OWNER' });
      expect(decideHandoff(record('taken'), event, { as: 'agent', agent: { ...agent, roles: ['ADMIN'] } })).to.deep.equal({
        ok: false,
        code: 'NOT_OWNER',
      });
      expect(decideHandoff(record('waiting'), event, { as: 'agent', agent })).to.deep.equal({ ok: false, code: 'NOT_OWNER' });
      expect(decideHandoff(record('closed'), event, { as: 'agent', agent })).to.deep.equal({ ok: false, code: 'NOT_FOUND' });
      expect(decideHandoff(undefined, event, { as: 'agent', agent })).to.deep.equal({ ok: false, code: 'NOT_FOUND' });
    });
  }

  it('times out only the queueing its timer was started for', () => {
    const queuedAt = '2026-05-01T01:00:00.000Z';
    expect(decideHandoff(record('waiting'), 'timeout', { as: 'system' }, { queuedAt })).to.deep.include({ ok: true, outcome: 'timeout' });
    expect(decideHandoff(record('waiting'), 'timeout', { as: 'system' }, { queuedAt: '2026-04-30T09:00:00.000Z' })).to.deep.equal({
      ok: false,
      code: 'STALE',
    });
    expect(decideHandoff(record('taken'), 'timeout', { as: 'system' }, { queuedAt })).to.deep.equal({ ok: false, code: 'NOT_WAITING' });
    expect(decideHandoff(record('waiting'), 'timeout', { as: 'agent', agent }, { queuedAt })).to.deep.equal({
      ok: false,
      code: 'NOT_OWNER',
    });
  });
});
