import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import mongoose from 'mongoose';
import pino from 'pino';
import { LocalEventBus } from '../../infra/events/local.js';
import { openEmbeddedDb } from '../../infra/store/embedded/index.js';
import { SqliteActivityLog } from '../../infra/store/embedded/activity-log.js';
import { dlActivitySchema, dlConversationSchema } from '../../infra/store/mongo/activity-log.js';
import { verifyAssertion } from '../../bot/directline/assertion.js';
import { DirectLineAdapter } from '../../bot/directline/adapter.js';
import { activityId, topicOf, watermarkOfId } from '../../bot/directline/activities.js';
import { boundaryOf, parseMultipart } from '../../bot/directline/multipart.js';
import { DirectLineStreams } from '../../bot/directline/stream.js';
import { DirectLineTokens } from '../../bot/directline/tokens.js';
import { signAssertion, Stream } from '../support/directline.js';
import { waitFor } from '../support/wait-for.js';

const body = (boundary: string, parts: string[]) =>
  Buffer.from(`preamble\r\n${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--\r\n`);

describe('Direct Line multipart parser', () => {
  it('reads file and field parts, quoted and RFC 5987 names, and keeps bytes exact', () => {
    const b = 'WebKitFormBoundaryX1';
    const parts = parseMultipart(
      body(b, [
        'Content-Disposition: form-data; name="activity"\r\nContent-Type: application/vnd.microsoft.activity\r\n\r\n{"type":"message"}',
        'Content-Disposition: form-data; name="file"; filename="a \\"b\\".png"\r\nContent-Type: image/png\r\n\r\n\r\n--not-a-boundary\r\n',
        'Content-Disposition: form-data; name=file; filename="x.png"; filename*=UTF-8\'\'MyKad%20%C3%A9.png\r\n\r\nbytes',
      ]),
      b,
    );
    expect(parts?.map((p) => [p.name, p.filename, p.contentType, p.data.toString()])).to.deep.equal([
      ['activity', undefined, 'application/vnd.microsoft.activity', '{"type":"message"}'],
      ['file', 'a "b".png', 'image/png', '\r\n--not-a-boundary\r\n'],
      ['file', 'MyKad é.png', undefined, 'bytes'],
    ]);
  });

  it('refuses what is not well formed: no closing delimiter, no disposition, too many parts', () => {
    const b = 'B';
    expect(parseMultipart(Buffer.from('--B\r\nContent-Disposition: form-data; name="a"\r\n\r\nx'), b)).to.equal(undefined);
    expect(parseMultipart(body(b, ['Content-Type: text/plain\r\n\r\nx']), b)).to.equal(undefined);
    expect(parseMultipart(Buffer.from('no boundary at all'), b)).to.equal(undefined);
    const many = Array.from({ length: 21 }, (_, i) => `Content-Disposition: form-data; name="f${i}"\r\n\r\n${i}`);
    expect(parseMultipart(body(b, many), b)).to.equal(undefined);
    expect(parseMultipart(body(b, many.slice(0, 20)), b)).to.have.length(20);
  });

  it('finds the boundary of multipart/form-data only', () => {
    expect(boundaryOf('multipart/form-data; boundary=----abc123')).to.equal('----abc123');
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="q r"')).to.equal('q r');
    expect(boundaryOf('application/json')).to.equal(undefined);
    expect(boundaryOf('multipart/mixed; boundary=x')).to.equal(undefined);
  });
});

