import { randomUUID } from 'node:crypto';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { z } from 'zod';
import { isCaseNumber } from '../../domain/cases/case.js';
import { USER_CERT_FIELDS } from '../../domain/cases/user-certificate.js';
import { parseOfficialEmail } from '../../domain/rules/contact.js';
import { maskMyKad, parseMyKad } from '../../domain/rules/mykad.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import type { Locale } from '../../domain/people.js';
import { adaptiveCard, esc, submit } from '../../ui/cards/adaptive.js';
import { menuCard } from '../../ui/cards/menu.js';
import { t } from '../../ui/i18n/index.js';
import { matchChoice, promptWithCards } from '../../dialogs/prompt.js';
import { faqRequest, shortCommand, yesNo, type ShortCommand } from '../../dialogs/short-forms.js';
import { localeOf, personOf, say, setLocale, textOf, type LocalePreferences } from '../../ui/turn.js';
import { APPLY_USER_CERT_DIALOG, ApplyUserCertificateDialog } from '../../dialogs/user-certificate/apply-dialog.js';
import type { FormValues } from '../../dialogs/user-certificate/fields.js';
import { beginGoal, type Goal } from '../../dialogs/goals.js';
import { requestAgent } from '../../dialogs/agent-request.js';
import { showStatus } from './commands.js';
import { showOpenCases } from './open-cases.js';
import type { DialogRunner } from './dialog-runner.js';
import type { BotTurnState, NluQuestion } from './state.js';
import { INTENTS, type Entities, type Intent, type Nlu } from '../nlu/index.js';
import { decide, understandText } from '../nlu/policy.js';

export interface NluRouteDeps {
  nlu: Nlu;
  core: CoreDeps;
  runner: DialogRunner;
  prefs: LocalePreferences;
  /** Lists the approvals waiting for the person (the `tugasan` command). */
  tasks(ctx: TurnContext): Promise<void>;
  /** Tells the user to finish or cancel the open dialog first. */
  busy(ctx: TurnContext): Promise<void>;
}

/**
 * A button of the "which one do you mean?" question; the case number or e-mail the user typed
 * rides along so nothing is lost. `out_of_scope` is "none of these"; `q` names the question.
 */
const SuggestPayload = z.object({
  verb: z.literal('suggest'),
  intent: z.enum(INTENTS),
  q: z
    .string()
    .regex(/^[0-9a-f]{8}$/)
    .optional(),
  caseId: z
    .string()
    .refine((s) => isCaseNumber(s))
    .optional(),
  email: z
    .string()
    .max(254)
    .regex(/^[a-z0-9._%+-]+@([a-z0-9-]+\.)+[a-z]{2,}$/)
    .optional(),
});

// Certificate operations and helpdesk requests served by their dialogs (dialogs/goals.ts).
const GOAL_OF_INTENT: Partial<Record<Intent, Goal>> = {
  renew_user_cert: 'renewUserCert',
  revoke_user_cert: 'revokeUserCert',
  replace_user_cert: 'replaceUserCert',
  complaint: 'complaint',
  advisory_request: 'advisory',
  apply_training_cert: 'newTrainingCert',
  renew_training_cert: 'renewTrainingCert',
  revoke_training_cert: 'revokeTrainingCert',
  replace_training_cert: 'replaceTrainingCert',
  apply_server_cert: 'newServerCert',
  renew_server_cert: 'renewServerCert',
  revoke_server_cert: 'revokeServerCert',
};

const MENU_WORDS = /^(menu|menu utama|main menu|mula|start)$/;
/** This turn's copy of the question the previous turn asked. */
const ASKED = Symbol('gpki.nluAsked');
const NONE = 'none';

