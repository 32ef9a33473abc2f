/**
 * X.509 v3 certificates built with forge.asn1 and signed with node:crypto (see der.ts for why).
 */
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import type forge from 'node-forge';
import {
  OID,
  bitString,
  bool,
  bytesOf,
  children,
  ctx,
  fromDer,
  hexInt,
  ia5,
  octets,
  oid,
  printable,
  seq,
  set,
  sha256WithRsa,
  signStructure,
  smallInt,
  time,
  toDer,
  utf8,
} from './der.js';

type Asn1 = forge.asn1.Asn1;

/** Attributes of a distinguished name, written most significant first (C, O, OU, CN, e-mail). */
export interface NameAttributes {
  country?: string;
  organization?: string;
  organizationalUnits?: string[];
  commonName: string;
  email?: string;
}

const rdn = (type: string, value: Asn1): Asn1 => set([seq([oid(type), value])]);

export function buildName(attrs: NameAttributes): Asn1 {
  const rdns: Asn1[] = [];
  // countryName is PrintableString by definition (X.520), emailAddress IA5String (PKCS #9);
  // everything else UTF8String as RFC 5280 §4.1.2.6 asks of new certificates.
  if (attrs.country) rdns.push(rdn(OID.country, printable(attrs.country)));
  if (attrs.organization) rdns.push(rdn(OID.organization, utf8(attrs.organization)));
  for (const ou of attrs.organizationalUnits ?? []) rdns.push(rdn(OID.organizationalUnit, utf8(ou)));
  rdns.push(rdn(OID.commonName, utf8(attrs.commonName)));
  if (attrs.email) rdns.push(rdn(OID.emailAddress, ia5(attrs.email)));
  return seq(rdns);
}

/** Positive, 16 random bytes, high bits fixed so the DER INTEGER is always exactly 16 bytes. */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(spkiDer: Buffer): Buffer {
  const bits = bytesOf(children(fromDer(spkiDer))[1]!);
  return createHash('sha1').update(bits.subarray(1)).digest();
}

export interface Extension {
  id: string;
  critical?: boolean;
  value: Asn1;
}

export type KeyUsageBit = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'keyCertSign' | 'cRLSign';
const KEY_USAGE_BIT: Record<KeyUsageBit, number> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6,
};

/** Extension constructors for the profiles this CA issues. */
export const ext = {
  basicConstraints(ca: boolean, pathLen?: number): Extension {
    // DER omits a BOOLEAN equal to its DEFAULT (cA FALSE).
    const fields = ca ? [bool(true), ...(pathLen === undefined ? [] : [smallInt(pathLen)])] : [];
    return { id: OID.basicConstraints, critical: true, value: seq(fields) };
  },
  keyUsage(bits: KeyUsageBit[]): Extension {
    let byte = 0;
    for (const b of bits) byte |= 0x80 >> KEY_USAGE_BIT[b];
    // DER named bit lists drop trailing zero bits (X.690 §11.2.2).
    let unused = 0;
    while (unused < 7 && !(byte & (1 << unused))) unused++;
    return { id: OID.keyUsage, critical: true, value: bitString(Buffer.from([byte]), unused) };
  },
  extKeyUsage(purposes: string[]): Extension {
    return { id: OID.extKeyUsage, value: seq(purposes.map(oid)) };
  },
  subjectAltName(names: { emails?: string[]; dnsNames?: string[] }): Extension {
    const general = [...(names.emails ?? []).map((e) => ctx(1, false, e)), ...(names.dnsNames ?? []).map((d) => ctx(2, false, d))];
    return { id: OID.subjectAltName, value: seq(general) };
  },
  subjectKeyIdentifier(keyId: Buffer): Extension {
    return { id: OID.subjectKeyIdentifier, value: octets(keyId) };
  },
  authorityKeyIdentifier(keyId: Buffer): Extension {
    return { id: OID.authorityKeyIdentifier, value: seq([ctx(0, false, keyId.toString('binary'))]) };
  },
  crlDistributionPoint(url: string): Extension {
    // DistributionPoint.distributionPoint [0] (a CHOICE, so explicit) -> fullName [0] -> URI [6].
    const point = seq([ctx(0, true, [ctx(0, true, [ctx(6, false, url)])])]);
    return { id: OID.crlDistributionPoints, value: seq([point]) };
  },
};

export function encodeExtensions(exts: Extension[]): Asn1 {
  return seq(exts.map((e) => seq([oid(e.id), ...(e.critical ? [bool(true)] : []), octets(toDer(e.value))])));
}

export interface CertificateSpec {
  serialHex: string;
  issuer: Asn1;
  subject: Asn1;
  notBefore: Date;
  notAfter: Date;
  spkiDer: Buffer;
  extensions: Extension[];
  signingKey: KeyObject;
}

/** Builds and signs a v3 certificate; returns its DER. */
export function buildCertificate(spec: CertificateSpec): Promise<Buffer> {
  const tbs = seq([
    ctx(0, true, [smallInt(2)]),
    hexInt(spec.serialHex),
    sha256WithRsa(),
    spec.issuer,
    seq([time(spec.notBefore), time(spec.notAfter)]),
    spec.subject,
    fromDer(spec.spkiDer),
    ctx(3, true, [encodeExtensions(spec.extensions)]),
  ]);
  return signStructure(tbs, spec.signingKey);
}

/** The subject Name of a certificate, as the exact ASN.1 it carries (for issuer fields). */
export function subjectNameOf(certDer: Buffer): Asn1 {
  const tbs = children(children(fromDer(certDer))[0]);
  // TBSCertificate: [0] version, serial, signature, issuer, validity, subject, ...
  return tbs[5]!;
}

/** Truncates to whole seconds: X.509 times carry no fractions, and callers compare Dates. */
export const wholeSeconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);
