import { expect } from 'chai';
import { TestClock } from '../support/bot.js';
import { cardOf, texts, type Chat } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { stopBotAndConnector } from '../support/certs.js';
import { AGENT_EMAIL, AGENT_PASSWORD, ConsoleClient, setPasswordByCommand } from '../support/console.js';
import {
  lodgeViaChat,
  MONDAY_0900,
  noticeMatch,
  startHelpdeskBot,
  ticket,
  type HelpdeskBot,
  type HelpdeskPerson,
} from '../support/helpdesk.js';

const MINUTE = 60_000;

/**
 * Helpdesk agents act on complaint tickets from the agent console over HTTP: the same use cases
 * as the cards in chat, so the user hears the same notices and gets the same cards; refusals
 * come back with the use case's code and a message in both languages, and change nothing.
 */
describe('e2e: agents act on complaint tickets from the console (HTTP)', function () {
  this.timeout(120_000);
  let bot: HelpdeskBot;
  let chat: Record<HelpdeskPerson, Chat>;
  const clock = new TestClock(MONDAY_0900);
  const connector = new TestConnector();
  const consoles: ConsoleClient[] = [];
  let first: string;
  let second: string;

  before(async () => {
    ({ bot, chat } = await startHelpdeskBot(connector, clock));
    const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, AGENT_EMAIL, AGENT_PASSWORD);
    expect(set.code, set.stderr).to.equal(0);
    first = await lodgeViaChat(chat['demo-applicant']);
    clock.set(new Date(clock.now().getTime() + 5 * MINUTE));
    second = await lodgeViaChat(chat['demo-applicant'], 'Sijil pelayan tidak dapat dimuat turun daripada portal, ralat 500 setiap kali.');
  });
  afterEach(() => {
    for (const c of consoles.splice(0)) c.close();
  });
  after(() => stopBotAndConnector(bot, connector));

  async function desk(): Promise<ConsoleClient> {
    const c = await ConsoleClient.signIn(bot.url, AGENT_EMAIL, AGENT_PASSWORD);
    consoles.push(c);
    await c.listen();
    return c;
  }
  const path = (id: string, action = '') => `/console/api/tickets/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

  it('refuses without a session (401), with a bad CSRF token (403) and for someone who is no longer an agent (403), changing nothing', async () => {
    const before = await ticket(bot, first);
    const anonymous = new ConsoleClient(bot.url);
    expect(await anonymous.call('GET', '/console/api/tickets')).to.deep.equal({ status: 401, json: { error: 'NO_SESSION' } });
    expect(await anonymous.call('GET', path(first))).to.deep.equal({ status: 401, json: { error: 'NO_SESSION' } });
    expect(await anonymous.call('POST', path(first, 'acknowledge'))).to.deep.equal({ status: 401, json: { error: 'NO_SESSION' } });

    const agent = await desk();
    expect(await agent.call('POST', path(first, 'acknowledge'), {}, { csrf: false })).to.deep.equal({
      status: 403,
      json: { error: 'CSRF' },
    });
    expect(await agent.call('POST', path(first, 'resolve'), { text: 'selesai' }, { csrf: `${agent.csrf.slice(0, -2)}xx` })).to.deep.equal({
      status: 403,
      json: { error: 'CSRF' },
    });

    // A second agent signs in, then loses the role: the session no longer opens the ticket API.
    await bot.core.directory.upsertPerson({
      id: 'agent-tickets',
      name: 'Lee Mei Ling',
      email: 'lee.meiling@mampu.gov.my',
      agencyId: 'MAMPU',
      roles: ['USER', 'HELPDESK_AGENT'],
      identities: [],
    });
    expect((await setPasswordByCommand({ DATA_DIR: bot.dataDir }, 'lee.meiling@mampu.gov.my', 'kata-laluan-lee-123')).code).to.equal(0);
    const lee = await ConsoleClient.signIn(bot.url, 'lee.meiling@mampu.gov.my', 'kata-laluan-lee-123');
    consoles.push(lee);
    expect((await lee.call('GET', '/console/api/tickets')).status).to.equal(200);
    await bot.core.directory.upsertPerson({
      id: 'agent-tickets',
      name: 'Lee Mei Ling',
      email: 'lee.meiling@mampu.gov.my',
      agencyId: 'MAMPU',
      roles: ['USER'],
      identities: [],
    });
    expect(await lee.call('GET', '/console/api/tickets')).to.deep.equal({ status: 403, json: { error: 'NOT_AN_AGENT' } });
    // That refusal ended the session for good: given the role back, the old cookie still opens nothing.
    await bot.core.directory.upsertPerson({
      id: 'agent-tickets',
      name: 'Lee Mei Ling',
      email: 'lee.meiling@mampu.gov.my',
      agencyId: 'MAMPU',
      roles: ['USER', 'HELPDESK_AGENT'],
      identities: [],
    });
    expect(await lee.call('POST', path(first, 'acknowledge'), {})).to.deep.equal({ status: 401, json: { error: 'NO_SESSION' } });

    const after = await ticket(bot, first);
    expect(after.version).to.equal(before.version);
    expect(after.status).to.equal('BARU');
  });

  it('lists the open tickets, newest activity first, with the person, agency, category, application and age', async () => {
    const agent = await desk();
    const r = await agent.call('GET', '/console/api/tickets');
    expect(r.status).to.equal(200);
    const list = r.json.tickets as Record<string, any>[];
    expect(list.map((t) => t.id)).to.deep.equal([second, first]);
    expect(list[1]).to.deep.include({ id: first, status: 'BARU', category: 'token', application: 'ePerolehan', ageSeconds: 300 });
    expect(list[1]!.statusLabel).to.deep.equal({ ms: 'Baharu', en: 'New' });
    expect(list[1]!.categoryLabel).to.deep.equal({ ms: 'Token atau kad pintar', en: 'Token or smart card' });
    expect(list[1]!.person).to.deep.equal({ id: 'demo-applicant', name: 'Aminah binti Hassan', agency: 'Kementerian Kesihatan Malaysia' });
    expect(list[1]!.lastEvent).to.deep.include({ event: 'lodged' });

    const details = await agent.call('GET', path(first));
    expect(details.status).to.equal(200);
    expect(details.json.description).to.contain('Token saya tidak dikesan');
    expect(details.json.timeline.map((e: { event: string }) => e.event)).to.deep.equal(['lodged']);
    expect(details.json.timeline[0]).to.deep.include({ by: 'Aminah binti Hassan', status: 'BARU' });
    expect(details.json.onsite).to.equal(undefined);
    expect((await agent.call('GET', path('AD-2026-999999'))).status).to.equal(404);
    expect((await agent.call('GET', path('bukan-tiket'))).status).to.equal(404);
  });

  it('acknowledges, asks for information (the user gets the question and the answer lands on the ticket), then resolves (the user gets the confirm/reopen card)', async () => {
    const agent = await desk();
    const user = chat['demo-applicant'];
    clock.set(new Date(clock.now().getTime() + 5 * MINUTE));

    let r = await agent.call('POST', path(first, 'acknowledge'), {});
    expect(r.status, JSON.stringify(r.json)).to.equal(200);
    expect(r.json.message).to.deep.equal({
      ms: `Tiket ${first} diterima. Pengguna telah dimaklumkan.`,
      en: `Ticket ${first} acknowledged. The user has been told.`,
    });
    expect(r.json.ticket).to.deep.include({ id: first, status: 'DITERIMA' });
    expect((await ticket(bot, first)).status).to.equal('DITERIMA');
    await user.waitForSeen('the acknowledgement', noticeMatch(first, 'telah diterima oleh meja bantuan'));
    await agent.waitForEvent('the ticket change', (e) => e.type === 'ticket' && e.caseId === first && e.event === 'ticketAcknowledged');
    // The most recent activity comes first now.
    expect(((await agent.call('GET', '/console/api/tickets')).json.tickets as { id: string }[]).map((t) => t.id)).to.deep.equal([
      first,
      second,
    ]);

    // A wrong state: refused with the use case's code, the status named in both languages, nothing stored.
    const acknowledged = await ticket(bot, first);
    r = await agent.call('POST', path(first, 'acknowledge'), {});
    expect(r.status).to.equal(409);
    expect(r.json.error).to.equal('NOT_ALLOWED_NOW');
    expect(r.json.message).to.deep.equal({
      ms: 'Tindakan ini tidak boleh dibuat sekarang (status semasa: Diterima). Tiada perubahan dibuat.',
      en: 'This cannot be done now (current status: Acknowledged). Nothing was changed.',
    });
    // A question needs its text.
    r = await agent.call('POST', path(first, 'askInfo'), { text: '   ' });
    expect(r.status).to.equal(422);
    expect(r.json.error).to.equal('NOTE_REQUIRED');
    expect(r.json.message.ms).to.contain('Sila isi mesej');
    expect(r.json.message.en).to.contain('Please fill in the message');
    const unchanged = await ticket(bot, first);
    expect(unchanged.version).to.equal(acknowledged.version);
    expect(unchanged.timeline).to.deep.equal(acknowledged.timeline);
    expect(unchanged.data).to.deep.equal(acknowledged.data);

    r = await agent.call('POST', path(first, 'askInfo'), { text: 'Sistem pengendalian apa yang digunakan?' });
    expect(r.status).to.equal(200);
    expect(r.json.ticket.status).to.equal('MENUNGGU_PENGGUNA');
    const question = await user.waitForSeen('the question', noticeMatch(first, 'Sistem pengendalian apa yang digunakan?'));
    expect(question.text).to.contain('memerlukan maklumat lanjut');
    expect(JSON.stringify(cardOf(question))).to.contain('ticketUser');

    // The user answers on the card they received; the answer lands on the ticket the console shows.
    const replied = await user.submit({ verb: 'ticketUser', caseId: first, action: 'reply', text: 'Windows 11, pemacu token versi 3.2.' });
    expect(texts(replied)).to.contain('Jawapan anda telah direkodkan');
    await agent.waitForEvent('the user answer', (e) => e.type === 'ticket' && e.caseId === first && e.event === 'ticketUserReplied');
    const details = (await agent.call('GET', path(first))).json;
    expect(details.status).to.equal('DALAM_TINDAKAN');
    expect(details.messages.map((m: { kind: string; text: string; by: string }) => [m.kind, m.by, m.text])).to.deep.equal([
      ['askInfo', 'Nurul Huda binti Zainal', 'Sistem pengendalian apa yang digunakan?'],
      ['userReply', 'Aminah binti Hassan', 'Windows 11, pemacu token versi 3.2.'],
    ]);
    expect(details.timeline.map((e: { event: string }) => e.event)).to.deep.equal([
      'lodged',
      'acknowledged',
      'infoRequested',
      'userReplied',
    ]);
    expect(details.timeline[3].label).to.deep.equal({ ms: 'Pengguna menjawab', en: 'User answered' });

    r = await agent.call('POST', path(first, 'resolve'), { text: 'Sila pasang semula pemacu token versi 3.4 dan cuba lagi.' });
    expect(r.status).to.equal(200);
    expect(r.json.message.en).to.equal(`Ticket ${first} marked resolved. It closes itself if the user does not answer.`);
    const stored = await ticket(bot, first);
    expect(stored.status).to.equal('SELESAI');
    expect(stored.data.resolvedAt).to.be.a('string');
    expect(stored.timeline.map((e) => [e.event, e.actorId])).to.deep.equal([
      ['lodged', 'demo-applicant'],
      ['acknowledged', 'demo-agent'],
      ['infoRequested', 'demo-agent'],
      ['userReplied', 'demo-applicant'],
      ['resolved', 'demo-agent'],
    ]);
    const resolved = await user.waitForSeen('the resolution', noticeMatch(first, 'ditanda selesai'));
    expect(resolved.text).to.contain('Sila pasang semula pemacu token versi 3'); // Markdown-escaped: 3\.4
    const card = JSON.stringify(cardOf(resolved));
    expect(card).to.contain('"action":"confirm"').and.contain('"action":"reopen"');

    // The user confirms on that card: the ticket closes and leaves the list of open tickets.
    const confirmed = await user.submit({ verb: 'ticketUser', caseId: first, action: 'confirm' });
    expect(texts(confirmed)).to.contain(`Tiket ${first} ditutup`);
    expect(((await agent.call('GET', '/console/api/tickets')).json.tickets as { id: string }[]).map((t) => t.id)).to.deep.equal([second]);
    // A closed ticket cannot be resolved again from the console.
    const closed = await ticket(bot, first);
    expect(closed.status).to.equal('DITUTUP');
    r = await agent.call('POST', path(first, 'resolve'), { text: 'sekali lagi' });
    expect(r.status).to.equal(409);
    expect(r.json.message.en).to.contain('Closed');
    expect((await ticket(bot, first)).version).to.equal(closed.version);
  });

  it('replies and escalates to on-site support; the lead agency gets the approval card and the console shows the on-site state', async () => {
    const agent = await desk();
    const user = chat['demo-applicant'];
    // The card in the agent's chat and the console are the same use case; the console hears of the card's change live.
    const carded = await chat['demo-agent'].submit({ verb: 'ticketAgent', caseId: second, action: 'acknowledge' });
    expect(texts(carded)).to.contain(`Tiket ${second} diterima`);
    await agent.waitForEvent(
      'the change made from the card',
      (e) => e.type === 'ticket' && e.caseId === second && e.event === 'ticketAcknowledged',
    );
    expect((await agent.call('GET', path(second))).json.status).to.equal('DITERIMA');
    let r = await agent.call('POST', path(second, 'acknowledge'), {});
    expect(r.status).to.equal(409);

    r = await agent.call('POST', path(second, 'reply'), { text: 'Kami sedang menyemak pelayan portal.' });
    expect(r.status).to.equal(200);
    expect(r.json.ticket.status).to.equal('DALAM_TINDAKAN');
    await user.waitForSeen('the reply', noticeMatch(second, 'Kami sedang menyemak pelayan portal'));

    const before = await ticket(bot, second);
    r = await agent.call('POST', path(second, 'onsite'), { triedOnline: 'x' });
    expect(r.status).to.equal(422);
    expect(r.json.error).to.equal('NOTE_REQUIRED');
    expect((await ticket(bot, second)).version).to.equal(before.version);

    r = await agent.call('POST', path(second, 'onsite'), {
      triedOnline: 'Muat turun semula, kosongkan cache, pelayar lain; ralat 500 berterusan.',
    });
    expect(r.status).to.equal(200);
    expect(r.json.message.ms).to.equal(`Permohonan sokongan di lokasi bagi ${second} dihantar kepada agensi peneraju.`);
    expect(r.json.ticket.status).to.equal('MOHON_KELULUSAN_TAPAK');
    expect(r.json.ticket.onsite).to.deep.include({
      status: 'MOHON_KELULUSAN_TAPAK',
      requestedBy: 'Nurul Huda binti Zainal',
      triedOnline: 'Muat turun semula, kosongkan cache, pelayar lain; ralat 500 berterusan.',
      breached: false,
    });
    const approval = await chat['demo-lead'].waitForSeen('the approval card', noticeMatch(second, 'menunggu kelulusan anda'));
    expect(JSON.stringify(cardOf(approval))).to.contain('onsiteDecide');
    await user.waitForSeen('the on-site notice', noticeMatch(second, 'Sokongan di lokasi dimohon'));
    const stored = await ticket(bot, second);
    expect(stored.data.onsite).to.deep.include({ requestedById: 'demo-agent' });
    // While the lead agency decides, the helpdesk cannot resolve it.
    r = await agent.call('POST', path(second, 'resolve'), { text: 'selesai' });
    expect(r.status).to.equal(409);
    expect(r.json.message.en).to.contain('current status:');
    expect((await ticket(bot, second)).version).to.equal(stored.version);
  });
});