describe('Direct Line tokens and assertions', () => {
  it('a token names its conversation and user, expires, and is refused when altered or from another secret', () => {
    let now = 1_800_000_000_000;
    const tokens = new DirectLineTokens({ secret: 'a-secret-of-sixteen+', ttlSeconds: 60, now: () => now });
    const { token, expiresIn } = tokens.issue({ conversationId: 'c1', userId: 'u1', name: 'Ali' });
    expect(expiresIn).to.equal(60);
    const ok = tokens.verify(token);
    expect(ok.ok && ok.claims).to.deep.include({ conv: 'c1', user: 'u1', name: 'Ali', scope: 'conversation' });
    expect(tokens.verify(`${token}x`)).to.deep.equal({ ok: false, reason: 'invalid' });
    expect(new DirectLineTokens({ secret: 'another-secret-16+', ttlSeconds: 60 }).verify(token)).to.deep.equal({
      ok: false,
      reason: 'invalid',
    });
    // A stream token opens the stream only.
    const stream = tokens.issue({ conversationId: 'c1', userId: 'u1' }, 'stream').token;
    expect(tokens.verify(stream).ok).to.equal(false);
    expect(tokens.verify(stream, ['stream', 'conversation']).ok).to.equal(true);
    now += 60_000;
    expect(tokens.verify(token)).to.deep.equal({ ok: false, reason: 'expired' });
    expect(tokens.isSecret('a-secret-of-sixteen+')).to.equal(true);
    expect(tokens.isSecret(token)).to.equal(false);
  });

  it('an assertion is checked by signature first, then for expiry and lifetime', () => {
    const secret = 'intranet-shared-secret-0123456789';
    const now = 1_800_000_000;
    expect(verifyAssertion(signAssertion(secret, { sub: 'u7', name: 'Ali', exp: now + 60 }), secret, now)).to.deep.equal({
      ok: true,
      sub: 'u7',
      name: 'Ali',
    });
    expect(verifyAssertion(signAssertion(secret, { sub: 'u7', exp: now }), secret, now)).to.deep.equal({ ok: false, reason: 'expired' });
    expect(verifyAssertion(signAssertion(secret, { sub: 'u7', exp: now + 3601 }), secret, now)).to.deep.equal({
      ok: false,
      reason: 'too-long-lived',
    });
    expect(verifyAssertion(signAssertion('wrong-secret-0123456789', { sub: 'u7', exp: now + 60 }), secret, now)).to.deep.equal({
      ok: false,
      reason: 'signature',
    });
    const unsignedGarbage = `${Buffer.from('{').toString('base64url')}`;
    expect(
      verifyAssertion(`${unsignedGarbage}.${signAssertion(secret, { sub: 'x', exp: now + 1 }).split('.')[1]}`, secret, now),
    ).to.deep.equal({ ok: false, reason: 'signature' });
    expect(verifyAssertion(42, secret, now)).to.deep.equal({ ok: false, reason: 'malformed' });
  });

  it('activity ids carry the watermark of their own conversation only', () => {
    expect(activityId('c1', 12)).to.equal('c1|0000012');
    expect(watermarkOfId('c1', 'c1|0000012')).to.equal(12);
    expect(watermarkOfId('c2', 'c1|0000012')).to.equal(undefined);
    expect(watermarkOfId('c1', 'c1|x')).to.equal(undefined);
  });
});

