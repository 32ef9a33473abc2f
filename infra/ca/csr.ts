/**
 * PKCS#10 checks before the CA signs anything (DOMAIN.md §4.4): structure, key type and size,
 * exponent, signature hash, and the self-signature that proves possession of the private key.
 *
 * forge.asn1 parses the structure; node:crypto verifies, because forge's own CSR parser rejects
 * every non-RSA key with the same generic error and its verification runs in pure JavaScript.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { PermanentError } from '../../domain/errors.js';
import { bytesOf, children, elementLength, expectType, fromDer } from './der.js';

/** Stable reasons in `PermanentError('CA_REFUSED').details.reason` for a refused CSR. */
export type CsrRefusal =
  | 'CSR_UNPARSABLE'
  | 'CSR_BAD_SIGNATURE'
  | 'UNSUPPORTED_KEY_TYPE'
  | 'UNSUPPORTED_SIGNATURE_ALGORITHM'
  | 'WEAK_SIGNATURE_HASH'
  | 'KEY_TOO_SMALL'
  | 'KEY_TOO_LARGE'
  | 'KEY_EXPONENT_INVALID';

export const MIN_RSA_BITS = 2048;
const SEQUENCE = forge.asn1.Type.SEQUENCE;
// Larger keys buy nothing here and make every verification slower.
const MAX_RSA_BITS = 8192;

const RSA_SIGNATURE_DIGEST: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const WEAK_SIGNATURE_OIDS = new Set([
  '1.2.840.113549.1.1.4', // md5WithRSAEncryption
  '1.2.840.113549.1.1.5', // sha1WithRSAEncryption
  '1.2.840.10045.4.1', // ecdsa-with-SHA1
]);
const ECDSA_SIGNATURE_DIGEST: Record<string, string> = {
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
/** Server keys may be EC on P-256 or P-384 (DOMAIN.md 4.4). */
const EC_CURVES = new Set(['prime256v1', 'secp384r1']);

const PEM_CSR = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\s]+)-----END (?:NEW )?CERTIFICATE REQUEST-----/;

export function refuse(reason: string, message: string, extra: Record<string, unknown> = {}): PermanentError {
  return new PermanentError('CA_REFUSED', message, { reason, ...extra });
}

interface CsrParts {
  infoDer: Buffer;
  spki: forge.asn1.Asn1;
  signatureOid: string;
  signature: Buffer;
}

function decode(csrPem: string): CsrParts {
  const match = PEM_CSR.exec(csrPem);
  if (!match) throw refuse('CSR_UNPARSABLE', 'not a PEM certificate request');
  const der = Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
  try {
    const request = children(expectType(fromDer(der), SEQUENCE));
    const [info, algorithm, signatureBits] = request;
    const infoFields = children(expectType(info, SEQUENCE));
    const spki = expectType(infoFields[2], SEQUENCE);
    const [algorithmOid, ...parameters] = children(expectType(algorithm, SEQUENCE));
    // RSA signature algorithms take NULL parameters (RFC 4055 §5); nothing else may follow.
    if (request.length !== 3 || parameters.length > 1) throw new Error('unexpected fields');
    if (parameters[0]) expectType(parameters[0], forge.asn1.Type.NULL);
    const headerLength = der[1]! < 0x80 ? 2 : 2 + (der[1]! & 0x7f);
    const bits = bytesOf(expectType(signatureBits, forge.asn1.Type.BITSTRING));
    if (bits[0] !== 0) throw new Error('signature BIT STRING with unused bits');
    return {
      // The signature covers the request info exactly as sent, so slice it rather than re-encode.
      infoDer: der.subarray(headerLength, headerLength + elementLength(der, headerLength)),
      spki,
      signatureOid: forge.asn1.derToOid(bytesOf(expectType(algorithmOid, forge.asn1.Type.OID)).toString('binary')),
      signature: bits.subarray(1),
    };
  } catch (e) {
    throw refuse('CSR_UNPARSABLE', `certificate request is not valid DER: ${(e as Error).message}`);
  }
}

// Key types named in refusals, by SubjectPublicKeyInfo algorithm.
const KEY_TYPES: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'rsa',
  '1.2.840.113549.1.1.10': 'rsa-pss',
  '1.2.840.10045.2.1': 'ec',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
  '1.2.840.10040.4.1': 'dsa',
};

const base64url = (bytes: Buffer): string => {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++; // INTEGER sign padding is not part of a JWK
  return bytes.subarray(i).toString('base64url');
};

/**
 * The RSA key of a SubjectPublicKeyInfo. Imported as a JWK built from forge's parse: OpenSSL 3's
 * DER decoder takes ~0.5 ms of event-loop time per key, the JWK path ~0.01 ms.
 */