/** Registers the card verb of the question's buttons, and forgets a question once a message came after it. */
export function registerNluRoutes(app: Application<BotTurnState>, deps: NluRouteDeps): void {
  // A question is answered by the very next message or not at all: this turn takes it out of the
  // state, so a later "2" or "ya" is never read as an answer to something asked long ago.
  app.turn('beforeTurn', async (ctx, state) => {
    if (ctx.activity.type !== ActivityTypes.Message) return true;
    const conversation = state.conversation;
    if (conversation.nluQuestion) {
      ctx.turnState.set(ASKED, conversation.nluQuestion);
      delete conversation.nluQuestion;
    }
    return true;
  });
  app.adaptiveCards.actionSubmit('suggest', async (ctx, state) => {
    const p = SuggestPayload.safeParse(ctx.activity.value);
    if (!p.success) return void (await ctx.sendActivity(say(ctx, 'card.invalid')));
    const dc = await deps.runner.createContext(ctx);
    if (dc.activeDialog) return void (await deps.busy(ctx));
    const asked = askedOf(ctx);
    const entities: Entities =
      asked && asked.id === p.data.q
        ? asked.entities
        : {
            caseNumbers: p.data.caseId ? [p.data.caseId] : [],
            emails: p.data.email ? [p.data.email] : [],
            mykad: [],
            domains: [],
            serials: [],
          };
    await picked(ctx, state, p.data.intent, entities, deps);
  });
}

/**
 * Free text with no dialog open: the answer to the question just asked, a short command, or what
 * the recogniser understood, acted on as bot/nlu/policy.ts decides: at once, after asking which
 * one is meant, or declined politely. Two misunderstandings in a row also offer a person.
 */
export async function understand(ctx: TurnContext, state: BotTurnState, deps: NluRouteDeps): Promise<void> {
  const text = textOf(ctx);
  const asked = askedOf(ctx);
  const answer = asked && text ? answerTo(ctx, asked) : undefined;
  if (asked && answer) return picked(ctx, state, answer, asked.entities, deps);
  if (!text || MENU_WORDS.test(text)) {
    setMisses(state, 0);
    return void (await ctx.sendActivity({ attachments: [menuCard(ctx)] }));
  }
  const command = shortCommand(ctx.activity.text ?? '');
  if (command) {
    setMisses(state, 0);
    return obey(ctx, command, deps);
  }
  const faq = faqRequest(ctx.activity.text ?? '');
  if (faq) {
    setMisses(state, 0);
    return void (await beginGoal(await deps.runner.createContext(ctx), 'faq', faq));
  }
  const understood = understandText(deps.nlu, ctx.activity.text ?? '');
  const decision = decide(understood);
  switch (decision.kind) {
    case 'act':
      setMisses(state, 0);
      return act(ctx, decision.intent, understood.entities, deps);
    case 'confirm':
      // Understood, probably: asking is not a misunderstanding.
      return ask(ctx, state, 'nlu.confirm', { id: questionId(), choices: decision.choices, entities: understood.entities });
    case 'suggest':
      await ask(ctx, state, 'nlu.suggest', { id: questionId(), choices: decision.choices, entities: understood.entities });
      return missed(ctx, state);
    case 'outOfScope':
      await ctx.sendActivity(say(ctx, 'nlu.outOfScope'));
      await missed(ctx, state);
      return void (await ctx.sendActivity({ attachments: [menuCard(ctx)] }));
  }
}

/** The choice a typed answer names: its number, its title (in either language), or a plain yes or no. */
function answerTo(ctx: TurnContext, q: NluQuestion): Intent | undefined {
  const raw = ctx.activity.text ?? '';
  const options = (locale: Locale) => [
    ...q.choices.map((i) => ({ value: i, title: t(locale, `intent.${i}`) })),
    { value: NONE, title: t(locale, 'nlu.choiceNone') },
  ];
  const other: Locale = localeOf(ctx) === 'ms' ? 'en' : 'ms';
  const hit = matchChoice(raw, undefined, options(localeOf(ctx))) ?? matchChoice(raw, undefined, options(other));
  const yn = hit ? undefined : yesNo(raw);
  const choice = hit ?? (yn === 'no' ? NONE : yn === 'yes' && q.choices.length === 1 ? q.choices[0] : undefined);
  if (!choice) return undefined;
  return choice === NONE ? 'out_of_scope' : (choice as Intent);
}

