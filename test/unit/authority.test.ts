import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  decidersAmong,
  mayDecide,
  mayFollow,
  mayPerform,
  pendingTask,
  refusalFor,
  taskOf,
  tasksFor,
  taskScope,
  waitingStatuses,
  type Refusal,
  type Task,
} from '../../domain/cases/authority.js';
import type { Case, CaseKind } from '../../domain/cases/case.js';
import type { Person, Role } from '../../domain/people.js';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import { decideAdvisory, recordAdvisoryHeld } from '../../domain/usecases/advisory.js';
import { decidersOf, listTasksFor } from '../../domain/usecases/authority.js';
import { agentAct } from '../../domain/usecases/complaint.js';
import type { HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { decideOnsite, fileVisitReport } from '../../domain/usecases/onsite.js';
import { listTasks } from '../../domain/usecases/queries.js';
import { decideServerCase, provideServerCsr } from '../../domain/usecases/server-certificate.js';
import type { ServerDeps } from '../../domain/usecases/server-deps.js';
import { decideUserCertificate } from '../../domain/usecases/user-certificate-decide.js';
import { csrReader } from '../../infra/ca/csr-facts.js';
import { loadCalendars } from '../../infra/calendar/load.js';
import { InlineJobScheduler } from '../../infra/queue/inline.js';
import { createEmbeddedStore, type EmbeddedStore } from '../../infra/store/embedded/index.js';
import { removeDir } from '../support/bot.js';
import { coreDepsOn } from '../support/core-deps.js';

const person = (id: string, agencyId: string | undefined, roles: Role[]): Person => ({
  id,
  name: id,
  ...(agencyId ? { agencyId } : {}),
  roles,
  identities: [],
});

/** Every role the directory knows, and the people a case names, in both agencies that matter. */
const PEOPLE: readonly Person[] = [
  person('applicant', 'KKM', ['USER']),
  person('ap', 'KKM', ['USER', 'AP']),
  person('ap-2', 'KKM', ['USER', 'AP']),
  person('ap-jpa', 'JPA', ['USER', 'AP']),
  person('ap-no-agency', undefined, ['USER', 'AP']),
  person('sa', 'KKM', ['USER', 'SA']),
  person('tech', 'KKM', ['USER', 'TECHNICAL_OFFICER']),
  person('verifier', 'KKM', ['USER', 'VERIFYING_OFFICER']),
  person('verifier-2', 'KKM', ['USER', 'VERIFYING_OFFICER']),
  person('lead', 'MAMPU', ['USER', 'LEAD_AGENCY']),
  person('lead-2', 'MAMPU', ['USER', 'LEAD_AGENCY']),
  person('agent', 'MAMPU', ['USER', 'HELPDESK_AGENT']),
  person('agent-2', 'MAMPU', ['USER', 'HELPDESK_AGENT']),
  person('admin', 'MAMPU', ['USER', 'ADMIN']),
  person('nobody', undefined, []),
];
const byId = (id: string) => PEOPLE.find((p) => p.id === id)!;

interface Row {
  name: string;
  kind: CaseKind;
  status: string;
  applicantId?: string;
  agencyId?: string;
  data?: Record<string, unknown>;
  /** What the case waits on, and exactly who may do it. */
  task?: Task;
  deciders: string[];
}

const APS = ['ap', 'ap-2'];
const LEADS = ['lead', 'lead-2'];
const AGENTS = ['agent', 'agent-2'];
const server = (patch: Record<string, unknown> = {}) => ({
  operation: 'new',
  certType: 'single',
  systemName: 'Portal',
  domains: ['portal.moh.gov.my'],
  justification: 'x',
  techId: 'tech',
  verifierId: 'verifier',
  ...patch,
});
const ticket = (onsite?: Record<string, unknown>) => ({
  category: 'token',
  application: 'ePerolehan',
  description: 'x',
  offeredFaq: [],
  messages: [],
  ...(onsite
    ? { onsite: { requestedById: 'agent', requestedAt: '2026-12-07T01:00:00Z', triedOnline: 'x', pauses: [], reports: [], ...onsite } }
    : {}),
});
const advisory = {
  topic: 'x',
  description: 'x',
  systems: 'x',
  mode: 'online',
  attendees: 'x',
  preferredDates: ['2026-12-15T00:00:00.000Z'],
};

/** Every state of every lifecycle that has a decision, and some that have none. */
const ROWS: readonly Row[] = [
  {
    name: 'user certificate awaiting its AP',
    kind: 'UC',
    status: 'MENUNGGU_PENGESAHAN_AP',
    data: { operation: 'new' },
    task: 'verify',
    deciders: APS,
  },
  {
    name: 'user-certificate renewal awaiting its AP',
    kind: 'UC',
    status: 'MENUNGGU_PENGESAHAN_AP',
    data: { operation: 'renew' },
    task: 'verify',
    deciders: APS,
  },
  {
    name: 'user-certificate revocation awaiting its AP',
    kind: 'UC',
    status: 'MENUNGGU_PENGESAHAN_AP',
    data: { operation: 'revoke', requestedBy: 'applicant' },
    task: 'verify',
    deciders: APS,
  },
  {
    name: 'user-certificate replacement awaiting its AP',
    kind: 'UC',
    status: 'MENUNGGU_PENGESAHAN_AP',
    data: { operation: 'replace' },
    task: 'verify',
    deciders: APS,
  },
  {
    name: 'training certificate awaiting its AP',
    kind: 'TC',
    status: 'MENUNGGU_PENGESAHAN_AP',
    data: { operation: 'new' },
    task: 'verify',
    deciders: APS,
  },
  {
    name: "an AP's own application",
    kind: 'UC',
    status: 'MENUNGGU_PENGESAHAN_AP',
    applicantId: 'ap',
    data: { operation: 'new' },
    task: 'verify',
    deciders: ['ap-2'],
  },
  {
    name: 'user certificate of a case with no agency',
    kind: 'UC',
    status: 'MENUNGGU_PENGESAHAN_AP',
    agencyId: '',
    data: { operation: 'new' },
    task: 'verify',
    deciders: [],
  },
  { name: 'user certificate returned for correction', kind: 'UC', status: 'PERLU_PEMBETULAN', data: { operation: 'new' }, deciders: [] },
  { name: 'user certificate at the CA', kind: 'UC', status: 'DIHANTAR_KE_CA', data: { operation: 'new' }, deciders: [] },
  {
    name: 'fast-tracked revocation at the CA',
    kind: 'UC',
    status: 'DIHANTAR_KE_CA',
    data: { operation: 'revoke', requestedBy: 'applicant' },
    deciders: [],
  },
  { name: 'server certificate awaiting its CSR', kind: 'SC', status: 'MENUNGGU_CSR', data: server(), task: 'csr', deciders: ['tech'] },
  {
    name: 'server certificate awaiting endorsement',
    kind: 'SC',
    status: 'MENUNGGU_PENGESAHAN',
    data: server(),
    task: 'endorse',
    deciders: ['verifier'],
  },
  {
    name: 'server revocation awaiting endorsement',
    kind: 'SC',
    status: 'MENUNGGU_PENGESAHAN',
    data: server({ operation: 'revoke', requestedBy: 'tech' }),
    task: 'endorse',
    deciders: ['verifier'],
  },
  {
    name: 'server certificate awaiting the lead agency',
    kind: 'SC',
    status: 'MENUNGGU_KELULUSAN_PENERAJU',
    data: server(),
    task: 'approve',
    deciders: LEADS,
  },
  {
    name: "a lead officer's own server certificate",
    kind: 'SC',
    status: 'MENUNGGU_KELULUSAN_PENERAJU',
    applicantId: 'lead',
    data: server(),
    task: 'approve',
    deciders: ['lead-2'],
  },
  {
    name: 'server certificate a lead officer endorsed',
    kind: 'SC',
    status: 'MENUNGGU_KELULUSAN_PENERAJU',
    data: server({ verifierId: 'lead' }),
    task: 'approve',
    deciders: ['lead-2'],
  },
  { name: 'server certificate at the CA', kind: 'SC', status: 'DIHANTAR_KE_CA', data: server(), deciders: [] },
  ...(['BARU', 'DITERIMA', 'DALAM_TINDAKAN', 'MENUNGGU_PENGGUNA', 'TOLAK_TAPAK', 'LAWATAN_SELESAI', 'DIBUKA_SEMULA'] as const).map(
    (status): Row => ({ name: `complaint ${status}`, kind: 'AD', status, data: ticket(), task: 'ticket', deciders: AGENTS }),
  ),
  {
    name: "an agent's own complaint",
    kind: 'AD',
    status: 'BARU',
    applicantId: 'agent',
    data: ticket(),
    task: 'ticket',
    deciders: ['agent-2'],
  },
  {
    name: 'on-site visit awaiting the lead agency',
    kind: 'AD',
    status: 'MOHON_KELULUSAN_TAPAK',
    data: ticket({}),
    task: 'onsiteApproval',
    deciders: LEADS,
  },
  {
    name: "on-site visit on a lead officer's own complaint",
    kind: 'AD',
    status: 'MOHON_KELULUSAN_TAPAK',
    applicantId: 'lead',
    data: ticket({ requestedById: 'lead' }),
    task: 'onsiteApproval',
    deciders: ['lead-2'],
  },
  {
    name: 'visit scheduled with its officer',
    kind: 'AD',
    status: 'DIJADUALKAN',
    data: ticket({ officerId: 'tech' }),
    task: 'visitReport',
    deciders: ['tech'],
  },
  ...(['LULUS_TAPAK', 'SELESAI', 'DITUTUP'] as const).map((status): Row => ({
    name: `complaint ${status}`,
    kind: 'AD',
    status,
    data: ticket({}),
    deciders: [],
  })),
  { name: 'advisory request DIMOHON', kind: 'KN', status: 'DIMOHON', data: advisory, task: 'advisory', deciders: LEADS },
  { name: 'advisory request DISEMAK', kind: 'KN', status: 'DISEMAK', data: advisory, task: 'advisory', deciders: LEADS },
  {
    name: "a lead officer's own advisory request",
    kind: 'KN',
    status: 'DIMOHON',
    applicantId: 'lead',
    data: advisory,
    task: 'advisory',
    deciders: ['lead-2'],
  },
  { name: 'advisory session scheduled', kind: 'KN', status: 'DIJADUALKAN', data: advisory, task: 'advisoryHeld', deciders: LEADS },
  { name: 'advisory request declined', kind: 'KN', status: 'DITOLAK', data: advisory, deciders: [] },
  { name: 'advisory session held', kind: 'KN', status: 'SELESAI', data: advisory, deciders: [] },
];

const caseOf = (r: Row, id = r.name): Case<unknown> => ({
  id,
  kind: r.kind,
  status: r.status,
  applicantId: r.applicantId ?? 'applicant',
  ...(r.agencyId === '' ? {} : { agencyId: r.agencyId ?? byId(r.applicantId ?? 'applicant').agencyId }),
  data: r.data ?? {},
  timeline: [],
  version: 1,
  createdAt: '2026-12-07T01:00:00Z',
  updatedAt: '2026-12-07T01:00:00Z',
});

describe('decision authority (domain/cases/authority.ts)', () => {
  for (const row of ROWS) {
    describe(row.name, () => {
      const c = caseOf(row);
      it(`waits on ${row.task ?? 'nobody'}`, () => {
        expect(pendingTask(c)).to.equal(row.task);
      });
      it(`may be decided by exactly: ${row.deciders.join(', ') || 'nobody'}`, () => {
        const table = Object.fromEntries(PEOPLE.map((p) => [p.id, { mayDecide: mayDecide(p, c), taskOf: taskOf(p, c) }]));
        const expected = Object.fromEntries(
          PEOPLE.map((p) => [p.id, { mayDecide: row.deciders.includes(p.id), taskOf: row.deciders.includes(p.id) ? row.task : undefined }]),
        );
        expect(table).to.deep.equal(expected);
        expect(decidersAmong(c, PEOPLE).map((p) => p.id)).to.deep.equal(row.deciders);
      });
    });
  }

  it('lists in tugasan exactly the cases each person may decide, with their tasks', () => {
    const cases = ROWS.map((r) => caseOf(r));
    for (const p of PEOPLE) {
      const expected = ROWS.filter((r) => r.deciders.includes(p.id)).map((r) => `${r.name}:${r.task}`);
      expect(
        tasksFor(p, cases).map(({ c, task }) => `${c.id}:${task}`),
        p.id,
      ).to.deep.equal(expected);
    }
  });

  it('nobody decides their own application, whatever roles they hold', () => {
    const own: [Task, Row['kind'], string, Record<string, unknown>][] = [
      ['verify', 'UC', 'MENUNGGU_PENGESAHAN_AP', { operation: 'new' }],
      ['approve', 'SC', 'MENUNGGU_KELULUSAN_PENERAJU', server()],
      ['ticket', 'AD', 'BARU', ticket()],
      ['onsiteApproval', 'AD', 'MOHON_KELULUSAN_TAPAK', ticket({})],
      ['advisory', 'KN', 'DIMOHON', advisory],
      ['advisoryHeld', 'KN', 'DIJADUALKAN', advisory],
    ];
    const everything = person('all-roles', 'KKM', [
      'USER',
      'AP',
      'SA',
      'VERIFYING_OFFICER',
      'TECHNICAL_OFFICER',
      'LEAD_AGENCY',
      'HELPDESK_AGENT',
      'ADMIN',
    ]);
    for (const [task, kind, status, data] of own) {
      const c = { ...caseOf({ name: task, kind, status, data, deciders: [] }), applicantId: everything.id, agencyId: 'KKM' };
      expect(refusalFor(everything, c, task), task).to.equal('SELF_APPROVAL');
      expect(mayDecide(everything, c), task).to.equal(false);
    }
    // A server case's other people cannot endorse or approve it either.
    const sc = caseOf({
      name: 'sc',
      kind: 'SC',
      status: 'MENUNGGU_PENGESAHAN',
      data: server({ operation: 'revoke', requestedBy: 'verifier-2' }),
      deciders: [],
    });
    expect(
      ['applicant', 'tech', 'verifier-2'].map((id) => refusalFor({ ...byId(id), roles: ['LEAD_AGENCY'] }, sc, 'endorse')),
    ).to.deep.equal(['SELF_APPROVAL', 'SELF_APPROVAL', 'SELF_APPROVAL']);
    expect(
      ['applicant', 'tech', 'verifier', 'verifier-2'].map((id) => refusalFor({ ...byId(id), roles: ['LEAD_AGENCY'] }, sc, 'approve')),
    ).to.deep.equal(['SELF_APPROVAL', 'SELF_APPROVAL', 'SELF_APPROVAL', 'SELF_APPROVAL']);
  });

  it('an AP verifies for their own agency only', () => {
    const c = caseOf(ROWS[0]!);
    const refusals: Record<string, Refusal | undefined> = Object.fromEntries(
      ['ap', 'ap-jpa', 'ap-no-agency', 'sa', 'lead', 'admin', 'nobody'].map((id) => [id, refusalFor(byId(id), c, 'verify')]),
    );
    expect(refusals).to.deep.equal({
      ap: undefined,
      'ap-jpa': 'WRONG_AGENCY',
      'ap-no-agency': 'WRONG_AGENCY',
      sa: 'ROLE_REQUIRED',
      lead: 'ROLE_REQUIRED',
      admin: 'ROLE_REQUIRED',
      nobody: 'ROLE_REQUIRED',
    });
    // The case's agency is what counts.
    expect(mayDecide(byId('ap-jpa'), { ...c, agencyId: 'JPA' })).to.equal(true);
  });

  it("a task of another kind of case is nobody's", () => {
    expect(mayPerform(byId('ap'), caseOf(ROWS.find((r) => r.kind === 'SC')!), 'verify')).to.equal(false);
    expect(mayPerform(byId('lead'), caseOf(ROWS[0]!), 'approve')).to.equal(false);
  });

  it('lets the parties and the possible deciders follow a decision card, nobody else', () => {
    const onsite = caseOf(ROWS.find((r) => r.task === 'onsiteApproval')!);
    expect(PEOPLE.filter((p) => mayFollow(p, onsite)).map((p) => p.id)).to.deep.equal(['applicant', 'lead', 'lead-2', 'agent', 'agent-2']);
    const sc = caseOf(ROWS.find((r) => r.task === 'approve')!);
    expect(PEOPLE.filter((p) => mayFollow(p, sc)).map((p) => p.id)).to.deep.equal(['applicant', 'tech', 'verifier', 'lead', 'lead-2']);
  });

  it('reads the waiting statuses from the lifecycles', () => {
    expect(waitingStatuses('UC')).to.deep.equal(['MENUNGGU_PENGESAHAN_AP']);
    expect(waitingStatuses('TC')).to.deep.equal(['MENUNGGU_PENGESAHAN_AP']);
    expect(waitingStatuses('SC')).to.deep.equal(['MENUNGGU_CSR', 'MENUNGGU_PENGESAHAN', 'MENUNGGU_KELULUSAN_PENERAJU']);
    expect(waitingStatuses('AD')).to.deep.equal([
      'BARU',
      'DITERIMA',
      'DALAM_TINDAKAN',
      'MENUNGGU_PENGGUNA',
      'MOHON_KELULUSAN_TAPAK',
      'TOLAK_TAPAK',
      'DIJADUALKAN',
      'LAWATAN_SELESAI',
      'DIBUKA_SEMULA',
    ]);
    expect(waitingStatuses('KN')).to.deep.equal(['DIMOHON', 'DISEMAK', 'DIJADUALKAN']);
  });

  it('never narrows a query past a case someone may decide', () => {
    for (const row of ROWS) {
      const c = caseOf(row);
      for (const id of row.deciders) {
        const scope = taskScope(byId(id), c.kind);
        expect(scope, `${row.name} / ${id}`).to.not.equal(undefined);
        if (scope?.agencyId) expect(scope.agencyId).to.equal(c.agencyId);
        expect(waitingStatuses(c.kind)).to.include(c.status);
      }
    }
  });
});

/** What each use case answers a person who may act but whose probe stops short of a change. */
const PASSED: Record<Task, string> = {
  verify: 'CHANGED_SINCE',
  csr: 'CSR_REFUSED',
  endorse: 'CHANGED_SINCE',
  approve: 'CHANGED_SINCE',
  ticket: 'NOTE_REQUIRED',
  onsiteApproval: 'REASON_REQUIRED',
  visitReport: 'NOTE_REQUIRED',
  advisory: 'REASON_REQUIRED',
  advisoryHeld: 'REASON_REQUIRED',
};
/** The use cases' own codes for a refusal of the rule. */
const REFUSED: Record<Task, Partial<Record<Refusal, string>>> = {
  verify: { ROLE_REQUIRED: 'ROLE_REQUIRED', SELF_APPROVAL: 'SELF_APPROVAL', WRONG_AGENCY: 'WRONG_AGENCY' },
  csr: { NOT_NAMED: 'NOT_TECH' },
  endorse: { SELF_APPROVAL: 'SELF_APPROVAL', NOT_NAMED: 'NOT_YOURS' },
  approve: { ROLE_REQUIRED: 'ROLE_REQUIRED', SELF_APPROVAL: 'SELF_APPROVAL' },
  ticket: { ROLE_REQUIRED: 'ROLE_REQUIRED', SELF_APPROVAL: 'SELF_APPROVAL' },
  onsiteApproval: { ROLE_REQUIRED: 'ROLE_REQUIRED', SELF_APPROVAL: 'SELF_APPROVAL' },
  visitReport: { NOT_NAMED: 'NOT_ASSIGNED' },
  advisory: { ROLE_REQUIRED: 'ROLE_REQUIRED', SELF_APPROVAL: 'SELF_APPROVAL' },
  advisoryHeld: { ROLE_REQUIRED: 'ROLE_REQUIRED', SELF_APPROVAL: 'SELF_APPROVAL' },
};

describe('decision authority: the use cases refuse by the same rule, and the directory gives the same deciders', function () {
  this.timeout(60_000);
  let dir: string;
  let store: EmbeddedStore;
  let jobs: InlineJobScheduler;
  let deps: ServerDeps & HelpdeskDeps;
  const stored = new Map<string, Case<unknown>>();

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gpki-authority-'));
    store = createEmbeddedStore({ file: path.join(dir, 'gpki.db'), filesDir: path.join(dir, 'files') });
    jobs = new InlineJobScheduler({ file: path.join(dir, 'gpki.db') });
    deps = {
      ...coreDepsOn(store, jobs, { ca: {} as CertificateAuthority }),
      server: {
        csrReader,
        keyFingerprints: store.keyFingerprints,
        policy: { domainSuffixes: ['gov.my'], validityDays: 200, renewalWindowDays: 30 },
      },
      calendars: loadCalendars('infra/calendar/malaysia-2026.json', 'PUTRAJAYA'),
      helpdesk: {
        onsiteWindowHours: 48,
        visitSlotMinutes: 120,
        visitReminderHours: 24,
        ticketAutoCloseWorkingDays: 5,
        advisoryLeadWorkingDays: 5,
      },
    };
    for (const p of PEOPLE) await store.directory.upsertPerson(p);
    for (const row of ROWS) {
      const { id: _id, version: _v, updatedAt: _u, ...fresh } = caseOf(row);
      stored.set(row.name, await store.cases.create(fresh));
    }
  });
  after(async () => {
    await jobs.close();
    await store.close();
    removeDir(dir);
  });

  /** Asks the use case of `task` to act on the case as `actorId`, in a way that changes nothing. */
  async function probe(task: Task, caseId: string, actorId: string): Promise<string> {
    const r = await (async () => {
      switch (task) {
        case 'verify':
          return decideUserCertificate(deps, { caseId, actorId, decision: 'reject', note: 'x', seenVersion: 0 });
        case 'csr':
          return provideServerCsr(deps, { caseId, actorId, input: '' });
        case 'endorse':
        case 'approve':
          return decideServerCase(deps, { caseId, actorId, decision: task, seenVersion: 0 });
        case 'ticket':
          return agentAct(deps, { caseId, actorId, action: 'reply' });
        case 'onsiteApproval':
          return decideOnsite(deps, { caseId, actorId, decision: 'reject' });
        case 'visitReport':
          return fileVisitReport(deps, { caseId, actorId, representativePresent: true, workDone: '', resolved: false });
        case 'advisory':
          return decideAdvisory(deps, { caseId, actorId, decision: 'decline' });
        case 'advisoryHeld':
          return recordAdvisoryHeld(deps, { caseId, actorId, notes: '' });
      }
    })();
    return r.ok ? 'CHANGED' : r.error;
  }

  for (const row of ROWS.filter((r) => r.task)) {
    it(`${row.name}: the use case lets through exactly ${row.deciders.join(', ') || 'nobody'}`, async () => {
      const c = stored.get(row.name)!;
      const task = row.task!;
      const answers = Object.fromEntries(await Promise.all(PEOPLE.map(async (p) => [p.id, await probe(task, c.id, p.id)] as const)));
      const expected = Object.fromEntries(
        PEOPLE.map((p) => [p.id, row.deciders.includes(p.id) ? PASSED[task] : REFUSED[task][refusalFor(p, c, task)!]]),
      );
      expect(answers).to.deep.equal(expected);
      expect((await store.cases.get(c.id))?.version).to.equal(c.version);
    });
  }

  it('a case waiting on nobody refuses every decision as not possible now, and only then', async () => {
    const closed = stored.get('server certificate at the CA')!;
    for (const p of PEOPLE) expect(await probe('approve', closed.id, p.id)).to.equal('ALREADY_DECIDED');
    const verified = stored.get('user certificate at the CA')!;
    expect(await probe('verify', verified.id, 'ap')).to.equal('ALREADY_DECIDED');
    expect(await probe('verify', verified.id, 'ap-jpa')).to.equal('WRONG_AGENCY');
  });

  it('asks the directory for the deciders the rule names', async () => {
    for (const row of ROWS) {
      expect(await decidersOf(deps, stored.get(row.name)!), row.name).to.deep.equal(row.deciders);
    }
    // A fast-tracked revocation informs the APs who would have verified it.
    expect(await decidersOf(deps, stored.get('fast-tracked revocation at the CA')!, 'verify')).to.deep.equal(APS);
  });

  it("lists each person's tugasan from the store by the same rule", async () => {
    for (const p of PEOPLE) {
      const expected = ROWS.filter((r) => r.deciders.includes(p.id))
        .map((r) => `${stored.get(r.name)!.id}:${r.task}`)
        .sort();
      expect((await listTasksFor(deps, p.id)).map(({ c, task }) => `${c.id}:${task}`).sort(), p.id).to.deep.equal(expected);
    }
    // The certificate tasks as `tugasan` shows them: user certificates, then training ones, each by case number.
    const mine = ROWS.filter((r) => r.deciders.includes('ap-2'));
    const expected = [...mine.filter((r) => r.kind === 'UC'), ...mine.filter((r) => r.kind === 'TC')].map((r) => stored.get(r.name)!.id);
    expect((await listTasks(deps, 'ap-2')).map((c) => c.id)).to.deep.equal(expected);
  });
});
