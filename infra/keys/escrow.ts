/**
 * {@link KeyEscrow} over the FileStore: each generated private key is sealed with AES-256-GCM under
 * a key derived (HKDF-SHA256, a fresh salt per key) from a server secret, so a copy of the store
 * alone reveals nothing. The PKCS#12 is built with node-forge (which can, unlike node:crypto).
 */
import { createCipheriv, createDecipheriv, generateKeyPair, hkdfSync, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import type { FileStore } from '../../domain/ports/file-store.js';
import type { KeyEscrow } from '../../domain/ports/key-escrow.js';

const generateKeyPairAsync = promisify(generateKeyPair);

const BLOB_NAME = 'training-key.sealed';
const INFO = Buffer.from('gpki/key-escrow/v1');
// Bound into every seal, so a sealed key cannot be passed off as any other sealed value.
const AAD = Buffer.from('gpki training private key');
const VERSION = 1;

/**
 * Sealed blob: version (1) | salt (16) | iv (12) | tag (16) | ciphertext. `aad` names what the
 * blob is (the CA's keys use their own), so one sealed value never opens as another.
 */
export function seal(secret: string, plaintext: Buffer, aad: Buffer = AAD): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret), salt, INFO, 32));
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), salt, iv, cipher.getAuthTag(), ct]);
}

export function unseal(secret: string, blob: Buffer, aad: Buffer = AAD): Buffer {
  if (blob[0] !== VERSION || blob.length < 1 + 16 + 12 + 16 + 1) throw new Error('sealed key: unknown format');
  const salt = blob.subarray(1, 17);
  const iv = blob.subarray(17, 29);
  const tag = blob.subarray(29, 45);
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret), salt, INFO, 32));
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(blob.subarray(45)), decipher.final()]);
}

export class FileStoreKeyEscrow implements KeyEscrow {
  constructor(private readonly opts: { files: FileStore; secret: string }) {
    if (opts.secret.length < 16) throw new Error('key escrow secret must be at least 16 characters');
  }

  async create(ownerId: string): Promise<string> {
    const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
    const pem = Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }));
    // The owner id is prefixed so the sealed key can never pass for one of the person's uploads.
    const stored = await this.opts.files.put({
      ownerId: `key-escrow:${ownerId}`,
      name: BLOB_NAME,
      contentType: 'application/octet-stream',
      bytes: seal(this.opts.secret, pem),
    });
    pem.fill(0);
    return stored.id;
  }

  async csr(keyId: string, commonName: string): Promise<string | undefined> {
    const key = await this.key(keyId);
    if (!key) return undefined;
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    // The CA takes only the public key from the request; the name is for people reading it.
    csr.setSubject([
      { name: 'commonName', value: commonName.slice(0, 64), valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class },
    ]);
    csr.sign(key, forge.md.sha256.create());
    return forge.pki.certificationRequestToPem(csr);
  }

  async pkcs12(
    keyId: string,
    opts: { certPem: string; chainPem: string; password: string; friendlyName: string },
  ): Promise<Buffer | undefined> {
    const key = await this.key(keyId);
    if (!key) return undefined;
    const pems = [opts.certPem, ...(opts.chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [])];
    const certs = pems.map((p) => forge.pki.certificateFromPem(p));
    const p12 = forge.pkcs12.toPkcs12Asn1(key, certs, opts.password, {
      algorithm: 'aes256',
      friendlyName: opts.friendlyName,
      generateLocalKeyId: true,
    });
    return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
  }

  async destroy(keyId: string): Promise<void> {
    const f = await this.opts.files.get(keyId);
    if (f && f.meta.name === BLOB_NAME) await this.opts.files.delete(keyId);
  }

  private async key(keyId: string): Promise<forge.pki.rsa.PrivateKey | undefined> {
    const f = await this.opts.files.get(keyId);
    if (!f || f.meta.name !== BLOB_NAME) return undefined;
    const pem = unseal(this.opts.secret, f.bytes);
    try {
      return forge.pki.privateKeyFromPem(pem.toString('utf8')) as forge.pki.rsa.PrivateKey;
    } finally {
      pem.fill(0);
    }
  }
}
