import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import pino from 'pino';
import { DirectLineAdapter } from '../../bot/directline/adapter.js';
import { maskForHistory } from '../../bot/directline/activities.js';
import { LocalEventBus } from '../../infra/events/local.js';
import { InlineJobScheduler } from '../../infra/queue/inline.js';
import { SqliteActivityLog } from '../../infra/store/embedded/activity-log.js';
import { ensurePrivateDir, tightenDataDir } from '../../infra/store/embedded/data-dir.js';
import { createEmbeddedStore, openEmbeddedDb } from '../../infra/store/embedded/index.js';

const modeOf = (p: string) => lstatSync(p).mode & 0o777;

describe('Direct Line history masking (maskForHistory)', () => {
  it('masks MyKad numbers in text, card values (strings and numbers), suggested actions and attachments', () => {
    const stored = maskForHistory({
      type: 'message',
      text: 'IC saya 900101-14-5678',
      speak: '900101 14 5678',
      value: { form: { mykad: '900101145678', again: ['850505-10-5432'] }, asNumber: 900101145678, count: 3 },
      suggestedActions: { actions: [{ type: 'imBack', title: '900101145678', value: '900101145678' }] },
      attachments: [
        {
          contentType: 'image/png',
          name: '900101-14-5678.png',
          contentUrl: 'http://h/files/3f2a9c1e-0b7d-4e1a-9c3d-123456789012?exp=1799999999&sig=x',
        },
        { contentType: 'application/vnd.microsoft.card.adaptive', content: { body: [{ type: 'TextBlock', text: 'MyKad: 900101145678' }] } },
      ],
    });
    expect(stored).to.deep.equal({
      type: 'message',
      text: 'IC saya 9001******78',
      speak: '9001******78',
      value: { form: { mykad: '9001******78', again: ['8505******32'] }, asNumber: '9001******78', count: 3 },
      suggestedActions: { actions: [{ type: 'imBack', title: '9001******78', value: '9001******78' }] },
      attachments: [
        {
          contentType: 'image/png',
          name: '9001******78.png',
          contentUrl: 'http://h/files/3f2a9c1e-0b7d-4e1a-9c3d-123456789012?exp=1799999999&sig=x',
        },
        { contentType: 'application/vnd.microsoft.card.adaptive', content: { body: [{ type: 'TextBlock', text: 'MyKad: 9001******78' }] } },
      ],
    });
  });

  it('keeps links and certificate serials whole, and ids, addresses and channelData untouched', () => {
    const activity = {
      type: 'message',
      id: 'c-900101145678|0000001',
      conversation: { id: 'c-900101145678' },
      from: { id: '900101145678', role: 'user' },
      channelData: { clientActivityID: '900101145678' },
      text: 'Sijil 4A1B900101145678CDEF0123456789ABCD dikeluarkan; salinan: [MyKad](https://bot.example/files/id-900101145678?sig=1) dan 900101145678',
    };
    expect(maskForHistory(activity)).to.deep.equal({
      ...activity,
      text: 'Sijil 4A1B900101145678CDEF0123456789ABCD dikeluarkan; salinan: [MyKad](https://bot.example/files/id-900101145678?sig=1) dan 9001******78',
    });
  });

  it('the adapter stores the masked form (both directions) while the turn gets the number as typed', async () => {
    const db = openEmbeddedDb(':memory:');
    const log = new SqliteActivityLog({ db });
    const events = new LocalEventBus();
    const adapter = new DirectLineAdapter({
      log,
      events,
      bot: { id: 'bot', name: 'MyGPKI' },
      serviceUrl: () => 'http://localhost:1/v3/directline',
      logger: pino({ level: 'silent' }),
    });
    try {
      await log.createConversation({ conversationId: 'c1', userId: 'u1', createdAt: new Date().toISOString() });
      const incoming = {
        type: 'message',
        text: '900101-14-5678',
        value: { mykad: '900101145678' },
        channelId: 'directline',
        conversation: { id: 'c1' },
        from: { id: 'u1' },
        recipient: adapter.botAccount,
      };
      let seen: unknown;
      await adapter.receive(incoming as never, async (ctx) => {
        seen = { text: ctx.activity.text, value: ctx.activity.value as unknown };
        await ctx.sendActivity('Diterima: 900101145678');
      });
      expect(seen).to.deep.equal({ text: '900101-14-5678', value: { mykad: '900101145678' } });
      const kept = (await log.listAfter('c1', 0, 10)).map((e) => [e.activity.text, e.activity.value]);
      expect(kept).to.deep.equal([
        ['9001******78', { mykad: '9001******78' }],
        ['Diterima: 9001******78', undefined],
      ]);
    } finally {
      await events.close();
      db.close();
    }
  });
});

