import { expect } from 'chai';
import { selfHelpSolvedCount } from '../../domain/usecases/complaint.js';
import { TestClock, tinyPng } from '../support/bot.js';
import { askedField, cardOf, texts, type Chat } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { stopBotAndConnector } from '../support/certs.js';
import {
  lodgeViaChat,
  MONDAY_0900,
  noticeMatch,
  startHelpdeskBot,
  ticket,
  type HelpdeskBot,
  type HelpdeskPerson,
} from '../support/helpdesk.js';
import { waitFor } from '../support/wait-for.js';

const DAY = 86_400_000;

/**
 * Complaints over HTTP with an injected clock: self-help answers first (a solved question is
 * counted, not ticketed), then a ticket through its whole lifecycle with agent cards, the user's
 * replies, a reopen, a confirmation, and the auto-close after 5 working days of silence.
 */
describe('e2e: helpdesk complaints (injected clock)', function () {
  this.timeout(120_000);
  let bot: HelpdeskBot;
  let chat: Record<HelpdeskPerson, Chat>;
  const clock = new TestClock(MONDAY_0900);
  const connector = new TestConnector();

  before(async () => {
    ({ bot, chat } = await startHelpdeskBot(connector, clock));
  });
  after(() => stopBotAndConnector(bot, connector));

  it('answers from the FAQ first; a solved question opens no ticket and is counted', async () => {
    const user = chat['demo-applicant'];
    let r = await user.submit({ verb: 'start', goal: 'complaint' });
    expect(askedField(r)).to.equal('category');
    r = await user.say('Kod verifikasi tidak diterima');
    expect(askedField(r)).to.equal('application');
    r = await user.say('ePerolehan');
    r = await user.say('Saya tidak terima kod verifikasi untuk permohonan sijil digital pengguna.');
    expect(askedField(r)).to.equal('screenshot');
    r = await user.say('langkau');
    const card = JSON.stringify(cardOf(r.find((a) => cardOf(a))));
    expect(card).to.contain('Kod verifikasi dihantar ke e-mel yang didaftarkan');
    expect(askedField(r)).to.equal('solved');
    r = await user.say('ya');
    expect(texts(r)).to.contain('Tiada tiket dibuka');
    expect(await bot.core.cases.listByApplicant('demo-applicant')).to.have.length(0);
    expect(await selfHelpSolvedCount(bot.core)).to.equal(1);
  });

  it('refuses a screenshot that is not an image, keeps what was entered, and opens a ticket the agents get a card for', async () => {
    const user = chat['demo-applicant'];
    await user.submit({ verb: 'start', goal: 'complaint' });
    await user.say('PIN');
    await user.say('1GFMAS');
    await user.say('Sijil saya tidak boleh digunakan untuk log masuk, mesej ralat "certificate invalid".');
    // Over 2 MB: refused by size before anything is stored.
    let r = await user.upload('besar.png', 'image/png', Buffer.concat([tinyPng(), Buffer.alloc(2 * 1024 * 1024)]));
    expect(texts(r)).to.contain('Fail terlalu besar. Had maksimum ialah 2 MB.');
    expect(askedField(r)).to.equal('screenshot');
    r = await user.upload('ralat.pdf', 'image/png', Buffer.from('%PDF-1.4 not an image'));
    expect(texts(r)).to.contain('Hanya gambar JPEG atau PNG diterima');
    expect(askedField(r)).to.equal('screenshot');
    r = await user.upload('ralat.png', 'image/png', tinyPng());
    if (askedField(r) === 'solved') r = await user.say('tidak');
    const id = /\*\*(AD-\d{4}-\d{6})\*\*/.exec(texts(r))![1]!;
    expect(id).to.equal('AD-2026-000001');
    const t = await ticket(bot, id);
    expect(t.status).to.equal('BARU');
    expect(t.data).to.include({ category: 'pin', application: '1GFMAS' });
    expect((await bot.core.files.get(t.data.screenshotFileId!))?.meta.contentType).to.equal('image/png');
    const agentCard = await chat['demo-agent'].waitForSeen('the agent card', noticeMatch(id, 'Aduan baharu'));
    expect(JSON.stringify(cardOf(agentCard)))
      .to.contain('ticketAgent')
      .and.contain('certificate invalid');
  });

  it('goes acknowledged → waiting for the user ↔ in progress → resolved → reopened → resolved → closed by the user', async () => {
    const id = 'AD-2026-000001';
    const agent = chat['demo-agent'];
    const user = chat['demo-applicant'];
    let r = await agent.submit({ verb: 'ticketAgent', caseId: id, action: 'acknowledge' });
    expect(texts(r)).to.contain(`Tiket ${id} diterima`);
    await user.waitForSeen('acknowledgement', noticeMatch(id, 'telah diterima oleh meja bantuan'));

    // A reply needs text: refused, nothing changes.
    const before = await ticket(bot, id);
    r = await agent.submit({ verb: 'ticketAgent', caseId: id, action: 'askInfo' });
    expect(texts(r)).to.contain('Sila isi mesej');
    expect((await ticket(bot, id)).version).to.equal(before.version);

    r = await agent.submit({ verb: 'ticketAgent', caseId: id, action: 'askInfo', text: 'Pelayar apa yang digunakan?' });
    expect((await ticket(bot, id)).status).to.equal('MENUNGGU_PENGGUNA');
    const question = await user.waitForSeen('the question', noticeMatch(id, 'Pelayar apa yang digunakan?'));
    expect(JSON.stringify(cardOf(question))).to.contain('ticketUser');

    r = await user.submit({
      verb: 'ticketUser',
      caseId: id,
      action: 'reply',
      text: 'Microsoft Edge versi terkini. MyKad saya 900101-14-5678.',
    });
    expect(texts(r)).to.contain('Jawapan anda telah direkodkan');
    expect((await ticket(bot, id)).status).to.equal('DALAM_TINDAKAN');
    await agent.waitForSeen('the user reply', noticeMatch(id, 'Microsoft Edge versi terkini'));

    await agent.submit({ verb: 'ticketAgent', caseId: id, action: 'resolve', text: 'Sila muat turun semula sijil selepas menukar PIN.' });
    expect((await ticket(bot, id)).status).to.equal('SELESAI');
    await user.waitForSeen('resolution', noticeMatch(id, 'ditanda selesai'));

    r = await user.submit({ verb: 'ticketUser', caseId: id, action: 'reopen', text: 'Masih gagal selepas muat turun semula.' });
    expect(texts(r)).to.contain('dibuka semula');
    expect((await ticket(bot, id)).status).to.equal('DIBUKA_SEMULA');
    await agent.waitForSeen('the reopen', noticeMatch(id, 'dibuka semula oleh pengguna'));

    await agent.submit({ verb: 'ticketAgent', caseId: id, action: 'resolve', text: 'Sijil dikeluarkan semula oleh CA.' });
    r = await user.submit({ verb: 'ticketUser', caseId: id, action: 'confirm' });
    expect(texts(r)).to.contain(`Tiket ${id} ditutup`);
    const closed = await ticket(bot, id);
    expect(closed.status).to.equal('DITUTUP');
    expect(closed.timeline.map((e) => e.event)).to.deep.equal([
      'lodged',
      'acknowledged',
      'infoRequested',
      'userReplied',
      'resolved',
      'reopened',
      'resolved',
      'closedByUser',
    ]);
    expect(closed.data.messages.map((m) => m.kind)).to.deep.equal(['askInfo', 'userReply', 'resolution', 'userReply', 'resolution']);
    // A MyKad number typed into a reply is kept masked on the ticket and its timeline.
    expect(closed.data.messages[1]!.text).to.contain('9001******78').and.not.contain('900101');
    expect(JSON.stringify(closed.timeline)).to.not.contain('900101');

    // Someone else's ticket, or a closed one: explained, nothing changes.
    r = await chat['demo-ap'].submit({ verb: 'ticketUser', caseId: id, action: 'reopen', text: 'bukan saya' });
    expect(texts(r)).to.contain('bukan milik anda');
    r = await user.submit({ verb: 'ticketUser', caseId: id, action: 'reopen', text: 'lagi' });
    expect(texts(r)).to.contain('tidak boleh dibuat sekarang');
    expect((await ticket(bot, id)).version).to.equal(closed.version);

    const status = texts(await user.say(`status ${id}`));
    expect(status).to.contain(`**${id}**: Ditutup`).and.contain('Dibuka semula').and.contain('Ditutup oleh pengguna');
  });

  it('closes a resolved ticket by itself after 5 working days of silence, and not before', async () => {
    const user = chat['demo-applicant'];
    const id = await lodgeViaChat(user);
    await chat['demo-agent'].submit({ verb: 'ticketAgent', caseId: id, action: 'resolve', text: 'Pemacu token dikemas kini.' });
    expect((await ticket(bot, id)).status).to.equal('SELESAI');

    // Four calendar days later (Friday): still resolved.
    clock.set(new Date(MONDAY_0900.getTime() + 4 * DAY));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await ticket(bot, id)).status).to.equal('SELESAI');

    // The following Monday 09:00 is the fifth working day: the auto-close job runs.
    clock.set(new Date(MONDAY_0900.getTime() + 7 * DAY + 60_000));
    await waitFor('the auto-close', async () => (await ticket(bot, id)).status === 'DITUTUP', { timeoutMs: 15_000 });
    const t = await ticket(bot, id);
    expect(t.timeline.at(-1)).to.include({ event: 'autoClosed', actorId: 'system', status: 'DITUTUP' });
    await user.waitForSeen('the auto-close notice', noticeMatch(id, 'ditutup secara automatik'));
    // The first ticket's auto-close (from its first resolution) found it reopened and did nothing more.
    expect((await ticket(bot, 'AD-2026-000001')).timeline.filter((e) => e.event === 'autoClosed')).to.have.length(0);
  });

  it('speaks English to a user who chose it', async () => {
    const user = chat['demo-ap'];
    await user.say('English');
    const r = await user.submit({ verb: 'start', goal: 'complaint' });
    expect(texts(r)).to.contain("let's record your problem");
    expect(texts(await user.say('cancel'))).to.not.equal('');
  });
});