/** What the person picked from the question: the operation begins only now; "none of these" begins nothing. */
async function picked(ctx: TurnContext, state: BotTurnState, intent: Intent, entities: Entities, deps: NluRouteDeps): Promise<void> {
  if (intent !== 'out_of_scope') {
    setMisses(state, 0);
    return act(ctx, intent, entities, deps);
  }
  await ctx.sendActivity(`${say(ctx, 'nlu.none')}\n\n${say(ctx, 'nlu.outOfScope')}`);
  await missed(ctx, state);
  await ctx.sendActivity({ attachments: [menuCard(ctx)] });
}

async function obey(ctx: TurnContext, command: ShortCommand, deps: NluRouteDeps): Promise<void> {
  switch (command.kind) {
    case 'agent':
      return act(ctx, 'talk_to_agent', NO_ENTITIES, deps);
    case 'help':
      return act(ctx, 'help', NO_ENTITIES, deps);
    case 'cancel':
      return act(ctx, 'cancel', NO_ENTITIES, deps);
    case 'menu':
      return void (await ctx.sendActivity({ attachments: [menuCard(ctx)] }));
    case 'language':
      return switchLanguage(ctx, command.locale, deps);
  }
}

const NO_ENTITIES: Entities = { caseNumbers: [], emails: [], mykad: [], domains: [], serials: [] };

/** Does what an understood (or picked) intent asks. */
async function act(ctx: TurnContext, intent: Intent, entities: Entities, deps: NluRouteDeps): Promise<void> {
  if (intent === 'talk_to_agent') {
    if (await requestAgent(ctx, 'request')) return;
    await ctx.sendActivity(say(ctx, 'nlu.notYet', { service: say(ctx, `intent.${intent}`) }));
    return void (await ctx.sendActivity({ attachments: [menuCard(ctx)] }));
  }
  const goal = GOAL_OF_INTENT[intent];
  if (goal) {
    // A serial in the message ("batalkan sijil 1A2B…") pre-chooses the certificate; the dialog's use case checks it is theirs.
    const dc = await deps.runner.createContext(ctx);
    return void (await beginGoal(dc, goal, { serial: entities.serials[0] }));
  }
  switch (intent) {
    case 'onsite_support': {
      // On-site support is asked for from a ticket (DOMAIN.md 2.9): explain, then open the complaint.
      await ctx.sendActivity(say(ctx, 'onsite.viaTicket'));
      const dc = await deps.runner.createContext(ctx);
      return void (await beginGoal(dc, 'onsite'));
    }
    case 'apply_user_cert':
      return applyUserCert(ctx, entities, deps);
    case 'check_status': {
      // With a number, that case; without one ("dah diproses ke?"), the person's cases in progress.
      const caseId = entities.caseNumbers[0];
      return caseId ? showStatus(ctx, deps.core, `status ${caseId}`) : showOpenCases(ctx, deps.core);
    }
    case 'my_tasks':
      return deps.tasks(ctx);
    case 'help':
      return void (await ctx.sendActivity(say(ctx, 'help.general')));
    case 'cancel':
      return void (await ctx.sendActivity(say(ctx, 'cancel.nothing')));
    case 'switch_language':
      // "tukar bahasa" names no language: the other one.
      return switchLanguage(ctx, entities.language ?? (localeOf(ctx) === 'ms' ? 'en' : 'ms'), deps);
    default:
      // greeting: the menu.
      return void (await ctx.sendActivity({ attachments: [menuCard(ctx)] }));
  }
}