describe('owner-only DATA_DIR (infra/store/embedded/data-dir.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-modes-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tightenDataDir makes folders 0700 and files 0600, counts what it changed, and leaves symbolic links alone', () => {
    mkdirSync(path.join(dir, 'files', 'nested'), { recursive: true });
    chmodSync(dir, 0o755);
    chmodSync(path.join(dir, 'files'), 0o755);
    chmodSync(path.join(dir, 'files', 'nested'), 0o750);
    writeFileSync(path.join(dir, 'gpki.db'), 'db', { mode: 0o644 });
    writeFileSync(path.join(dir, 'files', 'copy'), 'png', { mode: 0o644 });
    writeFileSync(path.join(dir, 'files', 'nested', 'old'), 'x', { mode: 0o666 & ~process.umask() });
    writeFileSync(path.join(dir, '.kept-secret'), 's', { mode: 0o600 });
    const outside = path.join(os.tmpdir(), `gpki-outside-${process.pid}`);
    writeFileSync(outside, 'not ours', { mode: 0o644 });
    symlinkSync(outside, path.join(dir, 'link'));
    try {
      expect(tightenDataDir(dir)).to.deep.equal({ changed: 6, failed: 0 });
      for (const d of ['.', 'files', 'files/nested']) expect(modeOf(path.join(dir, d)), d).to.equal(0o700);
      for (const f of ['gpki.db', 'files/copy', 'files/nested/old', '.kept-secret']) expect(modeOf(path.join(dir, f)), f).to.equal(0o600);
      expect(modeOf(outside), 'the link target is not followed').to.equal(0o644);
      expect(tightenDataDir(dir)).to.deep.equal({ changed: 0, failed: 0 });
    } finally {
      rmSync(outside, { force: true });
    }
  });

  it('tightenDataDir creates a missing folder 0700; ensurePrivateDir makes an existing one 0700', () => {
    const fresh = path.join(dir, 'data');
    expect(tightenDataDir(fresh)).to.deep.equal({ changed: 0, failed: 0 });
    expect(modeOf(fresh)).to.equal(0o700);
    const old = path.join(dir, 'old');
    mkdirSync(old, { mode: 0o755 });
    ensurePrivateDir(old);
    expect(modeOf(old)).to.equal(0o700);
  });

  it('the embedded store and the inline job runner keep the database, its -wal and -shm, and uploaded files 0600', async () => {
    const store = createEmbeddedStore({ file: path.join(dir, 'db', 'gpki.db'), filesDir: path.join(dir, 'files') });
    const jobs = new InlineJobScheduler({ file: path.join(dir, 'jobs.db') });
    try {
      const meta = await store.files.put({ ownerId: 'u1', name: 'mykad.png', contentType: 'image/png', bytes: Buffer.from('png') });
      await jobs.enqueue({ queue: 'ca', name: 'issue', key: 'k1', payload: {} });
      for (const f of ['db/gpki.db', 'db/gpki.db-wal', 'db/gpki.db-shm', `files/${meta.id}`, 'jobs.db', 'jobs.db-wal', 'jobs.db-shm'])
        expect(modeOf(path.join(dir, f)), f).to.equal(0o600);
      for (const d of ['db', 'files']) expect(modeOf(path.join(dir, d)), d).to.equal(0o700);
    } finally {
      await jobs.close();
      await store.close();
    }
  });
});
