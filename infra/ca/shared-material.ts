/**
 * One CA per realm for every process and host: the CA's keys and certificates live in the shared
 * ledger store, the private keys sealed (AES-256-GCM, HKDF from CA_KEY_SECRET; infra/keys), and
 * each host keeps a local copy in its CA directory.
 *
 * At open: local files → load them and publish them if the store has none, refuse if the store
 * holds a different CA; no local files → take the store's and write them; neither → create,
 * publish, and if another process published first, take theirs. Every process ends on one CA.
 */
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import { DomainError } from '../../domain/errors.js';
import type { CaLedger, CaRealm } from '../../domain/ports/ca-ledger.js';
import { seal, unseal } from '../keys/escrow.js';
import { describeMaterial, generateCaMaterial, readCaFiles, writeCaFiles, type CaMaterial, type CaMaterialPems } from './ca-material.js';

/** Stored blob (JSON): the certificates in the clear, each private key sealed (base64). */
interface StoredMaterial {
  v: 1;
  rootPem: string;
  issuingPem: string;
  rootKey: string;
  issuingKey: string;
}

export interface SharedMaterialOptions {
  dir: string;
  organization: string;
  now: Date;
  ledger: CaLedger;
  realm: CaRealm;
  /** CA_KEY_SECRET (or the one kept in DATA_DIR). */
  secret: string;
}

/** `created`: made here; `local`: this host's files; `store`: another process's, copied here. */
export type MaterialOrigin = 'created' | 'local' | 'store';

// Bound into each seal: a sealed root key never opens as the issuing key or as another realm's.
const aad = (realm: CaRealm, role: 'root' | 'issuing'): Buffer => Buffer.from(`gpki CA private key: ${realm}/${role}`);

function sealMaterial(pems: CaMaterialPems, realm: CaRealm, secret: string): string {
  const sealed = (pem: string, role: 'root' | 'issuing') => seal(secret, Buffer.from(pem), aad(realm, role)).toString('base64');
  const stored: StoredMaterial = {
    v: 1,
    rootPem: pems.rootPem,
    issuingPem: pems.issuingPem,
    rootKey: sealed(pems.rootKeyPem, 'root'),
    issuingKey: sealed(pems.issuingKeyPem, 'issuing'),
  };
  return JSON.stringify(stored);
}

function parse(blob: string, realm: CaRealm): StoredMaterial {
  const stored = JSON.parse(blob) as StoredMaterial;
  if (stored?.v !== 1)
    throw new DomainError('CONFIG_INVALID', `CA material of realm ${realm} in the store has an unknown format`, { realm });
  return stored;
}

function openMaterial(stored: StoredMaterial, realm: CaRealm, secret: string): CaMaterialPems {
  const opened = (b64: string, role: 'root' | 'issuing') => {
    try {
      return unseal(secret, Buffer.from(b64, 'base64'), aad(realm, role)).toString('utf8');
    } catch {
      throw new DomainError(
        'CONFIG_INVALID',
        `CA_KEY_SECRET does not open the ${realm} CA keys held in the store: every process and host must use the same CA_KEY_SECRET`,
        { key: 'CA_KEY_SECRET', realm },
      );
    }
  };
  return {
    rootPem: stored.rootPem,
    issuingPem: stored.issuingPem,
    rootKeyPem: opened(stored.rootKey, 'root'),
    issuingKeyPem: opened(stored.issuingKey, 'issuing'),
  };
}

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

/** Loads, fetches or creates the realm's CA material as the module comment describes. */
export async function openSharedMaterial(o: SharedMaterialOptions): Promise<{ material: CaMaterial; origin: MaterialOrigin }> {
  await mkdir(o.dir, { recursive: true, mode: 0o700 });
  await chmod(o.dir, 0o700);
  const local = await readCaFiles(o.dir);
  if (local) {
    const material = describeMaterial(local, o.dir);
    const blob =
      (await o.ledger.getMaterial(o.realm)) ?? (await o.ledger.putMaterialIfAbsent(o.realm, sealMaterial(local, o.realm, o.secret))).blob;
    const stored = parse(blob, o.realm);
    if (fingerprint(stored.rootPem) !== fingerprint(local.rootPem) || fingerprint(stored.issuingPem) !== fingerprint(local.issuingPem)) {
      throw new DomainError(
        'CONFIG_INVALID',
        `CA directory ${o.dir} holds a different ${o.realm} CA (root ${fingerprint(local.rootPem)}) than the shared store ` +
          `(root ${fingerprint(stored.rootPem)}): refusing to run two CAs under one name. Keep the store's CA (remove this ` +
          "directory's key and certificate files) or point this host at the store that holds this CA.",
        { reason: 'CA_MATERIAL_MISMATCH', realm: o.realm, dir: o.dir },
      );
    }
    // A wrong CA_KEY_SECRET fails here too, not only on the next host that has no local copy.
    openMaterial(stored, o.realm, o.secret);
    return { material, origin: 'local' };
  }
  let blob = await o.ledger.getMaterial(o.realm);
  let origin: MaterialOrigin = 'store';
  if (blob === undefined) {
    const fresh = await generateCaMaterial(o.organization, o.now);
    const put = await o.ledger.putMaterialIfAbsent(o.realm, sealMaterial(fresh, o.realm, o.secret));
    blob = put.blob;
    if (put.won) origin = 'created';
  }
  const pems = openMaterial(parse(blob, o.realm), o.realm, o.secret);
  const material = describeMaterial(pems, `the shared store (realm ${o.realm})`);
  await writeCaFiles(o.dir, pems);
  return { material, origin };
}
