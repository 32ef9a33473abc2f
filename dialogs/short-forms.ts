import type { Locale } from '../domain/people.js';

/**
 * The short things people type instead of an answer or a request: "batal", "x jadi", "ejen",
 * "org", "apa ni", "english please", and the yes/no words of chat Malay and English. Only a
 * whole message matches (after lower-casing and dropping the punctuation around it), so
 * "Orang Kaya Abdullah" is a name, not a request for a person, and "saya tak nak dah sijil ini"
 * is a sentence for the recogniser, not a cancel.
 */
export type ShortCommand =
  { kind: 'cancel' } | { kind: 'help' } | { kind: 'menu' } | { kind: 'agent' } | { kind: 'language'; locale: Locale };

// Particles and courtesy words people add around a short form: "batal je", "ejen please", "bm la".
const TAIL = String.raw`(?: (?:je|jelah|aje|sahaja|saja|lah|la|please|pls|plz|terus|sekarang|now|dah|je la))?`;
const HEAD = String.raw`(?:(?:saya|sy|aku|i) )?(?:(?:nak|nk|mahu|mau|ingin|want to|wanna|please|pls|tolong) )?`;
const whole = (body: string): RegExp => new RegExp(`^${HEAD}(?:${body})${TAIL}$`);

const CANCEL = whole(
  [
    'batal',
    'batalkan',
    'cancel',
    'berhenti',
    'stop',
    'quit',
    'exit',
    'keluar',
    'abort',
    '(?:tak|tk|x|tidak) ?jadi',
    '(?:tak|tk|x|tidak) ?(?:nak|mahu|mau) (?:dah|lagi|teruskan)',
    'taknak dah',
    '(?:tak|tk|x) ?payah',
    '(?:tak|tk|x|tidak) perlu dah',
    'lupakan',
    'lupakan je',
    'never ?mind',
    'nvm',
    'forget it',
    // The request being filled in, never a certificate: "batalkan sijil" is a revocation.
    '(?:batal|batalkan|cancel|stop|hentikan) (?:permohonan|aduan|application|request|langkah|proses|this|this request|this application)(?: ni| ini| this)?',
  ].join('|'),
);
const HELP = whole(
  [
    'bantuan',
    'help',
    'help me',
    'tolong',
    'tolong saya',
    'tolong sy',
    'bantu',
    'bantu saya',
    'apa (?:ni|nih|ini|benda ni)',
    'apa (?:yang )?(?:perlu|kena) (?:saya )?(?:buat|taip|jawab)',
    '(?:saya |sy )?(?:keliru|confused|blur)',
    "i(?:'| a)?m confused",
    '(?:tak|tk|x|tidak) (?:faham|paham|fhm)',
    "(?:i )?(?:don'?t|do not) understand",
    'what is this',
    'what do i (?:do|type)',
    '(?:macam|mcm) mana ni',
    'camne ni',
    'huh',
  ].join('|'),
);
const MENU = /^(?:menu|menu utama|main menu)$/;
const PERSON = '(?:orang|org|ejen|agent|manusia|human|staf|staff|pegawai|person|someone|real person|helpdesk agent|live agent)';
/** A whole (lower-case) message asking for a person: "ejen", "org", "nak cakap dgn manusia", "talk to a human". */
export const AGENT_WORDS = whole(
  [
    'ejen',
    'agent',
    'ejen manusia',
    'human',
    'live agent',
    'live chat',
    'real person',
    'org',
    'orang',
    'manusia',
    `(?:cakap|ckp|bercakap|sembang|berbual|chat|borak) (?:dengan|dgn|dg|ngan) ${PERSON}(?: sebenar)?`,
    `(?:sambung|sambungkan|hubungkan|connect|transfer)(?: me| saya)? (?:ke|kepada|dengan|dgn|to|with) (?:a |an |the )?(?:${PERSON}|cs|customer service|helpdesk)`,
    `(?:talk|speak|chat) (?:to|with) (?:a |an |the )?${PERSON}`,
    `(?:i want to |can i )(?:talk|speak|chat) (?:to|with) (?:a |an |the )?${PERSON}`,
    'ejen please',
    'agent please',
    'human please',
  ].join('|'),
);
// Words that are also plausible answers to a free-text question (a position, a description):
// recognised as a request for a person everywhere else.
const AGENT_IN_CHOICES_ONLY = whole('cs|customer service|customer support|khidmat pelanggan|helpdesk|help desk|operator');
const ENGLISH = whole(
  [
    'english',
    'in english',
    'eng',
    'bahasa inggeris',
    'b inggeris',
    'inggeris',
    'bi',
    '(?:speak|cakap|reply in|jawab dalam|guna|use|tukar ke|tukar kepada|switch to|change to) (?:english|bi|bahasa inggeris)',
    '(?:can you |boleh )?(?:speak|cakap) english',
  ].join('|'),
);
const MALAY = whole(
  [
    'bahasa melayu',
    'bahasa malaysia',
    'melayu',
    'bm',
    'malay',
    'in malay',
    'b melayu',
    '(?:speak|cakap|reply in|jawab dalam|guna|use|tukar ke|tukar kepada|switch to|change to) (?:bm|melayu|malay|bahasa melayu|bahasa malaysia)',
  ].join('|'),
);

