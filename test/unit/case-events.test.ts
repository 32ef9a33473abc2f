import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Case, NewCase } from '../../domain/cases/case.js';
import { CASE_EVENTS_TOPIC, caseEventOf, type CaseChanged } from '../../domain/cases/events.js';
import { isDomainError } from '../../domain/errors.js';
import type { CaseRepository } from '../../domain/ports/case-repository.js';
import { publishingCases } from '../../domain/usecases/case-events.js';
import { recordEvent } from '../../domain/usecases/transition.js';
import { ticketChangeOf } from '../../bot/handoff/tickets.js';
import { LocalEventBus } from '../../infra/events/local.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import { waitFor } from '../support/wait-for.js';
import { caseRepositoryContract } from '../contract/case-repository.contract.js';

const AT = '2026-03-02T01:00:00.000Z';
const clock = { now: () => new Date('2026-03-02T02:00:00.000Z') };

const ticket = (): NewCase => ({
  kind: 'AD',
  status: 'BARU',
  applicantId: 'p-applicant',
  data: {},
  timeline: [{ at: AT, event: 'lodged', actorId: 'p-applicant', status: 'BARU' }],
  createdAt: AT,
});

describe('case events: every stored change of a case is published once, after the commit', () => {
  let dir: string;
  let store: EmbeddedStore;
  let bus: LocalEventBus;
  let cases: CaseRepository;
  let received: Record<string, unknown>[];
  let failures: { err: unknown; event: CaseChanged }[];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-case-events-'));
    store = createEmbeddedStore({ file: path.join(dir, 'gpki.db'), filesDir: path.join(dir, 'files') });
    bus = new LocalEventBus();
    received = [];
    failures = [];
    await bus.subscribe(CASE_EVENTS_TOPIC, (m) => void received.push(m));
    cases = publishingCases(store.cases, bus, (err, event) => void failures.push({ err, event }));
  });

  afterEach(async () => {
    await bus.close().catch(() => undefined);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Lets the bus deliver what was published (it delivers after `publish` returns). */
  const settled = () => new Promise((resolve) => setImmediate(resolve));

  it('publishes one typed event for a create and one per update, with the stored version and the timeline event', async () => {
    const created = await cases.create(ticket());
    const acknowledged = await recordEvent({ cases, clock }, created, { event: 'acknowledged', actorId: 'p-agent', status: 'DITERIMA' });
    const plain = await cases.update({
      ...acknowledged,
      timeline: [...acknowledged.timeline, { at: AT, event: 'noted', actorId: 'system' }],
    });
    await waitFor('three case events', () => received.length === 3 || undefined);
    await settled();

    expect(received).to.deep.equal([
      { type: 'caseChanged', caseId: created.id, kind: 'AD', status: 'BARU', event: 'lodged', actorId: 'p-applicant', version: 1, at: AT },
      {
        type: 'caseChanged',
        caseId: created.id,
        kind: 'AD',
        status: 'DITERIMA',
        event: 'acknowledged',
        actorId: 'p-agent',
        version: 2,
        at: clock.now().toISOString(),
      },
      { type: 'caseChanged', caseId: created.id, kind: 'AD', status: 'DITERIMA', event: 'noted', actorId: 'system', version: 3, at: AT },
    ]);
    expect(plain.version).to.equal(3);
    expect(received.map((m) => caseEventOf(m)?.version)).to.deep.equal([1, 2, 3]);
    expect(failures).to.deep.equal([]);
  });

  it('publishes only once the change is stored: the store already holds the version the event carries', async () => {
    const storedAtPublish: (number | undefined)[] = [];
    const watching = publishingCases(
      store.cases,
      {
        publish: async (topic, m) => {
          storedAtPublish.push((await store.cases.get(String(m.caseId)))?.version);
          await bus.publish(topic, m);
        },
        subscribe: (topic, handler) => bus.subscribe(topic, handler),
        close: () => bus.close(),
      },
      (err, event) => void failures.push({ err, event }),
    );
    const created = await watching.create(ticket());
    await recordEvent({ cases: watching, clock }, created, { event: 'acknowledged', actorId: 'p-agent', status: 'DITERIMA' });
    await waitFor('two case events', () => received.length === 2 || undefined);

    expect(storedAtPublish).to.deep.equal([1, 2]);
    expect(received.map((m) => m.version)).to.deep.equal([1, 2]);
  });

  it('publishes nothing for a stale write (CASE_STALE), which changes nothing', async () => {
    const created = await cases.create(ticket());
    await recordEvent({ cases, clock }, created, { event: 'acknowledged', actorId: 'p-agent', status: 'DITERIMA' });
    await waitFor('two case events', () => received.length === 2 || undefined);

    const stale = await recordEvent({ cases, clock }, created, { event: 'resolved', actorId: 'p-agent', status: 'SELESAI' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDomainError(stale) && stale.code).to.equal('CASE_STALE');
    const staleUpdate = await cases.update(created).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDomainError(staleUpdate) && staleUpdate.code).to.equal('CASE_STALE');
    await settled();

    expect(received.map((m) => m.event)).to.deep.equal(['lodged', 'acknowledged']);
    expect((await cases.get(created.id))?.version).to.equal(2);
  });

  it('stores the change when the bus fails, and reports the event it could not publish', async () => {
    await bus.close();
    const created = await cases.create(ticket());
    const saved: Case = await recordEvent({ cases, clock }, created, { event: 'acknowledged', actorId: 'p-agent', status: 'DITERIMA' });

    expect(saved.version).to.equal(2);
    expect((await store.cases.get(created.id))?.status).to.equal('DITERIMA');
    expect(failures.map((f) => [f.event.caseId, f.event.event, f.event.version])).to.deep.equal([
      [created.id, 'lodged', 1],
      [created.id, 'acknowledged', 2],
    ]);
    expect(failures.every((f) => f.err instanceof Error)).to.equal(true);
  });

  it("the agent consoles keep the tickets' events, by kind, under the console's names", async () => {
    const t = await cases.create(ticket());
    const uc = await cases.create({
      ...ticket(),
      kind: 'UC',
      status: 'DIHANTAR',
      timeline: [{ at: AT, event: 'submitted', actorId: 'p-applicant' }],
    });
    await recordEvent({ cases, clock }, t, { event: 'userReplied', actorId: 'p-applicant' });
    await waitFor('three case events', () => received.length === 3 || undefined);

    expect(received.map((m) => ticketChangeOf(m))).to.deep.equal([
      { type: 'ticket', caseId: t.id, event: 'ticketNew', status: 'BARU', version: 1, at: AT },
      undefined,
      { type: 'ticket', caseId: t.id, event: 'ticketUserReplied', status: 'BARU', version: 2, at: clock.now().toISOString() },
    ]);
    expect(uc.kind).to.equal('UC');
    expect(ticketChangeOf({ type: 'ticket', caseId: t.id, event: 'ticketNew' })).to.equal(undefined);
  });
});

// The publishing repository keeps every promise of the port (numbers, optimistic concurrency, lists).
caseRepositoryContract('embedded, publishing its case events', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-case-events-contract-'));
  const store = createEmbeddedStore({ file: path.join(dir, 'gpki.db'), filesDir: path.join(dir, 'files') });
  const bus = new LocalEventBus();
  return {
    subject: publishingCases(store.cases, bus, (err) => {
      throw err;
    }),
    close: async () => {
      await bus.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
