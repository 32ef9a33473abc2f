import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../../domain/ports/clock.js';
import type { StorePorts } from '../store-ports.js';
import { SqliteAuditLog } from './audit-log.js';
import { SqliteAuditCheckpoints } from './audit-checkpoints.js';
import { SqliteCaseRepository } from './case-repository.js';
import { SqliteCertificateRepository } from './certificate-repository.js';
import { SqliteConversationRepository } from './conversation-repository.js';
import { PRIVATE_DIR_MODE } from './data-dir.js';
import { openEmbeddedDb, type Db } from './db.js';
import { SqliteDirectory } from './directory.js';
import { EmbeddedFileStore } from './file-store.js';
import { SqliteStorage } from './storage.js';
import { SqliteKeyFingerprints } from './key-fingerprints.js';

export { openEmbeddedDb, type Db } from './db.js';
export { SqliteAuditLog } from './audit-log.js';
export { SqliteAuditCheckpoints } from './audit-checkpoints.js';
export { SqliteCaseRepository } from './case-repository.js';
export { SqliteCertificateRepository } from './certificate-repository.js';
export { SqliteConversationRepository } from './conversation-repository.js';
export { SqliteDirectory } from './directory.js';
export { EmbeddedFileStore } from './file-store.js';
export { SqliteStorage } from './storage.js';
export { EtagConflictError } from '../etag-conflict.js';

export interface EmbeddedStoreOptions {
  /** SQLite database file (0600; its folder, when missing, is created 0700), or `:memory:`. */
  file: string;
  /** Folder for uploaded files' bytes (created 0700 if missing; files 0600). */
  filesDir: string;
  /** Time source for createdAt/updatedAt; the system clock when absent. */
  clock?: Clock;
}

/** Every storage port on one embedded database. */
export interface EmbeddedStore extends StorePorts {
  db: Db;
}

/** Opens the embedded store (the default run mode: no external services). */
export function createEmbeddedStore(opts: EmbeddedStoreOptions): EmbeddedStore {
  // An existing folder is left as it is: it may be shared (DATA_DIR itself is tightened at start).
  if (opts.file !== ':memory:') mkdirSync(dirname(opts.file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const db = openEmbeddedDb(opts.file);
  const { clock } = opts;
  return {
    db,
    cases: new SqliteCaseRepository({ db, clock }),
    certificates: new SqliteCertificateRepository({ db }),
    directory: new SqliteDirectory({ db }),
    conversations: new SqliteConversationRepository({ db }),
    audit: new SqliteAuditLog({ db }),
    auditCheckpoints: new SqliteAuditCheckpoints({ db }),
    files: new EmbeddedFileStore({ db, dir: opts.filesDir, clock }),
    storage: new SqliteStorage({ db, clock }),
    keyFingerprints: new SqliteKeyFingerprints({ db, clock }),
    close: async () => {
      if (db.open) db.close();
    },
  };
}