async function switchLanguage(ctx: TurnContext, lang: Locale, deps: NluRouteDeps): Promise<void> {
  setLocale(ctx, lang);
  await deps.prefs.remember(personOf(ctx).id, lang);
  await ctx.sendActivity(say(ctx, 'lang.switched'));
  await ctx.sendActivity({ attachments: [menuCard(ctx)] });
}

/**
 * Begins the application with what the message already gave: a valid official e-mail and a
 * valid MyKad number are filled in and not asked again. The MyKad number is only ever shown masked.
 */
async function applyUserCert(ctx: TurnContext, entities: Entities, deps: NluRouteDeps): Promise<void> {
  const values: FormValues = {};
  const items: string[] = [];
  const email = entities.emails.map((e) => parseOfficialEmail(e, deps.core.policy.emailDomains)).find((r) => r.ok);
  if (email?.ok) {
    values.email = email.value;
    items.push(`${say(ctx, 'field.email')}: ${esc(email.value)}`);
  }
  const mykad = entities.mykad.map((m) => parseMyKad(m, deps.core.clock.now())).find((r) => r.ok);
  if (mykad?.ok) {
    values.mykad = mykad.value.digits;
    items.push(`${say(ctx, 'field.mykad')}: ${maskMyKad(mykad.value.digits)}`);
  }
  if (items.length > 0) await ctx.sendActivity(say(ctx, 'nlu.prefilled', { items: items.join('; ') }));
  const options = ApplyUserCertificateDialog.fresh();
  const dc = await deps.runner.createContext(ctx);
  await dc.beginDialog(APPLY_USER_CERT_DIALOG, {
    ...options,
    values,
    ask: USER_CERT_FIELDS.filter((f) => values[f as keyof FormValues] === undefined),
  });
}

/**
 * Asks which operation is meant: best guess first, "none of these" last, as card buttons and as the
 * prompt hint (`channelData.prompt`, field `intent`), so a typed title or number answers it too.
 */
async function ask(ctx: TurnContext, state: BotTurnState, key: 'nlu.confirm' | 'nlu.suggest', q: NluQuestion): Promise<void> {
  state.conversation.nluQuestion = q;
  const choices = [
    ...q.choices.map((i) => ({ value: i, title: say(ctx, `intent.${i}`) })),
    { value: NONE, title: say(ctx, 'nlu.choiceNone') },
  ];
  const extra = {
    ...(q.entities.caseNumbers[0] ? { caseId: q.entities.caseNumbers[0] } : {}),
    ...(q.entities.emails[0] ? { email: q.entities.emails[0] } : {}),
  };
  const buttons = choices.map((c) =>
    submit(c.title, { verb: 'suggest', intent: c.value === NONE ? 'out_of_scope' : c.value, q: q.id, ...extra }),
  );
  await ctx.sendActivity(promptWithCards(say(ctx, key), { field: 'intent', kind: 'choice', choices }, [adaptiveCard([], buttons)]));
}

function askedOf(ctx: TurnContext): NluQuestion | undefined {
  return ctx.turnState.get<NluQuestion | undefined>(ASKED);
}

const questionId = (): string => randomUUID().slice(0, 8);

async function missed(ctx: TurnContext, state: BotTurnState): Promise<void> {
  const n = misses(state) + 1;
  setMisses(state, n);
  if (n < 2) return;
  // Two misunderstandings in a row: the conversation joins the agents' queue (bot/handoff).
  if (await requestAgent(ctx, 'misunderstood')) return setMisses(state, 0);
  await ctx.sendActivity(say(ctx, 'nlu.offerAgent'));
}

// The count lives in the teams-ai conversation state, saved with the dialog state at turn end,
// so it survives restarts and follows the conversation to any bot instance.
function misses(state: BotTurnState): number {
  const n = state.conversation.nluMisses;
  return typeof n === 'number' ? n : 0;
}

function setMisses(state: BotTurnState, n: number): void {
  state.conversation.nluMisses = n;
}
