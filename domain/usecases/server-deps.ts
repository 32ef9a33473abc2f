import type { CsrReader } from '../ports/csr-reader.js';
import type { KeyFingerprints } from '../ports/key-fingerprints.js';
import type { CoreDeps } from './deps.js';

/** Settings of server certificates, from configuration. */
export interface ServerPolicy {
  /** Suffixes every name must sit under (default `gov.my`). */
  domainSuffixes: string[];
  validityDays: number;
  /** Renewal opens this many days before expiry (DOMAIN.md 2.5: 30). */
  renewalWindowDays: number;
}

/** What server-certificate use cases need beyond the core. */
export interface ServerPorts {
  csrReader: CsrReader;
  keyFingerprints: KeyFingerprints;
  policy: ServerPolicy;
}

export type ServerDeps = CoreDeps & { server: ServerPorts };
