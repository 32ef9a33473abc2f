import { expect } from 'chai';
import type { SavedReplies, SavedReply } from '../../domain/ports/saved-replies.js';
import type { Factory, Fixture } from './harness.js';
import { rejection } from './rejection.js';

const T0 = '2026-05-01T01:00:00.000Z';
const T1 = '2026-05-02T03:30:00.000Z';

const reply = (id: string, over: Partial<SavedReply> = {}): SavedReply => ({
  id,
  locale: 'ms',
  title: `Tajuk ${id}`,
  text: `Teks ${id}\nbaris kedua`,
  createdBy: 'agent-1',
  createdAt: T0,
  updatedBy: 'agent-1',
  updatedAt: T0,
  ...over,
});

/** The SavedReplies promises (domain/ports/saved-replies.ts), for every adapter. */
export function savedRepliesContract(name: string, make: Factory<SavedReplies>): void {
  describe(`SavedReplies contract (${name})`, () => {
    let f: Fixture<SavedReplies>;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.close();
    });

    it('stores a reply as given, line breaks and all, and reads it back', async () => {
      await f.subject.create(reply('r1'));
      expect(await f.subject.get('r1')).to.deep.equal(reply('r1'));
      expect(await f.subject.get('nope')).to.equal(undefined);
      expect(await f.subject.count()).to.equal(1);
    });

    it('refuses a second reply with the same id and keeps the first', async () => {
      await f.subject.create(reply('r1'));
      const e = await rejection(f.subject.create(reply('r1', { title: 'Lain' })));
      expect(e.code).to.equal('DUPLICATE_KEY');
      expect((await f.subject.get('r1'))?.title).to.equal('Tajuk r1');
      expect(await f.subject.count()).to.equal(1);
    });

    it('lists by locale, then title, then id', async () => {
      await f.subject.create(reply('c', { locale: 'en', title: 'Token not detected' }));
      await f.subject.create(reply('b', { title: 'Token tidak dikesan' }));
      await f.subject.create(reply('a', { title: 'Token tidak dikesan' }));
      await f.subject.create(reply('d', { title: 'Kata laluan' }));
      expect((await f.subject.list()).map((r) => r.id)).to.deep.equal(['c', 'd', 'a', 'b']);
    });

    it('updates locale, title and text with who and when, keeping who created it', async () => {
      await f.subject.create(reply('r1'));
      const change = { locale: 'en' as const, title: 'Reset PIN', text: 'Step 1\nStep 2', updatedBy: 'agent-2', updatedAt: T1 };
      const updated = await f.subject.update('r1', change);
      const expected = { ...reply('r1'), locale: 'en', title: 'Reset PIN', text: 'Step 1\nStep 2', updatedBy: 'agent-2', updatedAt: T1 };
      expect(updated).to.deep.equal(expected);
      expect(await f.subject.get('r1')).to.deep.equal(expected);
      expect(await f.subject.update('nope', change)).to.equal(undefined);
      expect(await f.subject.get('nope')).to.equal(undefined);
    });

    it('deletes one reply and says whether there was one', async () => {
      await f.subject.create(reply('r1'));
      await f.subject.create(reply('r2'));
      expect(await f.subject.delete('r1')).to.equal(true);
      expect(await f.subject.delete('r1')).to.equal(false);
      expect((await f.subject.list()).map((r) => r.id)).to.deep.equal(['r2']);
      expect(await f.subject.count()).to.equal(1);
    });
  });
}
