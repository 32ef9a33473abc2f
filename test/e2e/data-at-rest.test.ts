import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { removeDir, startTestBot, tinyPng } from '../support/bot.js';
import { cardOf, DirectLineUser, promptOf, type DlActivity } from '../support/directline.js';
import { waitFor } from '../support/wait-for.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;

const TYPED = '900101-14-5678';
const DIGITS = '900101145678';
const MASKED = '9001******78';
/** The number in any way it could be written: typed with dashes or spaces, digits only. */
const UNMASKED = /900101[\s-]?14[\s-]?5678/;

async function repliesTo(user: DirectLineUser, id: string): Promise<DlActivity[]> {
  return (await user.history()).filter((a) => a.replyToId === id);
}

/** Mode bits of everything under `dir` (itself included), by path relative to it. */
function modesUnder(dir: string): { dirs: Map<string, number>; files: Map<string, number> } {
  const dirs = new Map<string, number>();
  const files = new Map<string, number>();
  const visit = (p: string) => {
    const st = lstatSync(p);
    const rel = path.relative(dir, p) || '.';
    if (st.isDirectory()) {
      dirs.set(rel, st.mode & 0o777);
      for (const name of readdirSync(p)) visit(path.join(p, name));
    } else {
      files.set(rel, st.mode & 0o777);
    }
  };
  visit(dir);
  return { dirs, files };
}

const octal = (m: Map<string, number>) => Object.fromEntries([...m].map(([k, v]) => [k, v.toString(8)]));

/**
 * Personal data at rest (DOMAIN.md 7.15), in a fresh DATA_DIR, under the test run's own umask (0022):
 * a whole application over Direct Line (MyKad typed, MyKad copy uploaded, AP approval, issuance).
 * The Direct Line history holds the MyKad only masked, in both directions, while the case holds the
 * real number; and everything under DATA_DIR is owner-only.
 */
