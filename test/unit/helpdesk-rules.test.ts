import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { advisoryTransition } from '../../domain/cases/advisory.js';
import { TICKET_STATUSES, ticketTransition, type TicketEvent } from '../../domain/cases/complaint.js';
import { calendarProblems, WorkingCalendar, type CalendarData } from '../../domain/rules/working-calendar.js';
import { TfIdfFaq } from '../../infra/faq/tfidf-faq.js';

const data = JSON.parse(readFileSync('infra/calendar/malaysia-2026.json', 'utf8')) as CalendarData;
const putrajaya = new WorkingCalendar(data, 'PUTRAJAYA');
const kedah = new WorkingCalendar(data, 'Kedah');
const myt = (local: string) => new Date(`${local}+08:00`);

describe('working-day calendar', () => {
  it('the shipped calendar file is valid', () => {
    expect(calendarProblems(data)).to.deep.equal([]);
    expect(calendarProblems({ ...data, workStart: '18:00' })).to.deep.equal(['workStart must be before workEnd']);
  });

  it('rests on Saturday and Sunday in Putrajaya, on Friday and Saturday in Kedah', () => {
    const fri = myt('2026-12-11T10:00:00');
    const sun = myt('2026-12-13T10:00:00');
    expect(putrajaya.isWorkingDay(fri)).to.equal(true);
    expect(putrajaya.isWorkingDay(sun)).to.equal(false);
    expect(kedah.isWorkingDay(fri)).to.equal(false);
    expect(kedah.isWorkingDay(sun)).to.equal(true);
  });

  it('skips public holidays, national and per state', () => {
    expect(putrajaya.isWorkingDay(myt('2026-12-25T10:00:00'))).to.equal(false); // Christmas, Friday
    expect(putrajaya.isWorkingDay(myt('2026-02-02T10:00:00'))).to.equal(true);
    expect(putrajaya.isWorkingDay(myt('2026-01-01T10:00:00'))).to.equal(false);
    expect(kedah.isWorkingDay(myt('2026-01-01T10:00:00'))).to.equal(true); // not a Kedah holiday
  });

  it('counts 48 working hours in office hours only: Monday 09:00 plus 48 h is the next Monday 12:00 (9-hour days)', () => {
    expect(putrajaya.addWorkingHours(myt('2026-12-07T09:00:00'), 48).toISOString()).to.equal(myt('2026-12-14T12:00:00').toISOString());
    // Starting outside office hours starts at the next opening.
    expect(putrajaya.addWorkingHours(myt('2026-12-05T20:00:00'), 2).toISOString()).to.equal(myt('2026-12-07T10:00:00').toISOString());
    // In Kedah, Sunday works and Friday does not.
    expect(kedah.addWorkingHours(myt('2026-12-10T16:00:00'), 2).toISOString()).to.equal(myt('2026-12-13T09:00:00').toISOString());
  });

  it('measures working time between instants, so a pause can be carried over', () => {
    const a = myt('2026-12-11T16:00:00');
    const b = myt('2026-12-14T10:00:00');
    expect(putrajaya.workingMsBetween(a, b) / 3_600_000).to.equal(3);
    const left = putrajaya.workingMsBetween(myt('2026-12-07T09:00:00'), myt('2026-12-08T09:00:00')) / 3_600_000;
    expect(left).to.equal(9);
    // Paused until the visit on Wednesday 14:00, the 9 hours left run from there.
    expect(putrajaya.addWorkingHours(myt('2026-12-16T14:00:00'), left).toISOString()).to.equal(myt('2026-12-17T14:00:00').toISOString());
  });

  it('adds working days past weekends and holidays (auto-close after 5 working days)', () => {
    expect(putrajaya.addWorkingDays(myt('2026-12-21T11:00:00'), 5).toISOString()).to.equal(myt('2026-12-29T11:00:00').toISOString());
    expect(putrajaya.workingDaysBetween(myt('2026-12-07T09:00:00'), myt('2026-12-14T08:00:00'))).to.equal(5);
  });

  it('offers slots on the grid inside office hours and the window only', () => {
    const slots = putrajaya.slots(myt('2026-12-11T12:30:00'), myt('2026-12-14T13:00:00'), 120);
    expect(slots.map((s) => putrajaya.format(s.start))).to.deep.equal(['11/12/2026 14:00', '14/12/2026 08:00', '14/12/2026 10:00']);
  });

  it('parses local dates and times', () => {
    expect(putrajaya.parseLocalDate('14/12/2026')?.toISOString()).to.equal(myt('2026-12-14T08:00:00').toISOString());
    expect(putrajaya.parseLocalDate('31/02/2026')).to.equal(undefined);
    expect(putrajaya.parseLocalDateTime('14/12/2026 10:00')?.toISOString()).to.equal(myt('2026-12-14T10:00:00').toISOString());
  });
});

