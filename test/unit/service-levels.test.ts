import { expect } from 'chai';
import type { Case, CaseKind, TimelineEntry } from '../../domain/cases/case.js';
import { satisfactionRows, summariseSatisfaction } from '../../domain/reports/satisfaction.js';
import {
  DEFAULT_TARGETS,
  measureCase,
  monthOf,
  nearestDeadlines,
  summarise,
  type Measurement,
} from '../../domain/reports/service-levels.js';
import { WorkingCalendar, type CalendarData } from '../../domain/rules/working-calendar.js';

// Office hours 08:00–17:00 Malaysian time (9 working hours a day), Saturday and Sunday off, Christmas a holiday.
const CAL = new WorkingCalendar(
  {
    utcOffsetMinutes: 480,
    workStart: '08:00',
    workEnd: '17:00',
    defaultWeekend: [0, 6],
    weekendByState: {},
    holidays: [{ date: '2026-12-25', name: 'Krismas' }],
  } as CalendarData,
  'PUTRAJAYA',
);
/** An instant given in Malaysian wall-clock time. */
const myt = (s: string) => new Date(`${s}+08:00`).toISOString();
const ev = (at: string, event: string, actorId = 'system', status?: string): TimelineEntry => ({
  at: myt(at),
  event,
  actorId,
  ...(status ? { status } : {}),
});

function kase(
  kind: CaseKind,
  id: string,
  timeline: TimelineEntry[],
  data: Record<string, unknown> = {},
  status = 'BARU',
  agencyId = 'KKM',
): Case {
  return {
    id,
    kind,
    status,
    applicantId: 'u1',
    agencyId,
    data,
    timeline,
    version: 1,
    createdAt: timeline[0]!.at,
    updatedAt: timeline.at(-1)!.at,
  };
}
const only = (ms: Measurement[], measure: string) => ms.filter((m) => m.measure === measure);

