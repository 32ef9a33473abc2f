import type { TurnContext } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStep, type WaterfallStepContext } from 'botbuilder-dialogs';
import { USER_CERT_FIELDS } from '../../domain/cases/user-certificate.js';
import { correctableOf, FORM_FIELDS, fieldsOf, isFormField, type FormField } from '../../domain/cases/forms.js';
import type { Realm } from '../../domain/cases/operations.js';
import type { ReplacementTrigger } from '../../domain/rules/replacement.js';
import { CancelAndHelpDialog } from '../cancel-and-help.js';
import { summaryCard } from '../summary-card.js';
import { FieldPrompt, type FieldSpec } from '../field-prompt.js';
import { matchChoice, promptActivity, promptWithCards } from '../prompt.js';
import { yesNo } from '../short-forms.js';
import { localeOf, personOf, say, type LocalePreferences } from '../../ui/turn.js';
import { tDynamic } from '../../ui/i18n/index.js';
import { hasErrorText, sayError } from '../../ui/errors.js';
import { day, refusalText } from '../certificates/refusals.js';
import { eligibleCertificates } from '../certificates/choices.js';
import { parseField, promptFor, reasonText, type FieldDeps, type FormValues } from './fields.js';
import { submitForm, submittedText, type SubmitPlan } from './submit.js';

export const APPLY_USER_CERT_DIALOG = 'applyUserCertificate';
export const FIELD_PROMPT = 'userCertFieldPrompt';
export const WATERFALL = 'applyUserCertificateSteps';

/**
 * Where the dialog starts: a new application, the correction of a returned one, or the form of a
 * renewal or replacement pre-filled from the previous application.
 */
export interface ApplyOptions {
  mode: 'new' | 'correct';
  caseId?: string;
  values: FormValues;
  /** Fields still to ask, in order. */
  ask: FormField[];
  /** The form's realm (default `user`); training forms are labelled not for production. */
  realm?: Realm;
  /** What is submitted (default `new`). */
  operation?: 'new' | 'renew' | 'replace';
  /** The certificate renewed or replaced. */
  serial?: string;
  trigger?: ReplacementTrigger;
  /** Fields the summary's "change" offers (default: every correctable field of the form). */
  changeable?: FormField[];
  /** Set once a new application has warned about the valid certificates already held (asked once only). */
  heldChecked?: boolean;
}

interface StepState extends ApplyOptions {
  pending?: string;
}

type ConfirmChoice = 'submit' | 'change' | 'cancel';

/**
 * Guides a user through a certificate application form (DOMAIN.md 2.1, 2.2, 2.4, 2.6): a new user
 * or training certificate, a renewal or replacement pre-filled from the previous application, or
 * the fields an AP returned for correction. Every answer is validated as it arrives, the summary
 * can change the fields the request allows, and nothing entered is lost on a bad answer, a
 * cancel of a sub-step or a restart.
 */
