import { expect } from 'chai';
import type { AdvisoryData } from '../../domain/cases/advisory.js';
import type { ComplaintData } from '../../domain/cases/complaint.js';
import { agentAct, lodgeComplaint, selfHelpSolvedCount } from '../../domain/usecases/complaint.js';
import { decideOnsite, requestOnsite } from '../../domain/usecases/onsite.js';
import { esc } from '../../ui/cards/adaptive.js';
import { RequestAdvisoryDialog } from '../../dialogs/helpdesk/advisory-dialog.js';
import { BookVisitDialog } from '../../dialogs/helpdesk/book-visit-dialog.js';
import { LodgeComplaintDialog } from '../../dialogs/helpdesk/complaint-dialog.js';
import { FaqDialog } from '../../dialogs/helpdesk/faq-dialog.js';
import { RequestOnsiteDialog } from '../../dialogs/helpdesk/onsite-request-dialog.js';
import { askedField, DialogDriver, msg, openWorld, play, textsOf, tinyPng, type Row, type World } from './support.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const TOKEN_PROBLEM = 'Token saya tidak dikesan oleh komputer walaupun sudah cuba port USB lain.';

/**
 * The helpdesk dialogs (DOMAIN.md 2.7 to 2.9) on the real helpdesk use cases and the seeded FAQ,
 * on Monday 7 December 2026 in Putrajaya.
 */
