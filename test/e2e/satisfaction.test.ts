import { expect } from 'chai';
import { serviceReport } from '../../domain/usecases/service-levels.js';
import { DEFAULT_TARGETS } from '../../domain/reports/service-levels.js';
import { TestClock } from '../support/bot.js';
import { issuedCertificate, stopBotAndConnector } from '../support/certs.js';
import { cardOf, texts, type Chat } from '../support/chat.js';
import { TestConnector, type SentActivity } from '../support/connector.js';
import {
  lodgeViaChat,
  MONDAY_0900,
  noticeMatch,
  startHelpdeskBot,
  ticket,
  type HelpdeskBot,
  type HelpdeskPerson,
} from '../support/helpdesk.js';

const cardsOf = (a: SentActivity) => JSON.stringify((a.attachments ?? []).map((x) => x.content));

/**
 * Satisfaction (accountability): one optional question after a ticket is resolved or a
 * certificate issued, in the person's language; the answer is kept on the case, shown in its
 * timeline and counted in the service report; nobody else can answer for them, and nothing waits on it.
 */
describe('e2e: satisfaction after a resolved ticket or an issued certificate', function () {
  this.timeout(120_000);
  let bot: HelpdeskBot;
  let chat: Record<HelpdeskPerson, Chat>;
  const clock = new TestClock(MONDAY_0900);
  const connector = new TestConnector();

  before(async () => {
    ({ bot, chat } = await startHelpdeskBot(connector, clock));
  });
  after(() => stopBotAndConnector(bot, connector));

  it('asks in Malay with the resolution, keeps the score and a masked comment, and counts it in the report', async () => {
    const user = chat['demo-applicant'];
    const id = await lodgeViaChat(user);
    // Not yet resolved: there is nothing to rate.
    let r = await user.submit({ verb: 'rate', caseId: id, score: 5 });
    expect(texts(r)).to.contain(`Kes ${id} belum selesai`);

    await chat['demo-agent'].submit({ verb: 'ticketAgent', caseId: id, action: 'resolve', text: 'Pemacu token dikemas kini.' });
    const notice = await user.waitForSeen('the resolution', noticeMatch(id, 'ditanda selesai'));
    expect(cardsOf(notice))
      .to.contain('Satu soalan pilihan: bagaimana perkhidmatan kami')
      .and.contain('5 - Sangat puas hati')
      .and.contain('"verb":"rate"');
    // The confirm/reopen card comes first and still works: the question blocks nothing.
    expect(JSON.stringify(cardOf(notice))).to.contain('ticketUser');

    r = await chat['demo-tech'].submit({ verb: 'rate', caseId: id, score: 1 });
    expect(texts(r)).to.contain(`Hanya pemohon kes ${id}`);
    r = await user.submit({ verb: 'rate', caseId: id, score: 9 });
    expect(texts(r)).to.contain('Kad ini tidak sah');

    r = await user.submit({ verb: 'rate', caseId: id, score: 4, comment: 'Cepat dibantu. IC saya 900101-14-5678.' });
    expect(texts(r)).to.contain(`Terima kasih atas penilaian anda untuk ${id}`);
    const c = await ticket(bot, id);
    const s = (c.data as unknown as { satisfaction: { score: number; comment: string } }).satisfaction;
    expect(s.score).to.equal(4);
    expect(s.comment).to.equal('Cepat dibantu. IC saya 9001******78.');
    expect(c.timeline.at(-1)).to.include({ event: 'rated', actorId: 'demo-applicant', note: '4/5' });
    expect(c.status).to.equal('SELESAI');

    // A second answer replaces the first.
    await user.submit({ verb: 'rate', caseId: id, score: 5 });
    const report = await serviceReport(bot.hd, { fromMonth: '2026-12', toMonth: '2026-12' }, DEFAULT_TARGETS);
    expect(report.satisfaction.rows.filter((row) => row.caseId === id)).to.have.length(1);
    expect(report.satisfaction.rows.find((row) => row.caseId === id)).to.include({ score: 5, kind: 'AD', month: '2026-12' });
    expect(report.satisfaction.overall[0]).to.include({ count: 1, mean: 5 });
  });

  it('asks in English with the issued notice of a user certificate', async () => {
    const user = chat['demo-tech'];
    await user.say('english');
    const { caseId } = await issuedCertificate(bot, 'demo-tech', {
      patch: { medium: 'softcert', email: 'lim.weijie@moh.gov.my', fullName: 'Lim Wei Jie' },
    });
    const n = await user.waitFor('issued notice', (a) => (a.text ?? '').includes(`application ${caseId} has been issued`));
    expect(cardsOf(n)).to.contain('One optional question: how was our service this time?').and.contain('1 - Very dissatisfied');
    const r = await user.submit({ verb: 'rate', caseId, score: 2, comment: 'The token took long.' });
    expect(texts(r)).to.contain(`Thank you for rating ${caseId}`);
    const rated = await bot.core.cases.get(caseId);
    expect((rated!.data as { satisfaction?: { score: number } }).satisfaction?.score).to.equal(2);
  });
});
