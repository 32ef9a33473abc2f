import type { Locale } from '../../domain/people.js';

/** What the rules found in one utterance. Values are normalised; order is order of appearance. */
export interface Entities {
  /** `UC-2026-000123`, upper case with dashes, whatever separators were typed. */
  caseNumbers: string[];
  /** Twelve digits, separators removed. Shape only: the edge validates before using one. */
  mykad: string[];
  /** Lower case. */
  emails: string[];
  /** Lower case FQDNs (a leading `*.` kept), never the domain part of an e-mail address. */
  domains: string[];
  /** Lower-case hex, colons removed, as the CA stores serials. */
  serials: string[];
  /** A language the user named (for `switch_language`). */
  language?: Locale;
}

/** The patterns, exported so the normaliser replaces exactly what the extractor finds. */
export const PATTERNS = {
  // Case numbers as people type them: `UC-2026-000123`, `uc 2026 000123`, `UC2026000123`.
  caseNumber: /\b(UC|SC|TC|KN|AD)[\s-]?(\d{4})[\s-]?(\d{6})\b/gi,
  email: /\b[a-z0-9._%+-]+@(?:[a-z0-9-]+\.)+[a-z]{2,}\b/gi,
  // Twelve digits, optionally YYMMDD-PB-###G with dashes or spaces, not inside a longer number.
  mykad: /(?<![\d-])(\d{6})[\s-]?(\d{2})[\s-]?(\d{4})(?![\d-])/g,
  // Colon-separated byte pairs (as viewers show them), or a long hex run that contains a letter
  // and a digit (so neither a MyKad nor a word can pass for one), or any hex run after a keyword.
  serial:
    /\b(?:(?:[0-9a-f]{2}:){3,}[0-9a-f]{2}|(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{16,40})\b|(?<=\b(?:serial|siri|s\/n|sn)(?:\s+(?:no|number|nombor))?[\s.:#]*)[0-9a-f]{6,40}\b/gi,
  // Host names: labels and a letter TLD; an optional `*.` for wildcards; URLs reduce to their host.
  domain: /(?<![\w@.-])(?:https?:\/\/)?((?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w@-])/gi,
};

const LANG_EN = /\b(english|inggeris|inggris|eng|bi)\b/i;
const LANG_MS = /\b(melayu|malay|bm|bahasa malaysia|malaysia)\b/i;

/** Finds every entity by rule. Pure and fast: no dictionary look-ups, no network. */
export function extractEntities(text: string): Entities {
  const caseNumbers = all(text, PATTERNS.caseNumber, (m) => `${m[1]!.toUpperCase()}-${m[2]}-${m[3]}`);
  const emails = all(text, PATTERNS.email, (m) => m[0].toLowerCase());
  // MyKad numbers, serials and domains must not be read out of case numbers or e-mail addresses.
  const rest = text.replace(PATTERNS.caseNumber, ' ').replace(PATTERNS.email, ' ');
  const mykad = all(rest, PATTERNS.mykad, (m) => `${m[1]}${m[2]}${m[3]}`);
  const serials = all(rest.replace(PATTERNS.mykad, ' '), PATTERNS.serial, (m) => m[0].toLowerCase().replace(/:/g, ''));
  const domains = all(rest, PATTERNS.domain, (m) => m[1]!.toLowerCase()).filter(isHostName);
  return { caseNumbers, mykad, emails, domains, serials, language: languageNamed(text) };
}

function languageNamed(text: string): Locale | undefined {
  const en = LANG_EN.exec(text)?.index ?? -1;
  const ms = LANG_MS.exec(text)?.index ?? -1;
  if (en < 0 && ms < 0) return undefined;
  // "tukar dari melayu ke english": the language named last is the one wanted.
  return en > ms ? 'en' : 'ms';
}

// File names and version-like words ("borang.pdf", "v1.2") look like host names; a real one
// ends in a country code or a common generic TLD.
const TLDS = /\.(my|com|net|org|gov|edu|info|io|asia|int|mil|biz|[a-z]{2})$/;
const FILE_EXT = /\.(pdf|docx?|xlsx?|pptx?|jpe?g|png|gif|csr|pem|cer|crt|der|p12|pfx|key|zip|txt|exe|msi)$/;

/** Whether a host-shaped word is a plausible host name rather than a file name or a typo. */
export function isHostName(host: string): boolean {
  return TLDS.test(host) && !FILE_EXT.test(host);
}

function all(text: string, re: RegExp, pick: (m: RegExpExecArray) => string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(new RegExp(re.source, re.flags))) {
    const v = pick(m);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}