describe('helpdesk dialogs', function () {
  this.timeout(30_000);
  let w: World;
  beforeEach(async () => {
    w = await openWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  const complaintDialog = () => new LodgeComplaintDialog({ hd: w.hd, faq: w.faq, reader: w.reader }, w.prefs);
  const tickets = async (kind = 'AD') => (await w.store.cases.listByApplicant('demo-applicant')).filter((c) => c.kind === kind);
  const ended = (d: DialogDriver) => expect(d.client.dialogContext.activeDialog).to.equal(undefined);

  describe('LodgeComplaintDialog', () => {
    const rows = (): Row[] => [
      ['aduan', 'category'],
      [msg('complaintCategory.token'), 'application'],
      ['ePerolehan', 'description'],
      [TOKEN_PROBLEM, 'screenshot'],
      [w.reader.upload(tinyPng(), { name: 'skrin.png' }), 'solved'],
    ];
    it('offers the closest FAQ answers first, then opens a ticket with what was given when they did not help', async () => {
      expect(w.faq.search(`${TOKEN_PROBLEM} token`, 3)).to.not.have.length(0);
      const d = new DialogDriver(w, 'demo-applicant', complaintDialog());
      const first = await d.send('aduan');
      expect(textsOf(first)).to.include(msg('complaint.start'));
      await play(d, rows().slice(1));
      const done = await play(d, [['tidak', null]]);
      const [c] = await tickets();
      expect(textsOf(done)).to.equal(msg('complaint.lodged', { caseId: c!.id }));
      expect(d.result).to.equal(c!.id);
      const data = c!.data as unknown as ComplaintData;
      expect(data).to.deep.include({ category: 'token', application: 'ePerolehan', description: TOKEN_PROBLEM });
      expect((await w.store.files.get(data.screenshotFileId!))?.bytes.equals(tinyPng())).to.equal(true);
      expect(await selfHelpSolvedCount(w.hd)).to.equal(0);
    });

    it('opens no ticket when the FAQ solved it, and counts the self-help', async () => {
      const d = new DialogDriver(w, 'demo-applicant', complaintDialog());
      await play(d, rows());
      const done = await play(d, [['dah', null]]);
      expect(textsOf(done)).to.equal(msg('complaint.selfHelpSolved'));
      expect(await tickets()).to.have.length(0);
      expect(await selfHelpSolvedCount(w.hd)).to.equal(1);
    });

    it('re-asks refused answers with the reason and keeps what came before', async () => {
      const d = new DialogDriver(w, 'demo-applicant', complaintDialog());
      await d.send('aduan');
      const cat = await d.send('entah');
      expect([cat[0]?.text, askedField(cat)]).to.deep.equal([msg('invalid.choice'), 'category']);
      await play(d, [
        ['4', 'application'],
        ['1', 'description'],
      ]);
      const short = await d.send('rosak');
      expect([short[0]?.text, askedField(short)]).to.deep.equal([msg('hd.invalid.length', { min: 10, max: 2000 }), 'description']);
      await play(d, [[TOKEN_PROBLEM, 'screenshot']]);
      const none = await d.send('ini gambarnya');
      expect([none[0]?.text, askedField(none)]).to.deep.equal([msg('invalid.screenshotNone'), 'screenshot']);
      const pdf = await d.send(w.reader.upload(PDF, { contentType: 'application/pdf' }));
      expect([pdf[0]?.text, askedField(pdf)]).to.deep.equal([msg('invalid.FILE_TYPE'), 'screenshot']);
      await play(d, [
        ['langkau', 'solved'],
        ['tidak', null],
      ]);
      const [c] = await tickets();
      expect(c!.data).to.deep.include({ category: 'token', application: 'ePerolehan', description: TOKEN_PROBLEM });
      expect((c!.data as unknown as ComplaintData).screenshotFileId).to.equal(undefined);
    });

    it('"batal" at the description opens no ticket', async () => {
      const d = new DialogDriver(w, 'demo-applicant', complaintDialog());
      await play(d, rows().slice(0, 3));
      expect(textsOf(await d.send('batal'))).to.equal(msg('cancel.done'));
      ended(d);
      expect(await tickets()).to.have.length(0);
    });
  });

  describe('FaqDialog', () => {
    const faq = (question?: string) =>
      new DialogDriver(w, 'demo-applicant', new FaqDialog({ hd: w.hd, faq: w.faq }, w.prefs), {
        options: question ? { question } : undefined,
        also: [complaintDialog()],
      });

    it("answers a question typed in the person's own words and counts it solved", async () => {
      const d = faq();
      await play(d, [['soalan lazim', 'faqQuestion']]);
      const short = await d.send('ok');
      expect([short[0]?.text, askedField(short)]).to.deep.equal([msg('hd.invalid.length', { min: 3, max: 500 }), 'faqQuestion']);
      const answers = await play(d, [['token tidak dikesan', 'faqOutcome']]);
      expect(JSON.stringify(answers[0]?.attachments)).to.include(msg('faq.answersTitle'));
      const done = await play(d, [[msg('faq.solvedChoice'), null]]);
      expect(textsOf(done)).to.equal(msg('faq.solved'));
      expect(await selfHelpSolvedCount(w.hd)).to.equal(1);
    });

    it('turns an unanswered question into a complaint without typing it twice', async () => {
      const d = faq(TOKEN_PROBLEM);
      await play(d, [['soalan lazim token', 'faqOutcome']]);
      const started = await play(d, [[msg('faq.complaint'), 'category']]);
      expect(textsOf(started)).to.include(msg('complaint.start'));
      const kept = await play(d, [
        ['4', 'application'],
        ['ePerolehan', 'screenshot'],
      ]);
      expect(textsOf(kept)).to.include(msg('complaint.descriptionKept', { description: esc(TOKEN_PROBLEM) }));
      await play(d, [
        ['langkau', 'solved'],
        ['tidak', null],
      ]);
      const [c] = await tickets();
      expect(c!.data).to.deep.include({ description: TOKEN_PROBLEM, category: 'token' });
      expect(await selfHelpSolvedCount(w.hd)).to.equal(0);
    });

    it('says when nothing fits and offers another question or a complaint', async () => {
      const d = faq();
      await play(d, [['soalan lazim', 'faqQuestion']]);
      const none = await play(d, [['zqxj wvbk plmr', 'faqNext']]);
      expect(textsOf(none)).to.include(msg('faq.none'));
      await play(d, [[msg('faq.another'), 'faqQuestion']]);
    });

    it('"cancel" at the outcome records nothing', async () => {
      const d = faq('token tidak dikesan');
      await play(d, [['soalan lazim', 'faqOutcome']]);
      expect(textsOf(await d.send('cancel'))).to.equal(msg('cancel.done'));
      ended(d);
      expect(await selfHelpSolvedCount(w.hd)).to.equal(0);
      expect(await tickets()).to.have.length(0);
    });
  });

  describe('RequestAdvisoryDialog', () => {
    const advisory = () => new DialogDriver(w, 'demo-applicant', new RequestAdvisoryDialog({ hd: w.hd, reader: w.reader }, w.prefs));
    const rows = (): Row[] => [
      ['khidmat nasihat', 'topic'],
      ['Integrasi PKI dengan HRMIS', 'description'],
      ['Kami perlu nasihat tentang tandatangan digital dalam aliran kerja cuti.', 'systems'],
      ['HRMIS, ePerolehan', 'mode'],
      [msg('advisoryMode.online'), 'attendees'],
      ['5 pegawai ICT', 'dates'],
      ['16/12/2026, 17/12/2026', 'letter'],
      [w.reader.upload(PDF, { name: 'surat.pdf', contentType: 'application/pdf' }), 'confirm'],
    ];

    it('reviews every answer before sending, then opens a KN case for the lead agency', async () => {
      const d = advisory();
      const first = await d.send('khidmat nasihat');
      expect(textsOf(first)).to.include(msg('advisory.start', { days: 5 }));
      const review = await play(d, rows().slice(1));
      const card = JSON.stringify(review[0]?.attachments);
      expect(card).to.include('Integrasi PKI dengan HRMIS').and.include('5 pegawai ICT').and.include(msg('advisory.letterAttached'));
      expect(await tickets('KN')).to.have.length(0);
      const done = await play(d, [['Hantar', null]]);
      const [c] = await tickets('KN');
      expect(textsOf(done)).to.equal(msg('advisory.submitted', { caseId: c!.id }));
      const data = c!.data as unknown as AdvisoryData;
      expect(data).to.deep.include({
        topic: 'Integrasi PKI dengan HRMIS',
        systems: 'HRMIS, ePerolehan',
        mode: 'online',
        attendees: '5 pegawai ICT',
      });
      expect(data.preferredDates).to.have.length(2);
      expect((await w.store.files.get(data.letterFileId!))?.bytes.equals(PDF)).to.equal(true);
    });

    it('changes one answer from the review and keeps the rest', async () => {
      const d = advisory();
      await play(d, rows());
      await play(d, [
        ['Ubah maklumat', 'whichField'],
        [msg('advisory.field.attendees'), 'attendees'],
        ['8 pegawai dan pengurus projek', 'confirm'],
        ['Hantar', null],
      ]);
      const [c] = await tickets('KN');
      expect(c!.data).to.deep.include({ attendees: '8 pegawai dan pengurus projek', topic: 'Integrasi PKI dengan HRMIS', mode: 'online' });
      expect((c!.data as unknown as AdvisoryData).letterFileId).to.be.a('string');
    });

    it('re-asks dates that are unreadable, too soon, not working days or too few, with the reason', async () => {
      const d = advisory();
      await play(d, rows().slice(0, 6));
      const refusals: [string, string][] = [
        ['esok, lusa', msg('invalid.advisoryDate', { value: 'esok' })],
        ['16/12/2026', msg('advisory.failed.DATES_COUNT')],
      ];
      for (const [says, reason] of refusals) {
        const r = await d.send(says);
        expect([r[0]?.text, askedField(r)], says).to.deep.equal([reason, 'dates']);
      }
      const soon = await d.send('08/12/2026, 16/12/2026');
      expect(soon[0]?.text)
        .to.match(/terlalu awal/)
        .and.include('5 hari bekerja');
      const weekend = await d.send('19/12/2026, 16/12/2026');
      expect(weekend[0]?.text).to.include('bukan hari bekerja');
      expect(askedField(weekend)).to.equal('dates');
      await play(d, [
        ['16/12/2026 dan 17/12/2026', 'letter'],
        ['langkau', 'confirm'],
        ['ya', null],
      ]);
      const [c] = await tickets('KN');
      expect(c!.data).to.deep.include({ topic: 'Integrasi PKI dengan HRMIS', attendees: '5 pegawai ICT' });
    });

    it('sends nothing when cancelled at the review or in the middle', async () => {
      const atReview = advisory();
      await play(atReview, rows());
      expect(textsOf(await play(atReview, [['Batal', null]]))).to.equal(msg('cancel.done'));
      const midway = advisory();
      await play(midway, rows().slice(0, 4));
      expect(textsOf(await midway.send('batal'))).to.equal(msg('cancel.done'));
      ended(midway);
      expect(await tickets('KN')).to.have.length(0);
    });
  });

  /** A complaint of demo-applicant the helpdesk acknowledged. */
  async function openTicket(): Promise<string> {
    const t = await lodgeComplaint(w.hd, {
      actorId: 'demo-applicant',
      category: 'token',
      application: 'ePerolehan',
      description: TOKEN_PROBLEM,
    });
    if (!t.ok) throw new Error(t.error);
    expect((await agentAct(w.hd, { caseId: t.value.id, actorId: 'demo-agent', action: 'acknowledge' })).ok).to.equal(true);
    return t.value.id;
  }

  describe('BookVisitDialog', () => {
    async function approved(): Promise<string> {
      const id = await openTicket();
      expect(
        (await requestOnsite(w.hd, { caseId: id, actorId: 'demo-agent', triedOnline: 'Pemacu dipasang semula, port USB lain dicuba.' })).ok,
      ).to.equal(true);
      expect((await decideOnsite(w.hd, { caseId: id, actorId: 'demo-lead', decision: 'approve' })).ok).to.equal(true);
      return id;
    }
    const book = (caseId: string, personId = 'demo-applicant') =>
      new DialogDriver(w, personId, new BookVisitDialog(w.hd, w.prefs), { options: { caseId } });
    const ticket = async (id: string) => (await w.store.cases.get<ComplaintData>(id))!;

    it('books an offered slot with the representative and the location', async () => {
      const id = await approved();
      const d = book(id);
      const slots = await play(d, [['tempah lawatan', 'slot']]);
      const first = slots[0]!.suggestedActions!.actions[0]!;
      await play(d, [
        ['1', 'repName'],
        ['Encik Wakil Agensi', 'repPhone'],
      ]);
      const phone = await d.send('tiada');
      expect([phone[0]?.text, askedField(phone)]).to.deep.equal([msg('invalid.repPhone'), 'repPhone']);
      const done = await play(d, [
        ['03-8888 1234', 'location'],
        ['Aras 3, Blok E7, Putrajaya', null],
      ]);
      const c = await ticket(id);
      expect(textsOf(done)).to.equal(msg('visit.booked', { caseId: id, slot: String(first.title) }));
      expect(c.status).to.not.equal('LULUS_TAPAK');
      expect(c.data.onsite).to.deep.include({ location: 'Aras 3, Blok E7, Putrajaya' });
      expect(c.data.onsite?.representative?.name).to.equal('Encik Wakil Agensi');
      // The slot stored is the one the first button showed.
      expect(w.hd.calendars.forState('PUTRAJAYA').format(new Date(c.data.onsite!.slot!.start))).to.equal(first.title);
    });

    it('asks the reason when no slot fits, then offers later slots and pauses the clock', async () => {
      const id = await approved();
      const d = book(id);
      await play(d, [
        ['tempah', 'slot'],
        [msg('visit.noneFits'), 'delayReason'],
      ]);
      const short = await d.send('cuti');
      expect([short[0]?.text, askedField(short)]).to.deep.equal([msg('hd.invalid.length', { min: 5, max: 300 }), 'delayReason']);
      await play(d, [
        ['Wakil agensi bercuti minggu ini', 'slot'],
        ['1', 'repName'],
        ['Encik Wakil Agensi', 'repPhone'],
        ['012-345 6789', 'location'],
        ['Aras 3, Blok E7, Putrajaya', null],
      ]);
      const c = await ticket(id);
      expect(c.data.onsite?.pauses.map((p) => p.reason)).to.deep.equal(['Wakil agensi bercuti minggu ini']);
    });

    it('refuses a typed time that is not a slot and books nothing when cancelled', async () => {
      const id = await approved();
      const d = book(id);
      await play(d, [['tempah', 'slot']]);
      const bad = await d.send('esok pagi');
      expect([bad[0]?.text, askedField(bad)]).to.deep.equal([msg('invalid.choice'), 'slot']);
      await play(d, [['1', 'repName']]);
      expect(textsOf(await d.send('batal'))).to.equal(msg('cancel.done'));
      ended(d);
      const c = await ticket(id);
      expect(c.status).to.equal('LULUS_TAPAK');
      expect(c.data.onsite?.slot).to.equal(undefined);
    });

    it('tells someone else, or a visit not approved, that it cannot be booked', async () => {
      const id = await approved();
      expect(textsOf(await play(book(id, 'demo-ap'), [['tempah', null]]))).to.equal(msg('visit.notBookable', { caseId: id }));
      const open = await openTicket();
      expect(textsOf(await play(book(open), [['tempah', null]]))).to.equal(msg('visit.notBookable', { caseId: open }));
    });
  });

  describe('RequestOnsiteDialog', () => {
    const onsite = () => new DialogDriver(w, 'demo-applicant', new RequestOnsiteDialog(w.hd, w.prefs), { also: [complaintDialog()] });

    it('escalates the chosen open complaint with what was tried online', async () => {
      const id = await openTicket();
      const d = onsite();
      const pick = await play(d, [['minta lawatan', 'ticket']]);
      expect(pick[0]!.suggestedActions!.actions.map((a) => String(a.title))).to.satisfy(
        (t: string[]) => t[0]!.startsWith(id) && t[1] === msg('onsite.newComplaint'),
      );
      await play(d, [['1', 'tried']]);
      const bad = await d.send('x');
      expect([bad[0]?.text, askedField(bad)]).to.deep.equal([msg('hd.invalid.length', { min: 5, max: 1000 }), 'tried']);
      const done = await play(d, [['Pemacu dipasang semula dan port USB lain dicuba.', null]]);
      expect(textsOf(done)).to.equal(msg('hd.done.user.escalate', { caseId: id }));
      const c = (await w.store.cases.get<ComplaintData>(id))!;
      expect(c.status).to.not.equal('DALAM_TINDAKAN');
      expect(c.data.onsite?.triedOnline).to.equal('Pemacu dipasang semula dan port USB lain dicuba.');
    });

    it('starts a complaint first when there is no open one', async () => {
      const d = onsite();
      const r = await play(d, [['minta lawatan', 'category']]);
      expect(textsOf(r)).to.include(msg('onsite.newFirst')).and.include(msg('complaint.start'));
    });

    it('"batal" while asking what was tried leaves the complaint as it was', async () => {
      const id = await openTicket();
      const before = (await w.store.cases.get(id))!;
      const d = onsite();
      await play(d, [
        ['minta lawatan', 'ticket'],
        ['1', 'tried'],
      ]);
      expect(textsOf(await d.send('batal'))).to.equal(msg('cancel.done'));
      ended(d);
      const after = (await w.store.cases.get(id))!;
      expect([after.status, after.version]).to.deep.equal([before.status, before.version]);
    });
  });
});
