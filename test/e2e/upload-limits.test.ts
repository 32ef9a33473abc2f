import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { bombPng, removeDir, startTestBot, TestClock, tinyPng } from '../support/bot.js';
import { signAssertion, inSeconds, DirectLineUser, promptOf, type DlActivity } from '../support/directline.js';
import { waitFor } from '../support/wait-for.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const HOUR = 3_600_000;
const QUOTA_MS = 'Had muat naik sejam telah dicapai';
const QUOTA_EN = 'The hourly upload limit has been reached';

/** An upload as DirectLineJS sends it, answered with its headers (the 429's retry-after). */
async function upload(user: DirectLineUser, files: { name: string; bytes: Buffer; type?: string }[]): Promise<Response> {
  const form = new FormData();
  form.append('activity', new Blob([JSON.stringify({ type: 'message' })], { type: 'application/vnd.microsoft.activity' }));
  for (const f of files) form.append('file', new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }), f.name);
  return fetch(`${user.base}/upload`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` }, body: form });
}

/** How many files the store holds for a person (the embedded store's `files` table, read directly). */
function filesOf(db: Database.Database, ownerId: string): number {
  return db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM files WHERE owner_id = ?').get(ownerId)!.n;
}

/** What the bot said in the conversation, as the user's whole history shows it. */
async function botTexts(user: DirectLineUser): Promise<string[]> {
  return (await user.history()).filter((a) => a.from.role !== 'user' && a.text).map((a) => a.text!);
}

/**
 * Hourly upload quotas over real HTTP, per person and conversation, per person and conversation,
 * shared by two instances on one data folder and kept across a restart; a refused upload stores
 * nothing and the user is told why in the chat, in their language.
 */
describe('e2e: Direct Line upload quotas (embedded, two instances on one data folder)', function () {
  this.timeout(120_000);
  const clock = new TestClock(new Date('2026-03-02T01:00:00.000Z'));
  let a: Bot;
  let b: Bot;
  let db: Database.Database;

  before(async () => {
    a = await startTestBot({}, undefined, { clock });
    b = await startTestBot({}, a.dataDir, { clock });
    db = new Database(path.join(a.dataDir, 'gpki.db'), { readonly: true });
  });
  after(async () => {
    db?.close();
    await b?.close();
    await a?.close();
    if (a) removeDir(a.dataDir);
  });

  it('takes 100 uploads an hour from one person across both instances, refuses the 101st with 429 and says so in Malay, and takes uploads again an hour later', async () => {
    expect(a.config.uploads).to.deep.equal({ maxFilesPerHour: 100, maxBytesPerHour: 50 * 1024 * 1024, unclaimedHours: 6 });
    const onA = await DirectLineUser.demo(a.url, 'demo-applicant');
    await onA.start();
    // The same conversation and token, sent through instance B by the load balancer.
    const onB = new DirectLineUser(b.url, onA.token);
    const before = filesOf(db, 'demo-applicant');
    for (let i = 0; i < 100; i++) {
      const r = await upload(i % 2 ? onB : onA, [{ name: `f${i}.bin`, bytes: Buffer.alloc(200, i) }]);
      expect(r.status, `upload ${i + 1}`).to.equal(200);
    }
    expect(filesOf(db, 'demo-applicant')).to.equal(before + 100);
    expect(
      (await botTexts(onA)).some((t) => t.includes(QUOTA_MS)),
      'no quota message yet',
    ).to.equal(false);

    for (const via of [onA, onB]) {
      const refused = await upload(via, [{ name: 'f101.bin', bytes: Buffer.alloc(200) }]);
      expect(refused.status).to.equal(429);
      expect((await refused.json()).error.code).to.equal('TooManyRequests');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).to.be.within(1, 3600);
    }
    expect(filesOf(db, 'demo-applicant'), 'a refused upload stores nothing').to.equal(before + 100);
    // What Web Chat shows: the bot's own message in the conversation, in the person's language (Malay).
    const said = (await botTexts(onA)).filter((t) => t.includes(QUOTA_MS));
    expect(said).to.have.length(2);
    expect(said[0]).to.match(/cuba lagi dalam 60 minit/);
    expect(said[0]).to.not.contain(QUOTA_EN);

    // The quota is the person's, not the conversation's: a new conversation of theirs is refused too.
    const again = await DirectLineUser.demo(b.url, 'demo-applicant');
    await again.start();
    expect((await upload(again, [{ name: 'x.bin', bytes: Buffer.alloc(10) }])).status).to.equal(429);
    expect((await botTexts(again)).some((t) => t.includes(QUOTA_MS))).to.equal(true);

    // Refused uploads did not count: an hour on, the window has ended and uploads are taken again.
    clock.set(new Date(clock.now().getTime() + HOUR));
    expect((await upload(onB, [{ name: 'later.bin', bytes: Buffer.alloc(200) }])).status).to.equal(200);
    expect(filesOf(db, 'demo-applicant')).to.equal(before + 101);
  });

  it('counts every file of a request, and refuses a request whose files would cross the quota as a whole', async () => {
    const user = await DirectLineUser.demo(a.url, 'demo-lead');
    await user.start();
    const files = (n: number, tag: string) => Array.from({ length: n }, (_, j) => ({ name: `${tag}${j}.bin`, bytes: Buffer.alloc(50) }));
    for (let i = 0; i < 9; i++) expect((await upload(user, files(10, `p${i}-`))).status).to.equal(200);
    for (let i = 0; i < 5; i++) expect((await upload(user, files(1, `s${i}-`))).status).to.equal(200);
    const taken = filesOf(db, 'demo-lead');
    // 95 taken: ten more would make 105, so none of the ten is stored; five more make exactly 100.
    expect((await upload(user, files(10, 'q'))).status).to.equal(429);
    expect(filesOf(db, 'demo-lead')).to.equal(taken);
    expect((await upload(user, files(5, 'r'))).status).to.equal(200);
    expect((await upload(user, files(1, 't'))).status).to.equal(429);
    expect(filesOf(db, 'demo-lead')).to.equal(taken + 5);
  });
});

describe('e2e: Direct Line upload bytes quota (embedded, kept across a restart)', function () {
  this.timeout(120_000);
  const clock = new TestClock(new Date('2026-03-02T01:00:00.000Z'));
  const secret = 'intranet-shared-secret-for-tests';
  const env = { UPLOAD_MAX_BYTES_PER_HOUR: String(100 * 1024), INTRANET_SHARED_SECRET: secret };
  let bot: Bot;
  let dataDir: string;

  before(async () => {
    bot = await startTestBot(env, undefined, { clock });
    dataDir = bot.dataDir;
  });
  after(async () => {
    await bot?.close();
    removeDir(dataDir);
  });

  it('refuses the upload that crosses UPLOAD_MAX_BYTES_PER_HOUR, in English for a person who chose it, and still after a restart', async () => {
    const user = await DirectLineUser.demo(bot.url, 'demo-verifier');
    await user.start();
    await user.say('english');
    const file = (name: string) => ({ name, bytes: Buffer.alloc(40 * 1024, 1) });
    expect((await upload(user, [file('1.bin')])).status).to.equal(200);
    expect((await upload(user, [file('2.bin')])).status).to.equal(200);
    // 120 KB > 100 KB.
    const refused = await upload(user, [file('3.bin')]);
    expect(refused.status).to.equal(429);
    const told = (await botTexts(user)).filter((t) => t.includes(QUOTA_EN));
    expect(told).to.have.length(1);
    expect(told[0]).to.not.contain(QUOTA_MS);
    // A small one still fits (80 KB + 10 KB): the refused 40 KB were given back.
    expect((await upload(user, [{ name: 'small.bin', bytes: Buffer.alloc(10 * 1024) }])).status).to.equal(200);

    // The counters are in the store: a restarted bot on the same data folder refuses as well.
    await bot.close();
    bot = await startTestBot(env, dataDir, { clock });
    const back = new DirectLineUser(bot.url, user.token);
    expect((await upload(back, [file('4.bin')])).status).to.equal(429);
  });

  it("tells a person who never chose a language in the page's language, else in DEFAULT_LOCALE", async () => {
    const tokenFor = async (sub: string, locale?: 'en') => {
      const r = await fetch(`${bot.url}/api/directline/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          assertion: signAssertion(secret, { sub, name: 'Pengguna Baharu', exp: inSeconds(600) }),
          ...(locale ? { locale } : {}),
        }),
      });
      expect(r.status).to.equal(200);
      const user = new DirectLineUser(bot.url, ((await r.json()) as { token: string }).token);
      await user.start();
      // One file larger than the whole hour's allowance.
      expect((await upload(user, [{ name: 'big.bin', bytes: Buffer.alloc(150 * 1024) }])).status).to.equal(429);
      return (await botTexts(user)).find((t) => t.includes(QUOTA_MS) || t.includes(QUOTA_EN));
    };
    const malay = await tokenFor('intranet-user-77');
    expect(malay).to.contain(QUOTA_MS).and.not.contain(QUOTA_EN);
    const english = await tokenFor('intranet-user-78', 'en');
    expect(english).to.contain(QUOTA_EN).and.not.contain(QUOTA_MS);
  });
});

