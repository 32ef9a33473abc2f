import { expect } from 'chai';
import type { ActivityConversation, ActivityLog } from '../../domain/ports/activity-log.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { Fixture } from './harness.js';

const conv = (conversationId: string, userId = 'demo-applicant'): ActivityConversation => ({
  conversationId,
  userId,
  createdAt: '2026-03-01T00:00:00.000Z',
});
const msg = (text: string) => ({ type: 'message', text, from: { id: 'demo-applicant', role: 'user' } });

/** The ActivityLog contract: conversations once, gap-free ordered watermarks, reads after a watermark. */
export function activityLogContract(adapterName: string, factory: (clock?: Clock) => Promise<Fixture<ActivityLog>>): void {
  describe(`ActivityLog contract (${adapterName})`, () => {
    let fx: Fixture<ActivityLog>;
    let log: ActivityLog;
    beforeEach(async () => {
      fx = await factory();
      log = fx.subject;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('creates a conversation once and keeps the first record; unknown ids give undefined', async () => {
      expect(await log.createConversation(conv('c1'))).to.equal(true);
      expect(await log.createConversation({ ...conv('c1', 'demo-ap'), createdAt: '2026-04-01T00:00:00.000Z' })).to.equal(false);
      expect(await log.getConversation('c1')).to.deep.equal({ ...conv('c1'), deliveredWatermark: 0 });
      expect(await log.getConversation('c2')).to.equal(undefined);
    });

    it('appends with watermarks 1, 2, 3 per conversation and returns what was stored', async () => {
      await log.createConversation(conv('c1'));
      await log.createConversation(conv('c2'));
      const a = await log.append('c1', msg('satu'));
      const b = await log.append('c1', msg('dua'));
      const other = await log.append('c2', msg('lain'));
      const c = await log.append('c1', msg('tiga'));
      expect([a?.watermark, b?.watermark, c?.watermark, other?.watermark]).to.deep.equal([1, 2, 3, 1]);
      expect(a).to.deep.equal({ conversationId: 'c1', watermark: 1, activity: msg('satu') });
      expect(await log.listAfter('c1', 0, 100)).to.deep.equal([a, b, c]);
      expect(await log.listAfter('c2', 0, 100)).to.deep.equal([other]);
    });

    it('appending to an unknown conversation stores nothing and returns undefined', async () => {
      expect(await log.append('ghost', msg('hello'))).to.equal(undefined);
      expect(await log.listAfter('ghost', 0, 100)).to.deep.equal([]);
      expect(await log.getConversation('ghost')).to.equal(undefined);
    });

    it('listAfter returns what follows a watermark, ascending, at most limit', async () => {
      await log.createConversation(conv('c1'));
      for (let i = 1; i <= 7; i++) await log.append('c1', msg(`m${i}`));
      const texts = async (after: number, limit: number) =>
        (await log.listAfter('c1', after, limit)).map((e) => `${e.watermark}:${String(e.activity.text)}`);
      expect(await texts(4, 100)).to.deep.equal(['5:m5', '6:m6', '7:m7']);
      expect(await texts(0, 3)).to.deep.equal(['1:m1', '2:m2', '3:m3']);
      expect(await texts(7, 100)).to.deep.equal([]);
      expect(await texts(99, 100)).to.deep.equal([]);
    });

    it('keeps an activity exactly: cards with $-keys and dots, unicode, nulls, nesting', async () => {
      await log.createConversation(conv('c1'));
      const card = {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              'a.b': 1,
              body: [{ type: 'TextBlock', text: 'Permohonan “UC-2026-000001” — ✓' }],
            },
          },
        ],
        channelData: { clientActivityID: 'x1', empty: {}, list: [], none: null },
        value: { nested: { deep: [1, { n: true }] } },
      };
      await log.append('c1', card);
      const [stored] = await log.listAfter('c1', 0, 1);
      expect(stored.activity).to.deep.equal(card);
    });

    it('30 concurrent appends get watermarks 1..30 with no gap and no duplicate, each with its own activity', async () => {
      await log.createConversation(conv('c1'));
      const appended = await Promise.all(Array.from({ length: 30 }, (_, i) => log.append('c1', msg(`m${i}`))));
      expect(appended.map((e) => e?.watermark).sort((x, y) => x! - y!)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i + 1));
      const listed = await log.listAfter('c1', 0, 100);
      expect(listed.map((e) => e.watermark)).to.deep.equal(Array.from({ length: 30 }, (_, i) => i + 1));
      const byWatermark = new Map(appended.map((e) => [e!.watermark, e!.activity.text]));
      for (const e of listed) expect(e.activity.text).to.equal(byWatermark.get(e.watermark));
      expect(new Set(listed.map((e) => e.activity.text)).size).to.equal(30);
    });

    it('a reader following the log while writers append never skips or repeats a watermark', async () => {
      await log.createConversation(conv('c1'));
      const seen: number[] = [];
      let last = 0;
      let writing = true;
      const reader = (async () => {
        while (writing || seen.length < 40) {
          const batch = await log.listAfter('c1', last, 5);
          for (const e of batch) seen.push(e.watermark);
          if (batch.length > 0) last = batch[batch.length - 1].watermark;
          else await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      await Promise.all(
        Array.from({ length: 4 }, async (_, w) => {
          for (let i = 0; i < 10; i++) await log.append('c1', msg(`w${w}-${i}`));
        }),
      );
      writing = false;
      await reader;
      expect(seen).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    it('markDelivered keeps the highest watermark handed out, never lowers it, and ignores unknown conversations', async () => {
      await log.createConversation(conv('c1'));
      await log.createConversation(conv('c2'));
      for (let i = 1; i <= 5; i++) await log.append('c1', msg(`m${i}`));
      const delivered = async (id: string) => (await log.getConversation(id))?.deliveredWatermark;
      expect(await delivered('c1')).to.equal(0);
      await log.markDelivered('c1', 3);
      expect(await delivered('c1')).to.equal(3);
      await log.markDelivered('c1', 2);
      expect(await delivered('c1'), 'a late, lower mark changes nothing').to.equal(3);
      await Promise.all([5, 4, 1, 5, 2].map((w) => log.markDelivered('c1', w)));
      expect(await delivered('c1'), 'concurrent marks end at the highest').to.equal(5);
      await log.markDelivered('c1', 0);
      await log.markDelivered('c1', -1);
      expect(await delivered('c1')).to.equal(5);
      expect(await delivered('c2'), 'other conversations are untouched').to.equal(0);
      await log.markDelivered('ghost', 4);
      expect(await log.getConversation('ghost')).to.equal(undefined);
      // Appending goes on from the last watermark whatever was delivered, and the activities are unchanged.
      expect((await log.append('c1', msg('m6')))?.watermark).to.equal(6);
      expect((await log.listAfter('c1', 0, 100)).map((e) => e.activity.text)).to.deep.equal(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    });

    it("listOfUser gives the user's conversations newest first, at most limit, with what was delivered", async () => {
      const at = (id: string, userId: string, createdAt: string) => log.createConversation({ conversationId: id, userId, createdAt });
      await at('u1-old', 'demo-applicant', '2026-03-01T00:00:00.000Z');
      await at('u1-new', 'demo-applicant', '2026-03-03T00:00:00.000Z');
      await at('u1-mid', 'demo-applicant', '2026-03-02T00:00:00.000Z');
      await at('u2', 'demo-ap', '2026-03-04T00:00:00.000Z');
      await log.append('u1-mid', msg('satu'));
      await log.markDelivered('u1-mid', 1);
      const mine = await log.listOfUser('demo-applicant', 10);
      expect(mine.map((c) => c.conversationId)).to.deep.equal(['u1-new', 'u1-mid', 'u1-old']);
      expect(mine[1]).to.deep.equal({
        conversationId: 'u1-mid',
        userId: 'demo-applicant',
        createdAt: '2026-03-02T00:00:00.000Z',
        deliveredWatermark: 1,
      });
      expect((await log.listOfUser('demo-applicant', 2)).map((c) => c.conversationId)).to.deep.equal(['u1-new', 'u1-mid']);
      expect((await log.listOfUser('demo-ap', 10)).map((c) => c.conversationId)).to.deep.equal(['u2']);
      expect(await log.listOfUser('nobody', 10)).to.deep.equal([]);
    });

    describe('pruneBefore', () => {
      let now = new Date('2026-04-01T00:00:00.000Z');
      const clock: Clock = { now: () => now };
      let aged: Fixture<ActivityLog>;
      beforeEach(async () => {
        now = new Date('2026-04-01T00:00:00.000Z');
        aged = await factory(clock);
      });
      afterEach(async () => {
        await aged.close();
      });

      it('removes conversations idle before the instant with their activities; active ones keep every watermark', async () => {
        const l = aged.subject;
        for (const id of ['old', 'never', 'live']) await l.createConversation(conv(id));
        await l.createConversation({ ...conv('new'), createdAt: '2026-05-20T00:00:00.000Z' });
        await l.append('old', msg('lama 1'));
        await l.append('old', msg('lama 2'));
        for (let i = 1; i <= 3; i++) await l.append('live', msg(`hidup ${i}`));
        now = new Date('2026-06-01T00:00:00.000Z');
        await l.append('live', msg('hidup 4'));

        expect(await l.pruneBefore(new Date('2026-05-01T00:00:00.000Z'))).to.deep.equal({ conversations: 2, activities: 2 });
        expect(await l.getConversation('old')).to.equal(undefined);
        expect(await l.getConversation('never')).to.equal(undefined);
        expect(await l.listAfter('old', 0, 100)).to.deep.equal([]);
        expect(await l.append('old', msg('selepas'))).to.equal(undefined);
        // The live conversation is whole: a client holding watermark 2 continues, and appends go on from 4.
        expect((await l.listAfter('live', 0, 100)).map((e) => e.watermark)).to.deep.equal([1, 2, 3, 4]);
        expect((await l.listAfter('live', 2, 100)).map((e) => e.activity.text)).to.deep.equal(['hidup 3', 'hidup 4']);
        expect((await l.append('live', msg('hidup 5')))?.watermark).to.equal(5);
        expect(await l.getConversation('new')).to.deep.equal({
          ...conv('new'),
          createdAt: '2026-05-20T00:00:00.000Z',
          deliveredWatermark: 0,
        });
        expect(await l.pruneBefore(new Date('2026-05-01T00:00:00.000Z')), 'a second prune finds nothing').to.deep.equal({
          conversations: 0,
          activities: 0,
        });
      });

      it('an instant before everything removes nothing; one after everything removes all', async () => {
        const l = aged.subject;
        await l.createConversation(conv('a'));
        await l.append('a', msg('satu'));
        expect(await l.pruneBefore(new Date('2026-03-31T00:00:00.000Z'))).to.deep.equal({ conversations: 0, activities: 0 });
        expect(await l.listAfter('a', 0, 10)).to.have.length(1);
        expect(await l.pruneBefore(new Date('2026-04-02T00:00:00.000Z'))).to.deep.equal({ conversations: 1, activities: 1 });
        expect(await l.getConversation('a')).to.equal(undefined);
      });
    });
  });
}
