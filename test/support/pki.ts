/**
 * PKI test helpers independent of any CA adapter: PKCS#10 requests built with forge.asn1 and
 * signed with node:crypto keys, and a small CRL reader.
 */
import { X509Certificate, generateKeyPair, sign, verify, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

const generateKeyPairAsync = promisify(generateKeyPair);

export interface KeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

export const rsaKeyPair = (bits = 2048): Promise<KeyPair> => generateKeyPairAsync('rsa', { modulusLength: bits });
export const ecKeyPair = (): Promise<KeyPair> => generateKeyPairAsync('ec', { namedCurve: 'P-256' });

const seq = (v: Asn1[]): Asn1 => asn1.create(U, T.SEQUENCE, true, v);
const oid = (o: string): Asn1 => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const der = (n: Asn1): Buffer => Buffer.from(asn1.toDer(n).getBytes(), 'binary');
const pem = (d: Buffer, label: string): string =>
  `-----BEGIN ${label}-----\n${d
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END ${label}-----\n`;

const SIGNATURE_ALGORITHMS = {
  'sha256-rsa': { oid: '1.2.840.113549.1.1.11', digest: 'sha256', nullParams: true },
  'sha1-rsa': { oid: '1.2.840.113549.1.1.5', digest: 'sha1', nullParams: true },
  'sha256-ecdsa': { oid: '1.2.840.10045.4.3.2', digest: 'sha256', nullParams: false },
} as const;

/** A PEM PKCS#10 request for `keys`, signed with `algorithm` (default SHA-256 with RSA). */
export function buildCsr(keys: KeyPair, options: { commonName?: string; algorithm?: keyof typeof SIGNATURE_ALGORITHMS } = {}): string {
  const alg = SIGNATURE_ALGORITHMS[options.algorithm ?? 'sha256-rsa'];
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const subject = seq([
    asn1.create(U, T.SET, true, [seq([oid('2.5.4.3'), asn1.create(U, T.UTF8, false, options.commonName ?? 'csr.test.gov.my')])]),
  ]);
  const info = seq([
    asn1.create(U, T.INTEGER, false, '\x00'),
    subject,
    asn1.fromDer(spki.toString('binary')),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, []),
  ]);
  const infoDer = der(info);
  const signature = sign(alg.digest, infoDer, keys.privateKey);
  const algorithm = seq([oid(alg.oid), ...(alg.nullParams ? [asn1.create(U, T.NULL, false, '')] : [])]);
  const bits = asn1.create(U, T.BITSTRING, false, `\x00${signature.toString('binary')}`);
  return pem(der(seq([info, algorithm, bits])), 'CERTIFICATE REQUEST');
}

/** Flips one bit in the last byte of the request's signature. */
export function tamperCsrSignature(csrPem: string): string {
  const body = csrPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const bytes = Buffer.from(body, 'base64');
  bytes[bytes.length - 1] ^= 0x01;
  return pem(bytes, 'CERTIFICATE REQUEST');
}

/** The PEM certificates in a bundle, in order. */
export function splitPem(bundle: string): X509Certificate[] {
  return (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p));
}

export interface ParsedCrl {
  version: number;
  crlNumber?: number;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Upper-case hex like `X509Certificate.serialNumber`; reasonCode undefined when absent. */
  entries: { serial: string; revokedAt: Date; reasonCode?: number }[];
  tbsDer: Buffer;
  signature: Buffer;
}

const toDate = (n: Asn1): Date =>
  n.type === T.UTCTIME ? asn1.utcTimeToDate(n.value as string) : asn1.generalizedTimeToDate(n.value as string);
const hexOf = (n: Asn1): string => forge.util.bytesToHex(n.value as string).toUpperCase();
const kids = (n: Asn1 | undefined): Asn1[] => (n?.value ?? []) as Asn1[];

function extensionValue(extensions: Asn1[], id: string): Asn1 | undefined {
  for (const e of extensions) {
    const [idNode, ...rest] = kids(e);
    if (asn1.derToOid(idNode!.value as string) === id) {
      return asn1.fromDer(rest[rest.length - 1]!.value as string);
    }
  }
  return undefined;
}

/** Reads an X.509 v2 CRL (DER) far enough to check what the CA put in it. */
export function parseCrl(crlDer: Buffer): ParsedCrl {
  const root = asn1.fromDer(crlDer.toString('binary'), { decodeBitStrings: false } as unknown as boolean);
  const [tbs, , sig] = kids(root);
  const fields = kids(tbs);
  let i = 0;
  const version = fields[0]!.type === T.INTEGER ? asn1.derToInteger(fields[i++]!.value as string) + 1 : 1;
  i += 2; // signature algorithm, issuer
  const thisUpdate = toDate(fields[i++]!);
  const nextUpdate =
    fields[i] && (fields[i]!.type === T.UTCTIME || fields[i]!.type === T.GENERALIZEDTIME) ? toDate(fields[i++]!) : undefined;
  const entries: ParsedCrl['entries'] = [];
  if (fields[i] && fields[i]!.tagClass === U) {
    for (const entry of kids(fields[i++])) {
      const [serial, date, exts] = kids(entry);
      const reason = exts ? extensionValue(kids(exts), '2.5.29.21') : undefined;
      entries.push({
        serial: hexOf(serial!),
        revokedAt: toDate(date!),
        reasonCode: reason ? (reason.value as string).charCodeAt(0) : undefined,
      });
    }
  }
  const crlExts = fields[i] ? kids(kids(fields[i])[0]) : [];
  const number = extensionValue(crlExts, '2.5.29.20');
  const tbsDer = Buffer.from(asn1.toDer(tbs!).getBytes(), 'binary');
  const signature = Buffer.from((sig!.value as string).slice(1), 'binary');
  return {
    version,
    crlNumber: number ? asn1.derToInteger(number.value as string) : undefined,
    thisUpdate,
    nextUpdate,
    entries,
    tbsDer,
    signature,
  };
}

/** True when the CRL's signature verifies under `issuer` (SHA-256 with RSA). */
export function crlSignedBy(crl: ParsedCrl, issuer: X509Certificate): boolean {
  return verify('sha256', crl.tbsDer, issuer.publicKey, crl.signature);
}
