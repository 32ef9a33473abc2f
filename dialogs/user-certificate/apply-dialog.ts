import type { TurnContext } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStep, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CORRECTABLE_FIELDS, USER_CERT_FIELDS, type UserCertField } from '../../domain/cases/user-certificate.js';
import { dataKeyOf, resubmitUserCertificate, submitUserCertificate, type SubmitError } from '../../domain/usecases/user-certificate-apply.js';
import { CancelAndHelpDialog } from '../cancel-and-help.js';
import { summaryCard } from '../cards/summary.js';
import { FieldPrompt, type FieldSpec } from '../field-prompt.js';
import { matchChoice, promptActivity } from '../prompt.js';
import { personOf, say, type LocalePreferences } from '../turn.js';
import { tDynamic } from '../i18n/index.js';
import { localeOf } from '../turn.js';
import { parseField, promptFor, reasonText, toApplication, type FieldDeps, type FormValues } from './fields.js';

export const APPLY_USER_CERT_DIALOG = 'applyUserCertificate';
const FIELD_PROMPT = 'userCertFieldPrompt';
const WATERFALL = 'applyUserCertificateSteps';

/** Where the dialog starts: a new application, or the correction of a returned one. */
export interface ApplyOptions {
  mode: 'new' | 'correct';
  caseId?: string;
  values: FormValues;
  /** Fields still to ask, in order. */
  ask: UserCertField[];
}

interface StepState extends ApplyOptions {
  pending?: string;
}

type ConfirmChoice = 'submit' | 'change' | 'cancel';

/**
 * Guides a user through a new user-certificate application (DOMAIN.md 2.1), or through the
 * fields an AP returned for correction. Every answer is validated as it arrives, the summary can
 * change any field, and nothing entered is lost on a bad answer, a cancel of a sub-step or a restart.
 */
export class ApplyUserCertificateDialog extends CancelAndHelpDialog {
  constructor(private readonly deps: FieldDeps, prefs: LocalePreferences) {
    super(APPLY_USER_CERT_DIALOG, prefs);
    this.addDialog(new FieldPrompt(FIELD_PROMPT, (f) => this.spec(f)));
    const fieldSteps: WaterfallStep[] = USER_CERT_FIELDS.map((f) => this.fieldStep(f));
    this.addDialog(new WaterfallDialog(WATERFALL, [...fieldSteps, this.fieldStep(null), this.confirmStep.bind(this), this.afterConfirm.bind(this), this.afterWhichField.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  /** Options for a fresh application: every field asked. */
  static fresh(): ApplyOptions {
    return { mode: 'new', values: {}, ask: [...USER_CERT_FIELDS] };
  }

  private spec(field: string): FieldSpec {
    if (field === 'confirm') return this.confirmSpec();
    if (field === 'whichField') return this.whichFieldSpec();
    const f = field as UserCertField;
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
  private fieldStep(field: UserCertField | null): WaterfallStep {
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

  private confirmSpec(): FieldSpec {
    const choices = (ctx: TurnContext) => (['submit', 'change', 'cancel'] as const).map((c) => ({ value: c, title: say(ctx, `choice.${c}`) }));
    return {
      prompt: async (ctx, data) => {
        const s = data as FormValues | undefined;
        const agency = s?.agency ? await this.deps.core.directory.getAgency(s.agency) : undefined;
        return { ...promptActivity(say(ctx, 'prompt.confirm'), { field: 'confirm', kind: 'choice', choices: choices(ctx) }), attachments: s ? [summaryCard(ctx, s, agency?.name)] : [] };
      },
      parse: async (ctx) => {
        const v = matchChoice(ctx.activity.text, ctx.activity.value, choices(ctx));
        return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.choice') };
      },
    };
  }

  private whichFieldSpec(): FieldSpec {
    const choices = (ctx: TurnContext) => CORRECTABLE_FIELDS.map((f) => ({ value: f, title: say(ctx, `field.${f}`) }));
    return {
      prompt: async (ctx) => promptActivity(say(ctx, 'prompt.whichField'), { field: 'whichField', kind: 'choice', choices: choices(ctx) }),
      parse: async (ctx) => {
        const v = matchChoice(ctx.activity.text, ctx.activity.value, choices(ctx));
        return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.choice') };
      },
    };
  }

  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step);
    return step.beginDialog(FIELD_PROMPT, { field: 'confirm', data: s.values });
  }

  private async afterConfirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step);
    const choice = step.result as ConfirmChoice;
    if (choice === 'cancel') {
      await step.context.sendActivity(say(step.context, 'cancel.done'));
      return step.endDialog();
    }
    if (choice === 'change') return step.beginDialog(FIELD_PROMPT, { field: 'whichField' });
    return this.submit(step, s);
  }

  private async afterWhichField(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return this.askAgain(step, this.state(step), [step.result as UserCertField]);
  }

  private async askAgain(step: WaterfallStepContext, s: StepState, fields: UserCertField[]): Promise<DialogTurnResult> {
    const ask = s.mode === 'correct' ? [...fields, 'declaration' as const] : fields;
    return step.replaceDialog(this.id, { mode: s.mode, caseId: s.caseId, values: s.values, ask } satisfies ApplyOptions);
  }

  private async submit(step: WaterfallStepContext, s: StepState): Promise<DialogTurnResult> {
    const ctx = step.context;
    const person = personOf(ctx);
    const app = toApplication(s.values);
    if (s.mode === 'correct' && s.caseId) {
      const changes = Object.fromEntries(s.ask.filter((f) => f !== 'declaration').map((f) => [dataKeyOf(f), app[dataKeyOf(f)]]));
      const r = await resubmitUserCertificate(this.deps.core, { caseId: s.caseId, actorId: person.id, changes });
      if (r.ok) {
        await ctx.sendActivity(say(ctx, 'resubmitted', { caseId: r.value.id }));
        return step.endDialog(r.value.id);
      }
      return this.failed(step, s, r.error, r.params);
    }
    const r = await submitUserCertificate(this.deps.core, person.id, app);
    if (!r.ok) return this.failed(step, s, r.error, r.params);
    const aps = await this.deps.core.directory.listByRole('AP', r.value.agencyId);
    const key = aps.some((p) => p.id !== person.id) ? 'submitted' : 'submitted.noAp';
    await ctx.sendActivity(say(ctx, key, { caseId: r.value.id }));
    return step.endDialog(r.value.id);
  }

  /** A refused submission re-asks the field at fault; everything else entered is kept. */
  private async failed(step: WaterfallStepContext, s: StepState, error: SubmitError, params?: Record<string, string | number>): Promise<DialogTurnResult> {
    const ctx = step.context;
    await ctx.sendActivity(tDynamic(localeOf(ctx), `submit.failed.${error}`, 'submit.failed.other', { ...params, caseId: s.caseId }));
    const field = error === 'AGENCY_UNKNOWN' ? 'agency' : error === 'FILE_MISSING' ? 'mykadCopy' : (params?.field as UserCertField | undefined);
    if (field && (USER_CERT_FIELDS as readonly string[]).includes(field)) return this.askAgain(step, s, [field]);
    return step.endDialog();
  }
}
