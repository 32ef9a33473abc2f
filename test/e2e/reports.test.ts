import { expect } from 'chai';
import type { Figure, Measurement } from '../../domain/reports/service-levels.js';
import { submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import { startTestBot, TestClock } from '../support/bot.js';
import { askedField, cardOf, Chat, promptOf, texts } from '../support/chat.js';
import { FlakyCa, stopBotAndConnector, userApplication } from '../support/certs.js';
import { TestConnector } from '../support/connector.js';
import { AGENT_EMAIL, AGENT_PASSWORD, ConsoleClient, setPasswordByCommand } from '../support/console.js';
import { lodgeViaChat, noticeMatch, ticket } from '../support/helpdesk.js';
import { waitFor } from '../support/wait-for.js';
import { EXPECTED, expectedCsv, SATISFACTION_CSV_MS } from './reports-expected.js';

type Bot = Awaited<ReturnType<typeof startTestBot>>;
const at = (iso: string) => new Date(iso);
// Malaysian wall-clock times (UTC+8), written as UTC.
const MON_16_NOV_0900 = at('2026-11-16T01:00:00Z');
const TUE_17_NOV_1000 = at('2026-11-17T02:00:00Z');
const WED_18_NOV_1100 = at('2026-11-18T03:00:00Z');
const THU_19_NOV_1500 = at('2026-11-19T07:00:00Z');
const THU_19_NOV_1505 = at('2026-11-19T07:05:00Z');
const MON_7_DEC_0900 = at('2026-12-07T01:00:00Z');
const TUE_15_DEC_0900 = at('2026-12-15T01:00:00Z');
const TUE_15_DEC_1000 = at('2026-12-15T02:00:00Z');
const LEAD = { email: 'farid@mampu.gov.my', password: 'kata-laluan-peneraju-1' };

/**
 * The reports over HTTP with an injected clock: cases in every phase, in two agencies
 * (KKM in Putrajaya, a Kedah agency with a Friday-Saturday weekend) and two months, driven through
 * the chat and its cards as people drive them. November: a user certificate decided by the AP in
 * 10 working hours and issued 10 working hours after approval (the CA was down for the first
 * attempt); a ticket acknowledged late (20 working hours against 1 working day) and resolved in
 * 33. December: a Kedah ticket whose on-site visit was never held (breached by the deadline job),
 * a KKM visit the user asked to delay (48 working hours excluded, the visit itself met), and a
 * certificate waiting for its AP. Every figure of the JSON and both CSVs is checked exactly.
 */
describe('e2e: service-level and satisfaction reports (injected clock)', function () {
  this.timeout(180_000);
  const clock = new TestClock(MON_16_NOV_0900);
  const connector = new TestConnector();
  const flaky = new FlakyCa();
  const ids = { uc1: 'UC-2026-000001', uc2: 'UC-2026-000002', ad1: 'AD-2026-000001', ad2: 'AD-2026-000002', ad3: 'AD-2026-000003' };
  let bot: Bot;
  let chat: Record<string, Chat>;
  let lead: ConsoleClient;

  before(async () => {
    await connector.start();
    bot = await startTestBot({ TRUSTED_PROXIES: '127.0.0.1,::1', AGENT_SSO_HEADER: 'x-remote-user' }, undefined, {
      clock,
      decorateCa: flaky.decorate,
    });
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
    await bot.core.directory.upsertPerson({
      id: 'kkm-user2',
      name: 'Lim Mei Ling',
      email: 'mei.ling@moh.gov.my',
      agencyId: 'KKM',
      roles: ['USER'],
      identities: [],
    });
    chat = {};
    for (const id of ['demo-applicant', 'demo-ap', 'demo-agent', 'demo-lead', 'demo-tech', 'kedah-user']) {
      chat[id] = new Chat({ botUrl: () => bot.url, connector, userId: id });
      await chat[id]!.say('menu');
    }
    for (const [email, password] of [
      [AGENT_EMAIL, AGENT_PASSWORD],
      [LEAD.email, LEAD.password],
    ] as const) {
      const set = await setPasswordByCommand({ DATA_DIR: bot.dataDir }, email, password);
      expect(set.code, set.stderr).to.equal(0);
    }
  });
  after(() => stopBotAndConnector(bot, connector));

  const agentDoes = (caseId: string, action: string, text?: string) =>
    chat['demo-agent']!.submit({ verb: 'ticketAgent', caseId, action, ...(text ? { text } : {}) });

  it('November: a certificate decided and issued (the CA down once), a ticket acknowledged late, both rated', async () => {
    const applicant = chat['demo-applicant']!;
    const submitted = await submitUserCertificate(bot.core, 'demo-applicant', await userApplication(bot, 'demo-applicant'));
    expect(submitted.ok && submitted.value.id).to.equal(ids.uc1);
    expect(await lodgeViaChat(applicant)).to.equal(ids.ad1);

    clock.set(TUE_17_NOV_1000);
    flaky.failIssues(1);
    const card = await chat['demo-ap']!.waitFor('the approval card', (a) => JSON.stringify(cardOf(a) ?? {}).includes(ids.uc1));
    const version = (cardOf(card)!.actions as { data: { version: number } }[])[0]!.data.version;
    expect(texts(await chat['demo-ap']!.submit({ verb: 'approve', caseId: ids.uc1, version }))).to.contain(ids.uc1);
    await waitFor('the first issue attempt to fail', () => (flaky.remaining === 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await bot.core.cases.get(ids.uc1))!.timeline.map((e) => e.event)).to.not.include('issued');

    // The retry runs once the clock passes its backoff: the certificate is issued on Wednesday 11:00.
    clock.set(WED_18_NOV_1100);
    await waitFor('the certificate to be issued', async () => (await bot.core.cases.get(ids.uc1))?.certificateSerial, {
      timeoutMs: 20_000,
    });
    expect((await bot.core.cases.get(ids.uc1))!.timeline.find((e) => e.event === 'issued')?.at).to.equal(WED_18_NOV_1100.toISOString());
    await agentDoes(ids.ad1, 'acknowledge');

    clock.set(THU_19_NOV_1500);
    await agentDoes(ids.ad1, 'resolve', 'Pemacu token dipasang semula; token dikesan.');
    expect((await ticket(bot, ids.ad1)).timeline.map((e) => e.event)).to.include('resolved');
    expect(texts(await applicant.submit({ verb: 'rate', caseId: ids.uc1, score: 4, comment: 'Proses mudah, terima kasih' }))).to.contain(
      'Terima kasih atas penilaian',
    );
    clock.set(THU_19_NOV_1505);
    // A comment that a spreadsheet would run as a formula.
    expect(
      texts(await applicant.submit({ verb: 'rate', caseId: ids.ad1, score: 2, comment: '=HYPERLINK("http://contoh.test","klik")' })),
    ).to.contain('Terima kasih atas penilaian');
  });

  it("December: a Kedah visit breached by the deadline job, a KKM visit delayed at the user's request and held, a certificate waiting", async () => {
    clock.set(MON_7_DEC_0900);
    const kedah = chat['kedah-user']!;
    const user = chat['demo-applicant']!;
    expect(await lodgeViaChat(kedah)).to.equal(ids.ad2);
    expect(await lodgeViaChat(user)).to.equal(ids.ad3);
    for (const id of [ids.ad2, ids.ad3]) {
      await agentDoes(id, 'acknowledge');
      await agentDoes(id, 'escalate', 'Pemacu dipasang semula dan token dicuba pada dua komputer.');
      expect(texts(await chat['demo-lead']!.submit({ verb: 'onsiteDecide', caseId: id, decision: 'approve' }))).to.contain('sebelum');
    }
    // Both deadlines are Monday 14 December 12:00: Kedah skips Friday and Saturday, Putrajaya Saturday and Sunday.
    expect((await ticket(bot, ids.ad2)).data.onsite?.deadline).to.equal('2026-12-14T04:00:00.000Z');
    expect((await ticket(bot, ids.ad3)).data.onsite?.deadline).to.equal('2026-12-14T04:00:00.000Z');

    const notice = await user.waitForSeen('the approval notice', noticeMatch(ids.ad3, 'meluluskan sokongan di lokasi'));
    await user.submit((cardOf(notice)!.actions as { data: Record<string, unknown> }[])[0]!.data);
    let r = await user.say('Tiada slot yang sesuai');
    expect(askedField(r)).to.equal('delayReason');
    r = await user.say('Pejabat ditutup untuk audit sepanjang minggu ini.');
    const first = promptOf(r)!.channelData!.prompt!.choices![0]!.title;
    expect(first).to.equal('14/12/2026 12:00');
    await user.say(first);
    await user.say('Encik Hafiz bin Omar');
    await user.say('012-345 6789');
    expect(texts(await user.say('Bilik Server, Aras 2, Blok E7, Putrajaya'))).to.contain('ditempah pada 14/12/2026 12:00');

    // The visit starts; the Kedah window ends with no report and the deadline job says so.
    clock.set(at('2026-12-14T04:00:00Z'));
    await waitFor('the Kedah breach', async () => (await ticket(bot, ids.ad2)).data.onsite?.breachedAt);
    clock.set(at('2026-12-14T04:30:00Z'));
    expect(
      texts(
        await chat['demo-tech']!.submit({
          verb: 'visitReport',
          caseId: ids.ad3,
          present: 'yes',
          workDone: 'Pemacu token dipasang semula dan sijil diuji.',
          resolved: 'yes',
        }),
      ),
    ).to.contain('masalah selesai');
    clock.set(at('2026-12-14T04:35:00Z'));
    expect(texts(await user.submit({ verb: 'rate', caseId: ids.ad3, score: 5, comment: 'Pegawai teknikal sangat membantu.' }))).to.contain(
      'Terima kasih atas penilaian',
    );

    clock.set(TUE_15_DEC_0900);
    const waiting = await submitUserCertificate(
      bot.core,
      'kkm-user2',
      await userApplication(bot, 'kkm-user2', { mykad: '880808085566', fullName: 'Lim Mei Ling', email: 'mei.ling@moh.gov.my' }),
    );
    expect(waiting.ok && waiting.value.id).to.equal(ids.uc2);
    clock.set(TUE_15_DEC_1000);
    lead = await ConsoleClient.signIn(bot.url, LEAD.email, LEAD.password);
  });

  it('the JSON gives every figure of the last six months exactly: per measure, month, agency and kind, the nearest deadlines and satisfaction', async () => {
    const r = await lead.call('GET', '/console/api/reports');
    expect(r.status).to.equal(200);
    const report = r.json;
    expect(report.query).to.deep.equal({ fromMonth: '2026-07', toMonth: '2026-12' });
    expect(report.months).to.deep.equal(['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    expect(report.targets).to.deep.equal({
      ticketResponseDays: 1,
      ticketResolutionDays: 15,
      apDecisionDays: 3,
      issueDays: 3,
      visitHours: 48,
    });
    expect(report.measurements as Measurement[]).to.deep.equal(EXPECTED.measurements);
    expect(report.overall as Figure[]).to.deep.equal(EXPECTED.overall);
    expect(report.byMonth as Figure[]).to.deep.equal(EXPECTED.byMonth);
    expect(report.byAgency as Figure[]).to.deep.equal(EXPECTED.byAgency);
    expect((report.byKind as Figure[]).map((f) => [f.measure, f.kind, f.count, f.met, f.breached])).to.deep.equal(EXPECTED.byKind);
    // The overdue visit says when its 48 working hours ran out in Kedah: Monday 14 December 12:00.
    expect((report.nearest as Measurement[]).map((m) => [m.caseId, m.measure, m.workingHours, m.dueAt, m.met])).to.deep.equal([
      [ids.ad2, 'visit', 55, '2026-12-14T04:00:00.000Z', false],
      [ids.uc2, 'apDecision', 1, '2026-12-18T01:00:00.000Z', undefined],
      [ids.ad2, 'ticketResolution', 55, '2026-12-28T01:00:00.000Z', undefined],
    ]);
    expect(report.satisfaction).to.deep.equal(EXPECTED.satisfaction);
    expect(report.agencies.map((a: { id: string }) => a.id)).to.include.members(['JKNKDH', 'KKM', 'MAMPU']);
    expect(report.downloads).to.deep.equal({
      measurements: '/console/api/reports.csv?from=2026-07&to=2026-12',
      satisfaction: '/console/api/reports/satisfaction.csv?from=2026-07&to=2026-12',
    });
  });

  it('narrows to one month or one agency', async () => {
    const nov = await lead.call('GET', '/console/api/reports?from=2026-11&to=2026-11');
    expect(nov.json.measurements.map((m: Measurement) => `${m.caseId} ${m.measure}`)).to.deep.equal([
      `${ids.ad1} ticketResponse`,
      `${ids.ad1} ticketResolution`,
      `${ids.uc1} apDecision`,
      `${ids.uc1} issue`,
    ]);
    expect(nov.json.satisfaction.rows.map((s: { caseId: string }) => s.caseId)).to.deep.equal([ids.uc1, ids.ad1]);
    const kedah = await lead.call('GET', '/console/api/reports?agency=JKNKDH');
    expect(kedah.json.query).to.deep.equal({ fromMonth: '2026-07', toMonth: '2026-12', agencyId: 'JKNKDH' });
    expect(kedah.json.measurements.map((m: Measurement) => `${m.caseId} ${m.measure} ${m.met}`)).to.deep.equal([
      `${ids.ad2} ticketResponse true`,
      `${ids.ad2} ticketResolution undefined`,
      `${ids.ad2} visit false`,
    ]);
    expect(kedah.json.satisfaction.rows).to.deep.equal([]);
  });

  it('the CSVs: one row per measurement or rating, a BOM, headers in the language asked for, formulas defused', async () => {
    const get = async (path: string) => {
      const res = await fetch(`${bot.url}${path}`, { headers: { cookie: lead.cookie } });
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        disposition: res.headers.get('content-disposition'),
        bytes: Buffer.from(await res.arrayBuffer()),
      };
    };
    const ms = await get('/console/api/reports.csv');
    expect(ms.status).to.equal(200);
    expect(ms.type).to.equal('text/csv; charset=utf-8');
    expect(ms.disposition).to.equal('attachment; filename="tahap-perkhidmatan-2026-07-2026-12.csv"');
    expect([...ms.bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    expect(ms.bytes.toString('utf8')).to.equal(expectedCsv('ms'));
    const en = await get('/console/api/reports.csv?lang=en');
    expect(en.bytes.toString('utf8')).to.equal(expectedCsv('en'));
    const sat = await get('/console/api/reports/satisfaction.csv');
    expect(sat.disposition).to.equal('attachment; filename="kepuasan-pelanggan-2026-07-2026-12.csv"');
    expect(sat.bytes.toString('utf8')).to.equal(SATISFACTION_CSV_MS);
  });

  it('refuses bad parameters with a code, strangers with 401, and people without the role with 403', async () => {
    const bad: [string, string, string][] = [
      ['?from=2026-13', 'MONTH_INVALID', 'from'],
      ['?to=26-12', 'MONTH_INVALID', 'to'],
      ['?from=2026-12&to=2026-11', 'PERIOD_REVERSED', 'from'],
      ['?from=2023-01&to=2026-12', 'PERIOD_TOO_LONG', 'from'],
      ['?agency=TIADA', 'AGENCY_UNKNOWN', 'agency'],
      ['?lang=fr', 'LANG_INVALID', 'lang'],
      ['?from=2026-11&from=2026-12', 'PARAM_REPEATED', 'from'],
    ];
    for (const [query, error, param] of bad) {
      for (const path of ['/console/api/reports', '/console/api/reports.csv', '/console/api/reports/satisfaction.csv']) {
        const r = await lead.call('GET', `${path}${query}`);
        expect(r.status, `${path}${query}`).to.equal(400);
        expect(r.json).to.include({ error, param });
        expect(r.json.message.ms).to.be.a('string').and.not.equal('');
        expect(r.json.message.en).to.be.a('string').and.not.equal('');
      }
    }
    const stranger = new ConsoleClient(bot.url);
    for (const path of ['/console/api/reports', '/console/api/reports.csv', '/console/api/reports/satisfaction.csv']) {
      expect(await stranger.call('GET', path)).to.deep.equal({ status: 401, json: { error: 'NO_SESSION' } });
    }
    const page = await fetch(`${bot.url}/console/reports`, { redirect: 'manual' });
    expect(page.status).to.equal(303);
    expect(page.headers.get('location')).to.equal('/console?next=reports');

    const agent = await ConsoleClient.signIn(bot.url, AGENT_EMAIL, AGENT_PASSWORD);
    expect(await agent.call('GET', '/console/api/reports')).to.deep.equal({ status: 403, json: { error: 'NOT_LEAD_AGENCY_OR_ADMIN' } });
    // A USER-only person: no sign-in by SSO, and a lead officer's session whose role is withdrawn is refused and ended.
    expect(await new ConsoleClient(bot.url).login('', '', { 'x-remote-user': 'aminah@moh.gov.my' })).to.deep.include({
      status: 403,
      json: { error: 'NOT_AN_AGENT' },
    });
    const farid = (await bot.core.directory.findByEmail(LEAD.email))!;
    await bot.core.directory.upsertPerson({ ...farid, roles: ['USER'] });
    expect(await lead.call('GET', '/console/api/reports.csv')).to.deep.equal({ status: 403, json: { error: 'NOT_LEAD_AGENCY_OR_ADMIN' } });
    await bot.core.directory.upsertPerson(farid);
    expect((await lead.call('GET', '/console/api/reports')).status).to.equal(401);
  });
});
