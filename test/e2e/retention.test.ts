import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { verifyAuditChain } from '../../domain/audit.js';
import { openEmbeddedDb } from '../../infra/store/embedded/db.js';
import { SqliteConversationRepository } from '../../infra/store/embedded/conversation-repository.js';
import { SqliteHandoffRepository } from '../../infra/store/embedded/handoff-repository.js';
import { SqliteStorage } from '../../infra/store/embedded/storage.js';
import { ATTACHMENTS_DELETED_EVENT } from '../../domain/usecases/retention.js';
import { scheduleExpiryScan } from '../../domain/usecases/expiry.js';
import { removeDir, startTestBot, TestClock, tinyPng } from '../support/bot.js';
import { DirectLineUser, type DlActivity } from '../support/directline.js';
import { waitFor } from '../support/wait-for.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const DAY = 86_400_000;
const T0 = new Date('2026-01-05T02:00:00.000Z');

/**
 * Retention with an injected clock: the daily expiry-scan job prunes Direct Line conversations idle
 * longer than RETENTION_ACTIVITY_DAYS, transcript entries, finished job rows, and the attachments of
 * closed complaints and advisory requests; the live conversation, open cases' files, case records and
 * the audit chain stay, and the live conversation goes on by watermark. It also prunes idle bot
 * state, superseded conversation references, old pending messages and closed handoffs.
 */
