/**
 * The CertificateAuthority port on a remote CloudFlare cfssl (`cfssl serve`, tested with Debian's
 * golang-cfssl 1.2): sign (or authsign with an HMAC key), revoke with a reason, and the CRL the
 * CA publishes.
 *
 * cfssl has no idempotency key and no "what did you revoke" query, so the shared CA ledger (realm
 * `cfssl`, in the same store as everything else) remembers what was issued per key and revoked per
 * serial: a retried job, in any process, gets the same certificate and the first revocation time.
 * The key is recorded as an intent before cfssl is asked. cfssl 1.2 cannot be asked "what did you
 * sign for this request", so a crash between its answer and the ledger write leaves an intent with
 * no certificate (and a retry signs again): `npm run ca -- list` shows such intents and the ask
 * count, the README says what an operator does about them.
 *
 * The CA's refusals (4xx, or a cfssl error envelope about the request) are
 * `PermanentError('CA_REFUSED')` with cfssl's own reason; a CA that cannot be reached, times out
 * or fails with 5xx is `DomainError('CA_UNAVAILABLE')` for a retry.
 */
import { createHmac, generateKeyPair, sign, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import type { RevocationReason } from '../../domain/certificates.js';
import { DomainError, PermanentError } from '../../domain/errors.js';
import type { CaIssued, CaLedger } from '../../domain/ports/ca-ledger.js';
import type { CertificateAuthority, IssueRequest, IssuedCertificate } from '../../domain/ports/certificate-authority.js';
import { checkCsr, refuse } from './csr.js';
import { bitString, derToPem, nul, OID, oid, seq, set, toDer, utf8 } from './der.js';
import { importLegacyLedger } from './legacy-ledger.js';
import { checkRequest, MAX_VALIDITY_YEARS, TRAINING_MARK } from './profiles.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface CfsslCaOptions {
  /** Base URL of `cfssl serve`, e.g. http://127.0.0.1:8888. */
  url: string;
  /** Hex HMAC key: requests go to /authsign, signed; unset: /sign. */
  authKey?: string;
  /** cfssl signing profile per certificate profile (default: the same names). */
  profiles?: Partial<Record<IssueRequest['profile'], string>>;
  /** PEM of the root the issuing CA chains to (cfssl only knows its signer). */
  rootPem?: string;
  /** Where the CA's DER (or PEM, or cfssl-enveloped) CRL is published; default `${url}/api/v1/cfssl/crl`. */
  crlUrl?: string;
  /** The shared CA ledger (realm `cfssl`). */
  ledger: CaLedger;
  /** Folder of the connector's former ledger file, imported once if it is there. */
  dir?: string;
  logger?: { warn(o: object, m?: string): void };
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number;
}

interface Envelope<T> {
  success: boolean;
  result: T;
  errors?: { code: number; message: string }[];
}

const REALM = 'cfssl';

/** A remote cfssl CA. */
export class CfsslCertificateAuthority implements CertificateAuthority {
  private opened?: Promise<void>;
  private readonly issuing = new Map<string, Promise<IssuedCertificate>>();
  private readonly revoking = new Map<string, Promise<{ revokedAt: Date }>>();
  private signerPem?: string;

  constructor(private readonly opts: CfsslCaOptions) {}

  async ready(): Promise<void> {
    await this.open();
    await this.caCertificatesPem();
  }

  async caCertificatesPem(): Promise<string> {
    if (!this.signerPem) {
      const info = await this.call<{ certificate: string }>('/api/v1/cfssl/info', {});
      this.signerPem = info.certificate.trim() + '\n';
    }
    return this.signerPem + (this.opts.rootPem ? this.opts.rootPem.trim() + '\n' : '');
  }

  issue(req: IssueRequest): Promise<IssuedCertificate> {
    const running = this.issuing.get(req.key);
    if (running) return running;
    const p = this.issueOnce(req).finally(() => this.issuing.delete(req.key));
    this.issuing.set(req.key, p);
    return p;
  }

  revoke(serial: string, reason: RevocationReason): Promise<{ revokedAt: Date }> {
    const s = serial.toLowerCase().replace(/^0+(?=.)/, '');
    const running = this.revoking.get(s);
    if (running) return running;
    const p = this.revokeOnce(s, reason).finally(() => this.revoking.delete(s));
    this.revoking.set(s, p);
    return p;
  }

