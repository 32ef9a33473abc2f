import { expect } from 'chai';
import { TestClock } from '../support/bot.js';
import { askedField, cardOf, promptOf, texts, type Chat } from '../support/chat.js';
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

/**
 * Pilot-readiness fixes of the helpdesk, over HTTP with an injected clock (Monday 7 December 2026,
 * 09:00, Putrajaya): no visit report before the visit, no pre-set answers on the report card; the
 * agent reaches the person in every open ticket state; text given with an acknowledgement reaches
 * the person; asking for on-site support offers to escalate the open complaint.
 */
describe('e2e: helpdesk pilot fixes (injected clock)', function () {
  this.timeout(120_000);
  let bot: HelpdeskBot;
  let chat: Record<HelpdeskPerson, Chat>;
  const clock = new TestClock(MONDAY_0900);
  const connector = new TestConnector();

  before(async () => {
    ({ bot, chat } = await startHelpdeskBot(connector, clock));
  });
  after(() => stopBotAndConnector(bot, connector));

  /** A ticket escalated, approved and booked for Tuesday 8 December 10:00 (02:00Z). */
  async function scheduledVisit(): Promise<string> {
    const user = chat['demo-applicant'];
    const id = await lodgeViaChat(user);
    await chat['demo-agent'].submit({ verb: 'ticketAgent', caseId: id, action: 'acknowledge' });
    await chat['demo-agent'].submit({
      verb: 'ticketAgent',
      caseId: id,
      action: 'escalate',
      text: 'Pemacu dipasang semula dan token dicuba pada dua komputer.',
    });
    await chat['demo-lead'].submit({ verb: 'onsiteDecide', caseId: id, decision: 'approve' });
    await user.submit({ verb: 'bookVisit', caseId: id });
    await user.say('08/12/2026 10:00');
    await user.say('Puan Rosnah binti Ali');
    await user.say('03-8888 1234');
    const r = await user.say('Aras 3, Blok E7, Parcel E, Putrajaya');
    expect(texts(r)).to.contain('ditempah pada 08/12/2026 10:00');
    expect((await ticket(bot, id)).status).to.equal('DIJADUALKAN');
    return id;
  }

  it('refuses a visit report before the visit starts, in both languages, and the report card pre-sets no answer', async () => {
    const id = await scheduledVisit();
    const tech = chat['demo-tech'];
    const assigned = await tech.waitForSeen('the assignment', noticeMatch(id, 'Anda ditugaskan'));
    const choices = (cardOf(assigned)!.body as Record<string, unknown>[]).filter((e) => e.type === 'Input.ChoiceSet');
    expect(choices.map((c) => c.id)).to.deep.equal(['present', 'resolved']);
    for (const c of choices) {
      expect(c).to.not.have.property('value');
      expect(c).to.include({ isRequired: true });
    }

    // Two days early (the pilot's case): refused with the visit time, nothing changes.
    const before = await ticket(bot, id);
    let r = await tech.submit({ verb: 'visitReport', caseId: id, present: 'yes', workDone: 'Pemacu dipasang semula.', resolved: 'yes' });
    expect(texts(r)).to.contain('hanya boleh dihantar selepas lawatan bermula (08/12/2026 10:00)');
    expect(await ticket(bot, id)).to.deep.equal(before);
    await tech.say('English');
    r = await tech.submit({ verb: 'visitReport', caseId: id, present: 'no', workDone: '', resolved: 'no' });
    expect(texts(r)).to.contain('only once the visit has begun (08/12/2026 10:00)');
    expect(await ticket(bot, id)).to.deep.equal(before);

    // At the visit: an unanswered choice (the card sends it empty) is asked for, not taken as yes or no.
    clock.set(new Date('2026-12-08T02:30:00Z'));
    r = await tech.submit({ verb: 'visitReport', caseId: id, present: '', workDone: 'Pemacu dipasang semula.', resolved: '' });
    expect(texts(r)).to.contain('Please choose whether the agency representative was present');
    r = await tech.submit({ verb: 'visitReport', caseId: id, present: 'yes', workDone: 'Pemacu dipasang semula.' });
    expect(texts(r)).to.contain('Please choose whether the agency representative was present');
    expect(await ticket(bot, id)).to.deep.equal(before);
    r = await tech.submit({
      verb: 'visitReport',
      caseId: id,
      present: 'yes',
      workDone: 'Pemacu dipasang semula dan sijil diuji.',
      resolved: 'yes',
    });
    expect(texts(r)).to.contain('problem solved');
    expect((await ticket(bot, id)).status).to.equal('SELESAI');
    await tech.say('Bahasa Melayu');
    clock.set(MONDAY_0900);
  });

  it('lets the agent reply to the person in every open state, keeping the state where the ticket waits on someone else', async () => {
    const user = chat['demo-applicant'];
    const agent = chat['demo-agent'];
    const id = await scheduledVisit();
    let r = await agent.submit({
      verb: 'ticketAgent',
      caseId: id,
      action: 'reply',
      text: 'Pegawai kami akan membawa token ganti semasa lawatan.',
    });
    expect(texts(r)).to.contain(`Balasan dihantar`);
    let t = await ticket(bot, id);
    expect(t.status).to.equal('DIJADUALKAN');
    expect(t.data.messages.at(-1)).to.include({ kind: 'reply', text: 'Pegawai kami akan membawa token ganti semasa lawatan.' });
    await user.waitForSeen('the reply during the visit', noticeMatch(id, 'membawa token ganti'));

    // Waiting for the lead agency's approval, too.
    const other = await lodgeViaChat(user, 'Sijil pelayan tidak dapat dipasang pada pelayan web jabatan.');
    await agent.submit({ verb: 'ticketAgent', caseId: other, action: 'acknowledge' });
    await agent.submit({ verb: 'ticketAgent', caseId: other, action: 'escalate', text: 'Sudah cuba pasang semula rantaian sijil.' });
    expect((await ticket(bot, other)).status).to.equal('MOHON_KELULUSAN_TAPAK');
    await agent.submit({ verb: 'ticketAgent', caseId: other, action: 'reply', text: 'Permohonan lawatan sedang dipertimbangkan.' });
    t = await ticket(bot, other);
    expect(t.status).to.equal('MOHON_KELULUSAN_TAPAK');
    await user.waitForSeen('the reply while approval waits', noticeMatch(other, 'sedang dipertimbangkan'));

    // A closed ticket takes no reply.
    await agent.submit({ verb: 'ticketAgent', caseId: other, action: 'reply', text: 'x' });
    const closed = await lodgeViaChat(user, 'Kod pengesahan tidak diterima melalui e-mel rasmi.');
    await agent.submit({ verb: 'ticketAgent', caseId: closed, action: 'resolve', text: 'Kod dihantar semula.' });
    await user.submit({ verb: 'ticketUser', caseId: closed, action: 'confirm' });
    const before = await ticket(bot, closed);
    expect(before.status).to.equal('DITUTUP');
    r = await agent.submit({ verb: 'ticketAgent', caseId: closed, action: 'reply', text: 'Lagi satu perkara.' });
    expect(texts(r)).to.contain('tidak boleh dibuat sekarang');
    expect(await ticket(bot, closed)).to.deep.equal(before);
  });

  it('delivers text given with "Acknowledge" to the person with the acknowledgement', async () => {
    const user = chat['demo-applicant'];
    const id = await lodgeViaChat(user, 'Token tidak dapat dibuka selepas kemas kini perisian.');
    await chat['demo-agent'].submit({
      verb: 'ticketAgent',
      caseId: id,
      action: 'acknowledge',
      text: 'Sila sediakan nombor siri token anda.',
    });
    const t = await ticket(bot, id);
    expect(t.status).to.equal('DITERIMA');
    expect(t.data.messages.at(-1)).to.include({ kind: 'reply', text: 'Sila sediakan nombor siri token anda.' });
    const notice = await user.waitForSeen('the acknowledgement with text', noticeMatch(id, 'telah diterima oleh meja bantuan'));
    expect(notice.text).to.contain('Sila sediakan nombor siri token anda');
  });

  it('asking for on-site support with an open complaint offers to escalate it (typed or from the menu) instead of opening another', async () => {
    const user = chat['demo-ap'];
    const agent = chat['demo-agent'];
    const first = await lodgeViaChat(user, 'Token tidak dikesan walaupun pemacu sudah dipasang semula.');
    const countAd = async () => (await bot.core.cases.listByApplicant('demo-ap')).filter((c) => c.kind === 'AD').length;
    const lodged = await countAd();

    // Right after lodging (the helpdesk has not started): typed request, the ticket is offered, not a new complaint.
    let r = await user.say('nak pegawai datang ke pejabat');
    expect(askedField(r), texts(r)).to.equal('ticket');
    let titles = promptOf(r)!.channelData!.prompt!.choices!.map((c) => c.title);
    expect(titles).to.have.length(2);
    expect(titles[0]).to.contain(first).and.contain('Token atau kad pintar');
    expect(titles[1]).to.equal('Buka aduan baharu');
    r = await user.say('1');
    expect(askedField(r)).to.equal('tried');
    r = await user.say('Sudah cuba dua komputer dan port USB lain.');
    expect(texts(r)).to.contain(`ditambah pada aduan **${first}**`);
    expect(await countAd()).to.equal(lodged);
    let t = await ticket(bot, first);
    expect(t.status).to.equal('BARU');
    expect(t.data.messages.at(-1)?.text).to.contain('sokongan teknikal di lokasi').and.contain('dua komputer');
    await agent.waitForSeen('the agents hear of it', noticeMatch(first, 'dua komputer'));

    // Once the helpdesk works it, from the menu with two open complaints: the person picks one and it is escalated.
    await agent.submit({ verb: 'ticketAgent', caseId: first, action: 'reply', text: 'Sila cuba pelayar lain.' });
    const second = await lodgeViaChat(user, 'Sijil tidak dapat dimuat turun dari portal.');
    r = await user.submit({ verb: 'start', goal: 'onsite' });
    titles = promptOf(r)!.channelData!.prompt!.choices!.map((c) => c.title);
    expect(titles).to.have.length(3);
    expect(titles.join('|')).to.contain(first).and.contain(second);
    r = await user.say(titles.find((x) => x.includes(first))!);
    r = await user.say('Sudah cuba pelayar lain dan komputer lain.');
    expect(texts(r)).to.contain(`sokongan di lokasi bagi ${first} dihantar kepada agensi peneraju`);
    t = await ticket(bot, first);
    expect(t.status).to.equal('MOHON_KELULUSAN_TAPAK');
    expect(t.data.onsite?.triedOnline).to.equal('Sudah cuba pelayar lain dan komputer lain.');
    expect(await countAd()).to.equal(lodged + 1);

    // Asked again: the escalated one is named as under way; "new complaint" still opens one.
    r = await user.say('nak pegawai datang ke pejabat');
    expect(texts(r)).to.contain(`**${first}** sudah dimohon`);
    titles = promptOf(r)!.channelData!.prompt!.choices!.map((c) => c.title);
    expect(titles).to.have.length(2);
    r = await user.say('Buka aduan baharu');
    expect(askedField(r)).to.equal('category');
  });

  it('with no open complaint, explains and opens the complaint dialog', async () => {
    const r = await chat['demo-lead'].submit({ verb: 'start', goal: 'onsite' });
    expect(texts(r)).to.contain('tiada aduan yang masih terbuka');
    expect(askedField(r)).to.equal('category');
    await chat['demo-lead'].say('batal');
  });
});