describe('Direct Line streams', () => {
  it('send keep-alives, replay from a watermark, and close sockets and subscriptions on close()', async () => {
    const db = openEmbeddedDb(':memory:');
    const log = new SqliteActivityLog({ db });
    const events = new LocalEventBus();
    const tokens = new DirectLineTokens({ secret: 'stream-test-secret-0123', ttlSeconds: 60 });
    const streams = new DirectLineStreams({ log, events, tokens, logger: pino({ level: 'silent' }), keepAliveMs: 20 });
    const server = http.createServer((_req, res) => res.end());
    server.on('upgrade', streams.onUpgrade);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await log.createConversation({ conversationId: 'c1', userId: 'u1', createdAt: new Date().toISOString() });
      for (const text of ['a', 'b', 'c']) await log.append('c1', { type: 'message', text });
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v3/directline/conversations/c1/stream?t=${tokens.issue({ conversationId: 'c1', userId: 'u1' }, 'stream').token}&watermark=1`;
      const s = await Stream.open(url);
      await waitFor('backlog after watermark 1 and keep-alives', () => s.activities.length === 2 && s.keepAlives >= 2);
      expect(s.activities.map((a) => [a.id, a.text])).to.deep.equal([
        ['c1|0000002', 'b'],
        ['c1|0000003', 'c'],
      ]);
      // A late announcement of something already sent, then a real one: each activity arrives once.
      await events.publish(topicOf('c1'), { watermark: 3 });
      await log.append('c1', { type: 'message', text: 'd' });
      await events.publish(topicOf('c1'), { watermark: 4 });
      await waitFor('d', () => s.activities.length === 3);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(s.activities.map((a) => a.text)).to.deep.equal(['b', 'c', 'd']);
      const closed = new Promise<void>((resolve) =>
        (s as unknown as { ws: { once(e: string, f: () => void): void } }).ws.once('close', resolve),
      );
      await streams.close();
      await closed;
      // No subscription is left: publishing reaches nobody, and the bus has no topic any more.
      expect((events as unknown as { topics: Map<string, unknown> }).topics.size).to.equal(0);
    } finally {
      await streams.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await events.close();
      db.close();
    }
  });
});

// No MongoDB server here: what the mongo adapter relies on without one (the contract suite runs it with MONGODB_URI).
describe('MongoActivityLog records (no server)', () => {
  it('a unique (conversationId, watermark) index backs the gap-free watermarks', () => {
    expect(dlActivitySchema.indexes()).to.deep.include([{ conversationId: 1, watermark: 1 }, { unique: true }]);
  });

  it('validates records: watermark from 1, activity as JSON text, conversation with its user', async () => {
    const connection = mongoose.createConnection();
    try {
      const Activity = connection.model('dla', dlActivitySchema);
      const Conversation = connection.model('dlc', dlConversationSchema);
      await new Activity({ conversationId: 'c1', watermark: 1, json: '{"$schema":"x"}' }).validate();
      const bad = await new Activity({ conversationId: 'c1', watermark: 0, json: '{}' }).validate().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(bad?.message).to.contain('watermark');
      const missing = await new Conversation({ _id: 'c1', createdAt: 'x' }).validate().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(missing?.message).to.contain('userId');
    } finally {
      await connection.close();
    }
  });
});

describe('DirectLineAdapter', () => {
  const setup = async () => {
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
    await log.createConversation({ conversationId: 'c1', userId: 'u1', createdAt: new Date().toISOString() });
    const incoming = {
      type: 'message',
      text: 'hai',
      channelId: 'directline',
      conversation: { id: 'c1' },
      from: { id: 'u1', name: 'U' },
      recipient: adapter.botAccount,
      serviceUrl: 'http://localhost:1/v3/directline',
    };
    return {
      db,
      log,
      events,
      adapter,
      incoming,
      close: async () => {
        await events.close();
        db.close();
      },
    };
  };

  it('updateActivity appends a replacement with the same id and the original timestamp; delete is not supported', async () => {
    const t = await setup();
    try {
      await t.adapter.receive(t.incoming as never, async (ctx) => {
        const sent = await ctx.sendActivity('versi 1');
        await ctx.updateActivity({ id: sent!.id, type: 'message', text: 'versi 2' });
        const refused = await ctx.deleteActivity(sent!.id).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(refused?.message).to.contain('cannot delete');
        const bogus = await ctx.updateActivity({ id: 'other|0000001', type: 'message', text: 'x' }).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(bogus?.message).to.contain('can only update');
      });
      const [echo, v1, v2] = (await t.log.listAfter('c1', 0, 10)).map((e) => e.activity);
      expect(echo.text).to.equal('hai');
      expect(v1).to.deep.include({ text: 'versi 1', replyToId: 'c1|0000001', serviceUrl: 'http://localhost:1/v3/directline' });
      expect(v2).to.deep.include({ text: 'versi 2', id: 'c1|0000002', timestamp: v1.timestamp, replyToId: 'c1|0000001' });
    } finally {
      await t.close();
    }
  });

  it('runs turns of one conversation one at a time, in arrival order', async () => {
    const t = await setup();
    try {
      const trace: string[] = [];
      const turn = (name: string, ms: number) =>
        t.adapter.processActivity({ ...t.incoming, text: name } as never, async () => {
          trace.push(`${name}:start`);
          await new Promise((resolve) => setTimeout(resolve, ms));
          trace.push(`${name}:end`);
        });
      await Promise.all([turn('a', 30), turn('b', 1), turn('c', 1)]);
      expect(trace).to.deep.equal(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
    } finally {
      await t.close();
    }
  });

  it('a proactive send to a conversation that does not exist throws (the notify job retries), bypassing onTurnError', async () => {
    const t = await setup();
    try {
      let handled = false;
      t.adapter.onTurnError = async () => void (handled = true);
      const reference = {
        channelId: 'directline',
        conversation: { id: 'gone' } as never,
        user: { id: 'u1', name: 'U' },
        bot: t.adapter.botAccount,
        serviceUrl: 'x',
      };
      const err = await t.adapter
        .continueConversationAsync('bot', reference, async (ctx) => void (await ctx.sendActivity('hello')))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(err?.message).to.contain('does not exist');
      expect(handled).to.equal(false);
      await t.adapter.continueConversationAsync(
        'bot',
        { ...reference, conversation: { id: 'c1' } as never },
        async (ctx) => void (await ctx.sendActivity('hello')),
      );
      expect((await t.log.listAfter('c1', 0, 10)).map((e) => e.activity.text)).to.deep.equal(['hello']);
    } finally {
      await t.close();
    }
  });
});
