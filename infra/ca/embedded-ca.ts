import { generateKeyPair } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REVOCATION_REASONS, type RevocationReason } from '../../domain/certificates.js';
import { DomainError } from '../../domain/errors.js';
import type {
  CertificateAuthority, IssueRequest, IssuedCertificate,
} from '../../domain/ports/certificate-authority.js';
import { openCaMaterial, type CaMaterial } from './ca-material.js';
import { buildCrl } from './crl.js';
import { checkCsr, refuse } from './csr.js';
import { derToPem } from './der.js';
import { Ledger, type LedgerEntry } from './ledger.js';
import { checkRequest, planEndEntity, validityWindow } from './profiles.js';
import { buildCertificate, buildName, ext, keyIdentifier, randomSerial, wholeSeconds } from './x509.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface EmbeddedCaOptions {
  /** Directory that holds the CA keys, certificates and ledger; one process owns it at a time. */
  dir: string;
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

type IssuedEntry = Extract<LedgerEntry, { t: 'issued' }>;

interface State {
  material: CaMaterial;
  ledger: Ledger;
  byKey: Map<string, IssuedEntry>;
  bySerial: Map<string, IssuedEntry>;
  revoked: Map<string, { reason: RevocationReason; at: Date }>;
  crlNumber: number;
  /** Bumped by every durable revocation; a cached CRL is current only at the same revision. */
  revision: number;
  chainPem: string;
}

const LEDGER_FILE = 'ledger.jsonl';
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

const normaliseSerial = (serial: string): string =>
  String(serial).toLowerCase().replace(/:/g, '').replace(/^0+(?=.)/, '');

/**
 * A certificate authority that runs inside the process: a root and an issuing CA (RSA-3072) kept
 * under `options.dir`, certificates built with node-forge structures and signed off the event
 * loop with node:crypto, an append-only ledger for idempotency and revocations, and v2 CRLs.
 *
 * The directory belongs to one process; two processes on the same directory would each keep
 * their own index of it.
 */
export class EmbeddedCertificateAuthority implements CertificateAuthority {
  private readonly dir: string;
  private readonly organization: string;
  private readonly clock: () => Date;
  private readonly logger: { info(o: object, m?: string): void };
  private init?: Promise<State>;
  private readonly issuing = new Map<string, Promise<IssuedCertificate>>();
  private readonly revoking = new Map<string, Promise<{ revokedAt: Date }>>();
  private crlCache?: { der: Buffer; builtAt: number; revision: number; number: number };

  constructor(private readonly options: EmbeddedCaOptions) {
    this.dir = options.dir;
    this.organization = options.organization ?? 'MyGPKI Embedded CA';
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger ?? silent;
    // The CA names are "<organization> - Issuing" and must fit the 64-character CN bound.
    if (this.organization.length === 0 || this.organization.length > 50) {
      throw new DomainError('CONFIG_INVALID', 'CA organization must be 1-50 characters');
    }
  }

  /** Creates the CA on first start or loads it; concurrent calls share one initialisation. */
  async ready(): Promise<void> {
    await this.state();
  }

  async issue(req: IssueRequest): Promise<IssuedCertificate> {
    const st = await this.state();
    const done = typeof req?.key === 'string' ? st.byKey.get(req.key) : undefined;
    if (done) return this.toIssued(st, done);
    const inFlight = this.issuing.get(req.key);
    if (inFlight) return inFlight;
    const attempt = this.issueOnce(st, req).finally(() => this.issuing.delete(req.key));
    this.issuing.set(req.key, attempt);
    return attempt;
  }

  async revoke(serial: string, reason: RevocationReason): Promise<{ revokedAt: Date }> {
    const st = await this.state();
    // removeFromCRL only makes sense in delta CRLs, which this CA does not publish.
    if (!Object.hasOwn(REVOCATION_REASONS, reason) || reason === 'removeFromCRL') {
      throw refuse('INVALID_REASON', 'not a revocation reason this CA accepts', { revocationReason: reason });
    }
    const s = normaliseSerial(serial);
    const previous = st.revoked.get(s);
    if (previous) return { revokedAt: previous.at };
    const inFlight = this.revoking.get(s);
    if (inFlight) return inFlight;
    if (!st.bySerial.has(s)) throw refuse('UNKNOWN_SERIAL', 'no certificate with this serial', { serial: s });
    const attempt = this.recordRevocation(st, s, reason).finally(() => this.revoking.delete(s));
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
    const cached = this.crlCache;
    if (cached && cached.revision === st.revision && now >= cached.builtAt && now - cached.builtAt < maxAgeMs) {
      return Buffer.from(cached.der);
    }
    return this.publishCrl(st).catch((e) => Promise.reject(unavailable(e)));
  }

  /** Closes the ledger file; the instance is unusable afterwards. */
  async close(): Promise<void> {
    const init = this.init;
    if (!init) return;
    const st = await init.catch(() => undefined);
    await st?.ledger.close();
  }

  private state(): Promise<State> {
    this.init ??= this.initialise().catch((e) => {
      this.init = undefined; // let a later call retry, e.g. after the disk was fixed
      throw unavailable(e);
    });
    return this.init;
  }

