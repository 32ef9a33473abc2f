import { expect } from 'chai';
import type { EventBus } from '../../domain/ports/event-bus.js';
import { waitFor } from '../support/wait-for.js';
import type { Fixture } from './harness.js';

/** An event bus fixture; `peer` stands for another bot instance on the same bus. */
export interface EventBusFixture extends Fixture<EventBus> {
  /**
   * Opens another bus connected to the same backbone as `subject` (same Redis, same prefix); the
   * fixture's `close()` closes it too. In-process buses have no other instance and leave it out.
   */
  peer?(): Promise<EventBus>;
}
export type EventBusFactory = () => Promise<EventBusFixture>;

type Message = Record<string, unknown>;

function inbox(): { got: Message[]; handler: (m: Message) => void } {
  const got: Message[] = [];
  return { got, handler: (m) => void got.push(m) };
}

/** The EventBus contract (domain/ports/event-bus.ts): fan-out, topics, unsubscribe, isolation, instances. */
export function eventBusContract(adapterName: string, factory: EventBusFactory): void {
  describe(`EventBus contract (${adapterName})`, () => {
    let fx: EventBusFixture;
    let bus: EventBus;
    beforeEach(async () => {
      fx = await factory();
      bus = fx.subject;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('delivers a published message, intact, to every subscriber of the topic', async () => {
      const a = inbox();
      const b = inbox();
      await bus.subscribe('relay:conv-1', a.handler);
      await bus.subscribe('relay:conv-1', b.handler);
      const message = {
        conversationId: 'conv-1',
        text: 'Selamat pagi, boleh saya bantu? ✓',
        n: 0,
        nested: { list: [1, 'dua', null, true] },
      };
      await bus.publish('relay:conv-1', message);
      await waitFor('both subscribers to receive it', () => a.got.length === 1 && b.got.length === 1);
      expect(a.got).to.deep.equal([message]);
      expect(b.got).to.deep.equal([message]);
    });

    it('delivers only the topics a handler subscribed to, in publish order', async () => {
      const a = inbox();
      const b = inbox();
      await bus.subscribe('console:queue', a.handler);
      await bus.subscribe('console:case', b.handler);
      await bus.publish('console:queue', { seq: 1 });
      await bus.publish('console:case', { seq: 2 });
      await bus.publish('console:queue', { seq: 3 });
      await bus.publish('console:unheard', { seq: 4 });
      await bus.publish('console:case', { seq: 5 });
      // The last message doubles as a barrier: everything published before it has been delivered by then.
      await waitFor('the last message', () => b.got.length === 2);
      expect(a.got).to.deep.equal([{ seq: 1 }, { seq: 3 }]);
      expect(b.got).to.deep.equal([{ seq: 2 }, { seq: 5 }]);
    });

    it('gives each subscriber its own copy: one changing it does not change what another sees', async () => {
      const b = inbox();
      await bus.subscribe('relay:conv-2', (m) => {
        m.text = 'changed';
      });
      await bus.subscribe('relay:conv-2', b.handler);
      const message = { text: 'asal' };
      await bus.publish('relay:conv-2', message);
      await waitFor('the second subscriber to receive it', () => b.got.length === 1);
      expect(b.got).to.deep.equal([{ text: 'asal' }]);
      expect(message).to.deep.equal({ text: 'asal' });
    });

    it('stops delivering to a handler once its unsubscribe resolved, and a topic can be subscribed again', async () => {
      const gone = inbox();
      const stays = inbox();
      const unsubscribeGone = await bus.subscribe('relay:conv-3', gone.handler);
      const unsubscribeStays = await bus.subscribe('relay:conv-3', stays.handler);
      await unsubscribeGone();
      await unsubscribeGone();
      await bus.publish('relay:conv-3', { seq: 1 });
      await waitFor('the remaining subscriber to receive it', () => stays.got.length === 1);
      expect(gone.got).to.deep.equal([]);

      await unsubscribeStays();
      const again = inbox();
      await bus.subscribe('relay:conv-3', again.handler);
      await bus.publish('relay:conv-3', { seq: 2 });
      await waitFor('the new subscriber to receive it', () => again.got.length === 1);
      expect(again.got).to.deep.equal([{ seq: 2 }]);
      expect(stays.got).to.deep.equal([{ seq: 1 }]);
      expect(gone.got).to.deep.equal([]);
    });

    it('a throwing subscriber neither stops the others nor its own later deliveries', async () => {
      const calls: Message[] = [];
      const after = inbox();
      await bus.subscribe('relay:conv-4', (m) => {
        calls.push(m);
        throw new Error('subscriber bug');
      });
      await bus.subscribe('relay:conv-4', after.handler);
      await bus.publish('relay:conv-4', { seq: 1 });
      await bus.publish('relay:conv-4', { seq: 2 });
      await waitFor('the healthy subscriber to receive both', () => after.got.length === 2);
      expect(after.got).to.deep.equal([{ seq: 1 }, { seq: 2 }]);
      expect(calls).to.deep.equal([{ seq: 1 }, { seq: 2 }]);
    });

    it('delivers across instances connected to the same bus, both ways', async function () {
      if (!fx.peer) this.skip();
      const other = await fx.peer!();
      const there = inbox();
      const here = inbox();
      await other.subscribe('relay:conv-5', there.handler);
      await bus.subscribe('relay:conv-5', here.handler);
      await bus.publish('relay:conv-5', { from: 'subject' });
      await other.publish('relay:conv-5', { from: 'peer' });
      await waitFor('both instances to receive both messages', () => there.got.length === 2 && here.got.length === 2);
      expect(there.got).to.deep.equal([{ from: 'subject' }, { from: 'peer' }]);
      expect(here.got).to.deep.equal([{ from: 'subject' }, { from: 'peer' }]);
    });
  });
}