/**
 * The image header check inside an application, and unclaimed uploads removed within hours: the
 * copy a step accepted is the bot's own and stays with the case.
 */
describe('e2e: image dimensions in an application, and unclaimed uploads expiring (embedded)', function () {
  this.timeout(120_000);
  const clock = new TestClock();
  let bot: Bot;
  let db: Database.Database;
  const year = clock.now().getFullYear();

  before(async () => {
    // A short recovery interval: the sweep that removes expired uploads runs every 5 s.
    bot = await startTestBot({ RECOVERY_INTERVAL_SECONDS: '5' }, undefined, { clock });
    db = new Database(path.join(bot.dataDir, 'gpki.db'), { readonly: true });
  });
  after(async () => {
    db?.close();
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
  });

  const echoOf = async (user: DirectLineUser, id: string): Promise<DlActivity> =>
    (await user.activities()).activities.find((x) => x.id === id)!;
  const repliesTo = async (user: DirectLineUser, id: string) => (await user.activities()).activities.filter((x) => x.replyToId === id);

  it('re-asks for a PNG claiming 60000×60000 with the dimension message, takes a real PNG, and the unclaimed uploads go after UPLOAD_UNCLAIMED_HOURS while the case keeps its copy', async () => {
    const applicant = await DirectLineUser.demo(bot.url, 'demo-applicant');
    await applicant.start();
    await applicant.submit({ verb: 'start', goal: 'newUserCert' });
    for (const answer of [
      '900101-14-5678',
      'Aminah binti Hassan',
      'aminah@moh.gov.my',
      '012-345 6789',
      'Kementerian Kesihatan Malaysia',
      'Pegawai Teknologi Maklumat F41',
      'Token',
    ]) {
      await applicant.say(answer);
    }
    let id = await applicant.say('ePerolehan, 1GFMAS');
    expect(promptOf((await repliesTo(applicant, id)).at(-1))).to.equal('mykadCopy');

    // The bomb: stored as it came (not labelled an image), and refused by the step with its reason, in Malay.
    const bomb = bombPng();
    expect(bomb.length).to.be.within(60 * 1024, 70 * 1024);
    const refused = await applicant.upload([{ name: 'mykad.png', type: 'image/png', bytes: bomb }]);
    expect(refused.status).to.equal(200);
    const bombEcho = await echoOf(applicant, refused.body.id as string);
    expect(bombEcho.attachments?.[0].contentType, 'a header that does not pass is not served as an image').to.equal(
      'application/octet-stream',
    );
    let replies = await repliesTo(applicant, refused.body.id as string);
    expect(replies.map((r) => r.text ?? '').join('\n')).to.contain('Ukuran gambar itu tidak sesuai');
    expect(promptOf(replies.at(-1))).to.equal('mykadCopy');

    // A real PNG is taken and the application goes on to a case.
    const png = await applicant.upload([{ name: 'mykad.png', type: 'image/png', bytes: tinyPng() }]);
    replies = await repliesTo(applicant, png.body.id as string);
    expect(promptOf(replies.at(-1))).to.equal('declaration');
    const pngEcho = await echoOf(applicant, png.body.id as string);
    expect(pngEcho.attachments?.[0].contentType).to.equal('image/png');
    id = await applicant.say('ya');
    expect(promptOf((await repliesTo(applicant, id)).at(-1))).to.equal('confirm');
    id = await applicant.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    const caseId = `UC-${year}-000001`;
    expect((await repliesTo(applicant, id)).map((r) => r.text ?? '').join('\n')).to.contain(caseId);
    const kase = await bot.core.cases.get<{ mykadCopyFileId: string }>(caseId);
    const copyId = kase!.data.mykadCopyFileId;

    // The Direct Line uploads (refused and accepted alike) are the route's; the case's copy is the bot's own.
    const links = [bombEcho.attachments![0].contentUrl!, pngEcho.attachments![0].contentUrl!];
    for (const link of links) expect((await fetch(link)).status, 'before expiry').to.equal(200);
    const copy = await bot.core.files.get(copyId);
    expect(copy?.meta.expiresAt, 'the accepted copy does not expire').to.equal(undefined);
    expect(
      links.some((l) => l.includes(copyId)),
      'the copy is a file of its own',
    ).to.equal(false);

    // Just before UPLOAD_UNCLAIMED_HOURS (6) nothing goes: a sweep has run at that time (it pruned the
    // ended quota windows of these uploads), and the uploads are still there. Just after, the next sweep removes them.
    const windows = () => (db.prepare("SELECT COUNT(*) AS n FROM rate_limits WHERE key LIKE 'upload:%'").get() as { n: number }).n;
    expect(windows()).to.be.greaterThan(0);
    clock.set(new Date(clock.now().getTime() + 6 * HOUR - 60_000));
    await waitFor('a sweep at 6 h less a minute', () => windows() === 0, { timeoutMs: 20_000 });
    for (const link of links) expect((await fetch(link)).status, 'a minute before expiry').to.equal(200);
    clock.set(new Date(clock.now().getTime() + 2 * 60_000));
    await waitFor(
      'the sweep to remove the unclaimed uploads',
      async () => {
        const statuses = await Promise.all(links.map(async (l) => (await fetch(l)).status));
        return statuses.every((s) => s === 404) ? true : undefined;
      },
      { timeoutMs: 20_000 },
    );
    const kept = await bot.core.files.get(copyId);
    expect(kept && Buffer.compare(kept.bytes, tinyPng()), 'the case keeps its MyKad copy').to.equal(0);
  });
});
