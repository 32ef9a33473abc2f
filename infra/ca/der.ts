/**
 * Small DER building blocks on top of `forge.asn1`, plus signing with `node:crypto`.
 *
 * forge only builds the structures here: its pure-JS RSA is ~70x slower than OpenSSL and blocks the
 * event loop, so every signature goes through the async `crypto.sign` (libuv thread pool).
 */
import { sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

/** Object identifiers this CA writes or reads. */
export const OID = {
  sha256WithRSA: '1.2.840.113549.1.1.11',
  rsaEncryption: '1.2.840.113549.1.1.1',
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
  emailAddress: '1.2.840.113549.1.9.1',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  crlDistributionPoints: '2.5.29.31',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
} as const;

export const seq = (items: Asn1[]): Asn1 => asn1.create(U, T.SEQUENCE, true, items);
export const set = (items: Asn1[]): Asn1 => asn1.create(U, T.SET, true, items);
export const oid = (dotted: string): Asn1 => asn1.create(U, T.OID, false, asn1.oidToDer(dotted).getBytes());
export const octets = (bytes: Buffer): Asn1 => asn1.create(U, T.OCTETSTRING, false, bytes.toString('binary'));
export const bool = (value: boolean): Asn1 => asn1.create(U, T.BOOLEAN, false, value ? '\xff' : '\x00');
export const nul = (): Asn1 => asn1.create(U, T.NULL, false, '');
export const enumerated = (value: number): Asn1 => asn1.create(U, T.ENUMERATED, false, String.fromCharCode(value));
export const smallInt = (value: number): Asn1 => asn1.create(U, T.INTEGER, false, asn1.integerToDer(value).getBytes());
/** A positive INTEGER from minimal big-endian hex (callers keep the high bit clear). */
export const hexInt = (hex: string): Asn1 => asn1.create(U, T.INTEGER, false, forge.util.hexToBytes(hex));
export const bitString = (bytes: Buffer, unusedBits = 0): Asn1 =>
  asn1.create(U, T.BITSTRING, false, String.fromCharCode(unusedBits) + bytes.toString('binary'));
/** `[n]` context tag; `constructed` for EXPLICIT tagging or constructed IMPLICIT types. */
export const ctx = (tag: number, constructed: boolean, value: string | Asn1[]): Asn1 =>
  asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, constructed, value);

export const utf8 = (s: string): Asn1 => asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(s));
export const printable = (s: string): Asn1 => asn1.create(U, T.PRINTABLESTRING, false, s);
export const ia5 = (s: string): Asn1 => asn1.create(U, T.IA5STRING, false, s);

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Asn1 {
  return date.getUTCFullYear() < 2050
    ? asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(U, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

export const sha256WithRsa = (): Asn1 => seq([oid(OID.sha256WithRSA), nul()]);

export const toDer = (node: Asn1): Buffer => Buffer.from(asn1.toDer(node).getBytes(), 'binary');

/**
 * Strict DER parse. BIT STRINGs stay opaque: forge otherwise tries to decode their contents as
 * ASN.1, which a random signature sometimes satisfies.
 */
export function fromDer(der: Buffer): Asn1 {
  const options = { strict: true, decodeBitStrings: false, parseAllBytes: true };
  return asn1.fromDer(der.toString('binary'), options as unknown as boolean);
}

/** The node, when it is the universal `type`; throws otherwise (forge accepts any tag). */
export function expectType(node: Asn1 | undefined, type: forge.asn1.Type): Asn1 {
  const constructed = type === T.SEQUENCE || type === T.SET;
  if (!node || node.tagClass !== U || node.type !== type || node.constructed !== constructed) {
    throw new Error(`expected ASN.1 type ${type}`);
  }
  return node;
}

/** Bytes of a primitive node (forge keeps them as a binary string). */
export function bytesOf(node: Asn1): Buffer {
  if (typeof node.value !== 'string') throw new Error('expected a primitive ASN.1 value');
  return Buffer.from(node.value, 'binary');
}

export function children(node: Asn1 | undefined): Asn1[] {
  if (!node || !Array.isArray(node.value)) throw new Error('expected a constructed ASN.1 value');
  return node.value;
}

/** Length of the DER element (tag + length + content) that starts at `offset`. */
export function elementLength(der: Buffer, offset: number): number {
  const first = der[offset + 1];
  if (first === undefined) throw new Error('truncated DER');
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new Error('unsupported DER length');
  let len = 0;
  for (let i = 0; i < count; i++) len = len * 256 + (der[offset + 2 + i] ?? 0);
  return 2 + count + len;
}

/** Signs `tbs` (a TBSCertificate or TBSCertList) with SHA-256/RSA, returning the SIGNED{} DER. */
export async function signStructure(tbs: Asn1, key: KeyObject): Promise<Buffer> {
  const tbsDer = toDer(tbs);
  const signature = await new Promise<Buffer>((resolve, reject) => {
    sign('sha256', tbsDer, key, (err, sig) => (err ? reject(err) : resolve(sig)));
  });
  const tail = Buffer.concat([toDer(sha256WithRsa()), toDer(bitString(signature))]);
  return wrapSequence(Buffer.concat([tbsDer, tail]));
}

/** SEQUENCE header around already-encoded content (saves re-encoding the TBS). */
function wrapSequence(content: Buffer): Buffer {
  const n = content.length;
  let header: Buffer;
  if (n < 0x80) header = Buffer.from([0x30, n]);
  else {
    const len: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) len.unshift(v & 0xff);
    header = Buffer.from([0x30, 0x80 | len.length, ...len]);
  }
  return Buffer.concat([header, content]);
}

export function derToPem(der: Buffer, label: string): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
