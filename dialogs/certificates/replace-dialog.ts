import type { TurnContext } from 'botbuilder';
import type { DialogTurnResult, WaterfallStep, WaterfallStepContext } from 'botbuilder-dialogs';
import { changeableOf, correctableOf } from '../../domain/cases/forms.js';
import {
  isNotAReplacement,
  replacementAnswersFor,
  replacementReason,
  type ReplacementAnswer,
  type ReplacementTrigger,
} from '../../domain/rules/replacement.js';
import { checkReplaceable } from '../../domain/usecases/certificate-replace.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import type { FieldSpec } from '../field-prompt.js';
import { matchChoice, promptActivity } from '../prompt.js';
import { personOf, say, type LocalePreferences } from '../../ui/turn.js';
import { APPLY_USER_CERT_DIALOG, type ApplyOptions } from '../user-certificate/apply-dialog.js';
import { prefilledFrom } from '../user-certificate/fields.js';
import { CertificateOperationDialog, type OperationState } from './operation-dialog.js';
import { labelled, refusalText } from './refusals.js';
import { yesNo } from './revoke-dialog.js';

export const REPLACE_CERT_DIALOG = 'replaceCertificate';

interface ReplaceState extends OperationState {
  trigger?: ReplacementTrigger;
}

/**
 * Replacement (Penggantian, DOMAIN.md 2.4): pick the certificate, say what happened, confirm the
 * consequence (the old certificate is revoked, a new one issued after AP verification), then the
 * pre-filled form. A blocked token or a forgotten PIN is explained (unblock, reset) instead.
 */
export class ReplaceCertificateDialog extends CertificateOperationDialog {
  constructor(core: CoreDeps, prefs: LocalePreferences) {
    super(REPLACE_CERT_DIALOG, core, prefs, 'replace');
  }

  protected moreSteps(): WaterfallStep[] {
    return [this.confirm.bind(this), this.form.bind(this), this.done.bind(this)];
  }

  protected async afterChosen(step: WaterfallStepContext, s: ReplaceState): Promise<DialogTurnResult> {
    const ctx = step.context;
    const r = await checkReplaceable(this.core, { actorId: personOf(ctx).id, serial: s.serial!, realm: s.realm });
    if (!r.ok) {
      await ctx.sendActivity(refusalText(ctx, r.error, r.params, s.realm));
      return step.endDialog();
    }
    return this.ask(step, 'trigger', { realm: s.realm });
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step) as ReplaceState;
    const ctx = step.context;
    const answer = step.result as ReplacementAnswer;
    if (isNotAReplacement(answer)) {
      await ctx.sendActivity(say(ctx, `replace.${answer}`));
      return step.endDialog();
    }
    s.trigger = answer;
    const reason = replacementReason(answer);
    const mine = (await this.core.certificates.get(s.serial!))?.ownerId === personOf(ctx).id;
    const when = reason === 'keyCompromise' && mine ? 'replace.revokeNow' : 'replace.revokeAfterAp';
    await ctx.sendActivity(
      labelled(
        ctx,
        s.realm,
        say(ctx, 'replace.consequence', { serial: s.serial!.toUpperCase(), reason: say(ctx, `reason.${reason}`), when: say(ctx, when) }),
      ),
    );
    return this.ask(step, 'confirmReplace');
  }

  private async form(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step) as ReplaceState;
    const ctx = step.context;
    if (step.result !== 'yes') {
      await ctx.sendActivity(say(ctx, 'replace.kept'));
      return step.endDialog();
    }
    // Checked again: the certificate may have changed while the holder read the consequence.
    const r = await checkReplaceable(this.core, { actorId: personOf(ctx).id, serial: s.serial!, realm: s.realm });
    if (!r.ok) {
      await ctx.sendActivity(refusalText(ctx, r.error, r.params, s.realm));
      return step.endDialog();
    }
    const previous = r.value.previous;
    const { values, ask } = await prefilledFrom(this.core, previous, s.realm);
    const options: ApplyOptions = {
      mode: 'new',
      realm: s.realm,
      operation: 'replace',
      serial: s.serial,
      trigger: s.trigger,
      values,
      ask,
      // Wrong details on the certificate may be anywhere; a lost or broken medium changes only contact details.
      changeable: s.trigger === 'wrongDetails' ? correctableOf(s.realm, values) : changeableOf(s.realm),
    };
    return step.beginDialog(APPLY_USER_CERT_DIALOG, options);
  }

  private async done(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }

  protected extraSpec(field: string): FieldSpec | undefined {
    if (field === 'trigger') return this.triggerSpec();
    if (field === 'confirmReplace') return yesNo('confirmReplace', 'prompt.confirmReplace');
    return undefined;
  }

  private triggerSpec(): FieldSpec {
    const choices = (ctx: TurnContext, data: unknown) =>
      replacementAnswersFor((data as OperationState).realm).map((a) => ({ value: a, title: say(ctx, `replaceAnswer.${a}`) }));
    return {
      prompt: async (ctx, data) =>
        promptActivity(say(ctx, 'prompt.trigger'), { field: 'trigger', kind: 'choice', choices: choices(ctx, data) }),
      parse: async (ctx, data) => {
        const v = matchChoice(ctx.activity.text, ctx.activity.value, choices(ctx, data));
        return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.choice') };
      },
    };
  }
}