const YES =
  /^(?:ya|yaa|ye|yer|yea|yeah|yes|yup|yep|y|ok|okay|okey|oke|k|boleh|betul|benar|setuju|agree|baik|sure|confirm|sah|teruskan|proceed|ya betul|betul tu|ya setuju|ok boleh|boleh je|ya boleh|of course|mestilah|tentu)$/;
const NO =
  /^(?:tak|tk|x|tidak|tdk|no|n|nope|nah|nay|taknak|tak nak|tk nak|x nak|xnak|tak mahu|tidak mahu|bukan|tak setuju|tidak setuju|jangan|no thanks|tak perlu|tidak perlu)$/;

/** Lower case, spaces collapsed, punctuation and emoji around the text dropped ("Ejen!!" → "ejen"). */
export function shortFormOf(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .trim();
}

/**
 * The command a short whole message asks for, if any. In a free-text field (`freeText`) the words
 * that could be the answer itself ("CS", "customer service" as a position) are answers, not requests.
 */
export function shortCommand(text: string, opts: { freeText?: boolean } = {}): ShortCommand | undefined {
  if (/^\s*\?+\s*$/.test(text)) return { kind: 'help' };
  const s = shortFormOf(text);
  if (!s || s.split(' ').length > 7) return undefined;
  if (CANCEL.test(s)) return { kind: 'cancel' };
  if (HELP.test(s)) return { kind: 'help' };
  if (MENU.test(s)) return { kind: 'menu' };
  if (AGENT_WORDS.test(s) || (!opts.freeText && AGENT_IN_CHOICES_ONLY.test(s))) return { kind: 'agent' };
  if (ENGLISH.test(s)) return { kind: 'language', locale: 'en' };
  if (MALAY.test(s)) return { kind: 'language', locale: 'ms' };
  return undefined;
}

/** The informal yes or no of a whole message ("ya", "ok", "boleh"; "tak", "x", "taknak"), if it is one. */
export function yesNo(text: string): 'yes' | 'no' | undefined {
  const s = shortFormOf(text);
  if (YES.test(s)) return 'yes';
  if (NO.test(s)) return 'no';
  return undefined;
}

const FAQ_PHRASE =
  /(?:^|\s)(?:soalan[- ]soalan lazim|soalan lazim|soalan biasa|faqs?|frequently asked questions?|common questions)(?=\s|$)/i;
const FAQ_VERBS =
  /^(?:(?:saya |sy |i )?(?:nak |nk |mahu |want to )?(?:buka|tunjuk|tunjukkan|lihat|papar|baca|cari|semak|show|open|see|read|check|search)(?: me)? )?(?:(?:the|dalam|di|from|in) )?/i;

/**
 * A request for the FAQ ("soalan lazim", "faq token tidak dikesan", "show me the FAQ"), with what
 * the person asked besides, to search at once. Only messages of at most 20 words name it.
 */
export function faqRequest(text: string): { question: string } | undefined {
  // The person's own capitals are kept: what they asked may become a complaint's description.
  const s = text
    .normalize('NFKC')
    .replace(/[:;,!?()"]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .trim();
  if (!FAQ_PHRASE.test(s) || s.split(' ').length > 20) return undefined;
  const rest = `${s.replace(FAQ_PHRASE, ' ').replace(/\s+/g, ' ').trim()} `
    .replace(FAQ_VERBS, '')
    .replace(/^(?:apa itu|apa tu|what is|what are) /i, '')
    .replace(/^(?:tentang|pasal|mengenai|berkenaan|about|on|for|untuk)\s+/i, '')
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .trim();
  return { question: rest };
}
