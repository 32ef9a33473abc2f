import path from 'node:path';
import type { CertificateAuthority } from '../domain/ports/certificate-authority.js';
import type { Clock } from '../domain/ports/clock.js';
import type { Config } from '../infra/config.js';
import type { Logger } from '../infra/logger.js';
import { CfsslCertificateAuthority, readRootPem } from '../infra/ca/cfssl-ca.js';
import { EmbeddedCertificateAuthority } from '../infra/ca/embedded-ca.js';

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
 * root under DATA_DIR/ca-training: nothing that trusts the production root ever trusts a training
 * certificate. Production work waits for the production CA (it is in /readyz); a training request
 * made before the training CA is ready simply waits for its keys.
 */
export async function openCertificateAuthorities(config: Config, deps: { clock: Clock; logger: Logger }): Promise<CertificateAuthorities> {
  const { clock, logger } = deps;
  const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  const ca = config.ca.mode === 'cfssl' && config.ca.cfssl
    ? new CfsslCertificateAuthority({
      url: config.ca.cfssl.url, authKey: config.ca.cfssl.authKey, crlUrl: config.ca.cfssl.crlUrl, profiles: { server: config.ca.cfssl.profile },
      rootPem: await readRootPem(config.ca.cfssl.rootPemFile), dir: path.join(config.dataDir, 'cfssl'),
    })
    : new EmbeddedCertificateAuthority({ dir: path.join(config.dataDir, 'ca'), organization: config.caOrganization, clock: () => clock.now(), logger, crlUrl: `${publicUrl}/pki/crl` });
  let caReady = false;
  const caStarting = ca.ready().then(() => void (caReady = true)).catch((e: unknown) => logger.error({ err: e }, 'CA failed to start'));
  const trainingCa = new EmbeddedCertificateAuthority({
    dir: path.join(config.dataDir, 'ca-training'), organization: config.trainingCaOrganization, clock: () => clock.now(), logger, crlUrl: `${publicUrl}/pki/training/crl`,
  });
  const trainingCaStarting = trainingCa.ready().catch((e: unknown) => logger.error({ err: e }, 'training CA failed to start'));
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
