import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect } from 'chai';
import { removeDir, startTestBot, tinyPng } from '../support/bot.js';
import { call, cardOf, DirectLineUser, promptOf, Stream, type DlActivity } from '../support/directline.js';
import { waitFor } from '../support/wait-for.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

/** The bot's replies to one activity of `user`, read back by GET once the POST has returned (the turn has run). */
async function repliesTo(user: DirectLineUser, id: string): Promise<DlActivity[]> {
  return (await user.activities()).activities.filter((a) => a.replyToId === id);
}

const texts = (list: DlActivity[]) => list.map((a) => a.text ?? '').join('\n');

/**
 * A whole application over Direct Line: answers, the MyKad copy through /upload (a PDF refused,
 * a PNG taken), the AP's approval card arriving at once on their open WebSocket, and a proactive
 * result waiting in the log for an applicant who has closed the page.
 */
describe('e2e: Direct Line uploads and proactive delivery (embedded)', function () {
  this.timeout(90_000);
  let bot: Bot;
  const year = new Date().getFullYear();

  before(async () => {
    bot = await startTestBot();
  });
  after(async () => {
    await bot?.close();
    if (bot) removeDir(bot.dataDir);
  });

  it('applies with an uploaded MyKad copy; the AP is told at once on their WebSocket; the result waits for the applicant', async () => {
    // The AP has Web Chat open.
    const ap = await DirectLineUser.demo(bot.url, 'demo-ap');
    const apStream = await Stream.open((await ap.start()).streamUrl);
    const applicant = await DirectLineUser.demo(bot.url, 'demo-applicant');
    const mine = await Stream.open((await applicant.start()).streamUrl);
    try {
      let id = await applicant.submit({ verb: 'start', goal: 'newUserCert' });
      expect(promptOf((await repliesTo(applicant, id)).at(-1))).to.equal('mykad');
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
      id = await applicant.say('ePerolehan, 1GFMAS');
      expect((await repliesTo(applicant, id)).at(-1)?.channelData?.prompt).to.include({ field: 'mykadCopy', kind: 'file' });

      // A PDF is stored and linked like any upload, and the dialog refuses it with its reason.
      const pdf = await applicant.upload(
        [{ name: 'mykad.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.4\n% not an image\n') }],
        { type: 'message', channelData: { clientActivityID: 'up-1' } },
      );
      expect(pdf.status).to.equal(200);
      const pdfEcho = await mine.waitFor('echo of the PDF upload', (a) => a.id === pdf.body.id);
      expect(pdfEcho.channelData?.clientActivityID).to.equal('up-1');
      expect(pdfEcho.attachments?.[0]).to.include({ contentType: 'application/pdf', name: 'mykad.pdf' });
      const pdfReplies = await repliesTo(applicant, pdf.body.id as string);
      expect(texts(pdfReplies)).to.contain('Hanya gambar JPEG atau PNG diterima');
      expect(promptOf(pdfReplies.at(-1))).to.equal('mykadCopy');

      // A PNG goes on to the declaration; its link serves the very bytes, as a PNG, to anyone holding it.
      const png = await applicant.upload([{ name: 'MyKad depan.png', type: 'image/png', bytes: tinyPng() }]);
      expect(promptOf((await repliesTo(applicant, png.body.id as string)).at(-1))).to.equal('declaration');
      const pngEcho = await mine.waitFor('echo of the PNG upload', (a) => a.id === png.body.id);
      const link = pngEcho.attachments![0];
      expect(link).to.include({ contentType: 'image/png', name: 'MyKad depan.png' });
      const served = await fetch(link.contentUrl!);
      expect(served.headers.get('content-type')).to.equal('image/png');
      expect(Buffer.compare(Buffer.from(await served.arrayBuffer()), tinyPng())).to.equal(0);

      id = await applicant.say('ya');
      expect(promptOf((await repliesTo(applicant, id)).at(-1))).to.equal('confirm');
      id = await applicant.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
      const caseId = `UC-${year}-000001`;
      expect(texts(await repliesTo(applicant, id))).to.contain(caseId);
      const stored = await bot.core.cases.get<{ mykadCopyFileId: string }>(caseId);
      const copy = await bot.core.files.get(stored!.data.mykadCopyFileId);
      expect(Buffer.compare(copy!.bytes, tinyPng())).to.equal(0);

      // The AP's open Web Chat gets the approval card at once, with Web Chat's Action.Submit buttons.
      const card = await apStream.waitFor('approval card', (a) => JSON.stringify(cardOf(a) ?? {}).includes(caseId));
      const actions = cardOf(card)!.actions as { type: string; data: { verb: string; version: number } }[];
      expect(actions.map((a) => a.type)).to.include('Action.Submit');
      expect(card.from.role).to.equal('bot');

      // The applicant closes the page; the AP approves; the certificate notice waits in the log.
      await mine.close();
      const seenUntil = mine.watermarks.at(-1)!;
      const approve = actions.find((a) => a.data?.verb === 'approve')!.data;
      id = await ap.submit(approve);
      expect(texts(await repliesTo(ap, id))).to.contain(`meluluskan ${caseId}`);
      const notice = await waitFor(
        'issued notice in the log',
        async () => (await applicant.activities(seenUntil)).activities.find((a) => (a.text ?? '').includes('telah dikeluarkan')),
        { timeoutMs: 20_000 },
      );
      expect(notice.from.role).to.equal('bot');
      // The next visit resumes from where the page was and shows it.
      const back = await Stream.open((await applicant.resume(seenUntil)).streamUrl);
      try {
        await back.waitFor('issued notice on resume', (a) => a.id === notice.id);
      } finally {
        await back.close();
      }
    } finally {
      await Promise.all([apStream.close(), mine.close()]);
    }
  });

  it('refuses an upload over UPLOAD_MAX_BYTES with 413 and posts nothing; a file part is required', async () => {
    const user = await DirectLineUser.demo(bot.url, 'demo-verifier');
    await user.start();
    const before = (await user.activities()).activities.length;
    const big = Buffer.concat([tinyPng(), Buffer.alloc(2 * 1024 * 1024 + 70 * 1024)]);
    const r = await user.upload([{ name: 'big.png', type: 'image/png', bytes: big }]);
    expect(r.status).to.equal(413);
    expect(r.body.error.code).to.equal('RequestTooLarge');
    // Just over the limit, inside the framing slack: still refused, per file.
    const over = await user.upload([
      { name: 'over.png', type: 'image/png', bytes: Buffer.concat([tinyPng(), Buffer.alloc(2 * 1024 * 1024)]) },
    ]);
    expect(over.status).to.equal(413);
    const none = new FormData();
    none.append('activity', new Blob([JSON.stringify({ type: 'message' })], { type: 'application/vnd.microsoft.activity' }));
    expect((await call(`${user.base}/upload`, { token: user.token, body: none })).status).to.equal(400);
    expect((await call(`${user.base}/upload`, { token: user.token, json: { type: 'message' } })).status).to.equal(415);
    expect((await user.activities()).activities.length).to.equal(before);
    // The connection closed after the 413 does not hurt the next request.
    expect((await user.post({ type: 'message', text: 'menu' })).status).to.equal(200);
  });

  it('stores an upload under the type its content shows, never the type the browser claimed', async () => {
    const user = await DirectLineUser.demo(bot.url, 'demo-lead');
    await user.start();
    const r = await user.upload([{ name: 'page.html', type: 'text/html', bytes: Buffer.from('<script>alert(1)</script>') }]);
    expect(r.status).to.equal(200);
    const echo = (await user.activities()).activities.find((a) => a.id === r.body.id)!;
    expect(echo.attachments?.[0]).to.include({ contentType: 'application/octet-stream', name: 'page.html' });
    const served = await fetch(echo.attachments![0].contentUrl!);
    expect(served.headers.get('content-type')).to.equal('application/octet-stream');
    expect(served.headers.get('x-content-type-options')).to.equal('nosniff');
  });

  it('does not let restify spool multipart bodies to the temp folder on other routes', async () => {
    // restify's own multipart parser (formidable) writes each file part to tmpdir as upload_<hex> and never removes it.
    const spooled = () =>
      readdirSync(tmpdir())
        .filter((n) => n.startsWith('upload_'))
        .sort();
    const before = spooled();
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(1024)]), 'x.bin');
    const r = await fetch(`${bot.url}/api/messages`, { method: 'POST', body: form });
    expect(r.status).to.equal(400);
    expect(spooled()).to.deep.equal(before);
  });
});