describe('complaint ticket lifecycle', () => {
  it('runs new → acknowledged → in progress ↔ waiting → resolved → closed, and reopens', () => {
    const path: [string, TicketEvent, string][] = [
      ['BARU', 'acknowledge', 'DITERIMA'],
      ['DITERIMA', 'askInfo', 'MENUNGGU_PENGGUNA'],
      ['MENUNGGU_PENGGUNA', 'userReply', 'DALAM_TINDAKAN'],
      ['DALAM_TINDAKAN', 'resolve', 'SELESAI'],
      ['SELESAI', 'reopen', 'DIBUKA_SEMULA'],
      ['DIBUKA_SEMULA', 'resolve', 'SELESAI'],
      ['SELESAI', 'autoClose', 'DITUTUP'],
      ['SELESAI', 'confirm', 'DITUTUP'],
      ['DALAM_TINDAKAN', 'escalate', 'MOHON_KELULUSAN_TAPAK'],
      ['MOHON_KELULUSAN_TAPAK', 'approveOnsite', 'LULUS_TAPAK'],
      ['MOHON_KELULUSAN_TAPAK', 'rejectOnsite', 'TOLAK_TAPAK'],
      ['LULUS_TAPAK', 'schedule', 'DIJADUALKAN'],
      ['DIJADUALKAN', 'repAbsent', 'LULUS_TAPAK'],
      ['DIJADUALKAN', 'visitResolved', 'SELESAI'],
      ['DIJADUALKAN', 'visitUnresolved', 'LAWATAN_SELESAI'],
    ];
    for (const [from, event, to] of path) expect(ticketTransition(from as never, event)?.to, `${from} ${event}`).to.equal(to);
  });

  it('refuses what does not fit: a closed ticket takes nothing, approval only while requested', () => {
    const events: TicketEvent[] = [
      'acknowledge',
      'reply',
      'askInfo',
      'userReply',
      'resolve',
      'confirm',
      'reopen',
      'autoClose',
      'escalate',
      'approveOnsite',
      'rejectOnsite',
      'schedule',
      'repAbsent',
      'visitResolved',
      'visitUnresolved',
    ];
    for (const e of events) expect(ticketTransition('DITUTUP', e), e).to.equal(undefined);
    for (const s of TICKET_STATUSES.filter((x) => x !== 'MOHON_KELULUSAN_TAPAK'))
      expect(ticketTransition(s, 'approveOnsite'), s).to.equal(undefined);
    expect(ticketTransition('BARU', 'escalate')).to.equal(undefined);
    expect(ticketTransition('DALAM_TINDAKAN', 'autoClose')).to.equal(undefined);
  });

  it('advisory: requested → scheduled or declined → held', () => {
    expect(advisoryTransition('DIMOHON', 'accept')?.to).to.equal('DIJADUALKAN');
    expect(advisoryTransition('DIMOHON', 'decline')?.to).to.equal('DITOLAK');
    expect(advisoryTransition('DIJADUALKAN', 'held')?.to).to.equal('SELESAI');
    expect(advisoryTransition('DITOLAK', 'held')).to.equal(undefined);
    expect(advisoryTransition('SELESAI', 'accept')).to.equal(undefined);
  });
});

describe('FAQ self-help knowledge base', () => {
  const faq = new TfIdfFaq('infra/seed/faq');
  it('holds at least 20 bilingual entries', () => {
    expect(faq.size()).to.be.at.least(20);
  });
  it('finds the right answer in Malay, English and the mix people write', () => {
    expect(faq.search('saya tak terima kod verifikasi', 3)[0]?.id).to.equal('code-not-received');
    expect(faq.search('my token is blocked', 3)[0]?.id).to.equal('token-blocked');
    expect(faq.search('lupa PIN softcert', 3)[0]?.id).to.equal('pin-forgot');
    expect(faq.search('xyzzy qwerty', 3)).to.deep.equal([]);
  });
});
