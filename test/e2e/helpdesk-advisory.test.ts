import { expect } from 'chai';
import type { AdvisoryData } from '../../domain/cases/advisory.js';
import { TestClock } from '../support/bot.js';
import { askedField, cardOf, texts, type Chat } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { stopBotAndConnector } from '../support/certs.js';
import { MONDAY_0900, noticeMatch, startHelpdeskBot, type HelpdeskBot, type HelpdeskPerson } from '../support/helpdesk.js';

/** A small real PDF: what an agency's official letter is, checked by its content. */
const LETTER = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

/**
 * Advisory sessions over HTTP with an injected clock (Monday 7 December 2026): the request with
 * preferred dates at least 5 working days ahead and an official letter, the lead agency's
 * acceptance with a date, the reminder the working day before, the session recorded as held;
 * and a declined request.
 */
describe('e2e: advisory requests (injected clock)', function () {
  this.timeout(120_000);
  let bot: HelpdeskBot;
  let chat: Record<HelpdeskPerson, Chat>;
  const clock = new TestClock(MONDAY_0900);
  const connector = new TestConnector();

  before(async () => {
    ({ bot, chat } = await startHelpdeskBot(connector, clock));
  });
  after(() => stopBotAndConnector(bot, connector));

  const advisory = async (id: string) => (await bot.core.cases.get<AdvisoryData>(id))!;

  async function request(user: Chat, topic: string): Promise<string> {
    let r = await user.submit({ verb: 'start', goal: 'advisory' });
    expect(askedField(r)).to.equal('topic');
    await user.say(topic);
    await user.say('Agensi merancang menggunakan tandatangan digital untuk kelulusan dalaman.');
    await user.say('Sistem eSPKB dan HRMIS');
    await user.say('Dalam talian');
    r = await user.say('Pengarah ICT, dua pegawai teknologi maklumat');
    expect(askedField(r)).to.equal('dates');
    // Too soon (Friday is the 4th working day), a weekend day, and a date that is not one.
    r = await user.say('11/12/2026, 15/12/2026');
    expect(texts(r)).to.contain('11/12/2026 terlalu awal').and.contain('5 hari bekerja');
    expect(askedField(r)).to.equal('dates');
    r = await user.say('19/12/2026, 15/12/2026');
    expect(texts(r)).to.contain('19/12/2026 bukan hari bekerja');
    r = await user.say('31/02/2027, 15/12/2026');
    expect(texts(r)).to.contain('"31/02/2027" tidak difahami');
    r = await user.say('15/12/2026, 17/12/2026, 22/12/2026');
    expect(askedField(r)).to.equal('letter');
    r = await user.upload('surat.png', 'application/pdf', Buffer.from('not a pdf at all'));
    expect(texts(r)).to.contain('Hanya fail PDF diterima');
    expect(askedField(r)).to.equal('letter');
    r = await user.upload('surat.pdf', 'application/pdf', LETTER);
    // The review: everything as the lead agency will read it, before anything is sent.
    expect(askedField(r)).to.equal('confirm');
    const review = JSON.stringify(cardOf(r.find((a) => cardOf(a))));
    expect(review)
      .to.contain('Permohonan khidmat nasihat')
      .and.contain('15/12/2026, 17/12/2026, 22/12/2026')
      .and.contain('Dilampirkan (PDF)')
      .and.contain(topic);
    r = await user.say('Hantar');
    const m = /\*\*(KN-\d{4}-\d{6})\*\*/.exec(texts(r));
    expect(m, texts(r)).to.not.equal(null);
    return m![1]!;
  }

  it('takes the request, accepts it with a date, reminds the working day before, and records it as held', async () => {
    const user = chat['demo-applicant'];
    const id = await request(user, 'Penggunaan tandatangan digital dalam aliran kerja');
    expect(id).to.equal('KN-2026-000001');
    const c = await advisory(id);
    expect(c.status).to.equal('DIMOHON');
    expect(c.data.preferredDates).to.deep.equal(['2026-12-15T00:00:00.000Z', '2026-12-17T00:00:00.000Z', '2026-12-22T00:00:00.000Z']);
    expect((await bot.core.files.get(c.data.letterFileId!))?.meta.contentType).to.equal('application/pdf');

    const card = await chat['demo-lead'].waitForSeen('the lead card', noticeMatch(id, 'Permohonan khidmat nasihat'));
    expect(JSON.stringify(cardOf(card)))
      .to.contain('advisoryDecide')
      .and.contain('17/12/2026');

    // Someone who is not a lead-agency officer cannot accept it.
    let r = await chat['demo-agent'].submit({ verb: 'advisoryDecide', caseId: id, decision: 'accept', date: '2026-12-17T00:00:00.000Z' });
    expect(texts(r)).to.contain('tidak mempunyai peranan');
    expect((await advisory(id)).version).to.equal(c.version);
    // A date the requester did not offer is refused.
    r = await chat['demo-lead'].submit({ verb: 'advisoryDecide', caseId: id, decision: 'accept', date: '2026-12-18T00:00:00.000Z' });
    expect(texts(r)).to.contain('salah satu tarikh pilihan');
    expect((await advisory(id)).version).to.equal(c.version);

    r = await chat['demo-lead'].submit({ verb: 'advisoryDecide', caseId: id, decision: 'accept', date: '2026-12-17T00:00:00.000Z' });
    expect(texts(r)).to.contain(`Sesi ${id} dijadualkan pada 17/12/2026`);
    expect(JSON.stringify(r.map(cardOf))).to.contain('advisoryHeld');
    expect((await advisory(id)).status).to.equal('DIJADUALKAN');
    await user.waitForSeen('the confirmation', noticeMatch(id, 'dijadualkan pada 17/12/2026'));

    // The working day before (Wednesday 16th), the requester is reminded.
    clock.set(new Date('2026-12-16T01:00:00Z'));
    await user.waitForSeen('the reminder', noticeMatch(id, 'Peringatan: sesi khidmat nasihat'));

    r = await chat['demo-lead'].submit({ verb: 'advisoryHeld', caseId: id });
    expect(texts(r)).to.contain('Sila nyatakan sebab atau catatan');
    r = await chat['demo-lead'].submit({
      verb: 'advisoryHeld',
      caseId: id,
      notes: 'Agensi dinasihatkan menggunakan sijil pengguna token.',
    });
    expect(texts(r)).to.contain('direkodkan sebagai telah diadakan');
    const held = await advisory(id);
    expect(held.status).to.equal('SELESAI');
    expect(held.data.notes).to.equal('Agensi dinasihatkan menggunakan sijil pengguna token.');
    expect(held.timeline.map((e) => e.event)).to.deep.equal(['advisoryRequested', 'advisoryAccepted', 'advisoryReminded', 'advisoryHeld']);
    await user.waitForSeen('the held notice', noticeMatch(id, 'diadakan'));
  });

  it('declines a request only with a reason, and tells the requester', async () => {
    const user = chat['demo-ap'];
    // The clock is now Wednesday 16 December: five working days ahead is Thursday 24th at the earliest.
    let r = await user.submit({ verb: 'start', goal: 'advisory' });
    for (const answer of [
      'Integrasi sijil pelayan',
      'Pemasangan sijil pelayan pada pelayan web agensi.',
      'Portal agensi',
      'Di agensi',
      'Pegawai teknikal',
    ])
      r = await user.say(answer);
    r = await user.say('28/12/2026, 29/12/2026');
    expect(askedField(r)).to.equal('letter');
    r = await user.say('langkau');
    expect(askedField(r)).to.equal('confirm');
    r = await user.say('hantar');
    const id = /\*\*(KN-\d{4}-\d{6})\*\*/.exec(texts(r))![1]!;
    const before = await advisory(id);
    // `tugasan` shows the lead agency what waits: this request's card among them.
    r = await chat['demo-lead'].say('tugasan');
    expect(texts(r)).to.contain('perkara meja bantuan menunggu anda');
    expect(JSON.stringify(r.map(cardOf)))
      .to.contain(id)
      .and.contain('advisoryDecide');
    r = await chat['demo-lead'].submit({ verb: 'advisoryDecide', caseId: id, decision: 'decline' });
    expect(texts(r)).to.contain('Sila nyatakan sebab');
    expect((await advisory(id)).version).to.equal(before.version);
    r = await chat['demo-lead'].submit({
      verb: 'advisoryDecide',
      caseId: id,
      decision: 'decline',
      reason: 'Isu ini lebih sesuai diajukan kepada pembekal CA.',
    });
    expect(texts(r)).to.contain(`Permohonan ${id} ditolak`);
    const c = await advisory(id);
    expect(c.status).to.equal('DITOLAK');
    expect(c.reason).to.equal('Isu ini lebih sesuai diajukan kepada pembekal CA.');
    await user.waitForSeen('the decline', noticeMatch(id, 'ditolak'));
    // Decided once: a second decision is explained and changes nothing.
    r = await chat['demo-lead'].submit({ verb: 'advisoryDecide', caseId: id, decision: 'accept', date: c.data.preferredDates[0] });
    expect(texts(r)).to.contain('tidak boleh dibuat sekarang');
    expect((await advisory(id)).version).to.equal(c.version);
  });

  it('reviews the request before it is sent: a change keeps every other answer, and cancel sends nothing (English)', async () => {
    const user = chat['demo-tech'];
    await user.say('english');
    const kn = async () => (await bot.core.cases.listByApplicant('demo-tech')).filter((c) => c.id.startsWith('KN-')).length;
    const before = await kn();
    let r = await user.submit({ verb: 'start', goal: 'advisory' });
    for (const answer of [
      'Server certificate integration',
      'Installing server certificates on the agency web server.',
      'Agency portal',
      'Online',
      'Technical officer',
    ])
      r = await user.say(answer);
    r = await user.say('28/12/2026, 29/12/2026');
    r = await user.say('skip');
    expect(askedField(r)).to.equal('confirm');
    let review = JSON.stringify(cardOf(r.find((a) => cardOf(a))));
    expect(review)
      .to.contain('Advisory session request')
      .and.contain('Server certificate integration')
      .and.contain('28/12/2026, 29/12/2026')
      .and.contain('None');
    r = await user.say('Change');
    expect(askedField(r)).to.equal('whichField');
    r = await user.say('Session mode');
    expect(askedField(r)).to.equal('mode');
    r = await user.say('At the agency');
    // Straight back to the review, everything else as it was.
    expect(askedField(r)).to.equal('confirm');
    review = JSON.stringify(cardOf(r.find((a) => cardOf(a))));
    expect(review)
      .to.contain('At the agency')
      .and.contain('Server certificate integration')
      .and.contain('Technical officer')
      .and.contain('28/12/2026, 29/12/2026');
    r = await user.say('Cancel');
    expect(askedField(r)).to.equal(undefined);
    expect(await kn()).to.equal(before);
    await user.say('bahasa melayu');
  });
});