export class ApplyUserCertificateDialog extends CancelAndHelpDialog {
  constructor(
    private readonly deps: FieldDeps,
    prefs: LocalePreferences,
  ) {
    super(APPLY_USER_CERT_DIALOG, prefs);
    this.addDialog(new FieldPrompt(FIELD_PROMPT, (f) => this.spec(f)));
    const fieldSteps: WaterfallStep[] = FORM_FIELDS.map((f) => this.fieldStep(f));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.heldStep.bind(this),
        this.afterHeld.bind(this),
        ...fieldSteps,
        this.fieldStep(null),
        this.confirmStep.bind(this),
        this.afterConfirm.bind(this),
        this.afterWhichField.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  /** Options for a fresh application: every field of the realm's form asked. */
  static fresh(realm: Realm = 'user'): ApplyOptions {
    return { mode: 'new', values: {}, ask: [...(realm === 'user' ? USER_CERT_FIELDS : fieldsOf(realm))], realm, operation: 'new' };
  }

  private spec(field: string): FieldSpec {
    if (field === 'confirm') return this.confirmSpec();
    if (field === 'held') return this.heldSpec();
    if (field.startsWith('whichField')) return this.whichFieldSpec(field.split(':').slice(1).filter(isFormField));
    const f = field as FormField;
    return {
      prompt: (ctx) => promptFor(ctx, f, this.deps),
      parse: async (ctx) => {
        const r = await parseField(ctx, f, this.deps);
        return r.ok ? r : { ok: false, reason: reasonText(ctx, r) };
      },
    };
  }

  private state(step: WaterfallStepContext): StepState {
    const s = step.values as Partial<StepState>;
    if (!s.mode) Object.assign(s, structuredClone(step.options as ApplyOptions));
    return s as StepState;
  }

  /** Stores the previous answer, then asks `field` if it is still to be asked. */
  private fieldStep(field: FormField | null): WaterfallStep {
    return async (step) => {
      const s = this.state(step);
      if (s.pending && step.result !== undefined) {
        (s.values as Record<string, unknown>)[s.pending] = step.result;
        s.pending = undefined;
      }
      if (field === null || !s.ask.includes(field)) return step.next();
      s.pending = field;
      return step.beginDialog(FIELD_PROMPT, { field });
    };
  }

  /**
   * A new user application from someone who already holds a valid user certificate: say which, point
   * to renewal or replacement, and let them go on (yes) or stop (no). Asked once, before anything else.
   */
  private async heldStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step);
    if (s.heldChecked || s.mode !== 'new' || (s.operation ?? 'new') !== 'new' || (s.realm ?? 'user') !== 'user') return step.next();
    s.heldChecked = true;
    const held = await eligibleCertificates(this.deps.core, personOf(step.context).id, 'user', 'revoke');
    if (held.length === 0) return step.next();
    const lines = held.slice(0, 5).map((c) => ({ tail: c.serial.toUpperCase().slice(-8), medium: c.medium ?? '', to: c.notAfter }));
    return step.beginDialog(FIELD_PROMPT, { field: 'held', data: lines });
  }

  private async afterHeld(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result !== 'no') return step.next();
    await step.context.sendActivity(say(step.context, 'held.stopped'));
    return step.endDialog();
  }

  private heldSpec(): FieldSpec {
    const choices = (ctx: TurnContext) => (['yes', 'no'] as const).map((c) => ({ value: c, title: say(ctx, `choice.${c}`) }));
    return {
      prompt: async (ctx, data) => {
        const lines = (data as { tail: string; medium: string; to: string }[] | undefined) ?? [];
        const list = lines
          .map((l) =>
            say(ctx, 'held.line', {
              tail: l.tail,
              medium: l.medium ? tDynamic(localeOf(ctx), `medium.${l.medium}`, 'medium.token') : '-',
              to: day(l.to),
            }),
          )
          .join('\n');
        return promptActivity(say(ctx, 'held.warning', { list }), { field: 'held', kind: 'confirm', choices: choices(ctx) });
      },
      parse: async (ctx) => {
        const v = matchChoice(ctx.activity.text, ctx.activity.value, choices(ctx)) ?? yesNo(ctx.activity.text ?? '');
        return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.choice') };
      },
    };
  }

  private confirmSpec(): FieldSpec {
    const choices = (ctx: TurnContext) =>
      (['submit', 'change', 'cancel'] as const).map((c) => ({ value: c, title: say(ctx, `choice.${c}`) }));
    return {
      prompt: async (ctx, data) => {
        const s = data as StepState | undefined;
        const agency = s?.values.agency ? await this.deps.core.directory.getAgency(s.values.agency) : undefined;
        const card = s
          ? [summaryCard(ctx, s.values, agency?.name, { fields: this.shown(s), title: this.title(ctx, s), notes: this.notes(ctx, s) })]
          : [];
        // With no summary (no state) the choices stay as suggested actions: there is no card to click.
        return card.length
          ? promptWithCards(say(ctx, 'prompt.confirm'), { field: 'confirm', kind: 'choice', choices: choices(ctx) }, card)
          : promptActivity(say(ctx, 'prompt.confirm'), { field: 'confirm', kind: 'choice', choices: choices(ctx) });
      },
      parse: async (ctx) => {
        // "Submit the application?" is a yes/no question too: "ya"/"ok" submits; a "no" is left to the choices.
        const v =
          matchChoice(ctx.activity.text, ctx.activity.value, choices(ctx)) ??
          (yesNo(ctx.activity.text ?? '') === 'yes' ? 'submit' : undefined);
        return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.choice') };
      },
    };
  }

  private shown(s: StepState): FormField[] {
    const realm = s.realm ?? 'user';
    return correctableOf(realm, s.values);
  }

  private title(ctx: TurnContext, s: StepState): string {
    return tDynamic(localeOf(ctx), `summary.title.${s.realm ?? 'user'}.${s.operation ?? 'new'}`, 'summary.title');
  }

  private notes(ctx: TurnContext, s: StepState): string[] {
    const notes: string[] = [];
    if (s.serial && s.operation && s.operation !== 'new')
      notes.push(say(ctx, `summary.${s.operation}`, { serial: s.serial.toUpperCase() }));
    if (s.realm === 'training') notes.push(say(ctx, 'training.label'));
    return notes;
  }

  /** "Change" offers what this request allows; the field names travel in the prompt's id. */
  private whichFieldSpec(allowed: FormField[]): FieldSpec {
    const choices = (ctx: TurnContext) => allowed.map((f) => ({ value: f, title: say(ctx, `field.${f}`) }));
    return {
      prompt: async (ctx) => promptActivity(say(ctx, 'prompt.whichField'), { field: 'whichField', kind: 'choice', choices: choices(ctx) }),
      parse: async (ctx) => {
        const v = matchChoice(ctx.activity.text, ctx.activity.value, choices(ctx));
        return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.choice') };
      },
    };
  }

  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.beginDialog(FIELD_PROMPT, { field: 'confirm', data: this.state(step) });
  }

  private async afterConfirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step);
    const choice = step.result as ConfirmChoice;
    if (choice === 'cancel') {
      await step.context.sendActivity(say(step.context, 'cancel.done'));
      return step.endDialog();
    }
    if (choice === 'change') {
      const allowed = s.changeable ?? correctableOf(s.realm ?? 'user', s.values);
      return step.beginDialog(FIELD_PROMPT, { field: ['whichField', ...allowed].join(':') });
    }
    return this.submit(step, s);
  }

  private async afterWhichField(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return this.askAgain(step, this.state(step), [step.result as FormField]);
  }

  private async askAgain(step: WaterfallStepContext, s: StepState, fields: FormField[]): Promise<DialogTurnResult> {
    const ask = s.mode === 'correct' ? [...fields, 'declaration' as const] : fields;
    const { pending: _pending, ...rest } = s;
    return step.replaceDialog(this.id, { ...rest, ask } satisfies ApplyOptions);
  }

  private async submit(step: WaterfallStepContext, s: StepState): Promise<DialogTurnResult> {
    const ctx = step.context;
    const plan: SubmitPlan = {
      mode: s.mode,
      caseId: s.caseId,
      realm: s.realm ?? 'user',
      operation: s.operation ?? 'new',
      serial: s.serial,
      trigger: s.trigger,
      values: s.values,
      ask: s.ask,
    };
    const r = await submitForm(this.deps.core, ctx, plan);
    if (r.ok) {
      await ctx.sendActivity(await submittedText(this.deps.core, ctx, plan, r.c));
      return step.endDialog(r.c.id);
    }
    return this.failed(step, s, r.error, r.params);
  }

  /**
   * A refused submission re-asks the field at fault; everything else entered is kept. A refusal
   * about the certificate itself (no longer renewable, say) ends the form with its explanation.
   */
  private async failed(
    step: WaterfallStepContext,
    s: StepState,
    error: string,
    params?: Record<string, string | number>,
  ): Promise<DialogTurnResult> {
    const ctx = step.context;
    await ctx.sendActivity(
      hasErrorText('submit', error)
        ? sayError(ctx, 'submit', error, { ...params, caseId: s.caseId })
        : refusalText(ctx, error, params, s.realm),
    );
    const field = error === 'AGENCY_UNKNOWN' ? 'agency' : error === 'FILE_MISSING' ? 'mykadCopy' : params?.field;
    if (isFormField(field)) return this.askAgain(step, s, [field]);
    return step.endDialog();
  }
}
