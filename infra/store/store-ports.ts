import type { Storage } from 'botbuilder';
import type { AuditLog } from '../../domain/ports/audit-log.js';
import type { AuditCheckpoints } from '../../domain/ports/audit-checkpoints.js';
import type { CaseRepository } from '../../domain/ports/case-repository.js';
import type { CertificateRepository } from '../../domain/ports/certificate-repository.js';
import type { BotStateRetention, ConversationRepository } from '../../domain/ports/conversation-repository.js';
import type { Directory } from '../../domain/ports/directory.js';
import type { FileStore } from '../../domain/ports/file-store.js';
import type { KeyFingerprints } from '../../domain/ports/key-fingerprints.js';

/** Every storage port, as each store (embedded, MongoDB) provides them on one connection. */
export interface StorePorts {
  cases: CaseRepository;
  certificates: CertificateRepository;
  directory: Directory;
  conversations: ConversationRepository;
  audit: AuditLog;
  /** Signed checkpoints of the audit trail and the audit signing key's sealed copy. */
  auditCheckpoints: AuditCheckpoints;
  files: FileStore;
  /** The bot's turn state (botbuilder Storage), pruned by last write (BotStateRetention). */
  storage: Storage & BotStateRetention;
  /** Public keys seen in server-certificate requests. */
  keyFingerprints: KeyFingerprints;
  /** Closes the connection; the adapters must not be used afterwards. */
  close(): Promise<void>;
}
