/**
 * X.509 v2 CRLs (RFC 5280 §5). node-forge has no CRL support, so the TBSCertList is assembled
 * from forge.asn1 nodes and signed with node:crypto like the certificates.
 */
import type { KeyObject } from 'node:crypto';
import type forge from 'node-forge';
import { REVOCATION_REASONS, type RevocationReason } from '../../domain/certificates.js';
import { OID, ctx, enumerated, hexInt, octets, oid, seq, sha256WithRsa, signStructure, smallInt, time, toDer } from './der.js';
import { encodeExtensions, type Extension } from './x509.js';

type Asn1 = forge.asn1.Asn1;

export interface CrlEntry {
  /** Lower-case hex, minimal (as issued). */
  serial: string;
  revokedAt: Date;
  reason: RevocationReason;
}

export interface CrlSpec {
  /** The issuing CA's subject, exactly as in its certificate. */
  issuer: Asn1;
  issuerKeyId: Buffer;
  number: number;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: CrlEntry[];
  signingKey: KeyObject;
}

function entry(e: CrlEntry): Asn1 {
  const fields = [hexInt(e.serial), time(e.revokedAt)];
  // RFC 5280 §5.3.1: the reasonCode extension is absent rather than `unspecified`.
  const code = REVOCATION_REASONS[e.reason];
  if (code !== REVOCATION_REASONS.unspecified) {
    fields.push(seq([seq([oid(OID.crlReason), octets(toDer(enumerated(code)))])]));
  }
  return seq(fields);
}

/** Builds and signs the CRL; returns its DER. */
export function buildCrl(spec: CrlSpec): Promise<Buffer> {
  const crlExtensions: Extension[] = [
    { id: OID.authorityKeyIdentifier, value: seq([ctx(0, false, spec.issuerKeyId.toString('binary'))]) },
    { id: OID.crlNumber, value: smallInt(spec.number) },
  ];
  const tbs = seq([
    smallInt(1), // v2
    sha256WithRsa(),
    spec.issuer,
    time(spec.thisUpdate),
    time(spec.nextUpdate),
    // An empty revokedCertificates must be omitted, not encoded as an empty SEQUENCE.
    ...(spec.entries.length > 0 ? [seq(spec.entries.map(entry))] : []),
    ctx(0, true, [encodeExtensions(crlExtensions)]),
  ]);
  return signStructure(tbs, spec.signingKey);
}
