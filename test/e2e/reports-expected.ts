import type { Figure, Measurement } from '../../domain/reports/service-levels.js';

/**
 * What test/e2e/reports.test.ts's cases must give, worked out by hand on the working calendars
 * (08:00-17:00, 9 hours a day; Putrajaya off Saturday and Sunday, Kedah Friday and Saturday):
 * targets 9 h (1 day), 135 h (15 days), 27 h (3 days) and 48 h for a visit. Times are UTC.
 */
const AD1 = 'AD-2026-000001';
const AD2 = 'AD-2026-000002';
const AD3 = 'AD-2026-000003';
const UC1 = 'UC-2026-000001';
const UC2 = 'UC-2026-000002';
const NOV16 = '2026-11-16T01:00:00.000Z';
const DEC7 = '2026-12-07T01:00:00.000Z';
const VISIT_REPORT = '2026-12-14T04:30:00.000Z';

type M = Measurement;
const m = (x: M): Measurement => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as unknown as Measurement;

export const EXPECTED = {
  measurements: [
    // Lodged Monday 09:00, acknowledged Wednesday 11:00: 8 + 9 + 3 = 20 working hours, over the 9 of one working day.
    m({ measure: 'ticketResponse', caseId: AD1, kind: 'AD', agencyId: 'KKM', month: '2026-11', startedAt: NOV16, workingHours: 20, excludedHours: 0, endedAt: '2026-11-18T03:00:00.000Z', targetHours: 9, met: false }),
    // Resolved Thursday 15:00: 8 + 9 + 9 + 7.
    m({ measure: 'ticketResolution', caseId: AD1, kind: 'AD', agencyId: 'KKM', month: '2026-11', startedAt: NOV16, workingHours: 33, excludedHours: 0, endedAt: '2026-11-19T07:00:00.000Z', targetHours: 135, met: true }),
    // Submitted Monday 09:00, approved Tuesday 10:00: 8 + 2.
    m({ measure: 'apDecision', caseId: UC1, kind: 'UC', agencyId: 'KKM', month: '2026-11', startedAt: NOV16, workingHours: 10, excludedHours: 0, endedAt: '2026-11-17T02:00:00.000Z', targetHours: 27, met: true }),
    // Approved Tuesday 10:00, issued Wednesday 11:00 (the retry after the CA was down): 7 + 3.
    m({ measure: 'issue', caseId: UC1, kind: 'UC', agencyId: 'KKM', month: '2026-11', startedAt: '2026-11-17T02:00:00.000Z', workingHours: 10, excludedHours: 0, endedAt: '2026-11-18T03:00:00.000Z', targetHours: 27, met: true }),
    m({ measure: 'ticketResponse', caseId: AD2, kind: 'AD', agencyId: 'JKNKDH', month: '2026-12', startedAt: DEC7, workingHours: 0, excludedHours: 0, endedAt: DEC7, targetHours: 9, met: true }),
    // Still open on Tuesday 15 December 10:00 in Kedah: Mon-Thu 8 + 27, Sun 9, Mon 9, Tue 2 = 55 of 135; 80 left end Monday 28 December 09:00.
    m({ measure: 'ticketResolution', caseId: AD2, kind: 'AD', agencyId: 'JKNKDH', month: '2026-12', startedAt: DEC7, workingHours: 55, excludedHours: 0, targetHours: 135, dueAt: '2026-12-28T01:00:00.000Z' }),
    // The visit never held: 55 working hours since the approval, past the 48.
    m({ measure: 'visit', caseId: AD2, kind: 'AD', agencyId: 'JKNKDH', month: '2026-12', startedAt: DEC7, workingHours: 55, excludedHours: 0, targetHours: 48, dueAt: '2026-12-14T04:00:00.000Z', met: false }),
    m({ measure: 'ticketResponse', caseId: AD3, kind: 'AD', agencyId: 'KKM', month: '2026-12', startedAt: DEC7, workingHours: 0, excludedHours: 0, endedAt: DEC7, targetHours: 9, met: true }),
    // Resolved by the visit report, Monday 14 December 12:30: 8 + 36 + 4.5.
    m({ measure: 'ticketResolution', caseId: AD3, kind: 'AD', agencyId: 'KKM', month: '2026-12', startedAt: DEC7, workingHours: 48.5, excludedHours: 0, endedAt: VISIT_REPORT, targetHours: 135, met: true }),
    // The user asked for the 14 December 12:00 slot: the 48 working hours until it are excluded, leaving the half hour of the visit.
    m({ measure: 'visit', caseId: AD3, kind: 'AD', agencyId: 'KKM', month: '2026-12', startedAt: DEC7, workingHours: 0.5, excludedHours: 48, endedAt: VISIT_REPORT, targetHours: 48, met: true }),
    // Submitted Tuesday 15 December 09:00, not decided an hour later: 26 left end Friday 18 December 09:00.
    m({ measure: 'apDecision', caseId: UC2, kind: 'UC', agencyId: 'KKM', month: '2026-12', startedAt: '2026-12-15T01:00:00.000Z', workingHours: 1, excludedHours: 0, targetHours: 27, dueAt: '2026-12-18T01:00:00.000Z' }),
  ],
  overall: [
    { measure: 'ticketResponse', count: 3, done: 3, met: 2, breached: 1, caseIds: [AD1, AD2, AD3], compliance: 0.667, medianHours: 0, p90Hours: 20 },
    { measure: 'ticketResolution', count: 3, done: 2, met: 2, breached: 0, caseIds: [AD1, AD2, AD3], compliance: 1, medianHours: 33, p90Hours: 48.5 },
    { measure: 'apDecision', count: 2, done: 1, met: 1, breached: 0, caseIds: [UC1, UC2], compliance: 1, medianHours: 10, p90Hours: 10 },
    { measure: 'issue', count: 1, done: 1, met: 1, breached: 0, caseIds: [UC1], compliance: 1, medianHours: 10, p90Hours: 10 },
    { measure: 'visit', count: 2, done: 1, met: 1, breached: 1, caseIds: [AD2, AD3], compliance: 0.5, medianHours: 0.5, p90Hours: 0.5 },
  ] as Figure[],
  byMonth: [
    { measure: 'ticketResponse', count: 1, done: 1, met: 0, breached: 1, caseIds: [AD1], month: '2026-11', compliance: 0, medianHours: 20, p90Hours: 20 },
    { measure: 'ticketResponse', count: 2, done: 2, met: 2, breached: 0, caseIds: [AD2, AD3], month: '2026-12', compliance: 1, medianHours: 0, p90Hours: 0 },
    { measure: 'ticketResolution', count: 1, done: 1, met: 1, breached: 0, caseIds: [AD1], month: '2026-11', compliance: 1, medianHours: 33, p90Hours: 33 },
    { measure: 'ticketResolution', count: 2, done: 1, met: 1, breached: 0, caseIds: [AD2, AD3], month: '2026-12', compliance: 1, medianHours: 48.5, p90Hours: 48.5 },
    { measure: 'apDecision', count: 1, done: 1, met: 1, breached: 0, caseIds: [UC1], month: '2026-11', compliance: 1, medianHours: 10, p90Hours: 10 },
    { measure: 'apDecision', count: 1, done: 0, met: 0, breached: 0, caseIds: [UC2], month: '2026-12' },
    { measure: 'issue', count: 1, done: 1, met: 1, breached: 0, caseIds: [UC1], month: '2026-11', compliance: 1, medianHours: 10, p90Hours: 10 },
    { measure: 'visit', count: 2, done: 1, met: 1, breached: 1, caseIds: [AD2, AD3], month: '2026-12', compliance: 0.5, medianHours: 0.5, p90Hours: 0.5 },
  ] as Figure[],
  byAgency: [
    { measure: 'ticketResponse', count: 1, done: 1, met: 1, breached: 0, caseIds: [AD2], agencyId: 'JKNKDH', compliance: 1, medianHours: 0, p90Hours: 0 },
    { measure: 'ticketResponse', count: 2, done: 2, met: 1, breached: 1, caseIds: [AD1, AD3], agencyId: 'KKM', compliance: 0.5, medianHours: 0, p90Hours: 20 },
    { measure: 'ticketResolution', count: 1, done: 0, met: 0, breached: 0, caseIds: [AD2], agencyId: 'JKNKDH' },
    { measure: 'ticketResolution', count: 2, done: 2, met: 2, breached: 0, caseIds: [AD1, AD3], agencyId: 'KKM', compliance: 1, medianHours: 33, p90Hours: 48.5 },
    { measure: 'apDecision', count: 2, done: 1, met: 1, breached: 0, caseIds: [UC1, UC2], agencyId: 'KKM', compliance: 1, medianHours: 10, p90Hours: 10 },
    { measure: 'issue', count: 1, done: 1, met: 1, breached: 0, caseIds: [UC1], agencyId: 'KKM', compliance: 1, medianHours: 10, p90Hours: 10 },
    { measure: 'visit', count: 1, done: 0, met: 0, breached: 1, caseIds: [AD2], agencyId: 'JKNKDH', compliance: 0 },
    { measure: 'visit', count: 1, done: 1, met: 1, breached: 0, caseIds: [AD3], agencyId: 'KKM', compliance: 1, medianHours: 0.5, p90Hours: 0.5 },
  ] as Figure[],
  byKind: [
    ['ticketResponse', 'AD', 3, 2, 1], ['ticketResolution', 'AD', 3, 2, 0], ['apDecision', 'UC', 2, 1, 0], ['issue', 'UC', 1, 1, 0], ['visit', 'AD', 2, 1, 1],
  ],
  satisfaction: {
    overall: [{ count: 3, mean: 3.67, distribution: [0, 1, 0, 1, 1], caseIds: [AD1, AD3, UC1] }],
    byMonth: [
      { count: 2, mean: 3, distribution: [0, 1, 0, 1, 0], caseIds: [AD1, UC1], month: '2026-11' },
      { count: 1, mean: 5, distribution: [0, 0, 0, 0, 1], caseIds: [AD3], month: '2026-12' },
    ],
    byAgency: [{ count: 3, mean: 3.67, distribution: [0, 1, 0, 1, 1], caseIds: [AD1, AD3, UC1], agencyId: 'KKM' }],
    byKind: [
      { count: 2, mean: 3.5, distribution: [0, 1, 0, 0, 1], caseIds: [AD1, AD3], kind: 'AD' },
      { count: 1, mean: 4, distribution: [0, 0, 0, 1, 0], caseIds: [UC1], kind: 'UC' },
    ],
    rows: [
      { caseId: UC1, kind: 'UC', agencyId: 'KKM', month: '2026-11', score: 4, comment: 'Proses mudah, terima kasih', at: '2026-11-19T07:00:00.000Z' },
      { caseId: AD1, kind: 'AD', agencyId: 'KKM', month: '2026-11', score: 2, comment: '=HYPERLINK("http://contoh.test","klik")', at: '2026-11-19T07:05:00.000Z' },
      { caseId: AD3, kind: 'AD', agencyId: 'KKM', month: '2026-12', score: 5, comment: 'Pegawai teknikal sangat membantu.', at: '2026-12-14T04:35:00.000Z' },
    ],
  },
};