function rsaPublicKeyOf(spki: forge.asn1.Asn1): KeyObject {
  const unreadable = (): PermanentError => refuse('CSR_UNPARSABLE', 'the public key in the certificate request cannot be read');
  let algorithmOid: string;
  let bits: forge.asn1.Asn1 | undefined;
  try {
    const [algorithm, subjectPublicKey] = children(spki);
    algorithmOid = forge.asn1.derToOid(bytesOf(expectType(children(algorithm)[0], forge.asn1.Type.OID)).toString('binary'));
    bits = subjectPublicKey;
  } catch {
    throw unreadable();
  }
  const keyType = KEY_TYPES[algorithmOid] ?? algorithmOid;
  if (keyType !== 'rsa') throw refuse('UNSUPPORTED_KEY_TYPE', 'only RSA keys are accepted', { keyType });
  try {
    const [n, e] = children(fromDer(bytesOf(bits!).subarray(1)));
    const jwk = { kty: 'RSA', n: base64url(bytesOf(n!)), e: base64url(bytesOf(e!)) };
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    throw unreadable();
  }
}

function checkRsaKey(key: KeyObject): void {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw refuse('KEY_TOO_SMALL', `RSA key of ${bits} bits; at least ${MIN_RSA_BITS} required`, { bits });
  }
  if (bits > MAX_RSA_BITS) throw refuse('KEY_TOO_LARGE', `RSA key of ${bits} bits`, { bits });
  // NIST SP 800-89 §5.3.3: odd e with 2^16 < e < 2^256.
  const e = key.asymmetricKeyDetails?.publicExponent ?? 0n;
  if (e % 2n === 0n || e <= 0x10000n || e >= 1n << 256n) {
    throw refuse('KEY_EXPONENT_INVALID', 'RSA public exponent out of range', { exponent: e.toString() });
  }
}

/**
 * Checks a PEM PKCS#10 request and returns the SubjectPublicKeyInfo (DER) to certify.
 * Throws `PermanentError('CA_REFUSED')` with `details.reason` a {@link CsrRefusal}.
 * The CSR's own subject is ignored: the approved application decides what is certified.
 */
export function checkCsr(csrPem: string): Buffer {
  const parts = decode(csrPem);
  const ec = ecPublicKeyOf(parts.spki);
  if (ec) return checkEcRequest(parts, ec);
  const key = rsaPublicKeyOf(parts.spki);
  checkRsaKey(key);
  if (WEAK_SIGNATURE_OIDS.has(parts.signatureOid)) {
    throw refuse('WEAK_SIGNATURE_HASH', 'certificate request signed with MD5 or SHA-1', {
      signatureOid: parts.signatureOid,
    });
  }
  const digest = RSA_SIGNATURE_DIGEST[parts.signatureOid];
  if (!digest) {
    throw refuse('UNSUPPORTED_SIGNATURE_ALGORITHM', 'unsupported request signature algorithm', {
      signatureOid: parts.signatureOid,
    });
  }
  proveSignature(parts, digest, key);
  // Re-encoded from the key, so the certificate carries a canonical SubjectPublicKeyInfo.
  return key.export({ type: 'spki', format: 'der' });
}

/** Proof of possession: the request's own signature verifies with the key it carries. */
function proveSignature(parts: CsrParts, digest: string, key: KeyObject): void {
  let valid = false;
  try {
    valid = verify(digest, parts.infoDer, key, parts.signature);
  } catch {
    valid = false;
  }
  if (!valid) throw refuse('CSR_BAD_SIGNATURE', 'the certificate request signature does not verify');
}

/** The EC key of a SubjectPublicKeyInfo, or undefined when the key is not EC. */
function ecPublicKeyOf(spki: forge.asn1.Asn1): KeyObject | undefined {
  let algorithmOid: string;
  try {
    algorithmOid = forge.asn1.derToOid(bytesOf(expectType(children(children(spki)[0])[0], forge.asn1.Type.OID)).toString('binary'));
  } catch {
    return undefined;
  }
  if (KEY_TYPES[algorithmOid] !== 'ec') return undefined;
  try {
    return createPublicKey({ key: Buffer.from(forge.asn1.toDer(spki).getBytes(), 'binary'), format: 'der', type: 'spki' });
  } catch {
    throw refuse('CSR_UNPARSABLE', 'the public key in the certificate request cannot be read');
  }
}

function checkEcRequest(parts: CsrParts, key: KeyObject): Buffer {
  const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
  if (!EC_CURVES.has(curve)) throw refuse('UNSUPPORTED_KEY_TYPE', 'only EC keys on P-256 or P-384 are accepted', { keyType: 'ec', curve });
  if (WEAK_SIGNATURE_OIDS.has(parts.signatureOid)) {
    throw refuse('WEAK_SIGNATURE_HASH', 'certificate request signed with SHA-1', { signatureOid: parts.signatureOid });
  }
  const digest = ECDSA_SIGNATURE_DIGEST[parts.signatureOid];
  if (!digest)
    throw refuse('UNSUPPORTED_SIGNATURE_ALGORITHM', 'unsupported request signature algorithm', { signatureOid: parts.signatureOid });
  proveSignature(parts, digest, key);
  return key.export({ type: 'spki', format: 'der' });
}
