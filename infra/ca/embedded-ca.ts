import { generateKeyPair } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REVOCATION_REASONS, type RevocationReason } from '../../domain/certificates.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import type { CaIssued, CaLedger, CaRealm } from '../../domain/ports/ca-ledger.js';
import type { CertificateAuthority, IssueRequest, IssuedCertificate } from '../../domain/ports/certificate-authority.js';
import type { CaMaterial } from './ca-material.js';
import { buildCrl } from './crl.js';
import { checkCsr, refuse } from './csr.js';
import { derToPem } from './der.js';
import { importLegacyLedger } from './legacy-ledger.js';
import { checkRequest, planEndEntity, validityWindow } from './profiles.js';
import { openSharedMaterial } from './shared-material.js';
import { buildCertificate, buildName, ext, keyIdentifier, randomSerial, wholeSeconds } from './x509.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface EmbeddedCaOptions {
  /** This host's copy of the CA keys and certificates (the shared store holds the master copy). */
  dir: string;
  /** The shared ledger: issued and revoked certificates, CRL numbers and the sealed CA keys. */
  ledger: CaLedger;
  /** Which CA of the ledger this is ('user' or 'training'). */
  realm: CaRealm;
  /** Secret the CA's private keys are sealed under in the ledger store (CA_KEY_SECRET). */
  keySecret: string;
  /** Organization (O) of the CA certificates, used only when the CA is first created. */
  organization?: string;
  clock?: () => Date;
  logger?: { info(o: object, m?: string): void };
  /** CRL distribution point written into issued certificates. */
  crlUrl?: string;
  /** Days from thisUpdate to nextUpdate in each CRL (default 7). */
  crlNextUpdateDays?: number;
  /** A CRL is reused for this long when nothing was revoked since (default 3600). */
  crlMaxAgeSeconds?: number;
}

interface State {
  material: CaMaterial;
  chainPem: string;
}

const LEGACY_LEDGER = 'ledger.jsonl';
const SERIAL_ATTEMPTS = 3;
const silent = { info: (): void => undefined };

/** Node system errors (disk full, permissions) are the CA being unavailable: a retry may work. */
function unavailable(e: unknown): unknown {
  if (e instanceof DomainError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && (e as NodeJS.ErrnoException).syscall) {
    return new DomainError('CA_UNAVAILABLE', `embedded CA storage failed: ${code}`, { cause: code });
  }
  return e;
}

/**
 * Any failure of the ledger's store (SQLite busy, MongoDB away) or of the CA's files at start is
 * retryable; refusals and configuration errors (a different CA, a wrong secret) pass as they are.
 */
function storeFailed(e: unknown): unknown {
  if (e instanceof DomainError) return e;
  const code = (e as { code?: unknown } | undefined)?.code;
  return new DomainError('CA_UNAVAILABLE', `embedded CA storage failed: ${e instanceof Error ? e.message : String(e)}`, { cause: code });
}

const serialTaken = (e: unknown): boolean => isDomainError(e) && e.code === 'DUPLICATE_KEY' && e.details?.reason === 'SERIAL_TAKEN';

export const normaliseSerial = (serial: string): string =>
  String(serial)
    .toLowerCase()
    .replace(/:/g, '')
    .replace(/^0+(?=.)/, '');

/**
 * A certificate authority that runs inside the process: a root and an issuing CA (RSA-3072),
 * certificates built with node-forge structures and signed off the event loop with node:crypto,
 * and v2 CRLs.
 *
 * Every process and host running the same realm is one CA: the ledger in the shared store is the
 * source of truth for what was issued and revoked (looked up on every call, never a snapshot from
 * start), the first certificate recorded for a key is the only one ever handed out, and each CRL
 * request checks the ledger's revision so every instance serves every revocation.
 */
export class EmbeddedCertificateAuthority implements CertificateAuthority {
  private readonly dir: string;
  private readonly organization: string;
  private readonly clock: () => Date;
  private readonly logger: { info(o: object, m?: string): void };
  private readonly ledger: CaLedger;
  private readonly realm: CaRealm;
  private init?: Promise<State>;
  private readonly issuing = new Map<string, Promise<IssuedCertificate>>();
  private readonly revoking = new Map<string, Promise<{ revokedAt: Date }>>();
  /** Issued entries never change once recorded, so they may be kept. */
  private readonly byKey = new Map<string, CaIssued>();
  private readonly bySerial = new Map<string, CaIssued>();
  private crlCache?: { der: Buffer; builtAt: number; revision: number; number: number };

