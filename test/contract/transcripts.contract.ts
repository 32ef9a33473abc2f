import { expect } from 'chai';
import type { TranscriptRetention } from '../../domain/ports/transcript-log.js';
import type { TranscriptEntry } from '../../infra/store/transcript-entry.js';
import type { Factory, Fixture } from './harness.js';

/** What both transcript stores offer (the turn pipeline appends and lists; retention prunes). */
export type Transcripts = TranscriptRetention & {
  append(entries: TranscriptEntry[]): Promise<void>;
  list(conversationId: string, limit?: number): Promise<TranscriptEntry[]>;
};

const entry = (conversationId: string, at: string, text: string, direction: 'in' | 'out' = 'in'): TranscriptEntry => ({
  conversationId,
  at,
  direction,
  activity: { type: 'message', text },
});

/** The transcripts contract: append in order, list the last entries, prune by age. */
export function transcriptsContract(adapterName: string, factory: Factory<Transcripts>): void {
  describe(`Transcripts contract (${adapterName})`, () => {
    let fx: Fixture<Transcripts>;
    let t: Transcripts;
    beforeEach(async () => {
      fx = await factory();
      t = fx.subject;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('lists what was appended, oldest first, at most the last `limit`', async () => {
      await t.append([entry('c1', '2026-04-01T00:00:00.000Z', 'satu'), entry('c1', '2026-04-01T00:00:01.000Z', 'dua', 'out')]);
      await t.append([entry('c2', '2026-04-01T00:00:02.000Z', 'lain'), entry('c1', '2026-04-01T00:00:03.000Z', 'tiga')]);
      expect((await t.list('c1')).map((e) => e.activity.text)).to.deep.equal(['satu', 'dua', 'tiga']);
      expect(await t.list('c1', 2)).to.deep.equal([
        entry('c1', '2026-04-01T00:00:01.000Z', 'dua', 'out'),
        entry('c1', '2026-04-01T00:00:03.000Z', 'tiga'),
      ]);
      expect(await t.list('none')).to.deep.equal([]);
    });

    it('an activity with an Adaptive Card ($schema, $data, dotted keys) round-trips exactly', async () => {
      const card = {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.5',
          $data: { 'case.id': 'UC-2026-000001' },
          body: [],
        },
      };
      const e: TranscriptEntry = {
        conversationId: 'c1',
        at: '2026-04-01T00:00:00.000Z',
        direction: 'out',
        activity: { type: 'message', attachments: [card] },
      };
      await t.append([e]);
      expect(await t.list('c1')).to.deep.equal([e]);
    });

    it('pruneBefore removes the entries stamped before the instant, in every conversation, and counts them', async () => {
      await t.append([entry('c1', '2026-01-01T00:00:00.000Z', 'lama 1'), entry('c1', '2026-01-01T00:00:01.000Z', 'lama 2', 'out')]);
      await t.append([entry('c2', '2026-02-01T00:00:00.000Z', 'lama 3')]);
      await t.append([entry('c1', '2026-05-01T00:00:00.000Z', 'baru 1'), entry('c2', '2026-05-01T00:00:00.000Z', 'baru 2')]);
      expect(await t.pruneBefore(new Date('2026-05-01T00:00:00.000Z'))).to.equal(3);
      expect((await t.list('c1')).map((e) => e.activity.text)).to.deep.equal(['baru 1']);
      expect((await t.list('c2')).map((e) => e.activity.text)).to.deep.equal(['baru 2']);
      expect(await t.pruneBefore(new Date('2026-05-01T00:00:00.000Z')), 'a second prune finds nothing').to.equal(0);
      // Appending after a prune goes on in order.
      await t.append([entry('c1', '2026-05-02T00:00:00.000Z', 'baru 3')]);
      expect((await t.list('c1')).map((e) => e.activity.text)).to.deep.equal(['baru 1', 'baru 3']);
    });
  });
}