describe('e2e: personal data at rest (embedded, Direct Line)', function () {
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

  it('keeps the MyKad masked in the Direct Line history while the case holds it; every file under DATA_DIR is 0600 and every folder 0700', async () => {
    // The test run's umask (0022 or 0002) lets others read: only modes the bot sets make files private.
    const probe = path.join(os.tmpdir(), `gpki-umask-${process.pid}`);
    writeFileSync(probe, '', { mode: 0o666 });
    const probeMode = lstatSync(probe).mode & 0o777;
    rmSync(probe);
    expect(probeMode & 0o044, 'umask').to.equal(0o044);
    const ap = await DirectLineUser.demo(bot.url, 'demo-ap');
    await ap.start();
    const applicant = await DirectLineUser.demo(bot.url, 'demo-applicant');
    await applicant.start();

    let id = await applicant.submit({ verb: 'start', goal: 'newUserCert' });
    expect(promptOf((await repliesTo(applicant, id)).at(-1))).to.equal('mykad');
    id = await applicant.say(TYPED);
    // The dialog took the real number (a masked one would be refused) and asks for the next field.
    expect(promptOf((await repliesTo(applicant, id)).at(-1))).to.equal('fullName');
    for (const answer of [
      'Aminah binti Hassan',
      'aminah@moh.gov.my',
      '012-345 6789',
      'Kementerian Kesihatan Malaysia',
      'Pegawai Teknologi Maklumat F41',
      'Token',
      'ePerolehan, 1GFMAS',
    ]) {
      await applicant.say(answer);
    }
    // The copy's file name carries the number too, as people name their scans.
    const png = await applicant.upload([{ name: `MyKad ${DIGITS}.png`, type: 'image/png', bytes: tinyPng() }]);
    expect(png.status).to.equal(200);
    expect(promptOf((await repliesTo(applicant, png.body.id as string)).at(-1))).to.equal('declaration');
    await applicant.say('ya');
    id = await applicant.submit({ verb: 'answer', field: 'confirm', choice: 'submit' });
    const caseId = `UC-${year}-000001`;
    expect((await repliesTo(applicant, id)).map((a) => a.text ?? '').join('\n')).to.contain(caseId);

    // The AP approves from the card in their Direct Line conversation; the CA issues.
    const card = await waitFor('approval card', async () =>
      (await ap.history()).find((a) => JSON.stringify(cardOf(a) ?? {}).includes(caseId)),
    );
    const approve = (cardOf(card)!.actions as { data: { verb: string } }[]).find((a) => a.data?.verb === 'approve')!.data;
    await ap.submit(approve);
    await waitFor('issued notice', async () => (await applicant.history()).find((a) => (a.text ?? '').includes('telah dikeluarkan')), {
      timeoutMs: 20_000,
    });
    // A card input submitted with the number in `value`, as text and as a JSON number.
    await applicant.post({ type: 'message', value: { note: `IC ${TYPED}`, mykad: Number(DIGITS) } });

    // (i) What the bot accepted: the real number, in the case.
    const stored = await bot.core.cases.get<{ mykad: string; mykadCopyFileId: string }>(caseId);
    expect(stored?.status).to.equal('DIKELUARKAN');
    expect(stored?.data.mykad).to.equal(DIGITS);
    // What the history holds, read back as a reconnecting client does: masked, both what the user
    // sent (text, upload name, card values) and what the bot sent (the AP's card).
    const mine = await applicant.history();
    const theirs = await ap.history();
    for (const [who, list] of [
      ['applicant', mine],
      ['AP', theirs],
    ] as const) {
      expect(JSON.stringify(list), `${who}'s history`).not.to.match(UNMASKED);
    }
    expect(
      mine.find((a) => a.from.role !== 'bot' && a.text === MASKED),
      'the typed number, masked',
    ).to.exist;
    const upload = mine.find((a) => a.id === png.body.id)!;
    expect(upload.attachments?.[0]?.name).to.equal(`MyKad ${MASKED}.png`);
    // The link is kept whole: it still serves the copy.
    const served = await fetch(upload.attachments![0]!.contentUrl!);
    expect(Buffer.compare(Buffer.from(await served.arrayBuffer()), tinyPng())).to.equal(0);
    const submitted = (mine as (DlActivity & { value?: unknown })[]).find(
      (a) => a.from.role !== 'bot' && a.value !== undefined && JSON.stringify(a.value).includes('note'),
    );
    expect(submitted?.value).to.deep.equal({ note: `IC ${MASKED}`, mykad: MASKED });
    expect(JSON.stringify(cardOf(card))).to.contain(MASKED);

    // (ii) Owner-only, with the bot running (the database's -wal and -shm files exist now).
    expect(existsSync(path.join(bot.dataDir, 'gpki.db-wal'))).to.equal(true);
    // The training CA makes its keys after the user CA's (a first start gives the user CA both cores).
    await waitFor('the training CA keys', () => existsSync(path.join(bot.dataDir, 'ca-training', 'root.key.pem')) || undefined);
    const { dirs, files } = modesUnder(bot.dataDir);
    expect([...files.keys()]).to.include.members([
      'gpki.db',
      'gpki.db-wal',
      'gpki.db-shm',
      '.directline-secret',
      'ca/root.key.pem',
      'ca/issuing.pem',
      'ca-training/root.key.pem',
    ]);
    // The Direct Line upload is still kept (it expires after RETENTION_ACTIVITY_DAYS); the case's own
    // copy went once the AP had verified it.
    expect([...files.keys()].filter((f) => f.startsWith('files/'))).to.have.lengthOf(1);
    expect(files.has(`files/${stored!.data.mykadCopyFileId}`)).to.equal(false);
    expect([...dirs.keys()]).to.include.members(['.', 'files', 'ca', 'ca-training']);
    expect(octal(new Map([...files].filter(([, m]) => m !== 0o600))), 'files not 0600').to.deep.equal({});
    expect(octal(new Map([...dirs].filter(([, m]) => m !== 0o700))), 'folders not 0700').to.deep.equal({});
  });

  it('at start, makes what an older version left in DATA_DIR owner-only and logs how many it changed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-e2e-old-'));
    chmodSync(dir, 0o755);
    mkdirSync(path.join(dir, 'files'), { mode: 0o755 });
    writeFileSync(path.join(dir, 'files', 'old-copy'), tinyPng(), { mode: 0o644 });
    writeFileSync(path.join(dir, '.file-link-secret'), 'a-secret-kept-by-an-older-version', { mode: 0o644 });
    const log = new PassThrough();
    // Chunks need not end at a line's end: the lines are split once the start has been logged.
    let logged = '';
    log.on('data', (chunk: Buffer) => void (logged += chunk.toString()));
    const old = await startTestBot({ LOG_LEVEL: 'info' }, dir, { logDestination: log });
    try {
      const lines = logged.split('\n').filter(Boolean);
      const tightened = lines
        .map((l) => JSON.parse(l) as { msg: string; changed?: number })
        .find((l) => l.msg === 'data folder: permissions tightened to owner-only');
      expect(tightened?.changed).to.equal(4);
      const { dirs, files } = modesUnder(dir);
      expect([files.get('files/old-copy'), files.get('.file-link-secret'), dirs.get('.'), dirs.get('files')]).to.deep.equal([
        0o600, 0o600, 0o700, 0o700,
      ]);
    } finally {
      await old.close();
      removeDir(dir);
    }
  });
});