  async crlDer(): Promise<Buffer> {
    const url = this.opts.crlUrl ?? `${this.opts.url}/api/v1/cfssl/crl`;
    const res = await this.fetch(url, { method: 'GET' });
    if (!res.ok) throw classify(res.status, `CRL not available: HTTP ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    const text =
      body.subarray(0, 1).toString() === '{' ? (JSON.parse(body.toString()) as Envelope<string>).result : body.toString('latin1');
    if (typeof text === 'string' && text.includes('-----BEGIN X509 CRL-----'))
      return Buffer.from(text.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
    if (body[0] === 0x30) return body;
    return Buffer.from(String(text), 'base64');
  }

  /** Nothing to release: the ledger belongs to the store. */
  async close(): Promise<void> {
    await this.opened?.catch(() => undefined);
  }

  /** Imports the former ledger file once, so a deployment keeps what cfssl issued before. */
  private open(): Promise<void> {
    const dir = this.opts.dir;
    this.opened ??= (
      dir ? importLegacyLedger(join(dir, 'cfssl-ledger.jsonl'), this.opts.ledger, REALM).then(() => undefined) : Promise.resolve()
    ).catch((e: unknown) => {
      this.opened = undefined;
      throw e;
    });
    return this.opened;
  }

  private async issueOnce(req: IssueRequest): Promise<IssuedCertificate> {
    await this.open();
    const { ledger } = this.opts;
    const done = await ledger.findByKey(REALM, req.key);
    if (done) return this.toIssued(done);
    checkRequest(req);
    // Checked here as well as by cfssl, so a bad request gets the same reasons whichever CA runs.
    const csrPem = req.csrPem !== undefined ? (checkCsr(req.csrPem), req.csrPem) : await throwawayCsr();
    const units = [
      ...(req.subject.organizationalUnit ? [req.subject.organizationalUnit] : []),
      ...(req.profile === 'training' ? [TRAINING_MARK] : []),
    ];
    const hosts = req.profile === 'server' ? (req.dnsNames ?? []) : req.subject.email ? [req.subject.email] : [];
    const request = {
      certificate_request: csrPem,
      hosts,
      profile: this.opts.profiles?.[req.profile] ?? req.profile,
      subject: {
        CN: req.subject.commonName,
        names: [
          {
            C: 'MY',
            ...(req.subject.organization ? { O: req.subject.organization } : {}),
            ...(units.length ? { OU: units.join(' / ') } : {}),
          },
        ],
      },
    };
    // Recorded before cfssl signs; another process may have recorded the certificate meanwhile.
    const intent = await ledger.recordIntent(REALM, {
      key: req.key,
      profile: req.profile,
      subjectCn: req.subject.commonName,
      intentAt: new Date().toISOString(),
    });
    if (intent.issued) return this.toIssued(intent.issued);
    let result: { certificate: string };
    try {
      result = this.opts.authKey
        ? await this.call<{ certificate: string }>('/api/v1/cfssl/authsign', authEnvelope(this.opts.authKey, request))
        : await this.call<{ certificate: string }>('/api/v1/cfssl/sign', request);
    } catch (e) {
      // A refusal, or a request that never left, certainly signed nothing: that ask is not a
      // possible unrecorded certificate. A timeout or 5xx might have: the intent stays.
      if (e instanceof PermanentError || (e instanceof DomainError && e.details?.notSent === true))
        await ledger.withdrawIntent(REALM, req.key);
      throw e;
    }
    const x509 = new X509Certificate(result.certificate);
    const notAfter = new Date(x509.validTo);
    const notBefore = new Date(x509.validFrom);
    if (notAfter.getTime() - notBefore.getTime() > (MAX_VALIDITY_YEARS * 366 + 1) * 86_400_000) {
      throw refuse('VALIDITY_TOO_LONG', 'the CA issued a certificate longer than the legal maximum');
    }
    const entry: CaIssued = {
      key: req.key,
      serial: x509.serialNumber.toLowerCase().replace(/^0+(?=.)/, ''),
      profile: req.profile,
      subjectCn: req.subject.commonName,
      certPem: x509.toString(),
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      issuedAt: new Date().toISOString(),
    };
    const { won, record } = await ledger.recordIssued(REALM, entry);
    if (!won) {
      // Another process asked cfssl for the same key at the same moment and recorded first: ours
      // was never handed out, but cfssl signed it. Said loudly so an operator can revoke it.
      this.opts.logger?.warn(
        { key: req.key, serial: entry.serial, kept: record.serial },
        'cfssl signed a second certificate for this key; it was not recorded or handed out',
      );
    }
    return this.toIssued(record);
  }

  private async revokeOnce(serial: string, reason: RevocationReason): Promise<{ revokedAt: Date }> {
    await this.open();
    const { ledger } = this.opts;
    const done = await ledger.findRevocation(REALM, serial);
    if (done) return { revokedAt: new Date(done.revokedAt) };
    const decimal = BigInt(`0x${serial}`).toString(10);
    const known = await ledger.findBySerial(REALM, serial);
    // cfssl looks the certificate up by (serial, authority key id) exactly as it stored them;
    // 1.2 stores an empty key id, later versions the issuer's, so both are tried.
    const akis = [...new Set([known ? authorityKeyId(known.certPem) : '', ''])];
    let lastError: unknown;
    for (const aki of akis) {
      try {
        await this.call('/api/v1/cfssl/revoke', { serial: decimal, authority_key_id: aki, reason });
        const at = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
        // First revocation wins across processes. A serial the ledger never saw (issued before
        // it existed, or elsewhere) is revoked at cfssl but has no ledger record to keep.
        const stored = await ledger.recordRevoked(REALM, { serial, reason, revokedAt: at });
        return { revokedAt: new Date(stored?.revokedAt ?? at) };
      } catch (e) {
        lastError = e;
        if (!(e instanceof PermanentError)) throw e;
      }
    }
    throw lastError;
  }

  private async toIssued(e: CaIssued): Promise<IssuedCertificate> {
    return {
      serial: e.serial,
      certPem: e.certPem,
      chainPem: await this.caCertificatesPem(),
      notBefore: new Date(e.notBefore),
      notAfter: new Date(e.notAfter),
    };
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
    } catch (e) {
      // A refused connection means the request was never sent; anything else may have reached cfssl.
      const notSent = (e as { cause?: { code?: unknown } }).cause?.code === 'ECONNREFUSED';
      throw new DomainError('CA_UNAVAILABLE', `cfssl not reachable: ${(e as Error).message}`, { url, notSent });
    }
  }

  private async call<T>(path: string, body: unknown): Promise<T> {
    const res = await this.fetch(`${this.opts.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    let envelope: Envelope<T> | undefined;
    try {
      envelope = (await res.json()) as Envelope<T>;
    } catch {
      envelope = undefined;
    }
    if (res.ok && envelope?.success) return envelope.result;
    const reason = envelope?.errors?.map((e) => `${e.message} (${e.code})`).join('; ') || `HTTP ${res.status}`;
    throw classify(res.status, reason);
  }
}

/** 5xx and gateway failures are the CA being unavailable; anything else is the CA saying no. */
function classify(status: number, reason: string): DomainError {
  if (status >= 500 || status === 408 || status === 429) return new DomainError('CA_UNAVAILABLE', `cfssl failed: ${reason}`, { status });
  return new PermanentError('CA_REFUSED', `cfssl refused: ${reason}`, { reason: 'CA_REFUSED_REMOTE', caReason: reason, status });
}

/** cfssl's standard auth provider: the request JSON, base64, with an HMAC-SHA256 token. */
function authEnvelope(hexKey: string, request: unknown): { token: string; request: string } {
  const raw = Buffer.from(JSON.stringify(request));
  return { token: createHmac('sha256', Buffer.from(hexKey, 'hex')).update(raw).digest('base64'), request: raw.toString('base64') };
}

function authorityKeyId(certPem: string): string {
  try {
    const cert = forge.pki.certificateFromPem(certPem) as unknown as { getExtension(n: string): { keyIdentifier?: string } | null };
    const id = cert.getExtension('authorityKeyIdentifier')?.keyIdentifier;
    return id ? Buffer.from(id, 'binary').toString('hex') : '';
  } catch {
    return '';
  }
}

/** A request for a key the CA is to certify but nobody keeps (the key is discarded at once). */
async function throwawayCsr(): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const info = seq([
    forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.INTEGER, false, '\x00'),
    seq([set([seq([oid(OID.commonName), utf8('generated')])])]),
    forge.asn1.fromDer(spki.toString('binary')),
    forge.asn1.create(forge.asn1.Class.CONTEXT_SPECIFIC, 0, true, []),
  ]);
  const infoDer = toDer(info);
  const signature = sign('sha256', infoDer, privateKey);
  const der = Buffer.concat([infoDer, toDer(seq([oid(OID.sha256WithRSA), nul()])), toDer(bitString(signature))]);
  const len = der.length;
  const header =
    len < 0x80 ? Buffer.from([0x30, len]) : len < 0x100 ? Buffer.from([0x30, 0x81, len]) : Buffer.from([0x30, 0x82, len >> 8, len & 0xff]);
  return derToPem(Buffer.concat([header, der]), 'CERTIFICATE REQUEST');
}

/** Reads the root PEM file named in the configuration, if any. */
export async function readRootPem(file: string | undefined): Promise<string | undefined> {
  return file ? readFile(file, 'utf8') : undefined;
}
