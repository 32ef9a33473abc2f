import { expect } from 'chai';
import type { AdvisoryData } from '../../domain/cases/advisory.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeDir, startTestBot, TestClock } from '../support/bot.js';
import { rejection } from '../contract/rejection.js';
import { askedField, cardOf, promptOf, texts, Chat } from '../support/chat.js';
import { TestConnector } from '../support/connector.js';
import { stopBotAndConnector } from '../support/certs.js';
import { lodgeViaChat, noticeMatch, startHelpdeskBot, ticket, type HelpdeskBot, type HelpdeskPerson } from '../support/helpdesk.js';

/** Thursday 10 December 2026, 09:00 in Malaysia. */
const THURSDAY_0900 = new Date('2026-12-10T01:00:00Z');
const THURSDAY_1500 = new Date('2026-12-10T07:00:00Z');
const FRIDAY_1000 = new Date('2026-12-11T02:00:00Z');

/**
 * DOMAIN.md 7.7: the on-site window is 48 working hours "in the agency state's office hours". Two
 * users lodge the same kind of ticket: one of KKM (Putrajaya: Saturday and Sunday off), one of a
 * Kedah state agency added through the directory port (Friday and Saturday off). The deadlines,
 * the slots offered, the working hours left and the advisory dates each follow their agency's state.
 */
