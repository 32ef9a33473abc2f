/**
 * Reads a PKCS#10 request (PEM or DER) into plain facts for the domain's CSR rules: key type,
 * size, exponent or curve, signature hash, whether the self-signature verifies, and the names.
 *
 * forge's own CSR parser reads RSA requests only, so the structure is read with forge.asn1 and
 * the key and signature are handled by node:crypto, which knows RSA and EC alike.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { CsrFacts } from '../../domain/rules/server-csr.js';
import { bytesOf, children, elementLength, expectType, fromDer, OID } from './der.js';

type Asn1 = forge.asn1.Asn1;
const T = forge.asn1.Type;

const SIGNATURE_HASH: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const PEM_CSR = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\s]+)-----END (?:NEW )?CERTIFICATE REQUEST-----/;

const oidOf = (node: Asn1 | undefined): string => forge.asn1.derToOid(bytesOf(expectType(node, T.OID)).toString('binary'));

export interface ReadCsr {
  facts: CsrFacts;
  /** The request as PEM (what the CA is sent), whichever form it arrived in. */
  pem: string;
}

/** The DER of a request given as PEM text or raw DER bytes; undefined when it is neither. */
export function csrDer(input: Buffer | string): Buffer | undefined {
  const text =
    typeof input === 'string'
      ? input
      : input.subarray(0, 64).toString('latin1').includes('-----BEGIN')
        ? input.toString('latin1')
        : undefined;
  if (text !== undefined) {
    const m = PEM_CSR.exec(text);
    return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : undefined;
  }
  return (input as Buffer)[0] === 0x30 ? (input as Buffer) : undefined;
}

/** Facts of a request, or undefined when it cannot be read as PKCS#10 at all. */
export function readCsr(input: Buffer | string): ReadCsr | undefined {
  const der = csrDer(input);
  if (!der || der.length < 16) return undefined;
  try {
    const [info, algorithm, signatureBits] = children(expectType(fromDer(der), T.SEQUENCE));
    const infoFields = children(expectType(info, T.SEQUENCE));
    const spki = expectType(infoFields[2], T.SEQUENCE);
    const headerLength = der[1]! < 0x80 ? 2 : 2 + (der[1]! & 0x7f);
    const infoDer = der.subarray(headerLength, headerLength + elementLength(der, headerLength));
    const spkiDer = Buffer.from(forge.asn1.toDer(spki).getBytes(), 'binary');
    const signatureOid = oidOf(children(expectType(algorithm, T.SEQUENCE))[0]);
    const bits = bytesOf(expectType(signatureBits, T.BITSTRING));
    const key = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
    const hash = SIGNATURE_HASH[signatureOid];
    const names = namesOf(infoFields[1], infoFields[3]);
    const facts: CsrFacts = {
      ...keyFacts(key),
      signatureHash: hash,
      signatureValid: bits[0] === 0 && hash !== undefined && verifies(hash, infoDer, key, bits.subarray(1)),
      ...names,
      keyFingerprint: createHash('sha256')
        .update(key.export({ type: 'spki', format: 'der' }))
        .digest('hex'),
    };
    const b64 = der
      .toString('base64')
      .replace(/(.{64})/g, '$1\n')
      .replace(/\n$/, '');
    return { facts, pem: `-----BEGIN CERTIFICATE REQUEST-----\n${b64}\n-----END CERTIFICATE REQUEST-----\n` };
  } catch {
    return undefined;
  }
}

function keyFacts(key: KeyObject): Pick<CsrFacts, 'keyType' | 'rsaBits' | 'rsaExponent' | 'ecCurve'> {
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return { keyType: 'rsa', rsaBits: d.modulusLength, rsaExponent: String(d.publicExponent ?? 0n) };
  if (key.asymmetricKeyType === 'ec') return { keyType: 'ec', ecCurve: d.namedCurve };
  return { keyType: 'other' };
}

function verifies(hash: string, data: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(hash, data, key, signature);
  } catch {
    return false;
  }
}

/** CN values of the subject and the SANs of the extension request, by kind. */
function namesOf(
  subject: Asn1 | undefined,
  attributes: Asn1 | undefined,
): Pick<CsrFacts, 'commonNames' | 'dnsNames' | 'ipAddresses' | 'otherNames'> {
  const commonNames: string[] = [];
  for (const rdn of children(expectType(subject, T.SEQUENCE))) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (oidOf(type) === OID.commonName) commonNames.push(forge.util.decodeUtf8(bytesOf(value!).toString('binary')));
    }
  }
  const out = { commonNames, dnsNames: [] as string[], ipAddresses: [] as string[], otherNames: [] as string[] };
  if (!attributes || attributes.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC) return out;
  for (const attribute of children(attributes)) {
    const [type, values] = children(attribute);
    if (oidOf(type) !== EXTENSION_REQUEST) continue;
    for (const extensions of children(values)) {
      for (const extension of children(extensions)) {
        const parts = children(extension);
        if (oidOf(parts[0]) !== OID.subjectAltName) continue;
        const value = bytesOf(parts[parts.length - 1]!);
        for (const name of children(fromDer(value))) readGeneralName(name, out);
      }
    }
  }
  return out;
}

function readGeneralName(name: Asn1, out: { dnsNames: string[]; ipAddresses: string[]; otherNames: string[] }): void {
  const raw = typeof name.value === 'string' ? Buffer.from(name.value, 'binary') : Buffer.alloc(0);
  switch (name.type) {
    case 2:
      out.dnsNames.push(raw.toString('latin1'));
      return;
    case 7:
      out.ipAddresses.push(raw.length === 4 ? [...raw].join('.') : (raw.toString('hex').match(/.{1,4}/g) ?? []).join(':'));
      return;
    case 1:
      out.otherNames.push(`email:${raw.toString('latin1')}`);
      return;
    case 6:
      out.otherNames.push(`uri:${raw.toString('latin1')}`);
      return;
    default:
      out.otherNames.push(`type${name.type}`);
  }
}

/** The {@link CsrReader} port on this module. */
export const csrReader = { read: (input: Uint8Array | string) => readCsr(typeof input === 'string' ? input : Buffer.from(input)) };
