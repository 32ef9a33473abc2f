/**
 * Server-certificate rules (DOMAIN.md 2.5, 4.4) as pure functions: the domain names of an
 * application against its type, and the facts of a PKCS#10 request (read by infra) against the
 * application. Every problem is reported, not only the first, so the technical officer can fix
 * them in one go.
 */

export const SERVER_CERT_TYPES = ['single', 'multi', 'wildcard'] as const;
export type ServerCertType = (typeof SERVER_CERT_TYPES)[number];

/** What infra reads from a CSR: plain facts, no judgement. */
export interface CsrFacts {
  keyType: 'rsa' | 'ec' | 'other';
  /** RSA modulus length in bits. */
  rsaBits?: number;
  /** RSA public exponent, decimal. */
  rsaExponent?: string;
  /** Named curve of an EC key as OpenSSL names it (`prime256v1`, `secp384r1`, ...). */
  ecCurve?: string;
  /** Digest of the request's signature algorithm, when known (`sha1`, `sha256`, ...). */
  signatureHash?: string;
  /** Whether the request's own signature verifies with its public key (proof of possession). */
  signatureValid: boolean;
  commonNames: string[];
  dnsNames: string[];
  ipAddresses: string[];
  /** Other SAN kinds (e-mail, URI, ...), as `kind:value`. */
  otherNames: string[];
  /** SHA-256 of the SubjectPublicKeyInfo, lower-case hex. */
  keyFingerprint: string;
}

export type CsrProblemCode =
  | 'CSR_TOO_LARGE'
  | 'CSR_UNPARSABLE'
  | 'CSR_BAD_SIGNATURE'
  | 'CSR_KEY_TYPE'
  | 'CSR_KEY_TOO_SMALL'
  | 'CSR_KEY_TOO_LARGE'
  | 'CSR_KEY_SIZE_ODD'
  | 'CSR_KEY_EXPONENT'
  | 'CSR_EC_CURVE'
  | 'CSR_WEAK_HASH'
  | 'CSR_NO_SAN'
  | 'CSR_OTHER_SAN'
  | 'CSR_NAMES_MISMATCH'
  | 'CSR_KEY_REUSED'
  | DomainNameProblemCode;

export type DomainNameProblemCode =
  | 'NAME_INVALID'
  | 'NAME_IP_ADDRESS'
  | 'NAME_INTERNAL'
  | 'NAME_WILDCARD_POSITION'
  | 'NAME_SUFFIX'
  | 'TYPE_COUNT'
  | 'TYPE_WILDCARD_MISSING'
  | 'TYPE_WILDCARD_UNEXPECTED'
  | 'NAME_DUPLICATE';

export interface Problem<C extends string = CsrProblemCode> {
  code: C;
  params?: Record<string, string | number>;
}

export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 8192;
export const ALLOWED_CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384' };
const STRONG_HASHES = new Set(['sha256', 'sha384', 'sha512']);
const INTERNAL_TLDS = new Set([
  'local',
  'localhost',
  'internal',
  'intranet',
  'lan',
  'corp',
  'home',
  'localdomain',
  'test',
  'invalid',
  'example',
]);
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Lower-case, trims and drops a trailing dot: how names are compared everywhere. */
export function normaliseDomain(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Splits what a person typed ("a.gov.my, b.gov.my" or one per line) into names. */
export function splitDomains(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map(normaliseDomain)
    .filter(Boolean);
}

function isUnder(name: string, suffix: string): boolean {
  const s = normaliseDomain(suffix).replace(/^\*?\./, '');
  return name === s || name.endsWith(`.${s}`);
}

/** Problems of one name by itself: shape, IP, internal, wildcard placement, allowed suffix. */
export function checkDomainName(raw: string, allowedSuffixes: string[]): Problem<DomainNameProblemCode>[] {
  const name = normaliseDomain(raw);
  const p = (code: DomainNameProblemCode): Problem<DomainNameProblemCode> => ({ code, params: { name } });
  if (IPV4.test(name) || name.includes(':')) return [p('NAME_IP_ADDRESS')];
  const labels = name.split('.');
  const problems: Problem<DomainNameProblemCode>[] = [];
  const wildcards = labels.map((l, i) => (l.includes('*') ? i : -1)).filter((i) => i >= 0);
  if (wildcards.length > 0 && (wildcards.length > 1 || wildcards[0] !== 0 || labels[0] !== '*')) problems.push(p('NAME_WILDCARD_POSITION'));
  const plain = labels.filter((l, i) => !(i === 0 && l === '*'));
  if (plain.some((l) => !l.includes('*') && !LABEL.test(l))) problems.push(p('NAME_INVALID'));
  if (labels.length < 2 || INTERNAL_TLDS.has(labels[labels.length - 1]!)) problems.push(p('NAME_INTERNAL'));
  else {
    // The registry's own zone (`gov.my`, `*.gov.my`) is nobody's domain: a name must sit under it.
    const base = labels[0] === '*' ? labels.slice(1).join('.') : name;
    const suffix = allowedSuffixes.find((s) => isUnder(base, s));
    if (!suffix || base === normaliseDomain(suffix).replace(/^\*?\./, ''))
      problems.push({ code: 'NAME_SUFFIX', params: { name, suffixes: allowedSuffixes.join(', ') } });
  }
  return problems;
}

/** The names of an application against its type (single: one FQDN; multi: two or more; wildcard: one `*.`). */
export function checkDomainsForType(type: ServerCertType, rawNames: string[], allowedSuffixes: string[]): Problem<DomainNameProblemCode>[] {
  const names = rawNames.map(normaliseDomain);
  const problems = names.flatMap((n) => checkDomainName(n, allowedSuffixes));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) problems.push({ code: 'NAME_DUPLICATE', params: { name: dup } });
  const wild = names.filter((n) => n.startsWith('*.'));
  if (type === 'single' && names.length !== 1) problems.push({ code: 'TYPE_COUNT', params: { type, count: names.length } });
  if (type === 'multi' && names.length < 2) problems.push({ code: 'TYPE_COUNT', params: { type, count: names.length } });
  if (type === 'wildcard') {
    if (names.length !== 1) problems.push({ code: 'TYPE_COUNT', params: { type, count: names.length } });
    if (wild.length === 0) problems.push({ code: 'TYPE_WILDCARD_MISSING', params: { type } });
  } else if (wild.length > 0) problems.push({ code: 'TYPE_WILDCARD_UNEXPECTED', params: { type, name: wild[0]! } });
  return problems;
}

