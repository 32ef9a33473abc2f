import type { TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { z } from 'zod';
import { USER_CERT_FIELDS } from '../domain/cases/user-certificate.js';
import { parseOfficialEmail } from '../domain/rules/contact.js';
import { maskMyKad, parseMyKad } from '../domain/rules/mykad.js';
import type { CoreDeps } from '../domain/usecases/deps.js';
import type { Locale } from '../domain/people.js';
import { adaptiveCard, esc, submit } from '../dialogs/cards/adaptive.js';
import { menuCard } from '../dialogs/cards/menu.js';
import { languageRequested, localeOf, personOf, say, setLocale, textOf, type LocalePreferences } from '../dialogs/turn.js';
import { APPLY_USER_CERT_DIALOG, ApplyUserCertificateDialog } from '../dialogs/user-certificate/apply-dialog.js';
import type { FormValues } from '../dialogs/user-certificate/fields.js';
import { beginGoal, type Goal } from '../dialogs/goals.js';
import { AGENT_WORDS, requestAgent } from '../dialogs/agent-request.js';
import { showMyCases, showStatus } from './commands.js';
import type { DialogRunner } from './dialog-runner.js';
import { CONFIDENCE_THRESHOLD, INTENTS, type Entities, type Intent, type Nlu } from './nlu/index.js';

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

/** A suggestion button; the case number or e-mail the user typed rides along so nothing is lost. */
const SuggestPayload = z.object({
  verb: z.literal('suggest'),
  intent: z.enum(INTENTS),
  caseId: z.string().regex(/^(UC|SC|TC|KN|AD)-\d{4}-\d{6}$/).optional(),
  email: z.string().max(254).regex(/^[a-z0-9._%+-]+@([a-z0-9-]+\.)+[a-z]{2,}$/).optional(),
});

// Certificate operations and helpdesk requests served by their dialogs (dialogs/goals.ts).
const GOAL_OF_INTENT: Partial<Record<Intent, Goal>> = {
  renew_user_cert: 'renewUserCert', revoke_user_cert: 'revokeUserCert', replace_user_cert: 'replaceUserCert',
  complaint: 'complaint', advisory_request: 'advisory',
  apply_training_cert: 'newTrainingCert', renew_training_cert: 'renewTrainingCert', revoke_training_cert: 'revokeTrainingCert', replace_training_cert: 'replaceTrainingCert',
  apply_server_cert: 'newServerCert', renew_server_cert: 'renewServerCert', revoke_server_cert: 'revokeServerCert',
};

const MENU_WORDS = /^(menu|menu utama|main menu|mula|start)$/;
const MISSES = 'nluMisses';
const MAX_SUGGESTIONS = 3;

/** Registers the card verb of the suggestion buttons. */
export function registerNluRoutes(app: Application<TurnState>, deps: NluRouteDeps): void {
  app.adaptiveCards.actionSubmit('suggest', async (ctx, state) => {
    const p = SuggestPayload.safeParse(ctx.activity.value);
    if (!p.success) return void (await ctx.sendActivity(say(ctx, 'card.invalid')));
    const dc = await deps.runner.createContext(ctx);
    if (dc.activeDialog) return void (await deps.busy(ctx));
    setMisses(state, 0);
    const entities: Entities = { caseNumbers: p.data.caseId ? [p.data.caseId] : [], emails: p.data.email ? [p.data.email] : [], mykad: [], domains: [], serials: [] };
    await act(ctx, p.data.intent, entities, deps);
  });
}

/**
 * Free text with no dialog open: a command word, or what the recogniser understood. Confident
 * answers act; unsure ones offer the best guesses as buttons; two misunderstandings in a row
 * also offer a person.
 */
export async function understand(ctx: TurnContext, state: TurnState, deps: NluRouteDeps): Promise<void> {
  const text = textOf(ctx);
  if (!text || MENU_WORDS.test(text)) {
    setMisses(state, 0);
    return void (await ctx.sendActivity({ attachments: [menuCard(ctx)] }));
  }
  const exact = languageRequested(text);
  if (exact) {
    setMisses(state, 0);
    return switchLanguage(ctx, exact, deps);
  }
  if (AGENT_WORDS.test(text) && (await requestAgent(ctx, 'request'))) {
    setMisses(state, 0);
    return;
  }
  const c = deps.nlu.classify(ctx.activity.text ?? '');
  if (c.intent === 'out_of_scope') {
    await ctx.sendActivity(say(ctx, 'nlu.outOfScope'));
    await missed(ctx, state);
    return void (await ctx.sendActivity({ attachments: [menuCard(ctx)] }));
  }
  if (c.confidence < CONFIDENCE_THRESHOLD) {
    const options = c.top.filter((t) => t.intent !== 'out_of_scope').slice(0, MAX_SUGGESTIONS).map((t) => t.intent);
    await ctx.sendActivity({ text: say(ctx, 'nlu.suggest'), attachments: [suggestionCard(ctx, options, c.entities)] });
    return missed(ctx, state);
  }
  setMisses(state, 0);
  await act(ctx, c.intent, c.entities, deps);
}

/** Does what an understood intent asks. */
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
      return void (await beginGoal(dc, 'complaint'));
    }
    case 'apply_user_cert':
      return applyUserCert(ctx, entities, deps);
    case 'check_status': {
      const caseId = entities.caseNumbers[0];
      return caseId ? showStatus(ctx, deps.core, `status ${caseId}`) : showMyCases(ctx, deps.core);
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
      // greeting, out_of_scope picked from a card: the menu.
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
  await dc.beginDialog(APPLY_USER_CERT_DIALOG, { ...options, values, ask: USER_CERT_FIELDS.filter((f) => values[f as keyof FormValues] === undefined) });
}

function suggestionCard(ctx: TurnContext, intents: Intent[], entities: Entities) {
  const extra = { ...(entities.caseNumbers[0] ? { caseId: entities.caseNumbers[0] } : {}), ...(entities.emails[0] ? { email: entities.emails[0] } : {}) };
  return adaptiveCard(
    [],
    intents.map((intent) => submit(say(ctx, `intent.${intent}`), { verb: 'suggest', intent, ...extra })),
  );
}

async function missed(ctx: TurnContext, state: TurnState): Promise<void> {
  const n = misses(state) + 1;
  setMisses(state, n);
  if (n < 2) return;
  // Two misunderstandings in a row: the conversation joins the agents' queue (bot/handoff).
  if (await requestAgent(ctx, 'misunderstood')) return setMisses(state, 0);
  await ctx.sendActivity(say(ctx, 'nlu.offerAgent'));
}

// The count lives in the teams-ai conversation state, saved with the dialog state at turn end,
// so it survives restarts and follows the conversation to any bot instance.
function misses(state: TurnState): number {
  const n = (state.conversation as Record<string, unknown>)[MISSES];
  return typeof n === 'number' ? n : 0;
}

function setMisses(state: TurnState, n: number): void {
  (state.conversation as Record<string, unknown>)[MISSES] = n;
}