const HEADERS = {
  ms: 'Ukuran,No. kes,Jenis,Agensi,Bulan,Mula (waktu Malaysia),Tamat (waktu Malaysia),Jam bekerja,Sasaran (jam bekerja),Jam dikecualikan (penangguhan pengguna),Dicapai',
  en: 'Measure,Case no.,Kind,Agency,Month,Started (Malaysia time),Ended (Malaysia time),Working hours,Target (working hours),Hours excluded (user-requested delay),Met',
};
const WORDS = {
  ms: { ticketResponse: 'Maklum balas pertama tiket', ticketResolution: 'Penyelesaian tiket', apDecision: 'Keputusan AP', issue: 'Pengeluaran sijil', visit: 'Lawatan di lokasi', yes: 'Ya', no: 'Tidak' },
  en: { ticketResponse: 'Ticket first response', ticketResolution: 'Ticket resolution', apDecision: 'AP decision', issue: 'Certificate issue', visit: 'On-site visit', yes: 'Yes', no: 'No' },
};

/** The measurements CSV in `lang`, row by row as written out above (Malaysian times). */
export function expectedCsv(lang: 'ms' | 'en'): string {
  const w = WORDS[lang];
  const rows = [
    `${w.ticketResponse},${AD1},AD,KKM,2026-11,2026-11-16 09:00,2026-11-18 11:00,20,9,0,${w.no}`,
    `${w.ticketResolution},${AD1},AD,KKM,2026-11,2026-11-16 09:00,2026-11-19 15:00,33,135,0,${w.yes}`,
    `${w.apDecision},${UC1},UC,KKM,2026-11,2026-11-16 09:00,2026-11-17 10:00,10,27,0,${w.yes}`,
    `${w.issue},${UC1},UC,KKM,2026-11,2026-11-17 10:00,2026-11-18 11:00,10,27,0,${w.yes}`,
    `${w.ticketResponse},${AD2},AD,JKNKDH,2026-12,2026-12-07 09:00,2026-12-07 09:00,0,9,0,${w.yes}`,
    `${w.ticketResolution},${AD2},AD,JKNKDH,2026-12,2026-12-07 09:00,,55,135,0,`,
    `${w.visit},${AD2},AD,JKNKDH,2026-12,2026-12-07 09:00,,55,48,0,${w.no}`,
    `${w.ticketResponse},${AD3},AD,KKM,2026-12,2026-12-07 09:00,2026-12-07 09:00,0,9,0,${w.yes}`,
    `${w.ticketResolution},${AD3},AD,KKM,2026-12,2026-12-07 09:00,2026-12-14 12:30,48.5,135,0,${w.yes}`,
    `${w.visit},${AD3},AD,KKM,2026-12,2026-12-07 09:00,2026-12-14 12:30,0.5,48,48,${w.yes}`,
    `${w.apDecision},${UC2},UC,KKM,2026-12,2026-12-15 09:00,,1,27,0,`,
  ];
  return `\uFEFF${[HEADERS[lang], ...rows].join('\r\n')}\r\n`;
}

/** The satisfaction CSV in Malay: the comment that looks like a formula starts with an apostrophe, quotes doubled. */
export const SATISFACTION_CSV_MS = `\uFEFF${[
  'No. kes,Jenis,Agensi,Bulan,Markah (1-5),Ulasan,Dinilai pada (waktu Malaysia)',
  `${UC1},UC,KKM,2026-11,4,"Proses mudah, terima kasih",2026-11-19 15:00`,
  `${AD1},AD,KKM,2026-11,2,"'=HYPERLINK(""http://contoh.test"",""klik"")",2026-11-19 15:05`,
  `${AD3},AD,KKM,2026-12,5,Pegawai teknikal sangat membantu.,2026-12-14 12:35`,
].join('\r\n')}\r\n`;