  constructor(private readonly options: EmbeddedCaOptions) {
    this.dir = options.dir;
    this.ledger = options.ledger;
    this.realm = options.realm;
    this.organization = options.organization ?? 'MyGPKI Embedded CA';
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? silent;
    // The CA names are "<organization> - Issuing" and must fit the 64-character CN bound.
    if (this.organization.length === 0 || this.organization.length > 50) {
      throw new DomainError('CONFIG_INVALID', 'CA organization must be 1-50 characters');
    }
    // A short (or empty, half-written) secret would seal the CA keys under almost nothing.
    if (options.keySecret.length < 16)
      throw new DomainError('CONFIG_INVALID', 'CA_KEY_SECRET must be at least 16 characters', { key: 'CA_KEY_SECRET' });
  }

  /** Creates, fetches or loads the CA; concurrent calls share one initialisation. */
  async ready(): Promise<void> {
    await this.state();
  }

  async issue(req: IssueRequest): Promise<IssuedCertificate> {
    const st = await this.state();
    const done = typeof req?.key === 'string' ? this.byKey.get(req.key) : undefined;
    if (done) return this.toIssued(st, done);
    const inFlight = this.issuing.get(req.key);
    if (inFlight) return inFlight;
    const attempt = this.issueOnce(st, req).finally(() => this.issuing.delete(req.key));
    this.issuing.set(req.key, attempt);
    return attempt;
  }

  async revoke(serial: string, reason: RevocationReason): Promise<{ revokedAt: Date }> {
    await this.state();
    // removeFromCRL only makes sense in delta CRLs, which this CA does not publish.
    if (!Object.hasOwn(REVOCATION_REASONS, reason) || reason === 'removeFromCRL') {
      throw refuse('INVALID_REASON', 'not a revocation reason this CA accepts', { revocationReason: reason });
    }
    const s = normaliseSerial(serial);
    const inFlight = this.revoking.get(s);
    if (inFlight) return inFlight;
    const attempt = this.revokeOnce(s, reason).finally(() => this.revoking.delete(s));
    this.revoking.set(s, attempt);
    return attempt;
  }

  async caCertificatesPem(): Promise<string> {
    return (await this.state()).chainPem;
  }

  /** The root certificate alone (PEM), for relying parties that install a trust anchor. */
  async rootCertificatePem(): Promise<string> {
    return (await this.state()).material.root.pem;
  }

  async crlDer(): Promise<Buffer> {
    const st = await this.state();
    const now = this.clock().getTime();
    const maxAgeMs = (this.options.crlMaxAgeSeconds ?? 3600) * 1000;
    // Asked every time (one indexed read): another process may have revoked since.
    const revision = await this.stored(() => this.ledger.revision(this.realm));
    const cached = this.crlCache;
    if (cached && cached.revision === revision && now >= cached.builtAt && now - cached.builtAt < maxAgeMs) {
      return Buffer.from(cached.der);
    }
    return this.publishCrl(st, revision);
  }

  /** Nothing to release (the ledger belongs to the store); waits for a start in progress. */
  async close(): Promise<void> {
    await this.init?.catch(() => undefined);
  }

  private state(): Promise<State> {
    this.init ??= this.initialise().catch((e) => {
      this.init = undefined; // let a later call retry, e.g. after the store came back
      throw storeFailed(e);
    });
    return this.init;
  }

  private async initialise(): Promise<State> {
    const { material, origin } = await openSharedMaterial({
      dir: this.dir,
      organization: this.organization,
      now: this.clock(),
      ledger: this.ledger,
      realm: this.realm,
      secret: this.options.keySecret,
    });
    const imported = await importLegacyLedger(join(this.dir, LEGACY_LEDGER), this.ledger, this.realm);
    const message =
      origin === 'created' ? 'embedded CA created' : origin === 'store' ? 'embedded CA loaded from the shared store' : 'embedded CA loaded';
    this.logger.info(
      {
        dir: this.dir,
        realm: this.realm,
        root: material.root.x509.fingerprint256,
        issuing: material.issuing.x509.fingerprint256,
        ...(imported !== undefined && { importedLedgerEntries: imported }),
      },
      message,
    );
    return { material, chainPem: material.issuing.pem + material.root.pem };
  }