describe("e2e: the helpdesk calendar follows the agency's state (injected clock)", function () {
  this.timeout(120_000);
  let bot: HelpdeskBot;
  let chat: Record<HelpdeskPerson, Chat>;
  let kedah: Chat;
  const clock = new TestClock(THURSDAY_0900);
  const connector = new TestConnector();
  const ids: Record<string, string> = {};

  before(async () => {
    ({ bot, chat } = await startHelpdeskBot(connector, clock));
    await bot.core.directory.upsertAgency({
      id: 'JKNKDH',
      name: 'Jabatan Kesihatan Negeri Kedah',
      nameEn: 'Kedah State Health Department',
      state: 'KEDAH',
    });
    await bot.core.directory.upsertPerson({
      id: 'kedah-user',
      name: 'Aminah binti Salleh',
      email: 'aminah.salleh@moh.gov.my',
      agencyId: 'JKNKDH',
      roles: ['USER'],
      identities: [{ channelId: '*', userId: 'kedah-user' }],
    });
    kedah = new Chat({ botUrl: () => bot.url, connector, userId: 'kedah-user' });
    await kedah.say('menu');
  });
  after(() => stopBotAndConnector(bot, connector));

  /** Lodged, acknowledged and escalated by the agent, approved by the lead agency; returns the lead's answer too. */
  async function approvedTicket(user: Chat): Promise<{ id: string; answer: string }> {
    const id = await lodgeViaChat(user);
    await chat['demo-agent'].submit({ verb: 'ticketAgent', caseId: id, action: 'acknowledge' });
    await chat['demo-agent'].submit({
      verb: 'ticketAgent',
      caseId: id,
      action: 'escalate',
      text: 'Pemacu dipasang semula dan token dicuba pada dua komputer.',
    });
    const r = await chat['demo-lead'].submit({ verb: 'onsiteDecide', caseId: id, decision: 'approve' });
    return { id, answer: texts(r) };
  }

  async function offeredSlots(user: Chat, id: string): Promise<string[]> {
    const notice = await user.waitForSeen('the approval notice', noticeMatch(id, 'meluluskan sokongan di lokasi'));
    const book = (cardOf(notice)!.actions as { data: Record<string, unknown> }[])[0]!.data;
    const r = await user.submit(book);
    expect(askedField(r)).to.equal('slot');
    const offered = promptOf(r)!.channelData!.prompt!.choices!.map((c) => c.title);
    await user.say('batal');
    return offered;
  }

  it('approval on Thursday 09:00: both windows cross one weekend, but Kedah is offered Sunday and not Friday, Putrajaya the reverse', async () => {
    const pj = await approvedTicket(chat['demo-applicant']);
    const kd = await approvedTicket(kedah);
    ids.pj = pj.id;
    ids.kd = kd.id;
    // Thursday 8 h, then four full days of 9 h, then 4 h on the next Thursday: the weekend skipped
    // is Saturday-Sunday for Putrajaya and Friday-Saturday for Kedah, so both end Thursday 12:00.
    expect(pj.answer).to.contain('sebelum 17/12/2026 12:00');
    expect(kd.answer).to.contain('sebelum 17/12/2026 12:00');
    expect((await ticket(bot, pj.id)).data.onsite?.deadline).to.equal('2026-12-17T04:00:00.000Z');
    expect((await ticket(bot, kd.id)).data.onsite?.deadline).to.equal('2026-12-17T04:00:00.000Z');
    expect((await ticket(bot, kd.id)).agencyId).to.equal('JKNKDH');

    const pjSlots = await offeredSlots(chat['demo-applicant'], pj.id);
    const kdSlots = await offeredSlots(kedah, kd.id);
    expect(pjSlots).to.deep.equal([
      '10/12/2026 10:00',
      '10/12/2026 12:00',
      '10/12/2026 14:00',
      '11/12/2026 08:00',
      '11/12/2026 10:00',
      '11/12/2026 12:00',
      'Tiada slot yang sesuai',
    ]);
    expect(kdSlots).to.deep.equal([
      '10/12/2026 10:00',
      '10/12/2026 12:00',
      '10/12/2026 14:00',
      '13/12/2026 08:00',
      '13/12/2026 10:00',
      '13/12/2026 12:00',
      'Tiada slot yang sesuai',
    ]);
  });

  it('approval on Thursday 15:00: Putrajaya works Friday (deadline Friday 09:00); Kedah skips Friday and Saturday (deadline Sunday 09:00)', async () => {
    clock.set(THURSDAY_1500);
    const pj = await approvedTicket(chat['demo-applicant']);
    const kd = await approvedTicket(kedah);
    ids.pjLate = pj.id;
    ids.kdLate = kd.id;
    expect(pj.answer).to.contain('sebelum 18/12/2026 09:00');
    expect(kd.answer).to.contain('sebelum 20/12/2026 09:00');
    expect((await ticket(bot, pj.id)).data.onsite?.deadline).to.equal('2026-12-18T01:00:00.000Z');
    expect((await ticket(bot, kd.id)).data.onsite?.deadline).to.equal('2026-12-20T01:00:00.000Z');
    // What each user is told.
    await chat['demo-applicant'].waitForSeen(
      'the Putrajaya deadline',
      noticeMatch(pj.id, 'Lawatan mesti diadakan sebelum 18/12/2026 09:00'),
    );
    await kedah.waitForSeen('the Kedah deadline', noticeMatch(kd.id, 'Lawatan mesti diadakan sebelum 20/12/2026 09:00'));
    // The lead agency's timeline note and the officer-facing status use the same deadline.
    expect((await ticket(bot, kd.id)).timeline.find((e) => e.event === 'onsiteApproved')?.note).to.equal('20/12/2026 09:00');
  });

  it('on Friday the Kedah clock stands still while the Putrajaya clock runs (status shows the working hours left)', async () => {
    clock.set(FRIDAY_1000);
    const pj = texts(await chat['demo-applicant'].say(`status ${ids.pj}`));
    const kd = texts(await kedah.say(`status ${ids.kd}`));
    expect(pj).to.contain('Tarikh akhir lawatan: 17/12/2026 12:00 (baki 38 jam bekerja)');
    expect(kd).to.contain('Tarikh akhir lawatan: 17/12/2026 12:00 (baki 40 jam bekerja)');
    expect(texts(await kedah.say(`status ${ids.kdLate}`))).to.contain('Tarikh akhir lawatan: 20/12/2026 09:00 (baki 46 jam bekerja)');
    expect(texts(await chat['demo-applicant'].say(`status ${ids.pjLate}`))).to.contain(
      'Tarikh akhir lawatan: 18/12/2026 09:00 (baki 44 jam bekerja)',
    );
  });

  async function advisoryUpTo(user: Chat): Promise<void> {
    let r = await user.submit({ verb: 'start', goal: 'advisory' });
    expect(askedField(r)).to.equal('topic');
    await user.say('Penggunaan tandatangan digital dalam aliran kerja');
    await user.say('Agensi merancang menggunakan tandatangan digital untuk kelulusan dalaman.');
    await user.say('Sistem eSPKB dan HRMIS');
    await user.say('Dalam talian');
    r = await user.say('Pengarah ICT, dua pegawai teknologi maklumat');
    expect(askedField(r)).to.equal('dates');
  }

  it('advisory dates: Friday is refused for the Kedah agency and accepted for Putrajaya; Sunday the reverse', async () => {
    const advisory = async (id: string) => (await bot.core.cases.get<AdvisoryData>(id))!;
    const kn = (r: string) => /\*\*(KN-\d{4}-\d{6})\*\*/.exec(r)?.[1];

    await advisoryUpTo(kedah);
    let r = await kedah.say('18/12/2026, 22/12/2026');
    expect(texts(r)).to.contain('18/12/2026 bukan hari bekerja');
    expect(askedField(r)).to.equal('dates');
    r = await kedah.say('20/12/2026, 22/12/2026');
    expect(askedField(r)).to.equal('letter');
    await kedah.say('langkau');
    const kdId = kn(texts(await kedah.say('hantar')));
    expect(kdId).to.be.a('string');
    const kd = await advisory(kdId!);
    expect(kd.agencyId).to.equal('JKNKDH');
    expect(kd.data.preferredDates).to.deep.equal(['2026-12-20T00:00:00.000Z', '2026-12-22T00:00:00.000Z']);

    const user = chat['demo-applicant'];
    await advisoryUpTo(user);
    r = await user.say('20/12/2026, 22/12/2026');
    expect(texts(r)).to.contain('20/12/2026 bukan hari bekerja');
    expect(askedField(r)).to.equal('dates');
    r = await user.say('18/12/2026, 22/12/2026');
    expect(askedField(r)).to.equal('letter');
    await user.say('langkau');
    const pjId = kn(texts(await user.say('hantar')));
    expect(pjId).to.be.a('string');
    expect((await advisory(pjId!)).data.preferredDates).to.deep.equal(['2026-12-18T00:00:00.000Z', '2026-12-22T00:00:00.000Z']);

    // The lead agency accepts the Kedah session on the Sunday, a working day there.
    r = await chat['demo-lead'].submit({ verb: 'advisoryDecide', caseId: kdId, decision: 'accept', date: '2026-12-20T00:00:00.000Z' });
    expect(texts(r)).to.contain('20/12/2026');
    const accepted = await advisory(kdId!);
    expect(accepted.status).to.equal('DIJADUALKAN');
    expect(accepted.data.session?.start).to.equal('2026-12-20T00:00:00.000Z');
  });
});

describe('e2e: a state the calendar does not know stops the start', () => {
  it('an agency state in the directory file, or CALENDAR_STATE, that the calendar file does not know is named and nothing starts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-cal-start-'));
    try {
      const seed = JSON.parse(readFileSync('infra/seed/demo-directory.json', 'utf8')) as { agencies: Record<string, unknown>[] };
      seed.agencies[0]!.state = 'ATLANTIS';
      const file = path.join(dir, 'directory.json');
      writeFileSync(file, JSON.stringify(seed));
      const err = await rejection(startTestBot({ DIRECTORY_SEED: file }, path.join(dir, 'data')));
      expect(err.message).to.contain('agencies[0].state').and.contain('ATLANTIS');
      const err2 = await rejection(startTestBot({ CALENDAR_STATE: 'Atlantis' }, path.join(dir, 'data2')));
      expect(err2.message).to.contain('CALENDAR_STATE ATLANTIS');
    } finally {
      removeDir(dir);
    }
  });
});
