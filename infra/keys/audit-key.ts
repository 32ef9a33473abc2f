/**
 * The audit signing key (ECDSA P-256), kept like the CA keys (infra/ca/shared-material.ts): a
 * local copy in DATA_DIR/audit (folder 0700, `audit.key.pem` PKCS#8 and `audit.pub.pem`, files
 * 0600) and a copy in the shared store sealed under CA_KEY_SECRET, so every process and host
 * signs checkpoints with the one key.
 *
 * At open: local file → load it, publish it if the store has none, refuse if the store holds a
 * different key; no local file → take the store's and write it; neither → create, publish, and if
 * another process published first, take theirs.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { keyIdOf } from '../../domain/audit-checkpoint.js';
import { DomainError } from '../../domain/errors.js';
import type { AuditCheckpoints, CheckpointSigner } from '../../domain/ports/audit-checkpoints.js';
import { seal, unseal } from './escrow.js';

const KEY_FILE = 'audit.key.pem';
const PUBLIC_FILE = 'audit.pub.pem';
// Bound into the seal: the sealed audit key never opens as any other sealed value (or vice versa).
const AAD = Buffer.from('gpki audit signing key');

export interface AuditKeyOptions {
  /** DATA_DIR/audit. */
  dir: string;
  store: Pick<AuditCheckpoints, 'signingKey' | 'putSigningKeyIfAbsent'>;
  /** CA_KEY_SECRET (or the one kept in DATA_DIR). */
  secret: string;
}

async function writeAtomic(path: string, data: string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
}

const publicPemOf = (key: KeyObject): string => createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();

function signerFor(privatePem: string): CheckpointSigner {
  const key = createPrivateKey(privatePem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new DomainError('CONFIG_INVALID', 'the audit signing key must be an ECDSA P-256 key', { reason: 'AUDIT_KEY_TYPE' });
  }
  const publicKeyPem = publicPemOf(key);
  return { keyId: keyIdOf(publicKeyPem), publicKeyPem, sign: (bytes) => sign('sha256', bytes, key) };
}

function opened(blob: string, secret: string): string {
  try {
    return unseal(secret, Buffer.from(blob, 'base64'), AAD).toString('utf8');
  } catch {
    throw new DomainError(
      'CONFIG_INVALID',
      'CA_KEY_SECRET does not open the audit signing key held in the store: every process and host must use the same CA_KEY_SECRET',
      {
        key: 'CA_KEY_SECRET',
        reason: 'AUDIT_KEY_SEALED',
      },
    );
  }
}

async function readLocal(dir: string): Promise<string | undefined> {
  try {
    return await readFile(join(dir, KEY_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function writeLocal(dir: string, signer: CheckpointSigner, privatePem: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  await writeAtomic(join(dir, PUBLIC_FILE), signer.publicKeyPem);
  await writeAtomic(join(dir, KEY_FILE), privatePem);
}

/** Loads, fetches or creates the audit signing key as the module comment describes. */
export async function openAuditKey(o: AuditKeyOptions): Promise<CheckpointSigner> {
  const local = await readLocal(o.dir);
  if (local) {
    const signer = signerFor(local);
    // A copied or restored folder may have lost the mode; the key stays owner-only.
    await chmod(join(o.dir, KEY_FILE), 0o600);
    const blob =
      (await o.store.signingKey()) ??
      (await o.store.putSigningKeyIfAbsent(seal(o.secret, Buffer.from(local), AAD).toString('base64'))).blob;
    if (signerFor(opened(blob, o.secret)).keyId !== signer.keyId) {
      throw new DomainError(
        'CONFIG_INVALID',
        `${o.dir} holds a different audit signing key (${signer.keyId}) than the shared store: keep the store's (remove ${KEY_FILE} and ${PUBLIC_FILE}) or point this host at the store that holds this key`,
        { reason: 'AUDIT_KEY_MISMATCH', dir: o.dir },
      );
    }
    return signer;
  }
  let blob = await o.store.signingKey();
  if (blob === undefined) {
    const fresh = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    blob = (await o.store.putSigningKeyIfAbsent(seal(o.secret, Buffer.from(fresh), AAD).toString('base64'))).blob;
  }
  const privatePem = opened(blob, o.secret);
  const signer = signerFor(privatePem);
  await writeLocal(o.dir, signer, privatePem);
  return signer;
}

/**
 * The audit public key for readers (`npm run audit -- verify`), creating and writing nothing: this
 * host's `audit.pub.pem`, else the store's sealed key opened with `secret` (when one is known),
 * else undefined.
 */
export async function readAuditPublicKey(o: Omit<AuditKeyOptions, 'secret'> & { secret?: string }): Promise<string | undefined> {
  try {
    return await readFile(join(o.dir, PUBLIC_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const blob = await o.store.signingKey();
  if (blob === undefined || o.secret === undefined) return undefined;
  return signerFor(opened(blob, o.secret)).publicKeyPem;
}
