import type { CsrFacts } from '../rules/server-csr.js';

/** Reads PKCS#10 requests (PEM text or DER bytes) into facts; infra does the ASN.1 and crypto. */
export interface CsrReader {
  /** Undefined when the input is not a readable PKCS#10 request. `pem` is the request as PEM. */
  read(input: Uint8Array | string): { facts: CsrFacts; pem: string } | undefined;
}
