/**
 * What the bot does with what it understood: act, ask first, offer guesses, or decline. One pure
 * function, used by the bot (bot/nlu-routes.ts) and by the evaluator (evaluate.ts), so the
 * numbers `npm run nlu:eval` prints are the bot's real behaviour.
 *
 * A request that opens a case (a certificate operation, a complaint, an advisory request, on-site
 * support) is only begun without asking when three things hold together:
 *   - the model is sure of it: confidence ≥ ACT_THRESHOLD (0.9, above CONFIDENCE_THRESHOLD);
 *   - the text names something that operation acts on (OBJECTS: a certificate, token, server,
 *     training certificate…): "renew my road tax" has no certificate in it;
 *   - the text has no word the model never learned: out-of-scope requests borrow the domain's
 *     verbs and nouns ("sijil lahir anak saya hilang", "token Touch n Go tak boleh top up",
 *     "sijil SPM hilang") but almost always bring a word of their own world with them. Entity
 *     placeholders (an e-mail address, a serial) are not words: "renew cert for a@b.gov.my" acts.
 *     Words the model knows from out-of-scope lines count the same way (OTHER_WORLD: "sijil
 *     penyertaan bengkel", "token maybank").
 * Otherwise the bot asks (`confirm`), best guess first. Asking costs the person one click; acting
 * wrongly starts a form about something we do not serve. Everything else (greeting, help,
 * language, cancel, status, tasks, a person) acts at the normal threshold: none of it opens a case.
 */
import { CERTIFICATE_OPERATIONS, CONFIDENCE_THRESHOLD, type Classification, type Intent, type Nlu } from './index.js';
import { shortCommand, type ShortCommand } from '../../dialogs/short-forms.js';
import { OTHER_SENSES } from './lexicon.js';
import { features, normalise } from './normalise.js';

/** Confidence needed to begin a case-opening request without asking (CONFIDENCE_THRESHOLD for the rest). */
export const ACT_THRESHOLD = 0.9;
/** At most this many intents are offered in one question (before "none of these"). */
export const MAX_CHOICES = 3;
/** A runner-up is offered beside a likely best guess only when it has at least this share. */
const RUNNER_UP_FLOOR = 0.05;

/**
 * Concepts of another world (bot/nlu/lexicon.ts): a bank's token, a birth certificate, a course's
 * certificate, the office printer. Next to one of them nothing is begun without asking.
 */
const OTHER_WORLD: ReadonlySet<string> = new Set([...OTHER_SENSES, '#othercert', '#office_it', '#smalltalk']);

/** The intents that open a case when acted on (bot/nlu-routes.ts act()). */
export const CASE_INTENTS: ReadonlySet<Intent> = new Set<Intent>([
  ...CERTIFICATE_OPERATIONS,
  'complaint',
  'advisory_request',
  'onsite_support',
]);

const USER_OBJECTS = ['#cert', '#medium', '#user', '#serial', '#privkey', '#mykad', '#govapp'];
/** The features (bot/nlu/lexicon.ts concepts) that name what each case-opening intent acts on. */
export const OBJECTS: Readonly<Partial<Record<Intent, readonly string[]>>> = {
  apply_user_cert: USER_OBJECTS,
  renew_user_cert: USER_OBJECTS,
  revoke_user_cert: USER_OBJECTS,
  replace_user_cert: USER_OBJECTS,
  apply_server_cert: ['#server'],
  renew_server_cert: ['#server'],
  revoke_server_cert: ['#server'],
  apply_training_cert: ['#training'],
  renew_training_cert: ['#training'],
  revoke_training_cert: ['#training'],
  replace_training_cert: ['#training'],
  // A complaint is about something of ours going wrong: a code, a PIN, a login, a download…
  complaint: [
    '#complaint',
    '#cert',
    '#medium',
    '#code',
    '#pin',
    '#login',
    '#download',
    '#upload',
    '#helpdesk',
    '#govapp',
    '#error',
    '#blocked',
  ],
  advisory_request: ['#advice', '#session'],
  onsite_support: ['#onsite'],
};

