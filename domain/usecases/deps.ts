import type { AuditLog } from '../ports/audit-log.js';
import type { CaseRepository } from '../ports/case-repository.js';
import type { CertificateAuthority } from '../ports/certificate-authority.js';
import type { CertificateRepository } from '../ports/certificate-repository.js';
import type { Clock } from '../ports/clock.js';
import type { Directory } from '../ports/directory.js';
import type { FileStore } from '../ports/file-store.js';
import type { JobScheduler } from '../ports/job-scheduler.js';
import type { KeyEscrow } from '../ports/key-escrow.js';
import type { Notifier } from '../ports/notifier.js';

/** Settings the rules need; filled from configuration by the composition root. */
export interface Policy {
  /** Allowed official e-mail domains (each allows its subdomains). */
  emailDomains: string[];
  maxUploadBytes: number;
  userCertValidityDays: number;
  /** Renewal opens this many days before expiry (DOMAIN.md 2.2). */
  renewalWindowDays: number;
  trainingCertValidityDays: number;
  /** How long a training certificate's one-time download link (and its key) lives. */
  trainingDownloadTtlHours: number;
  /** Days before expiry a reminder is sent, e.g. [30, 14, 7]. */
  reminderDays: number[];
  /** UTC hour of the daily expiry scan (0 = 08:00 in Malaysia). */
  expiryScanUtcHour: number;
}

/** Everything a use case may touch, handed in by the composition root. */
export interface CoreDeps {
  cases: CaseRepository;
  certificates: CertificateRepository;
  directory: Directory;
  audit: AuditLog;
  files: FileStore;
  jobs: JobScheduler;
  notifier: Notifier;
  ca: CertificateAuthority;
  /** The training/test issuing CA: its own root, never trusted for production. */
  trainingCa: CertificateAuthority;
  keys: KeyEscrow;
  clock: Clock;
  policy: Policy;
}
