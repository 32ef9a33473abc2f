/**
 * Private keys the service generates for training certificates, kept only until the holder
 * downloads them as PKCS#12 (then deleted).
 *
 * Promises: keys are stored encrypted at rest and never returned in the clear; `csr` and
 * `pkcs12` return `undefined` once the key is gone (destroyed, or never existed); `destroy` of an
 * unknown id is a no-op; the PKCS#12 is protected by the password given, which is not stored.
 */
export interface KeyEscrow {
  /** Generates a key pair and keeps its private half; returns the key's id. */
  create(ownerId: string): Promise<string>;
  /** A PKCS#10 request signed by the kept key, proving possession to the CA. */
  csr(keyId: string, commonName: string): Promise<string | undefined>;
  /** The key with its certificate and the chain as PKCS#12 (DER), under `password`. */
  pkcs12(keyId: string, opts: { certPem: string; chainPem: string; password: string; friendlyName: string }): Promise<Buffer | undefined>;
  destroy(keyId: string): Promise<void>;
}
