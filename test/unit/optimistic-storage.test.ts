import { expect } from 'chai';
import { TestAdapter, TurnContext, type Activity, type Storage } from 'botbuilder';
import { TurnState } from '@microsoft/teams-ai';
import { openEmbeddedDb } from '../../infra/store/embedded/index.js';
import { SqliteStorage } from '../../infra/store/embedded/storage.js';
import { NOT_STORED_ETAG, OptimisticStorage } from '../../infra/store/optimistic-storage.js';
import { rejection } from '../contract/rejection.js';

/**
 * The bot's turn state as teams-ai loads and saves it (the same TurnState the Application uses),
 * two turns of one conversation at once with no lock: a stale write must fail, never overwrite.
 */
describe('OptimisticStorage: turn state written with the eTag it read', () => {
  const activity = {
    type: 'message',
    channelId: 'msteams',
    conversation: { id: 'conv-1' },
    from: { id: 'u1' },
    recipient: { id: 'bot' },
  } as Partial<Activity>;
  const turn = async (storage: Storage) => {
    const ctx = new TurnContext(new TestAdapter(), activity);
    const state = new TurnState();
    await state.load(ctx, storage);
    return { state, conversation: state.conversation as Record<string, unknown>, save: () => state.save(ctx, storage) };
  };
  let db: ReturnType<typeof openEmbeddedDb>;
  let raw: SqliteStorage;
  beforeEach(() => {
    db = openEmbeddedDb(':memory:');
    raw = new SqliteStorage({ db });
  });
  afterEach(() => db.close());

  it('refuses the later of two first turns of a new conversation (without it, the later overwrote the earlier)', async () => {
    const storage = new OptimisticStorage(raw);
    const a = await turn(storage);
    const b = await turn(storage);
    expect(a.conversation.eTag).to.equal(NOT_STORED_ETAG);
    a.conversation.step = 'a';
    b.conversation.step = 'b';
    await a.save();
    const err = await rejection(b.save());
    expect(err.code).to.equal('ETAG_CONFLICT');
    const key = 'msteams/bot/conversations/conv-1';
    expect((await raw.read([key]))[key].step).to.equal('a');

    // The gap, shown on the bare storage: both writes go through and the first step is lost.
    await raw.delete([key]);
    const c = await turn(raw);
    const d = await turn(raw);
    c.conversation.step = 'c';
    d.conversation.step = 'd';
    await c.save();
    await d.save();
    expect((await raw.read([key]))[key].step).to.equal('d');
  });

  it('refuses a turn that read a stored state another turn has saved since', async () => {
    const storage = new OptimisticStorage(raw);
    const first = await turn(storage);
    first.conversation.step = 1;
    await first.save();
    const a = await turn(storage);
    const b = await turn(storage);
    a.conversation.step = 2;
    b.conversation.step = 3;
    await a.save();
    expect((await rejection(b.save())).code).to.equal('ETAG_CONFLICT');
    const next = await turn(storage);
    expect(next.conversation.step).to.equal(2);
  });

  it('lets turns that follow each other write as before, and writes nothing for a state left unchanged', async () => {
    const storage = new OptimisticStorage(raw);
    for (const step of [1, 2, 3]) {
      const t = await turn(storage);
      t.conversation.step = step;
      await t.save();
    }
    const idle = await turn(storage);
    await idle.save();
    expect((await turn(storage)).conversation.step).to.equal(3);
    // The user scope was read (not stored) and never changed: still not stored.
    expect(Object.keys(await raw.read(['msteams/bot/users/u1']))).to.deep.equal([]);
  });
});