/**
 * A classification plus what the text was made of: its features (bot/nlu/normalise.ts: concepts
 * such as `#cert`, other words as themselves) and the words among them the model never learned.
 */
export type Understood = Classification & { features?: readonly string[]; unknown?: readonly string[] };

export type Decision =
  | { kind: 'act'; intent: Intent }
  /** Likely, but it would open a case: ask, best guess first. */
  | { kind: 'confirm'; choices: Intent[] }
  /** Unsure (below CONFIDENCE_THRESHOLD): offer the best guesses. */
  | { kind: 'suggest'; choices: Intent[] }
  | { kind: 'outOfScope' };

/** Whether an intent may be acted on at once for this understanding (see the module comment). */
export function mayActAtOnce(u: Understood): boolean {
  if (u.confidence < CONFIDENCE_THRESHOLD) return false;
  if (!CASE_INTENTS.has(u.intent)) return true;
  if (!u.features || !u.unknown) return false;
  const objects = OBJECTS[u.intent] ?? [];
  return (
    u.confidence >= ACT_THRESHOLD &&
    u.features.some((f) => objects.includes(f)) &&
    !u.features.some((f) => OTHER_WORLD.has(f)) &&
    u.unknown.length === 0
  );
}

/**
 * A thank-you or a goodbye ("terima kasih", "tq", "ok bye"): nothing the bot serves, so the model calls it
 * `out_of_scope` (as the independent evaluation labels it), but answering it as a misunderstanding would
 * be rude, and two in a row would queue the person for an agent. The bot answers it as a greeting (the
 * menu); no case is opened either way.
 */
function isCourtesy(u: Understood): boolean {
  return !!u.features?.some((f) => f === '#thanks' || f === '#bye');
}

/** The decision for one understanding; without `features` and `unknown` a case-opening intent is always asked. */
export function decide(u: Understood): Decision {
  if (u.intent === 'out_of_scope') return isCourtesy(u) ? { kind: 'act', intent: 'greeting' } : { kind: 'outOfScope' };
  const candidates = u.top.filter((t) => t.intent !== 'out_of_scope');
  if (u.confidence < CONFIDENCE_THRESHOLD) {
    const choices = candidates.slice(0, MAX_CHOICES).map((t) => t.intent);
    return choices.length ? { kind: 'suggest', choices } : { kind: 'outOfScope' };
  }
  if (mayActAtOnce(u)) return { kind: 'act', intent: u.intent };
  const runnersUp = candidates.filter((t) => t.intent !== u.intent && t.score >= RUNNER_UP_FLOOR).map((t) => t.intent);
  return { kind: 'confirm', choices: [u.intent, ...runnersUp].slice(0, MAX_CHOICES) };
}

const INTENT_OF_COMMAND: Record<ShortCommand['kind'], Intent> = {
  cancel: 'cancel',
  help: 'help',
  menu: 'greeting',
  agent: 'talk_to_agent',
  language: 'switch_language',
};

/**
 * What the bot does with a typed message (no question open, no dialog): a short command
 * ("ejen", "batal", "bm": dialogs/short-forms.ts) is obeyed before the model is asked; the rest
 * as `decide` says. None of the commands opens a case.
 */
export function decideMessage(text: string, u: Understood): Decision {
  const command = shortCommand(text);
  return command ? { kind: 'act', intent: INTENT_OF_COMMAND[command.kind] } : decide(u);
}

/** Whether a decision begins a case without asking the person first. */
export function opensCaseWithoutAsking(d: Decision): boolean {
  return d.kind === 'act' && CASE_INTENTS.has(d.intent);
}

/** Classifies `text` and adds its features and unknown words, for `decide`. */
export function understandText(nlu: Nlu, text: string): Understood {
  const feats = features(normalise(text));
  // Concepts and entity placeholders (`#email`, `#serial`) are not words; the rest must be known.
  const unknown = feats.filter((f) => !f.startsWith('#') && !f.startsWith('_') && !nlu.model.vocabulary.has(f));
  return { ...nlu.classify(text), features: feats, unknown };
}
