import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { inCi } from '../contract/harness.js';
import { removeDir, tinyPng } from '../support/bot.js';
import { askedField, Chat } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { botProcess, waitReady, type ChildService } from '../support/processes.js';
import { deleteKeys, REDIS_URL, redisReachable } from '../support/redis.js';
import { waitFor } from '../support/wait-for.js';

const redisUp = await redisReachable();
const FILE_INFO = 'application/vnd.microsoft.teams.file.download.info';

/**
 * Where the bot downloads a Teams upload from: while `hanging`, a request is taken and never
 * answered (the turn waits on it, as on a stalled SharePoint), afterwards the PNG is served.
 */
class FileHost {
  hanging = true;
  hits = 0;
  url = '';
  private readonly held: http.ServerResponse[] = [];
  private readonly server = http.createServer((req, res) => {
    this.hits += 1;
    if (this.hanging) return void this.held.push(res);
    res.setHeader('content-type', 'image/png');
    res.end(tinyPng());
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** MyKad copies the store holds for a person: each processed upload turn stores one. */
function storedCopies(dataDir: string, ownerId: string): number {
  const db = new Database(path.join(dataDir, 'gpki.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM files WHERE owner_id = ?').get(ownerId) as { n: number }).n;
  } finally {
    db.close();
  }
}

async function started(bot: ChildService): Promise<string> {
  const url = (await bot.waitForOutput('listening log line', /"url":"(http:[^"]+)"/))[1];
  await waitReady(url);
  return url;
}

/**
 * A turn that dies with its process (SIGKILL while it downloads the MyKad copy) has not
 * completed: the channel's re-send of the same activity (same id) to the restarted bot is
 * processed, once; a further re-send of it is dropped. Checked in what the user sees (one reply,
 * the next question), and what is stored (one MyKad copy, the dialog one step on).
 */
function crashSuite(mode: 'embedded' | 'redis'): void {
  describe(`e2e: a re-send after a crash mid-turn is processed once (${mode === 'redis' ? `REDIS_URL ${REDIS_URL}` : 'embedded mode'})`, function () {
    if (mode === 'redis' && !redisUp) {
      if (inCi()) it('Redis is reachable', () => void expect.fail(`Redis is required in CI (CI=true) but does not answer at ${REDIS_URL}`));
      else it(`SKIPPED: Redis not reachable at ${REDIS_URL}`);
      return;
    }
    this.timeout(180_000);
    const prefix = `gpki-test-crash-${randomUUID().slice(0, 8)}`;
    const connector = new TestConnector();
    const files = new FileHost();
    let dir = '';
    let bot: ChildService | undefined;

    before(async () => {
      await connector.start();
      await files.start();
      dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-crash-'));
    });
    after(async () => {
      await bot?.stop(5000);
      await files.stop();
      await connector.stop();
      removeDir(dir);
      if (mode === 'redis') await deleteKeys(prefix);
    });

    it('processes the re-send of the killed turn once and drops the next re-send', async () => {
      bot = botProcess({
        DATA_DIR: dir,
        PORT: '0',
        LOG_LEVEL: 'info',
        TEAMS_FILE_HOSTS: '127.0.0.1',
        // A short lease, so the dead instance's lock is gone by the time the bot is back.
        TURN_LOCK_LEASE_SECONDS: '2',
        SHUTDOWN_GRACE_SECONDS: '2',
        ...(mode === 'redis' ? { REDIS_URL, QUEUE_PREFIX: prefix } : {}),
      }).start();
      let url = await started(bot);
      const chat = new Chat({ botUrl: () => url, connector, userId: 'demo-applicant', channelId: 'msteams' });
      await chat.submit({ verb: 'start', goal: 'newUserCert' });
      for (const answer of [
        '900101-14-5678',
        'Aminah binti Hassan',
        'aminah@moh.gov.my',
        '012-345 6789',
        'Kementerian Kesihatan Malaysia',
        'Pegawai Teknologi Maklumat F41',
        'Token',
      ])
        await chat.say(answer);
      expect(askedField(await chat.say('ePerolehan'))).to.equal('mykadCopy');

      const upload = {
        type: 'message',
        id: `upload-${randomUUID()}`,
        attachments: [
          {
            contentType: FILE_INFO,
            name: 'mykad.png',
            content: { downloadUrl: `${files.url}/mykad.png`, uniqueId: 'mykad-1', fileType: 'png' },
          },
        ],
      };
      const dying = chat.post(upload).catch((e: unknown) => e);
      await waitFor('the turn to be downloading the MyKad copy', () => files.hits === 1);
      await bot.kill9();
      expect(await dying).to.be.instanceOf(Error);
      expect(chat.take(), 'the killed turn said nothing').to.deep.equal([]);
      expect(storedCopies(dir, 'demo-applicant')).to.equal(0);

      // Back on the same DATA_DIR (and Redis); the channel re-sends the same activity.
      files.hanging = false;
      bot.start();
      url = await started(bot);
      expect(await chat.post(upload)).to.equal(200);
      const replies = chat.take();
      expect(replies.filter((a) => a.channelData?.prompt).map((a) => a.channelData?.prompt?.field)).to.deep.equal(['declaration']);
      expect(replies.every((a) => a.replyToId === upload.id)).to.equal(true);
      expect(storedCopies(dir, 'demo-applicant')).to.equal(1);

      // The same activity once more: its turn completed, so it is dropped, silently and without a download.
      expect(await chat.post(upload)).to.equal(200);
      expect(chat.take()).to.deep.equal([]);
      await bot.waitForOutput('the drop in the log', /duplicate activity dropped/);
      expect(files.hits).to.equal(2);
      expect(storedCopies(dir, 'demo-applicant')).to.equal(1);

      // The dialog moved on exactly one step: the declaration, then the summary.
      expect(askedField(await chat.say('ya'))).to.equal('confirm');
    });
  });
}

crashSuite('embedded');
crashSuite('redis');