  private async initialise(): Promise<State> {
    const { material, created } = await openCaMaterial(this.dir, this.organization, this.clock());
    const { ledger, entries } = await Ledger.open(join(this.dir, LEDGER_FILE));
    const st: State = {
      material,
      ledger,
      byKey: new Map(),
      bySerial: new Map(),
      revoked: new Map(),
      crlNumber: 0,
      revision: 0,
      chainPem: material.issuing.pem + material.root.pem,
    };
    for (const e of entries) {
      if (e.t === 'issued') {
        // The first certificate recorded for a key is the one that was handed out.
        if (!st.byKey.has(e.key)) st.byKey.set(e.key, e);
        st.bySerial.set(e.serial, e);
      } else if (e.t === 'revoked') {
        if (!st.revoked.has(e.serial)) st.revoked.set(e.serial, { reason: e.reason, at: new Date(e.at) });
      } else {
        st.crlNumber = Math.max(st.crlNumber, e.number);
      }
    }
    this.logger.info(
      {
        dir: this.dir,
        root: material.root.x509.fingerprint256,
        issuing: material.issuing.x509.fingerprint256,
        certificates: st.bySerial.size,
        revoked: st.revoked.size,
      },
      created ? 'embedded CA created' : 'embedded CA loaded',
    );
    return st;
  }

  private async issueOnce(st: State, req: IssueRequest): Promise<IssuedCertificate> {
    checkRequest(req);
    const spkiDer = req.csrPem !== undefined ? checkCsr(req.csrPem) : await this.throwawayKey();
    const issuer = st.material.issuing;
    const now = this.clock();
    const { notBefore, notAfter } = validityWindow(now, req.validityDays, issuer.notAfter);
    let serial = randomSerial();
    while (st.bySerial.has(serial)) serial = randomSerial();
    const plan = planEndEntity(req, { crlUrl: this.options.crlUrl });
    try {
      const der = await buildCertificate({
        serialHex: serial,
        issuer: issuer.name,
        subject: buildName(plan.subject),
        notBefore,
        notAfter,
        spkiDer,
        extensions: [
          ...plan.extensions,
          ext.subjectKeyIdentifier(keyIdentifier(spkiDer)),
          ext.authorityKeyIdentifier(issuer.keyId),
        ],
        signingKey: issuer.key,
      });
      const entry: IssuedEntry = {
        t: 'issued',
        key: req.key,
        serial,
        profile: req.profile,
        certPem: derToPem(der, 'CERTIFICATE'),
        notBefore: notBefore.toISOString(),
        notAfter: notAfter.toISOString(),
        at: now.toISOString(),
      };
      // Durable before anyone sees it: a certificate that was handed out is never issued twice.
      await st.ledger.append(entry);
      st.byKey.set(entry.key, entry);
      st.bySerial.set(serial, entry);
      this.logger.info({ serial, key: req.key, profile: req.profile }, 'certificate issued');
      return this.toIssued(st, entry);
    } catch (e) {
      throw unavailable(e);
    }
  }

  /** A fresh RSA-2048 public key whose private half is dropped here, never stored or returned. */
  private async throwawayKey(): Promise<Buffer> {
    const { publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
    return publicKey.export({ type: 'spki', format: 'der' });
  }

  private async recordRevocation(st: State, serial: string, reason: RevocationReason): Promise<{ revokedAt: Date }> {
    const at = wholeSeconds(this.clock());
    try {
      await st.ledger.append({ t: 'revoked', serial, reason, at: at.toISOString() });
    } catch (e) {
      throw unavailable(e);
    }
    st.revoked.set(serial, { reason, at });
    st.revision++;
    this.logger.info({ serial, reason }, 'certificate revoked');
    return { revokedAt: at };
  }

  private async publishCrl(st: State): Promise<Buffer> {
    // Taken before any await, so concurrent builds get distinct, increasing numbers.
    const number = ++st.crlNumber;
    const revision = st.revision;
    const thisUpdate = wholeSeconds(this.clock());
    const nextUpdate = new Date(thisUpdate.getTime() + (this.options.crlNextUpdateDays ?? 7) * 86_400_000);
    const entries = [...st.revoked].map(([serial, r]) => ({ serial, revokedAt: r.at, reason: r.reason }));
    const der = await buildCrl({
      issuer: st.material.issuing.name,
      issuerKeyId: st.material.issuing.keyId,
      number,
      thisUpdate,
      nextUpdate,
      entries,
      signingKey: st.material.issuing.key,
    });
    // Persisted before publication, so a restart never reuses a number someone has seen.
    await st.ledger.append({ t: 'crl', number, at: thisUpdate.toISOString() });
    if (!this.crlCache || number > this.crlCache.number) {
      this.crlCache = { der, builtAt: thisUpdate.getTime(), revision, number };
    }
    this.logger.info({ number, revoked: entries.length }, 'CRL published');
    return Buffer.from(der);
  }

  private toIssued(st: State, e: IssuedEntry): IssuedCertificate {
    return {
      serial: e.serial,
      certPem: e.certPem,
      chainPem: st.chainPem,
      notBefore: new Date(e.notBefore),
      notAfter: new Date(e.notAfter),
    };
  }
}
