/**
 * The CA's own keys and certificates: generated in memory, kept as files in its directory, and
 * checked when loaded. Which copy wins between hosts is shared-material.ts's business.
 *
 * Files: `root.key.pem`, `root.pem`, `issuing.key.pem`, `issuing.pem`. Keys are unencrypted PKCS#8;
 * every file is mode 0600 inside a 0700 directory. `issuing.pem` is written last, so its presence means
 * a complete set; without it a half-finished first start is simply redone.
 */
import { X509Certificate, createPrivateKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type forge from 'node-forge';
import { derToPem } from './der.js';
import { buildCertificate, buildName, ext, keyIdentifier, randomSerial, subjectNameOf, wholeSeconds } from './x509.js';

const generateKeyPairAsync = promisify(generateKeyPair);

const CA_KEY_BITS = 3072;
const ROOT_YEARS = 10;
const ISSUING_YEARS = 5;
const FILES = {
  rootKey: 'root.key.pem',
  root: 'root.pem',
  issuingKey: 'issuing.key.pem',
  issuing: 'issuing.pem',
} as const;

/** One CA certificate with what signing under it needs. */
export interface CaCertificate {
  pem: string;
  x509: X509Certificate;
  key: KeyObject;
  keyId: Buffer;
  /** Subject Name exactly as encoded in the certificate, reused as the issuer of what it signs. */
  name: forge.asn1.Asn1;
  notAfter: Date;
}

export interface CaMaterial {
  root: CaCertificate;
  issuing: CaCertificate;
}

function describe(pem: string, key: KeyObject): CaCertificate {
  const x509 = new X509Certificate(pem);
  const der = x509.raw;
  return {
    pem,
    x509,
    key,
    keyId: keyIdentifier(x509.publicKey.export({ type: 'spki', format: 'der' })),
    name: subjectNameOf(der),
    notAfter: new Date(x509.validTo),
  };
}

/** Write-then-rename, so a crash never leaves a truncated key or certificate behind. */
async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temp, 'wx', mode);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
}

const addYears = (d: Date, years: number): Date => {
  const out = new Date(d);
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
};

/** The four PEM texts of a CA: what is written to files and sealed into the store. */
export interface CaMaterialPems {
  rootPem: string;
  rootKeyPem: string;
  issuingPem: string;
  issuingKeyPem: string;
}

/** A new root and issuing CA, in memory only (nothing is written). */
export async function generateCaMaterial(organization: string, now: Date): Promise<CaMaterialPems> {
  // Both 3072-bit keys are generated in parallel on the thread pool.
  const [rootKeys, issuingKeys] = await Promise.all([
    generateKeyPairAsync('rsa', { modulusLength: CA_KEY_BITS }),
    generateKeyPairAsync('rsa', { modulusLength: CA_KEY_BITS }),
  ]);
  const notBefore = wholeSeconds(now);
  const rootSpki = rootKeys.publicKey.export({ type: 'spki', format: 'der' });
  const issuingSpki = issuingKeys.publicKey.export({ type: 'spki', format: 'der' });
  const rootName = buildName({ country: 'MY', organization, commonName: `${organization} - Root` });
  const rootDer = await buildCertificate({
    serialHex: randomSerial(),
    issuer: rootName,
    subject: rootName,
    notBefore,
    notAfter: addYears(notBefore, ROOT_YEARS),
    spkiDer: rootSpki,
    extensions: [
      ext.basicConstraints(true, 1),
      ext.keyUsage(['keyCertSign', 'cRLSign']),
      ext.subjectKeyIdentifier(keyIdentifier(rootSpki)),
    ],
    signingKey: rootKeys.privateKey,
  });
  const issuingDer = await buildCertificate({
    serialHex: randomSerial(),
    issuer: rootName,
    subject: buildName({ country: 'MY', organization, commonName: `${organization} - Issuing` }),
    notBefore,
    notAfter: addYears(notBefore, ISSUING_YEARS),
    spkiDer: issuingSpki,
    extensions: [
      ext.basicConstraints(true, 0),
      ext.keyUsage(['keyCertSign', 'cRLSign']),
      ext.subjectKeyIdentifier(keyIdentifier(issuingSpki)),
      ext.authorityKeyIdentifier(keyIdentifier(rootSpki)),
    ],
    signingKey: rootKeys.privateKey,
  });
  const pkcs8 = (k: KeyObject): string => k.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    rootPem: derToPem(rootDer, 'CERTIFICATE'),
    rootKeyPem: pkcs8(rootKeys.privateKey),
    issuingPem: derToPem(issuingDer, 'CERTIFICATE'),
    issuingKeyPem: pkcs8(issuingKeys.privateKey),
  };
}

/** Writes the CA's files (0600, certificates too: everything under DATA_DIR is owner-only) in a 0700 directory, `issuing.pem` last. */
export async function writeCaFiles(dir: string, pems: CaMaterialPems): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  await writeAtomic(join(dir, FILES.rootKey), pems.rootKeyPem, 0o600);
  await writeAtomic(join(dir, FILES.root), pems.rootPem, 0o600);
  await writeAtomic(join(dir, FILES.issuingKey), pems.issuingKeyPem, 0o600);
  await writeAtomic(join(dir, FILES.issuing), pems.issuingPem, 0o600);
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** The CA's files in `dir`, or undefined when there is no complete set. */
export async function readCaFiles(dir: string): Promise<CaMaterialPems | undefined> {
  if (!(await exists(join(dir, FILES.issuing)))) return undefined;
  // A copied or restored directory may have lost the modes; keys must stay owner-only.
  await Promise.all([FILES.rootKey, FILES.issuingKey].map((f) => chmod(join(dir, f), 0o600)));
  const read = (name: string): Promise<string> => readFile(join(dir, name), 'utf8');
  const [rootKeyPem, rootPem, issuingKeyPem, issuingPem] = await Promise.all([
    read(FILES.rootKey),
    read(FILES.root),
    read(FILES.issuingKey),
    read(FILES.issuing),
  ]);
  return { rootPem, rootKeyPem, issuingPem, issuingKeyPem };
}

/**
 * The material ready for signing, after checking it hangs together; `where` names its source in
 * the error. Refuses a mixed-up set rather than hand out certificates nobody can verify.
 */
export function describeMaterial(pems: CaMaterialPems, where: string): CaMaterial {
  const material = {
    root: describe(pems.rootPem, createPrivateKey(pems.rootKeyPem)),
    issuing: describe(pems.issuingPem, createPrivateKey(pems.issuingKeyPem)),
  };
  const { root, issuing } = material;
  if (!root.x509.checkPrivateKey(root.key) || !issuing.x509.checkPrivateKey(issuing.key)) {
    throw new Error(`CA material in ${where}: a key does not match its certificate`);
  }
  if (!issuing.x509.checkIssued(root.x509) || !issuing.x509.verify(root.x509.publicKey)) {
    throw new Error(`CA material in ${where}: the issuing CA is not signed by the root`);
  }
  return material;
}