describe('unit: service levels measured on the working calendar', () => {
  const now = new Date(myt('2026-12-18T12:00:00'));

  it('a ticket acknowledged the next morning missed "within 1 working day"; resolved two days later met "within 15"', () => {
    const c = kase(
      'AD',
      'AD-2026-000001',
      [
        ev('2026-12-07T09:00:00', 'lodged', 'u1'),
        ev('2026-12-08T10:00:00', 'acknowledged', 'agent'),
        ev('2026-12-09T12:00:00', 'resolved', 'agent'),
      ],
      {},
      'SELESAI',
    );
    const ms = measureCase(c, CAL, DEFAULT_TARGETS, now);
    expect(only(ms, 'ticketResponse')[0]).to.include({ workingHours: 10, targetHours: 9, met: false, month: '2026-12' });
    expect(only(ms, 'ticketResolution')[0]).to.include({ workingHours: 21, targetHours: 135, met: true });
  });

  it("the applicant's own message is not a first response, and the clock stops at the agent's", () => {
    const c = kase('AD', 'AD-2026-000002', [
      ev('2026-12-07T09:00:00', 'lodged', 'u1'),
      ev('2026-12-07T09:30:00', 'userReplied', 'u1'),
      ev('2026-12-07T11:00:00', 'replied', 'agent'),
    ]);
    expect(only(measureCase(c, CAL, DEFAULT_TARGETS, now), 'ticketResponse')[0]).to.include({ workingHours: 2, met: true });
  });

  it('a visit after a user-requested delay: the delay is excluded and the visit met 48 working hours', () => {
    const onsite = {
      approvedAt: myt('2026-12-07T09:00:00'),
      pauses: [{ from: myt('2026-12-08T09:00:00'), to: myt('2026-12-10T09:00:00'), reason: 'cuti' }],
      reports: [{ at: myt('2026-12-11T12:00:00'), byId: 'tech', representativePresent: true, workDone: 'x', resolved: true }],
    };
    const c = kase('AD', 'AD-2026-000003', [ev('2026-12-04T09:00:00', 'lodged', 'u1')], { onsite }, 'SELESAI');
    // Mon 8 + Tue 9 + Wed 9 + Thu 9 + Fri 4 = 39 working hours; the delay took Tue 8 + Wed 9 + Thu 1 = 18 of them.
    expect(only(measureCase(c, CAL, DEFAULT_TARGETS, now), 'visit')[0]).to.include({
      workingHours: 21,
      excludedHours: 18,
      targetHours: 48,
      met: true,
    });
  });

  it('a visit reported after 55 working hours breached; an absent representative does not count as the visit', () => {
    const onsite = {
      approvedAt: myt('2026-12-07T09:00:00'),
      pauses: [],
      reports: [
        { at: myt('2026-12-10T10:00:00'), byId: 'tech', representativePresent: false, workDone: '', resolved: false },
        { at: myt('2026-12-15T10:00:00'), byId: 'tech', representativePresent: true, workDone: 'x', resolved: true },
      ],
    };
    const c = kase('AD', 'AD-2026-000004', [ev('2026-12-07T08:00:00', 'lodged', 'u1')], { onsite }, 'SELESAI');
    expect(only(measureCase(c, CAL, DEFAULT_TARGETS, now), 'visit')[0]).to.include({
      workingHours: 55,
      met: false,
      endedAt: myt('2026-12-15T10:00:00'),
    });
  });

  it('an open visit is judged only once its 48 hours are gone, and says when they run out until then', () => {
    const onsite = { approvedAt: myt('2026-12-07T09:00:00'), pauses: [], reports: [] };
    const c = kase('AD', 'AD-2026-000005', [ev('2026-12-07T08:00:00', 'lodged', 'u1')], { onsite }, 'DIJADUALKAN');
    const inside = only(measureCase(c, CAL, DEFAULT_TARGETS, new Date(myt('2026-12-14T12:00:00'))), 'visit')[0]!;
    expect(inside.met).to.equal(undefined);
    expect(inside.workingHours).to.equal(48);
    expect(inside.dueAt).to.equal(myt('2026-12-14T12:00:00'));
    const past = only(measureCase(c, CAL, DEFAULT_TARGETS, new Date(myt('2026-12-14T15:00:00'))), 'visit')[0]!;
    expect(past).to.include({ workingHours: 51, met: false });
  });

  it('a user certificate: AP decision over a weekend in 11 working hours, issued seconds after approval; a revocation has no issue measure', () => {
    const uc = kase(
      'UC',
      'UC-2026-000001',
      [ev('2026-12-11T16:00:00', 'submitted', 'u1'), ev('2026-12-15T09:00:00', 'approved', 'ap'), ev('2026-12-15T09:00:36', 'issued')],
      { operation: 'new' },
      'DIKELUARKAN',
    );
    const ms = measureCase(uc, CAL, DEFAULT_TARGETS, now);
    expect(only(ms, 'apDecision')[0]).to.include({ workingHours: 11, targetHours: 27, met: true });
    expect(only(ms, 'issue')[0]).to.include({ workingHours: 0.01, met: true });
    const revoke = kase(
      'UC',
      'UC-2026-000002',
      [ev('2026-12-11T16:00:00', 'routed', 'u1'), ev('2026-12-14T09:00:00', 'approved', 'ap'), ev('2026-12-14T09:00:10', 'revoked')],
      { operation: 'revoke' },
      'SIJIL_DIBATALKAN',
    );
    expect(measureCase(revoke, CAL, DEFAULT_TARGETS, now).map((m) => m.measure)).to.deep.equal(['apDecision']);
  });

  it('an advisory session is measured without a target; months follow Malaysian time', () => {
    const kn = kase(
      'KN',
      'KN-2026-000001',
      [{ at: '2026-11-30T16:30:00.000Z', event: 'advisoryRequested', actorId: 'u1' }, ev('2026-12-08T10:00:00', 'advisoryHeld', 'lead')],
      {},
      'SELESAI',
    );
    const [m] = measureCase(kn, CAL, DEFAULT_TARGETS, now);
    expect(m).to.include({ measure: 'advisory', month: '2026-12' });
    expect(m!.met).to.equal(undefined);
    expect(m!.targetHours).to.equal(undefined);
    expect(monthOf('2026-11-30T15:59:59.000Z')).to.equal('2026-11');
  });

  it('summarises per agency with the cases behind each figure, and lists the open promises nearest their deadline', () => {
    const ms = [
      ...measureCase(
        kase('AD', 'AD-2026-000010', [ev('2026-12-07T09:00:00', 'lodged', 'u1'), ev('2026-12-07T10:00:00', 'acknowledged', 'a')]),
        CAL,
        DEFAULT_TARGETS,
        now,
      ),
      ...measureCase(
        kase('AD', 'AD-2026-000011', [ev('2026-12-07T09:00:00', 'lodged', 'u1'), ev('2026-12-08T16:00:00', 'acknowledged', 'a')]),
        CAL,
        DEFAULT_TARGETS,
        now,
      ),
      ...measureCase(
        kase('AD', 'AD-2026-000012', [ev('2026-12-18T11:00:00', 'lodged', 'u1')], {}, 'BARU', 'MAMPU'),
        CAL,
        DEFAULT_TARGETS,
        now,
      ),
    ];
    const byAgency = summarise(
      ms.filter((m) => m.measure === 'ticketResponse'),
      ['agencyId'],
    );
    expect(byAgency).to.deep.equal([
      {
        measure: 'ticketResponse',
        agencyId: 'KKM',
        count: 2,
        done: 2,
        met: 1,
        breached: 1,
        compliance: 0.5,
        medianHours: 1,
        p90Hours: 16,
        caseIds: ['AD-2026-000010', 'AD-2026-000011'],
      },
      { measure: 'ticketResponse', agencyId: 'MAMPU', count: 1, done: 0, met: 0, breached: 0, caseIds: ['AD-2026-000012'] },
    ]);
    const [next] = nearestDeadlines(ms);
    expect(next).to.include({ caseId: 'AD-2026-000012', measure: 'ticketResponse', workingHours: 1, dueAt: myt('2026-12-21T11:00:00') });
  });

  it('satisfaction: ratings by month with their mean and spread', () => {
    const rated = (id: string, score: number, at: string) =>
      kase('AD', id, [ev('2026-12-01T09:00:00', 'lodged', 'u1')], {
        satisfaction: { score, at: myt(at), ...(score < 3 ? { comment: 'lambat' } : {}) },
      });
    const rows = satisfactionRows([
      rated('AD-2026-000020', 5, '2026-12-02T10:00:00'),
      rated('AD-2026-000021', 2, '2026-12-03T10:00:00'),
      rated('AD-2026-000022', 4, '2026-11-20T10:00:00'),
      kase('AD', 'AD-2026-000023', [ev('2026-12-01T09:00:00', 'lodged', 'u1')]),
    ]);
    expect(rows.map((r) => r.caseId)).to.deep.equal(['AD-2026-000022', 'AD-2026-000020', 'AD-2026-000021']);
    expect(summariseSatisfaction(rows, ['month'])).to.deep.equal([
      { month: '2026-11', count: 1, mean: 4, distribution: [0, 0, 0, 1, 0], caseIds: ['AD-2026-000022'] },
      { month: '2026-12', count: 2, mean: 3.5, distribution: [0, 1, 0, 0, 1], caseIds: ['AD-2026-000020', 'AD-2026-000021'] },
    ]);
    expect(rows.find((r) => r.score === 2)?.comment).to.equal('lambat');
  });
});
