import type { Clock } from '../../../domain/ports/clock.js';
import type { KeyFingerprints } from '../../../domain/ports/key-fingerprints.js';
import type { Db } from './db.js';

interface Row {
  fingerprint: string;
  case_id: string;
  at: string;
}

/** Seen public keys in the embedded database; the primary key makes a claim atomic. */
export class SqliteKeyFingerprints implements KeyFingerprints {
  private readonly insert;
  private readonly get;
  private readonly clock: Clock;

  constructor(opts: { db: Db; clock?: Clock }) {
    opts.db.exec('CREATE TABLE IF NOT EXISTS key_fingerprints (fingerprint TEXT PRIMARY KEY, case_id TEXT NOT NULL, at TEXT NOT NULL)');
    this.insert = opts.db.prepare<Row>(
      'INSERT INTO key_fingerprints (fingerprint, case_id, at) VALUES (@fingerprint, @case_id, @at) ON CONFLICT (fingerprint) DO NOTHING',
    );
    this.get = opts.db.prepare<[string], Row>('SELECT * FROM key_fingerprints WHERE fingerprint = ?');
    this.clock = opts.clock ?? { now: () => new Date() };
  }

  async claim(fingerprint: string, caseId: string): Promise<{ claimed: true } | { claimed: false; caseId: string }> {
    const fp = fingerprint.toLowerCase();
    this.insert.run({ fingerprint: fp, case_id: caseId, at: this.clock.now().toISOString() });
    const row = this.get.get(fp)!;
    return row.case_id === caseId ? { claimed: true } : { claimed: false, caseId: row.case_id };
  }

  async lookup(fingerprint: string): Promise<{ caseId: string; at: string } | undefined> {
    const row = this.get.get(fingerprint.toLowerCase());
    return row ? { caseId: row.case_id, at: row.at } : undefined;
  }
}
