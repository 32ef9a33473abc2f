import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { JobScheduler } from '../../domain/ports/job-scheduler.js';
import type { CoreDeps, Policy } from '../../domain/usecases/deps.js';
import { FileStoreKeyEscrow } from '../../infra/keys/escrow.js';
import { QueuedNotifier } from '../../infra/notify/queued-notifier.js';
import type { EmbeddedStore } from '../../infra/store/embedded/index.js';

/** The rules' settings the use-case tests run with (training certificates last 20 days). */
export const TEST_POLICY: Policy = {
  emailDomains: ['gov.my'],
  maxUploadBytes: 2 * 1024 * 1024,
  userCertValidityDays: 365,
  renewalWindowDays: 30,
  trainingCertValidityDays: 20,
  trainingDownloadTtlHours: 24,
  reminderDays: [30, 14, 7],
  expiryScanUtcHour: 0,
};

/**
 * The use cases' dependencies on real adapters: the embedded store, a job scheduler, real CAs
 * (the training CA defaults to `ca` for suites that never reach training work).
 */
export function coreDepsOn(
  store: EmbeddedStore,
  jobs: JobScheduler,
  opts: { ca: CertificateAuthority; trainingCa?: CertificateAuthority; clock?: Clock },
): CoreDeps {
  return {
    cases: store.cases,
    certificates: store.certificates,
    directory: store.directory,
    audit: store.audit,
    files: store.files,
    jobs,
    notifier: new QueuedNotifier({ jobs }),
    ca: opts.ca,
    trainingCa: opts.trainingCa ?? opts.ca,
    clock: opts.clock ?? { now: () => new Date() },
    keys: new FileStoreKeyEscrow({ files: store.files, secret: 'test-escrow-secret-0123456789' }),
    policy: TEST_POLICY,
  };
}
