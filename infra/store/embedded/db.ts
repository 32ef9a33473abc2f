import Database from 'better-sqlite3';
import { ensurePrivateFile } from './data-dir.js';

/** A better-sqlite3 connection; every embedded adapter takes one in its options. */
export type Db = Database.Database;

/**
 * Tables owned by the embedded store. Every statement is `IF NOT EXISTS` so opening an existing
 * file is a no-op; nothing here drops or alters a table, because other components (the in-process
 * job runner) open their own connection to the same file and own their own tables.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS sequences (
  kind TEXT NOT NULL,
  year INTEGER NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (kind, year)
);
CREATE TABLE IF NOT EXISTS cases (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  year INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  applicant_id TEXT NOT NULL,
  agency_id TEXT,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (kind, year, seq)
);
CREATE INDEX IF NOT EXISTS cases_applicant ON cases (applicant_id);
CREATE INDEX IF NOT EXISTS cases_status ON cases (status, kind, agency_id);

CREATE TABLE IF NOT EXISTS certificates (
  serial TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  not_after_ms INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS certificates_owner ON certificates (owner_id, not_after_ms);
CREATE INDEX IF NOT EXISTS certificates_not_after ON certificates (not_after_ms);

CREATE TABLE IF NOT EXISTS agencies (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS people (
  id TEXT PRIMARY KEY,
  email_lower TEXT,
  agency_id TEXT,
  roles TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS people_email ON people (email_lower);
CREATE TABLE IF NOT EXISTS identities (
  channel_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  UNIQUE (channel_id, user_id)
);
CREATE INDEX IF NOT EXISTS identities_person ON identities (person_id);

CREATE TABLE IF NOT EXISTS conversations (
  conversation_id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  reference TEXT NOT NULL,
  owner TEXT NOT NULL,
  agent_id TEXT,
  last_seen_at TEXT NOT NULL,
  last_seen_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_person ON conversations (person_id, last_seen_ms);
-- The retention sweep's filters (ConversationRepository.pruneBefore).
CREATE INDEX IF NOT EXISTS conversations_last_seen ON conversations (last_seen_ms);
CREATE TABLE IF NOT EXISTS pending_messages (
  id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_person ON pending_messages (person_id, created_ms);
CREATE INDEX IF NOT EXISTS pending_created ON pending_messages (created_ms);

CREATE TABLE IF NOT EXISTS audit_log (
  case_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  data TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (case_id, seq)
);

CREATE TABLE IF NOT EXISTS files (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS bot_storage (
  key TEXT PRIMARY KEY,
  etag TEXT NOT NULL,
  body TEXT NOT NULL
);

-- The CA ledger (infra/store/embedded/ca-ledger.ts), shared by every process on this file.
-- A row without a serial is a remote CA's intent (cfssl) whose certificate was never recorded.
CREATE TABLE IF NOT EXISTS ca_certificates (
  realm TEXT NOT NULL,
  key TEXT NOT NULL,
  case_id TEXT,
  profile TEXT NOT NULL,
  subject_cn TEXT NOT NULL,
  serial TEXT,
  cert_pem TEXT,
  not_before TEXT,
  not_after TEXT,
  issued_at TEXT,
  intent_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (realm, key)
);
CREATE UNIQUE INDEX IF NOT EXISTS ca_certificates_serial ON ca_certificates (realm, serial);
CREATE TABLE IF NOT EXISTS ca_revocations (
  realm TEXT NOT NULL,
  serial TEXT NOT NULL,
  reason TEXT NOT NULL,
  revoked_at TEXT NOT NULL,
  PRIMARY KEY (realm, serial)
);
CREATE TABLE IF NOT EXISTS ca_realms (
  realm TEXT PRIMARY KEY,
  revision INTEGER NOT NULL DEFAULT 0,
  crl_number INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS ca_material (
  realm TEXT PRIMARY KEY,
  blob TEXT NOT NULL
);
`;

/**
 * Opens (creating if needed) the embedded database at `file` (a path, or `:memory:`) with WAL,
 * a 5 s busy timeout (another connection, e.g. the job runner, may hold the write lock briefly)
 * and foreign keys on, and creates the store's tables. A database file is made 0600 before it opens.
 */
export function openEmbeddedDb(file: string): Db {
  if (file !== ':memory:' && file !== '') ensurePrivateFile(file);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // NORMAL is durable across application crashes in WAL mode and much faster than FULL.
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