export interface CsrExpectation {
  type: ServerCertType;
  /** The application's domain names. */
  domains: string[];
  allowedSuffixes: string[];
  /** Whether the request's public key was seen in an earlier request or certificate. */
  keySeenBefore: boolean;
}

/**
 * Every problem of a readable CSR against the application (DOMAIN.md 4.4): proof of possession,
 * key type and size, exponent, curve, hash, names (CN and SAN exactly the application's names,
 * fitting its type, allowed suffix, no IP or internal name) and key reuse.
 */
export function checkServerCsr(facts: CsrFacts, want: CsrExpectation): Problem[] {
  const problems: Problem[] = [];
  if (!facts.signatureValid) problems.push({ code: 'CSR_BAD_SIGNATURE' });
  if (facts.keyType === 'rsa') {
    const bits = facts.rsaBits ?? 0;
    if (bits < MIN_RSA_BITS) problems.push({ code: 'CSR_KEY_TOO_SMALL', params: { bits, min: MIN_RSA_BITS } });
    else if (bits > MAX_RSA_BITS) problems.push({ code: 'CSR_KEY_TOO_LARGE', params: { bits, max: MAX_RSA_BITS } });
    if (bits % 8 !== 0) problems.push({ code: 'CSR_KEY_SIZE_ODD', params: { bits } });
    // NIST SP 800-89 §5.3.3: odd e with 2^16 < e < 2^256.
    const e = BigInt(facts.rsaExponent ?? '0');
    if (e % 2n === 0n || e <= 0x10000n || e >= 1n << 256n) problems.push({ code: 'CSR_KEY_EXPONENT', params: { exponent: String(e) } });
  } else if (facts.keyType === 'ec') {
    if (!facts.ecCurve || !ALLOWED_CURVES[facts.ecCurve]) problems.push({ code: 'CSR_EC_CURVE', params: { curve: facts.ecCurve ?? '?' } });
  } else problems.push({ code: 'CSR_KEY_TYPE' });
  if (!facts.signatureHash || !STRONG_HASHES.has(facts.signatureHash))
    problems.push({ code: 'CSR_WEAK_HASH', params: { hash: facts.signatureHash ?? '?' } });

  const want_ = [...new Set(want.domains.map(normaliseDomain))].sort();
  const sans = facts.dnsNames.map(normaliseDomain);
  const cns = facts.commonNames.map(normaliseDomain);
  for (const ip of facts.ipAddresses) problems.push({ code: 'NAME_IP_ADDRESS', params: { name: ip } });
  if (facts.otherNames.length > 0) problems.push({ code: 'CSR_OTHER_SAN', params: { names: facts.otherNames.join(', ') } });
  if (sans.length === 0) problems.push({ code: 'CSR_NO_SAN' });
  const present = [...new Set([...sans, ...cns])];
  for (const name of present) problems.push(...checkDomainName(name, want.allowedSuffixes));
  const got = [...new Set(sans)].sort();
  const missing = want_.filter((n) => !got.includes(n));
  const extra = [...new Set([...got, ...cns])].filter((n) => !want_.includes(n));
  if (sans.length > 0 && (missing.length > 0 || extra.length > 0)) {
    problems.push({
      code: 'CSR_NAMES_MISMATCH',
      params: { missing: missing.join(', ') || '-', extra: extra.join(', ') || '-', expected: want_.join(', ') },
    });
  }
  if (sans.length > 0) {
    for (const p of checkDomainsForType(want.type, got, want.allowedSuffixes)) {
      if (p.code.startsWith('TYPE_') || p.code === 'NAME_DUPLICATE') problems.push(p);
    }
  }
  if (want.keySeenBefore) problems.push({ code: 'CSR_KEY_REUSED' });
  return dedupe(problems);
}

function dedupe<P extends Problem<string>>(problems: P[]): P[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.code}|${JSON.stringify(p.params ?? {})}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The whole verdict on an upload: size, then readability, then every rule. */
export function assessCsr(
  read: { facts: CsrFacts } | undefined,
  opts: CsrExpectation & { sizeBytes: number; maxBytes: number },
): Problem[] {
  if (opts.sizeBytes > opts.maxBytes)
    return [{ code: 'CSR_TOO_LARGE', params: { maxMb: Math.round((opts.maxBytes / 1048576) * 10) / 10 } }];
  if (!read) return [{ code: 'CSR_UNPARSABLE' }];
  return checkServerCsr(read.facts, opts);
}
