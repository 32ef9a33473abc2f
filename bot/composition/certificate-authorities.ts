import path from 'node:path';
import { isDomainError } from '../../domain/errors.js';
import type { CaLedger } from '../../domain/ports/ca-ledger.js';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { Config } from '../../infra/config.js';
import type { Logger } from '../../infra/logger.js';
import { CfsslCertificateAuthority, readRootPem } from '../../infra/ca/cfssl-ca.js';
import { EmbeddedCertificateAuthority } from '../../infra/ca/embedded-ca.js';
import { caKeySecret } from './secrets.js';

export interface CertificateAuthorities {
  /** User and server certificates: the embedded CA, or a remote cfssl with CA_MODE=cfssl. */
  ca: CertificateAuthority & { close(): Promise<void> };
  /** Training certificates: always embedded, with their own root. */
  trainingCa: EmbeddedCertificateAuthority;
  /** Whether the production CA is ready (it gates /readyz; the training CA does not). */
  ready(): boolean;
  /** Waits for both CAs to finish starting, then closes them. */
  close(): Promise<void>;
}

/**
 * The two certificate authorities, started in the background. Training certificates get their own
 * root (realm `training`, local copy under DATA_DIR/ca-training): nothing that trusts the
 * production root ever trusts a training certificate. Both keep their ledger and keys in the
 * store (`ledger`), so every process and host is the same CA. Production work waits for the
 * production CA (it is in /readyz); a training request made before the training CA is ready
 * simply waits for its keys.
 *
 * Throws ConfigError when the CA keys cannot be shared (no CA_KEY_SECRET with MongoDB). A start
 * that fails on configuration (the store holds a different CA, CA_KEY_SECRET does not open its
 * keys) will not fix itself: it goes to `onConfigError` (the command line exits 78).
 */
export async function openCertificateAuthorities(
  config: Config,
  deps: { clock: Clock; logger: Logger; ledger: CaLedger; onConfigError?: (e: Error) => void },
): Promise<CertificateAuthorities> {
  const { clock, logger, ledger } = deps;
  const failed = (what: string) => (e: unknown) => {
    logger.error({ err: e }, `${what} failed to start`);
    if (isDomainError(e) && e.code === 'CONFIG_INVALID') deps.onConfigError?.(e);
  };
  const keySecret = caKeySecret(config);
  const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  const ca =
    config.ca.mode === 'cfssl' && config.ca.cfssl
      ? new CfsslCertificateAuthority({
          url: config.ca.cfssl.url,
          authKey: config.ca.cfssl.authKey,
          crlUrl: config.ca.cfssl.crlUrl,
          profiles: { server: config.ca.cfssl.profile },
          rootPem: await readRootPem(config.ca.cfssl.rootPemFile),
          ledger,
          dir: path.join(config.dataDir, 'cfssl'),
          logger,
        })
      : new EmbeddedCertificateAuthority({
          dir: path.join(config.dataDir, 'ca'),
          ledger,
          realm: 'user',
          keySecret,
          organization: config.caOrganization,
          clock: () => clock.now(),
          logger,
          crlUrl: `${publicUrl}/pki/crl`,
        });
  let caReady = false;
  const caStarting = ca
    .ready()
    .then(() => void (caReady = true))
    .catch(failed('CA'));
  const trainingCa = new EmbeddedCertificateAuthority({
    dir: path.join(config.dataDir, 'ca-training'),
    ledger,
    realm: 'training',
    keySecret,
    organization: config.trainingCaOrganization,
    clock: () => clock.now(),
    logger,
    crlUrl: `${publicUrl}/pki/training/crl`,
  });
  // The training CA's keys are made once the user CA's are (on a first start both take every core);
  // /readyz waits only for the user CA, and any training operation before then makes them itself.
  const trainingCaStarting = caStarting.then(() => trainingCa.ready()).catch(failed('training CA'));
  return {
    ca,
    trainingCa,
    ready: () => caReady,
    close: async () => {
      await caStarting;
      await trainingCaStarting;
      await ca.close();
      await trainingCa.close();
    },
  };
}