  private async issueOnce(st: State, req: IssueRequest): Promise<IssuedCertificate> {
    const recorded = await this.stored(() => this.ledger.findByKey(this.realm, req.key));
    if (recorded) return this.toIssued(st, this.remember(recorded));
    checkRequest(req);
    const spkiDer = req.csrPem !== undefined ? checkCsr(req.csrPem) : await this.throwawayKey();
    const issuer = st.material.issuing;
    const now = this.clock();
    const { notBefore, notAfter } = validityWindow(now, req.validityDays, issuer.notAfter);
    const plan = planEndEntity(req, { crlUrl: this.options.crlUrl });
    for (let attempt = 1; ; attempt++) {
      const serial = randomSerial();
      const der = await buildCertificate({
        serialHex: serial,
        issuer: issuer.name,
        subject: buildName(plan.subject),
        notBefore,
        notAfter,
        spkiDer,
        extensions: [...plan.extensions, ext.subjectKeyIdentifier(keyIdentifier(spkiDer)), ext.authorityKeyIdentifier(issuer.keyId)],
        signingKey: issuer.key,
      }).catch((e: unknown) => Promise.reject(unavailable(e)));
      const entry: CaIssued = {
        key: req.key,
        serial,
        profile: req.profile,
        subjectCn: req.subject.commonName,
        certPem: derToPem(der, 'CERTIFICATE'),
        notBefore: notBefore.toISOString(),
        notAfter: notAfter.toISOString(),
        issuedAt: now.toISOString(),
      };
      try {
        // Recorded before anyone sees it. Losing the race to another process means its
        // certificate is the one handed out; ours never leaves this function.
        const { won, record } = await this.stored(() => this.ledger.recordIssued(this.realm, entry));
        this.logger.info(
          { serial: record.serial, key: req.key, profile: req.profile, realm: this.realm },
          won ? 'certificate issued' : 'certificate issued by another process',
        );
        return this.toIssued(st, this.remember(record));
      } catch (e) {
        if (!serialTaken(e) || attempt >= SERIAL_ATTEMPTS) throw e;
      }
    }
  }

  private async revokeOnce(serial: string, reason: RevocationReason): Promise<{ revokedAt: Date }> {
    const known = this.bySerial.get(serial) ?? (await this.stored(() => this.ledger.findBySerial(this.realm, serial)));
    if (!known) throw refuse('UNKNOWN_SERIAL', 'no certificate with this serial', { serial });
    this.remember(known);
    const at = wholeSeconds(this.clock()).toISOString();
    // First revocation wins: a second one (any process) gets the first one's time.
    const stored = await this.stored(() => this.ledger.recordRevoked(this.realm, { serial, reason, revokedAt: at }));
    if (!stored) throw refuse('UNKNOWN_SERIAL', 'no certificate with this serial', { serial });
    if (stored.revokedAt === at && stored.reason === reason) this.logger.info({ serial, reason, realm: this.realm }, 'certificate revoked');
    return { revokedAt: new Date(stored.revokedAt) };
  }

  private async publishCrl(st: State, revision: number): Promise<Buffer> {
    const revoked = await this.stored(() => this.ledger.listRevoked(this.realm));
    // From the shared counter, so no two CRLs of this CA, from any process, share a number.
    const number = await this.stored(() => this.ledger.nextCrlNumber(this.realm));
    const thisUpdate = wholeSeconds(this.clock());
    const nextUpdate = new Date(thisUpdate.getTime() + (this.options.crlNextUpdateDays ?? 7) * 86_400_000);
    const entries = revoked.map((r) => ({ serial: r.serial, revokedAt: new Date(r.revokedAt), reason: r.reason }));
    const der = await buildCrl({
      issuer: st.material.issuing.name,
      issuerKeyId: st.material.issuing.keyId,
      number,
      thisUpdate,
      nextUpdate,
      entries,
      signingKey: st.material.issuing.key,
    }).catch((e: unknown) => Promise.reject(unavailable(e)));
    if (!this.crlCache || number > this.crlCache.number) {
      this.crlCache = { der, builtAt: thisUpdate.getTime(), revision, number };
    }
    this.logger.info({ number, revoked: entries.length, realm: this.realm }, 'CRL published');
    return Buffer.from(der);
  }

  /** Runs a ledger call; a store failure becomes CA_UNAVAILABLE (retryable), refusals pass. */
  private async stored<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      throw storeFailed(e);
    }
  }

  private remember(e: CaIssued): CaIssued {
    this.byKey.set(e.key, e);
    this.bySerial.set(e.serial, e);
    return e;
  }

  /** A fresh RSA-2048 public key whose private half is dropped here, never stored or returned. */
  private async throwawayKey(): Promise<Buffer> {
    const { publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
    return publicKey.export({ type: 'spki', format: 'der' });
  }

  private toIssued(st: State, e: CaIssued): IssuedCertificate {
    return {
      serial: e.serial,
      certPem: e.certPem,
      chainPem: st.chainPem,
      notBefore: new Date(e.notBefore),
      notAfter: new Date(e.notAfter),
    };
  }
}
