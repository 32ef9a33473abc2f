import { expect } from 'chai';
import type { UserCertApplication } from '../../domain/cases/user-certificate.js';
import { submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import { askedField, cardOf, Chat, texts } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { removeDir, startTestBot, tinyPng } from '../support/bot.js';
import { executeAction } from '../support/teams.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const FILE_INFO = 'application/vnd.microsoft.teams.file.download.info';

/** Teams-shaped activities over HTTP: installs, Universal Action invokes and refresh, file intake, throttling. */
describe('e2e: Teams-shaped activities', function () {
  this.timeout(60_000);
  let bot: Bot;
  const connector = new TestConnector();

  before(async () => {
    await connector.start();
    bot = await startTestBot({ TEAMS_FILE_HOSTS: '127.0.0.1' });
    await bot.core.directory.upsertPerson({
      id: 'ap-2',
      name: 'Zainab binti Musa',
      agencyId: 'KKM',
      roles: ['USER', 'AP'],
      identities: [{ channelId: 'msteams', userId: '29:ap-2' }],
    });
  });
  after(async () => {
    await bot.close();
    await connector.stop();
    removeDir(bot.dataDir);
  });

  const teams = (userId: string) => new Chat({ botUrl: () => bot.url, connector, userId, channelId: 'msteams' });

  /** An Action.Execute click as Teams sends it; the HTTP answer carries the card back. */
  const execute = (chat: Chat, verb: string, data: Record<string, unknown>, replyToId?: string) =>
    executeAction({ botUrl: bot.url, connector, userId: chat.userId, conversationId: chat.conversationId, replyToId }, verb, data);

  async function submitCase(applicantId: string) {
    const file = await bot.core.files.put({ ownerId: applicantId, name: 'ic.png', contentType: 'image/png', bytes: tinyPng() });
    const app: UserCertApplication = {
      mykad: '900101145678',
      fullName: 'Aminah binti Hassan',
      email: 'aminah@moh.gov.my',
      phone: '0123456789',
      agencyId: 'KKM',
      position: 'Pegawai F41',
      medium: 'token',
      applications: ['ePerolehan'],
      mykadCopyFileId: file.id,
      declaration: true,
    };
    const r = await submitUserCertificate(bot.core, applicantId, app);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  }

  it('greets once on installation', async () => {
    const chat = teams('demo-verifier');
    // What Teams sends when a user installs the app in a personal chat: both activities.
    await chat.post({ type: 'installationUpdate', action: 'add', recipient: { id: 'bot' } });
    await chat.post({
      type: 'conversationUpdate',
      membersAdded: [{ id: 'bot' }],
      recipient: { id: 'bot' },
      conversation: { id: chat.conversationId, conversationType: 'personal' },
    });
    const r = chat.take();
    expect(r.filter((a) => (a.text ?? '').includes('Selamat datang ke Meja Bantuan MyGPKI'))).to.have.length(1);
    expect(r.some((a) => cardOf(a))).to.equal(true);
  });

  it('sends Universal Action cards that refresh for every approver, and answer a second click with the outcome', async () => {
    const ap = teams('demo-ap');
    const ap2 = teams('29:ap-2');
    await ap.say('hai');
    await ap2.say('hai');
    const c = await submitCase('demo-applicant');
    const sent = await ap.waitFor('approval card', (a) => JSON.stringify(cardOf(a) ?? {}).includes(c.id));
    const card = cardOf(sent) as {
      actions: { type: string; verb: string; data: Record<string, unknown> }[];
      refresh: { action: { verb: string }; userIds: string[] };
    };
    expect(card.actions.map((a) => [a.type, a.verb])).to.deep.equal([
      ['Action.Execute', 'approve'],
      ['Action.Execute', 'return'],
      ['Action.Execute', 'reject'],
    ]);
    expect(card.refresh.action.verb).to.equal('refreshApproval');
    expect(card.refresh.userIds).to.include.members(['demo-ap', '29:ap-2']);

    // Before anyone decides, a refresh shows the approval card again.
    const sent2 = await ap2.waitFor('approval card for the second AP', (a) => JSON.stringify(cardOf(a) ?? {}).includes(c.id));
    let res = await execute(ap2, 'refreshApproval', { caseId: c.id }, sent2.id);
    expect(JSON.stringify(res.value)).to.contain('Action.Execute').and.contain(c.id);

    res = await execute(ap, 'approve', card.actions[0].data, sent.id);
    expect(res.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(res.value)).to.contain('Diluluskan oleh Rahman bin Ali');
    expect(JSON.stringify(res.value)).not.to.contain('"verb":"approve"');
    // The message holding the card was replaced for everyone in that chat.
    const replaced = connector.activities(ap.conversationId).find((a) => a.id === sent.id);
    expect(replaced?.updated).to.equal(1);
    expect(JSON.stringify(cardOf(replaced))).to.contain('Diluluskan oleh Rahman bin Ali');

    // The other approver's card refreshes to the outcome; their click decides nothing.
    res = await execute(ap2, 'refreshApproval', { caseId: c.id }, sent2.id);
    expect(JSON.stringify(res.value)).to.contain('Diluluskan oleh Rahman bin Ali');
    res = await execute(ap2, 'reject', { ...card.actions[2].data, note: 'lewat' }, sent2.id);
    expect(JSON.stringify(res.value)).to.contain('Diluluskan oleh Rahman bin Ali').and.contain('Keputusan telah dibuat sebelum ini');
    expect((await bot.core.cases.get(c.id))?.timeline.filter((e) => ['approved', 'rejected'].includes(e.event))).to.have.length(1);

    // A forged payload gets a message, not a decision.
    res = await execute(ap, 'approve', { caseId: 'bogus', version: 1 }, sent.id);
    expect(res.type).to.equal('application/vnd.microsoft.activity.message');
  });

  it('accepts a MyKad copy sent as a Teams file, and refuses one from a host it does not trust', async () => {
    const chat = teams('demo-tech');
    await chat.submit({ verb: 'start', goal: 'newUserCert' });
    for (const answer of [
      '880808-08-8888',
      'Lim Wei Jie',
      'lim.weijie@moh.gov.my',
      '0123456789',
      '1',
      'Pegawai F44',
      'Token',
      'ePerolehan',
    ])
      await chat.say(answer);
    const evil = {
      contentType: FILE_INFO,
      name: 'ic.png',
      content: { downloadUrl: 'http://169.254.169.254/latest/meta-data', uniqueId: 'x', fileType: 'png' },
    };
    let r = await post(chat, [evil]);
    expect(texts(r)).to.contain('tidak dapat membaca fail');
    expect(askedField(r)).to.equal('mykadCopy');
    const good = {
      contentType: FILE_INFO,
      name: 'ic.png',
      content: { downloadUrl: connector.host('image/png', tinyPng()), uniqueId: 'y', fileType: 'png' },
    };
    r = await post(chat, [good]);
    expect(askedField(r)).to.equal('declaration');
    await chat.say('batal');
  });

  it('retries a throttled proactive message (429) until the channel takes it', async () => {
    const applicant = teams('demo-applicant');
    await applicant.say('hai');
    const ap = teams('demo-ap');
    await ap.say('hai');
    connector.failNext(ap.conversationId, 429, 2);
    const before = connector.attempts.get(ap.conversationId) ?? 0;
    const c = await submitCase('demo-applicant');
    await ap.waitFor('approval card after throttling', (a) => JSON.stringify(cardOf(a) ?? {}).includes(c.id));
    expect((connector.attempts.get(ap.conversationId) ?? 0) - before).to.equal(3);
    // The throttling stayed between bot and channel: the AP saw no apology, just the card.
    expect(texts(connector.activities(ap.conversationId))).not.to.contain('Maaf, berlaku ralat');
  });

  async function post(chat: Chat, attachments: unknown[]) {
    await chat.post({ type: 'message', attachments });
    return chat.take();
  }
});