// Short periods (days, set through the RETENTION_* keys) keep the daily chain of catch-up scans short.
describe('e2e: retention (injected clock, embedded store, in-process jobs)', function () {
  this.timeout(120_000);
  let bot: Bot;
  let db: Database.Database;
  const clock = new TestClock(T0);

  before(async () => {
    // Uploads kept 9 days here (UPLOAD_UNCLAIMED_HOURS, default 6 h; test/e2e/upload-limits.test.ts covers that), as the conversations.
    bot = await startTestBot(
      {
        RETENTION_ACTIVITY_DAYS: '9',
        RETENTION_TRANSCRIPT_DAYS: '10',
        RETENTION_JOB_DAYS: '3',
        RETENTION_ATTACHMENT_DAYS: '10',
        UPLOAD_UNCLAIMED_HOURS: '216',
      },
      undefined,
      { clock },
    );
    db = new Database(path.join(bot.dataDir, 'gpki.db'), { readonly: true });
  });
  after(async () => {
    db?.close();
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
  });

  /** Moves the clock and waits until every scan due by then (the daily chain catching up) has run. */
  async function moveTo(at: Date): Promise<void> {
    clock.set(at);
    await scheduleExpiryScan(bot.core);
    await waitFor(
      'the due scans to run',
      async () => {
        const c = await bot.core.jobs.counts('expiry');
        return c.waiting === 0 && c.active === 0 && c.delayed === 1;
      },
      { timeoutMs: 60_000 },
    );
  }
  const activityCount = (conversationId: string) =>
    (db.prepare('SELECT COUNT(*) AS n FROM directline_activities WHERE conversation_id = ?').get(conversationId) as { n: number }).n;
  const stateKeys = () => (db.prepare('SELECT key FROM bot_storage').all() as { key: string }[]).map((r) => r.key);
  const hasState = (conversationId: string) => stateKeys().some((k) => k.endsWith(`/conversations/${conversationId}`));
  const transcriptTimes = (conversationId: string) =>
    (db.prepare('SELECT at FROM transcripts WHERE conversation_id = ? ORDER BY n').all(conversationId) as { at: string }[]).map(
      (r) => r.at,
    );
  const fromBot = (a: DlActivity) => a.from.role === 'bot';
  async function sayAndWaitForReply(user: DirectLineUser, text: string): Promise<string> {
    const id = await user.say(text);
    const all = await waitFor('the bot to reply', async () => {
      const r = await user.activities();
      return r.activities.some((a) => fromBot(a) && a.replyToId === id) ? r : undefined;
    });
    return all.watermark;
  }

  it('prunes what is old, keeps what is recent or still needed, and a live conversation continues by watermark', async () => {
    await waitFor('the first scan at start', async () => (await bot.core.jobs.counts('expiry')).completed >= 1);

    // Day 0: two conversations, a closed and an open complaint with screenshots, a held advisory session with its letter.
    const old = await DirectLineUser.demo(bot.url, 'demo-applicant');
    await old.start();
    await sayAndWaitForReply(old, 'hai');
    const live = await DirectLineUser.demo(bot.url, 'demo-verifier');
    await live.start();
    await sayAndWaitForReply(live, 'hai');
    const put = (name: string) => bot.core.files.put({ ownerId: 'demo-applicant', name, contentType: 'image/png', bytes: tinyPng() });
    const [closedShot, openShot, oldLetter] = [await put('ralat.png'), await put('ralat-2.png'), await put('surat.pdf')];
    const lodge = async (kind: 'AD' | 'KN', status: string, data: Record<string, unknown>) => {
      const c = await bot.core.cases.create({
        kind,
        status,
        applicantId: 'demo-applicant',
        data,
        timeline: [{ at: clock.now().toISOString(), event: 'lodged', actorId: 'demo-applicant', status }],
      });
      await bot.core.audit.append({
        caseId: c.id,
        at: clock.now().toISOString(),
        actorId: 'demo-applicant',
        action: 'lodged',
        data: { status },
      });
      return c;
    };
    const closedComplaint = await lodge('AD', 'DITUTUP', { screenshotFileId: closedShot.id });
    const openComplaint = await lodge('AD', 'BARU', { screenshotFileId: openShot.id });
    const heldAdvisory = await lodge('KN', 'SELESAI', { letterFileId: oldLetter.id });
    // A Direct Line upload expires UPLOAD_UNCLAIMED_HOURS after upload (216 h = 9 days here); the bot keeps its own copy of what it accepts.
    const uploadOf = (name: string) =>
      db.prepare('SELECT id, expires_at FROM files WHERE name = ?').get(name) as { id: string; expires_at: string | null } | undefined;
    expect((await old.upload([{ name: 'dl-lama.png', type: 'image/png', bytes: tinyPng() }])).status).to.equal(200);
    const oldUpload = uploadOf('dl-lama.png')!;
    expect(oldUpload.expires_at).to.equal(new Date(clock.now().getTime() + 9 * DAY).toISOString());
    // Both conversations' turns saved their bot state (dialog state).
    expect([hasState(old.conversationId), hasState(live.conversationId)], 'state saved on day 0').to.deep.equal([true, true]);
    const oldTranscript = transcriptTimes(live.conversationId);
    expect(oldTranscript.length).to.be.greaterThan(0);

    // Day 6: the live conversation goes on; a newer advisory session is held.
    await moveTo(new Date(T0.getTime() + 6 * DAY));
    expect((await live.upload([{ name: 'dl-baharu.png', type: 'image/png', bytes: tinyPng() }])).status).to.equal(200);
    const newUpload = uploadOf('dl-baharu.png')!;
    const heldWatermark = await sayAndWaitForReply(live, 'menu');
    const newLetter = await put('surat-baharu.pdf');
    const recentAdvisory = await lodge('KN', 'DITOLAK', { letterFileId: newLetter.id });
    expect(activityCount(old.conversationId), 'nothing is old enough yet').to.be.greaterThan(0);

    // Day 12: the old conversation has been idle 12 days (> 9), the live one 6.
    const oldActivities = activityCount(old.conversationId);
    const liveActivities = activityCount(live.conversationId);
    expect(oldActivities).to.be.greaterThan(2);
    await moveTo(new Date(T0.getTime() + 12 * DAY));

    expect(activityCount(old.conversationId), 'old conversation activities').to.equal(0);
    expect(
      db.prepare('SELECT COUNT(*) AS n FROM directline_conversations WHERE conversation_id = ?').get(old.conversationId),
    ).to.deep.equal({ n: 0 });
    expect(activityCount(live.conversationId), 'live conversation keeps every activity').to.equal(liveActivities);
    // Bot state goes by last use: the old conversation's is gone; the live one's day-6 turn changed
    // nothing in it (no write), but reading it counted as use, so it stays.
    expect(hasState(old.conversationId), 'old conversation state').to.equal(false);
    expect(hasState(live.conversationId), 'live conversation state').to.equal(true);
    expect(transcriptTimes(old.conversationId), 'old transcript').to.deep.equal([]);
    const liveTranscript = transcriptTimes(live.conversationId);
    expect(liveTranscript.length).to.be.greaterThan(0);
    expect(
      liveTranscript.every((at) => at >= new Date(T0.getTime() + 6 * DAY).toISOString()),
      'only day-6 entries stay',
    ).to.equal(true);

    // Finished jobs older than 3 days are gone (the first scans among them); recent ones stay.
    const jobs = db.prepare("SELECT key, updated_at FROM jobs WHERE state IN ('completed', 'failed')").all() as {
      key: string;
      updated_at: number;
    }[];
    expect(jobs.map((j) => j.key)).to.not.include('expiry:scan:2026-01-05');
    expect(
      jobs.every((j) => j.updated_at >= T0.getTime() + 9 * DAY),
      'no finished job older than 3 days',
    ).to.equal(true);
    expect(jobs.map((j) => j.key)).to.include('expiry:scan:2026-01-17');

    // Attachments: the closed complaint's screenshot and the day-0 letter go; the open complaint's and the recent letter stay.
    expect(await bot.core.files.get(closedShot.id)).to.equal(undefined);
    expect(await bot.core.files.get(oldLetter.id)).to.equal(undefined);
    expect((await bot.core.files.get(openShot.id))?.meta.id).to.equal(openShot.id);
    expect((await bot.core.files.get(newLetter.id))?.meta.id).to.equal(newLetter.id);
    expect(await bot.core.files.get(oldUpload.id), 'the day-0 upload expired on day 9').to.equal(undefined);
    expect((await bot.core.files.get(newUpload.id))?.meta.id, 'the day-6 upload lives to day 15').to.equal(newUpload.id);
    for (const c of [closedComplaint, heldAdvisory]) {
      const kept = await bot.core.cases.get(c.id);
      expect(kept?.status, 'the case record stays').to.equal(c.status);
      expect(kept?.timeline.filter((e) => e.event === ATTACHMENTS_DELETED_EVENT)).to.have.length(1);
      const chain = await bot.core.audit.list(c.id);
      expect(chain.map((e) => e.action)).to.deep.equal(['lodged', ATTACHMENTS_DELETED_EVENT]);
      expect(verifyAuditChain(chain)).to.deep.equal({ ok: true });
    }
    for (const c of [openComplaint, recentAdvisory])
      expect((await bot.core.cases.get(c.id))?.timeline.map((e) => e.event)).to.deep.equal(['lodged']);

    // The live conversation continues: a GET from the watermark it held returns only what came after, and a new turn follows on.
    expect((await live.activities(heldWatermark)).activities).to.deep.equal([]);
    const next = await sayAndWaitForReply(live, 'hai lagi');
    const after = await live.activities(heldWatermark);
    expect(after.activities.length).to.be.greaterThan(1);
    expect(after.activities[0]).to.deep.include({ text: 'hai lagi' });
    expect(Number(after.activities[0].id!.split('|')[1])).to.equal(Number(heldWatermark) + 1);
    expect(after.watermark).to.equal(next);

    // The old conversation is gone for its client too.
    expect((await old.post({ type: 'message', text: 'masih ada?' })).status).to.be.oneOf([403, 404]);

    // A second sweep the same day deletes nothing more and touches no case again.
    await bot.core.jobs.enqueue({ queue: 'expiry', name: 'scan', payload: { day: '2026-01-17' }, key: 'expiry:scan:2026-01-17:rerun' });
    await waitFor(
      'the rerun',
      async () =>
        (db.prepare("SELECT state FROM jobs WHERE key = 'expiry:scan:2026-01-17:rerun'").get() as { state: string } | undefined)?.state ===
        'completed',
    );
    expect((await bot.core.cases.get(closedComplaint.id))?.timeline.filter((e) => e.event === ATTACHMENTS_DELETED_EVENT)).to.have.length(1);
    expect(activityCount(live.conversationId)).to.be.greaterThan(liveActivities);
  });

  it('prunes idle bot state, superseded conversation references, old pending messages and closed handoffs; keeps what is recent or in use', async () => {
    // A second connection to the bot's file, writing as another process of the deployment would.
    const writer = openEmbeddedDb(path.join(bot.dataDir, 'gpki.db'));
    try {
      const state = new SqliteStorage({ db: writer, clock });
      const refs = new SqliteConversationRepository({ db: writer });
      const handoffs = new SqliteHandoffRepository({ db: writer });
      const start = clock.now().getTime();
      const iso = (days: number) => new Date(start + days * DAY).toISOString();
      const ref = (conversationId: string, personId: string, days: number, owner?: { owner: 'agent'; agentId: string }) =>
        refs.save({
          conversationId,
          channelId: 'msteams',
          personId,
          reference: { conversation: { id: conversationId } },
          lastSeenAt: iso(days),
          ...owner,
        });
      const note = (id: string, days: number) =>
        refs.addPending({ id, personId: 'ret-b', payload: { type: 'caseApproved', caseId: 'UC-2026-000001' }, createdAt: iso(days) });
      const [idleKey, busyKey] = ['msteams/gpki-bot/conversations/ret-idle', 'msteams/gpki-bot/conversations/ret-busy'];

      // Day 0.
      await state.write({ [idleKey]: { dialogStack: [{ id: 'applyUserCertificate' }] }, [busyKey]: { dialogStack: [] } });
      await ref('ret-a1', 'ret-a', 0);
      await ref('ret-b1', 'ret-b', 0);
      await ref('ret-c1', 'ret-c', 0, { owner: 'agent', agentId: 'demo-agent' });
      await note('ret-m-old', 0);
      for (const c of ['ret-h-old', 'ret-h-recent', 'ret-h-open'])
        await handoffs.enqueue({ conversationId: c, channelId: 'msteams', personId: 'ret-a', reason: 'request', queuedAt: iso(0) });
      await handoffs.close('ret-h-old', { outcome: 'timeout', at: iso(0) });

      // Day 6: a turn reads the busy conversation's state and changes nothing; ret-a and ret-c move on to new conversations.
      await moveTo(new Date(start + 6 * DAY));
      await state.read([busyKey]);
      await ref('ret-a2', 'ret-a', 6);
      await ref('ret-c2', 'ret-c', 6);
      await note('ret-m-new', 6);
      await handoffs.close('ret-h-recent', { outcome: 'timeout', at: iso(6) });

      // Day 12: idle 12 days (> 9, the activity period); closed 12 days (> 10, the transcript period).
      await moveTo(new Date(start + 12 * DAY));
      expect(Object.keys(await state.read([idleKey, busyKey])), 'bot state used on day 6 stays').to.deep.equal([busyKey]);
      expect(await refs.get('ret-a1'), 'a reference superseded and idle').to.equal(undefined);
      for (const kept of ['ret-a2', 'ret-b1', 'ret-c1', 'ret-c2']) expect(await refs.get(kept), kept).to.not.equal(undefined);
      expect((await refs.latestForPerson('ret-b'))?.conversationId, "a person's only reference stays for proactive messages").to.equal(
        'ret-b1',
      );
      expect((await refs.takePending('ret-b')).map((m) => m.id)).to.deep.equal(['ret-m-new']);
      expect(await handoffs.get('ret-h-old')).to.equal(undefined);
      expect((await handoffs.get('ret-h-recent'))?.status).to.equal('closed');
      expect((await handoffs.get('ret-h-open'))?.status, 'an open handoff is never pruned').to.equal('waiting');
    } finally {
      writer.close();
    }
  });
});
