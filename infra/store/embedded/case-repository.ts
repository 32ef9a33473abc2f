import type { Case, CaseKind, NewCase } from '../../../domain/cases/case.js';
import { caseYear, formatCaseNumber } from '../../../domain/cases/case.js';
import { DomainError } from '../../../domain/errors.js';
import type { AuditInput } from '../../../domain/ports/audit-log.js';
import type { CaseRepository } from '../../../domain/ports/case-repository.js';
import type { Clock } from '../../../domain/ports/clock.js';
import { auditAppender } from './audit-log.js';
import { systemClock } from './clock.js';
import type { Db } from './db.js';

/** One row of `cases`: indexed columns plus the whole case as JSON in `body`. */
interface CaseRow {
  id: string;
  kind: string;
  year: number;
  seq: number;
  status: string;
  applicant_id: string;
  agency_id: string | null;
  version: number;
  body: string;
}

function toRow(c: Case<unknown>, year: number, seq: number): CaseRow {
  return {
    id: c.id,
    kind: c.kind,
    year,
    seq,
    status: c.status,
    applicant_id: c.applicantId,
    agency_id: c.agencyId ?? null,
    version: c.version,
    body: JSON.stringify(c),
  };
}

function fromRow<D>(row: CaseRow): Case<D> {
  const body = JSON.parse(row.body) as Case<D>;
  // The columns are what the queries and the optimistic check trust, so they win over the JSON.
  return { ...body, id: row.id, version: row.version };
}

const ORDER = 'ORDER BY kind, year, seq';

function prepare(db: Db) {
  return {
    nextSeq: db.prepare<[string, number], { value: number }>(
      `INSERT INTO sequences (kind, year, value) VALUES (?, ?, 1)
       ON CONFLICT (kind, year) DO UPDATE SET value = value + 1 RETURNING value`,
    ),
    insert: db.prepare<CaseRow>(
      `INSERT INTO cases (id, kind, year, seq, status, applicant_id, agency_id, version, body)
       VALUES (@id, @kind, @year, @seq, @status, @applicant_id, @agency_id, @version, @body)`,
    ),
    update: db.prepare<CaseRow & { expected: number }>(
      `UPDATE cases SET status = @status, applicant_id = @applicant_id, agency_id = @agency_id,
         version = @version, body = @body
       WHERE id = @id AND version = @expected`,
    ),
    get: db.prepare<[string], CaseRow>('SELECT * FROM cases WHERE id = ?'),
    byApplicant: db.prepare<[string], CaseRow>(`SELECT * FROM cases WHERE applicant_id = ? ${ORDER}`),
    // json_each binds the whole status list as one parameter, however long it is.
    byStatus: db.prepare<{ statuses: string; kind: string | null; agency: string | null }, CaseRow>(
      `SELECT * FROM cases
       WHERE status IN (SELECT value FROM json_each(@statuses))
         AND (@kind IS NULL OR kind = @kind)
         AND (@agency IS NULL OR agency_id = @agency)
       ${ORDER}`,
    ),
  };
}

/** What the caller gets back: exactly what a later `get` returns (JSON has no `undefined`, no Date). */
const asStored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * {@link CaseRepository} on SQLite. Numbers come from the `sequences` table, bumped in the same
 * immediate transaction that inserts the case, so a failed insert never burns a number and two
 * connections to one file never get the same one. `updateWithAudit` writes the case and its
 * audit row (the `audit_log` table of the same file) in one immediate transaction.
 */
export class SqliteCaseRepository implements CaseRepository {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly insertTx: (c: NewCase<unknown>, createdAt: string) => Case<unknown>;
  private readonly updateTx: (c: Case<unknown>, audit?: AuditInput) => Case<unknown>;
  private readonly stmts: ReturnType<typeof prepare>;

  constructor(opts: { db: Db; clock?: Clock }) {
    this.db = opts.db;
    this.clock = opts.clock ?? systemClock;
    this.stmts = prepare(this.db);
    const tx = this.db.transaction((c: NewCase<unknown>, createdAt: string): Case<unknown> => {
      // UTC year: the year of the instant as stored (ISO-8601 Z), the same on every machine.
      const year = caseYear(createdAt);
      const seq = this.stmts.nextSeq.get(c.kind, year)!.value;
      const stored: Case<unknown> = { ...c, id: formatCaseNumber(c.kind, year, seq), version: 1, createdAt, updatedAt: createdAt };
      this.stmts.insert.run(toRow(stored, year, seq));
      return stored;
    });
    // IMMEDIATE takes the write lock up front, so another connection cannot slip in between
    // reading the sequence and inserting the case.
    this.insertTx = (c, createdAt) => tx.immediate(c, createdAt);
    const appendAudit = auditAppender(this.db);
    const update = this.db.transaction((c: Case<unknown>, audit?: AuditInput): Case<unknown> => {
      const next: Case<unknown> = { ...c, version: c.version + 1, updatedAt: this.clock.now().toISOString() };
      const row = this.stmts.get.get(c.id);
      if (!row) throw new DomainError('CASE_NOT_FOUND', `No case ${c.id}`, { caseId: c.id });
      // The version check is in the WHERE clause, so it holds even against another connection.
      const result = this.stmts.update.run({ ...toRow(next, row.year, row.seq), expected: c.version });
      if (result.changes !== 1)
        throw new DomainError('CASE_STALE', `Case ${c.id} changed since version ${c.version}`, { caseId: c.id, version: c.version });
      if (audit) appendAudit(audit);
      return next;
    });
    this.updateTx = (c, audit) => update.immediate(c, audit);
  }

  async create<D>(c: NewCase<D>): Promise<Case<D>> {
    const createdAt = c.createdAt ?? this.clock.now().toISOString();
    if (Number.isNaN(Date.parse(createdAt))) throw new DomainError('INVALID_INPUT', `createdAt is not a date: ${createdAt}`);
    return asStored(this.insertTx(c, createdAt)) as Case<D>;
  }

  async get<D = Record<string, unknown>>(id: string): Promise<Case<D> | undefined> {
    const row = this.stmts.get.get(id);
    return row ? fromRow<D>(row) : undefined;
  }

  async update<D>(c: Case<D>): Promise<Case<D>> {
    return asStored(this.updateTx(c)) as Case<D>;
  }

  async updateWithAudit<D>(c: Case<D>, audit: Omit<AuditInput, 'caseId'>): Promise<Case<D>> {
    return asStored(this.updateTx(c, { ...audit, caseId: c.id })) as Case<D>;
  }

  async listByApplicant(applicantId: string): Promise<Case[]> {
    return this.stmts.byApplicant.all(applicantId).map((r) => fromRow(r));
  }

  async listByStatus(statuses: string[], filter: { kind?: CaseKind; agencyId?: string } = {}): Promise<Case[]> {
    if (statuses.length === 0) return [];
    const rows = this.stmts.byStatus.all({
      statuses: JSON.stringify(statuses),
      kind: filter.kind ?? null,
      agency: filter.agencyId ?? null,
    });
    return rows.map((r) => fromRow(r));
  }
}
