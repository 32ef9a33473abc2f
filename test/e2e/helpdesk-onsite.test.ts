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
import { waitFor } from '../support/wait-for.js';

const MIN = 60_000;

/**
 * On-site technical support over HTTP with an injected clock (Monday 7 December 2026, 09:00,
 * Putrajaya: 48 working hours of 9-hour days end Monday 14 December 12:00): escalation with what
 * was tried, lead-agency approval or rejection, slot booking inside the window with the
 * representative and location, reminders, the visit report, a user-requested delay that pauses the
 * clock, and the breach alert when no report arrives. Every bad input is explained and changes nothing.
 */
describe('e2e: on-site technical support (injected clock)', function () {
  this.timeout(120_000);
  let bot: HelpdeskBot;
  let chat: Record<HelpdeskPerson, Chat>;
  const clock = new TestClock(MONDAY_0900);
  const connector = new TestConnector();
  const ids: Record<string, string> = {};

  before(async () => {
    ({ bot, chat } = await startHelpdeskBot(connector, clock));
  });
  after(() => stopBotAndConnector(bot, connector));

  async function escalatedAndApproved(user: Chat, deadline = '14/12/2026 12:00'): Promise<string> {
    const id = await lodgeViaChat(user);
    await chat['demo-agent'].submit({ verb: 'ticketAgent', caseId: id, action: 'acknowledge' });
    await chat['demo-agent'].submit({
      verb: 'ticketAgent',
      caseId: id,
      action: 'escalate',
      text: 'Pemacu dipasang semula dan token dicuba pada dua komputer.',
    });
    const r = await chat['demo-lead'].submit({ verb: 'onsiteDecide', caseId: id, decision: 'approve' });
    expect(texts(r)).to.contain(`sebelum ${deadline}`);
    return id;
  }

  it('escalates with what was tried; only the lead agency approves; the user books a slot inside the window', async () => {
    const user = chat['demo-applicant'];
    const agent = chat['demo-agent'];
    const id = await lodgeViaChat(user);
    ids.visit = id;
    await agent.submit({ verb: 'ticketAgent', caseId: id, action: 'acknowledge' });

    let before = await ticket(bot, id);
    let r = await agent.submit({ verb: 'ticketAgent', caseId: id, action: 'escalate' });
    expect(texts(r)).to.contain('apa yang telah dicuba dalam talian');
    expect((await ticket(bot, id)).version).to.equal(before.version);

    r = await agent.submit({
      verb: 'ticketAgent',
      caseId: id,
      action: 'escalate',
      text: 'Pemacu dipasang semula dan token dicuba pada dua komputer.',
    });
    expect(texts(r)).to.contain('dihantar kepada agensi peneraju');
    expect((await ticket(bot, id)).status).to.equal('MOHON_KELULUSAN_TAPAK');
    const approvalCard = await chat['demo-lead'].waitForSeen('the approval card', noticeMatch(id, 'menunggu kelulusan anda'));
    expect(JSON.stringify(cardOf(approvalCard)))
      .to.contain('onsiteDecide')
      .and.contain('dua komputer');

    // Approval by someone who is not a lead-agency officer: explained, nothing changes.
    before = await ticket(bot, id);
    r = await agent.submit({ verb: 'onsiteDecide', caseId: id, decision: 'approve' });
    expect(texts(r)).to.contain('hanya pegawai agensi peneraju boleh meluluskan lawatan');
    expect(await ticket(bot, id)).to.deep.equal(before);

    r = await chat['demo-lead'].submit({ verb: 'onsiteDecide', caseId: id, decision: 'approve' });
    expect(texts(r)).to.contain('sebelum 14/12/2026 12:00');
    const approved = await ticket(bot, id);
    expect(approved.status).to.equal('LULUS_TAPAK');
    expect(approved.data.onsite?.deadline).to.equal('2026-12-14T04:00:00.000Z');
    const notice = await user.waitForSeen('the approval notice', noticeMatch(id, 'meluluskan sokongan di lokasi'));
    const info = await agent.waitForSeen('the helpdesk is informed', noticeMatch(id, 'Pengguna akan memilih slot'));
    expect(cardOf(info)).to.equal(undefined);
    const book = (cardOf(notice)!.actions as { data: Record<string, unknown> }[])[0]!.data;

    r = await user.submit(book);
    expect(askedField(r)).to.equal('slot');
    const offered = promptOf(r)!.channelData!.prompt!.choices!.map((c) => c.title);
    expect(offered.slice(0, 4)).to.deep.equal(['07/12/2026 10:00', '07/12/2026 12:00', '07/12/2026 14:00', '08/12/2026 08:00']);
    expect(offered.at(-1)).to.equal('Tiada slot yang sesuai');

    // A date in the past, and one outside the window: explained, asked again.
    r = await user.say('01/12/2026 10:00');
    expect(texts(r)).to.contain('Masa itu sudah berlalu');
    expect(askedField(r)).to.equal('slot');
    r = await user.say('15/12/2026 10:00');
    expect(texts(r)).to.contain('di luar tempoh 48 jam bekerja (tamat 14/12/2026 12:00)');
    expect(askedField(r)).to.equal('slot');

    r = await user.say('08/12/2026 10:00');
    expect(askedField(r)).to.equal('repName');
    r = await user.say('Puan Rosnah binti Ali');
    expect(askedField(r)).to.equal('repPhone');
    // A representative without a phone number: explained, asked again, nothing booked.
    r = await user.say('tiada');
    expect(texts(r)).to.contain('Nombor telefon wakil agensi diperlukan');
    expect(askedField(r)).to.equal('repPhone');
    expect((await ticket(bot, id)).status).to.equal('LULUS_TAPAK');
    r = await user.say('03-8888 1234');
    expect(askedField(r)).to.equal('location');
    r = await user.say('Aras 3, Blok E7, Parcel E, Putrajaya');
    expect(texts(r)).to.contain(`Lawatan bagi **${id}** ditempah pada 08/12/2026 10:00`);

    const booked = await ticket(bot, id);
    expect(booked.status).to.equal('DIJADUALKAN');
    expect(booked.data.onsite).to.deep.include({
      officerId: 'demo-tech',
      location: 'Aras 3, Blok E7, Parcel E, Putrajaya',
      slot: { start: '2026-12-08T02:00:00.000Z', end: '2026-12-08T04:00:00.000Z' },
    });
    expect(booked.data.onsite?.representative?.name).to.equal('Puan Rosnah binti Ali');
    const assigned = await chat['demo-tech'].waitForSeen('the assignment', noticeMatch(id, 'Anda ditugaskan'));
    expect(JSON.stringify(cardOf(assigned)))
      .to.contain('visitReport')
      .and.contain('Puan Rosnah binti Ali');
  });

  it('refuses a slot already taken by another visit and keeps the request open', async () => {
    const user = chat['demo-ap'];
    const id = await escalatedAndApproved(user);
    ids.taken = id;
    await user.waitForSeen('the approval notice', noticeMatch(id, 'meluluskan sokongan di lokasi'));
    let r = await user.submit({ verb: 'bookVisit', caseId: id });
    expect(promptOf(r)!.channelData!.prompt!.choices!.map((c) => c.title)).to.not.include('08/12/2026 10:00');
    r = await user.say('08/12/2026 10:00');
    expect(texts(r)).to.contain('slot itu sudah diambil');
    expect(askedField(r)).to.equal('slot');
    r = await user.say('batal');
    expect((await ticket(bot, id)).status).to.equal('LULUS_TAPAK');
    expect((await ticket(bot, id)).data.onsite?.slot).to.equal(undefined);
  });

  it('reminds the officer and the user before the visit; only the assigned officer files the report, which resolves the ticket', async () => {
    const id = ids.visit!;
    // The reminder is due 24 hours before the visit: Monday 10:00.
    clock.set(new Date(MONDAY_0900.getTime() + 61 * MIN));
    await chat['demo-tech'].waitForSeen('the officer reminder', noticeMatch(id, 'Peringatan: lawatan'));
    await chat['demo-applicant'].waitForSeen('the user reminder', noticeMatch(id, 'Peringatan: lawatan'));

    const before = await waitFor('the reminder on the timeline', async () => {
      const t = await ticket(bot, id);
      return t.timeline.some((e) => e.event === 'visitReminded') ? t : undefined;
    });
    let r = await chat['demo-agent'].submit({ verb: 'visitReport', caseId: id, present: 'yes', workDone: 'Cuba', resolved: 'yes' });
    expect(texts(r)).to.contain('Hanya pegawai teknikal yang ditugaskan');
    expect(await ticket(bot, id)).to.deep.equal(before);

    // Before the visit (Tuesday 10:00) the assigned officer is refused too: a report tells what happened there.
    r = await chat['demo-tech'].submit({
      verb: 'visitReport',
      caseId: id,
      present: 'yes',
      workDone: 'Pemacu token dipasang semula dan sijil diuji.',
      resolved: 'yes',
    });
    expect(texts(r)).to.contain('selepas lawatan bermula (08/12/2026 10:00)');
    expect(await ticket(bot, id)).to.deep.equal(before);
    // At the visit; the clock then goes back to Monday 10:01, which the tests below count from.
    const reminded = clock.now();
    clock.set(new Date('2026-12-08T02:30:00Z'));
    r = await chat['demo-tech'].submit({
      verb: 'visitReport',
      caseId: id,
      present: 'yes',
      workDone: 'Pemacu token dipasang semula dan sijil diuji.',
      resolved: 'yes',
    });
    clock.set(reminded);
    expect(texts(r)).to.contain('masalah selesai');
    const done = await ticket(bot, id);
    expect(done.status).to.equal('SELESAI');
    expect(done.data.onsite?.reports).to.have.length(1);
    await chat['demo-applicant'].waitForSeen('the resolution', noticeMatch(id, 'ditanda selesai'));
    // The assigned officer may follow the case too.
    expect(texts(await chat['demo-tech'].say(`status ${id}`))).to.contain(`**${id}**: Selesai`);
    const status = texts(await chat['demo-applicant'].say(`status ${id}`));
    expect(status)
      .to.contain('Lawatan diluluskan; tarikh akhir')
      .and.contain('Lawatan dijadualkan')
      .and.contain('Laporan lawatan: selesai')
      .and.contain('Tarikh akhir lawatan: 14/12/2026 12:00');
  });

  it('rejects an escalation only with a reason, and tells the user', async () => {
    const user = chat['demo-applicant'];
    const id = await lodgeViaChat(user, 'Sijil tidak dapat dimuat turun di komputer pejabat, ralat tidak diketahui.');
    await chat['demo-agent'].submit({ verb: 'ticketAgent', caseId: id, action: 'reply', text: 'Sila cuba pelayar lain.' });
    // The user asks for a visit from their own ticket.
    let r = await user.submit({ verb: 'ticketUser', caseId: id, action: 'escalate', text: 'Sudah cuba Edge dan Chrome, tetap gagal.' });
    expect(texts(r)).to.contain('dihantar kepada agensi peneraju untuk kelulusan');
    const before = await ticket(bot, id);
    r = await chat['demo-lead'].submit({ verb: 'onsiteDecide', caseId: id, decision: 'reject' });
    expect(texts(r)).to.contain('Sila nyatakan sebab');
    expect(await ticket(bot, id)).to.deep.equal(before);
    r = await chat['demo-lead'].submit({
      verb: 'onsiteDecide',
      caseId: id,
      decision: 'reject',
      reason: 'Boleh diselesaikan dalam talian melalui sesi kongsi skrin.',
    });
    expect(texts(r)).to.contain('ditolak');
    expect((await ticket(bot, id)).status).to.equal('TOLAK_TAPAK');
    await user.waitForSeen('the rejection', noticeMatch(id, 'ditolak'));
    // The helpdesk carries on online.
    r = await chat['demo-agent'].submit({
      verb: 'ticketAgent',
      caseId: id,
      action: 'reply',
      text: 'Kami hubungi anda untuk sesi kongsi skrin.',
    });
    expect((await ticket(bot, id)).status).to.equal('DALAM_TINDAKAN');
  });

  it('records a user-requested delay with its reason, offers later slots, and pauses the deadline clock', async () => {
    const user = chat['demo-applicant'];
    // Approved Monday 10:01 (after the reminder test moved the clock): the window ends 14/12 13:01.
    const id = await escalatedAndApproved(user, '14/12/2026 13:01');
    ids.paused = id;
    let r = await user.submit({ verb: 'bookVisit', caseId: id });
    r = await user.say('Tiada slot yang sesuai');
    expect(askedField(r)).to.equal('delayReason');
    r = await user.say('Pejabat ditutup untuk audit sepanjang minggu ini.');
    expect(askedField(r)).to.equal('slot');
    const later = promptOf(r)!.channelData!.prompt!.choices!.map((c) => c.title);
    expect(later[0]).to.equal('14/12/2026 14:00');
    await user.say('14/12/2026 14:00');
    await user.say('Encik Hafiz bin Omar');
    await user.say('012-345 6789');
    r = await user.say('Bilik Server, Aras 2, Blok E7, Putrajaya');
    expect(texts(r)).to.contain('ditempah pada 14/12/2026 14:00');
    const t = await ticket(bot, id);
    expect(t.data.onsite?.pauses).to.have.length(1);
    expect(t.data.onsite?.pauses[0]).to.include({
      reason: 'Pejabat ditutup untuk audit sepanjang minggu ini.',
      to: '2026-12-14T06:00:00.000Z',
    });
    // Paused from booking (Monday 10:01, the moment of approval) to the visit: all 48 working hours run from 14/12 14:00.
    expect(t.data.onsite?.deadline).to.equal(
      bot.hd.calendars.forState('PUTRAJAYA').addWorkingHours(new Date('2026-12-14T06:00:00.000Z'), 48).toISOString(),
    );
    expect(t.timeline.map((e) => e.event)).to.include('userDelay');
    const status = texts(await user.say(`status ${id}`));
    expect(status).to.contain('Jam dihentikan atas permintaan pengguna').and.contain('audit sepanjang minggu ini');
  });

  it('alerts the lead agency and the helpdesk when the window ends with no report; the paused case is not breached', async () => {
    // Past both original deadlines (12:00 and 13:01), before the paused case's new one.
    clock.set(new Date(Date.parse('2026-12-14T05:10:00.000Z')));
    const id = ids.taken!;
    await chat['demo-lead'].waitForSeen('the lead alert', noticeMatch(id, 'AMARAN'));
    await chat['demo-agent'].waitForSeen('the helpdesk alert', noticeMatch(id, 'AMARAN'));
    const t = await ticket(bot, id);
    expect(t.data.onsite?.breachedAt).to.be.a('string');
    expect(t.timeline.at(-1)).to.include({ event: 'onsiteBreached', actorId: 'system' });
    expect(texts(await chat['demo-ap'].say(`status ${id}`))).to.contain('tarikh akhir lawatan telah dilanggar');
    // The visit that was reported in time, and the one whose clock was paused, raise nothing.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const other of [ids.visit!, ids.paused!])
      expect((await ticket(bot, other)).timeline.map((e) => e.event)).to.not.include('onsiteBreached');
  });

  it('an absent representative means no work and a new booking', async () => {
    const user = chat['demo-ap'];
    const id = ids.taken!;
    let r = await user.submit({ verb: 'bookVisit', caseId: id });
    r = await user.say('Tiada slot yang sesuai');
    r = await user.say('Tarikh akhir sudah berlalu semasa menunggu.');
    const first = promptOf(r)!.channelData!.prompt!.choices![0]!.title;
    await user.say(first);
    await user.say('Encik Wakil Agensi');
    await user.say('03-8000 8000');
    r = await user.say('Aras 1, Blok A, Putrajaya');
    expect(texts(r)).to.contain(`ditempah pada ${first}`);
    // The officer reports at the visit, not before it.
    clock.set(new Date((await ticket(bot, id)).data.onsite!.slot!.start));
    r = await chat['demo-tech'].submit({ verb: 'visitReport', caseId: id, present: 'no', workDone: '', resolved: 'no' });
    expect(texts(r)).to.contain('wakil agensi tidak hadir');
    const t = await ticket(bot, id);
    expect(t.status).to.equal('LULUS_TAPAK');
    expect(t.data.onsite?.slot).to.equal(undefined);
    expect(t.data.onsite?.reports.at(-1)).to.include({ representativePresent: false, resolved: false });
    const notice = await user.waitForSeen('the rebooking notice', noticeMatch(id, 'tidak hadir'));
    expect(JSON.stringify(cardOf(notice))).to.contain('bookVisit');
  });
});
