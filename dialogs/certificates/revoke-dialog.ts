import type { TurnContext } from 'botbuilder';
import type { DialogTurnResult, WaterfallStep, WaterfallStepContext } from 'botbuilder-dialogs';
import { REASON_OF_CHOICE, REVOCATION_CHOICES, type RevocationChoice } from '../../domain/rules/revocation.js';
import { checkRevocable, submitRevocation } from '../../domain/usecases/certificate-revoke.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import type { FieldSpec } from '../field-prompt.js';
import { matchChoice, promptActivity } from '../prompt.js';
import { yesNo as yesOrNo } from '../short-forms.js';
import { personOf, say, type LocalePreferences } from '../../ui/turn.js';
import { CertificateOperationDialog, type OperationState } from './operation-dialog.js';
import { labelled, refusalText } from './refusals.js';

export const REVOKE_CERT_DIALOG = 'revokeCertificate';

interface RevokeState extends OperationState {
  choice?: RevocationChoice;
  offered?: RevocationChoice[];
}

/**
 * Revocation (Pembatalan, DOMAIN.md 2.3, 4.5): pick the certificate, say what happened (mapped to
 * an RFC 5280 reason), read the consequence and confirm. A lost or disclosed key reported by its
 * owner is revoked at once; other reasons go to the AP. "Access withdrawn" is the AP's to give.
 */
export class RevokeCertificateDialog extends CertificateOperationDialog {
  constructor(core: CoreDeps, prefs: LocalePreferences) {
    super(REVOKE_CERT_DIALOG, core, prefs, 'revoke');
  }

  protected moreSteps(): WaterfallStep[] {
    return [this.confirm.bind(this), this.submit.bind(this)];
  }

  protected async afterChosen(step: WaterfallStepContext, s: RevokeState): Promise<DialogTurnResult> {
    const ctx = step.context;
    const r = await checkRevocable(this.core, { actorId: personOf(ctx).id, serial: s.serial!, realm: s.realm });
    if (!r.ok) {
      await ctx.sendActivity(refusalText(ctx, r.error, r.params, s.realm));
      return step.endDialog();
    }
    s.offered = r.value.choices;
    return this.ask(step, 'reason', { offered: s.offered });
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step) as RevokeState;
    s.choice = step.result as RevocationChoice;
    const ctx = step.context;
    const reason = REASON_OF_CHOICE[s.choice];
    const mine = (await this.core.certificates.get(s.serial!))?.ownerId === personOf(ctx).id;
    const how = reason === 'keyCompromise' && mine ? 'revoke.now' : mine ? 'revoke.afterAp' : 'revoke.byAp';
    await ctx.sendActivity(
      labelled(
        ctx,
        s.realm,
        say(ctx, 'revoke.consequence', { serial: s.serial!.toUpperCase(), reason: say(ctx, `reason.${reason}`), how: say(ctx, how) }),
      ),
    );
    return this.ask(step, 'confirmRevoke');
  }

  private async submit(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step) as RevokeState;
    const ctx = step.context;
    if (step.result !== 'yes') {
      await ctx.sendActivity(say(ctx, 'revoke.kept'));
      return step.endDialog();
    }
    const r = await submitRevocation(this.core, { actorId: personOf(ctx).id, serial: s.serial!, realm: s.realm, choice: s.choice! });
    if (!r.ok) {
      await ctx.sendActivity(refusalText(ctx, r.error, r.params, s.realm));
      return step.endDialog();
    }
    await ctx.sendActivity(
      labelled(ctx, s.realm, say(ctx, `revoke.submitted.${r.value.path}`, { caseId: r.value.c.id, serial: s.serial!.toUpperCase() })),
    );
    return step.endDialog(r.value.c.id);
  }

  protected extraSpec(field: string): FieldSpec | undefined {
    if (field === 'reason') return this.reasonSpec();
    if (field === 'confirmRevoke') return yesNo('confirmRevoke', 'prompt.confirmRevoke');
    return undefined;
  }

  /**
   * Every reason is understood, so a user who types one they may not give ("access withdrawn")
   * hears why and what to do instead, and is asked again.
   */
  private reasonSpec(): FieldSpec {
    const all = (ctx: TurnContext) => REVOCATION_CHOICES.map((c) => ({ value: c, title: say(ctx, `revokeChoice.${c}`) }));
    return {
      prompt: async (ctx, data) => {
        const offered = (data as { offered: RevocationChoice[] }).offered;
        return promptActivity(say(ctx, 'prompt.reason'), {
          field: 'reason',
          kind: 'choice',
          choices: all(ctx).filter((c) => offered.includes(c.value)),
        });
      },
      parse: async (ctx, data) => {
        const offered = (data as { offered: RevocationChoice[] }).offered;
        const shown = all(ctx).filter((c) => offered.includes(c.value));
        const v = matchChoice(ctx.activity.text, ctx.activity.value, shown) as RevocationChoice | undefined;
        if (v) return { ok: true, value: v };
        // Numbers count only against what was shown; a hidden reason must be named.
        const numeric = /^\d+$/.test((ctx.activity.text ?? '').trim());
        const hidden = numeric
          ? undefined
          : matchChoice(
              ctx.activity.text,
              ctx.activity.value,
              all(ctx).filter((c) => !offered.includes(c.value)),
            );
        return { ok: false, reason: hidden ? refusalText(ctx, 'REASON_NOT_ALLOWED') : say(ctx, 'invalid.choice') };
      },
    };
  }
}

/** A yes/no prompt whose answer is `yes` or `no`. */
export function yesNo(field: string, key: 'prompt.confirmRevoke' | 'prompt.confirmReplace'): FieldSpec {
  const choices = (ctx: TurnContext) => [
    { value: 'yes', title: say(ctx, 'choice.yes') },
    { value: 'no', title: say(ctx, 'choice.no') },
  ];
  return {
    prompt: async (ctx) => promptActivity(say(ctx, key), { field, kind: 'confirm', choices: choices(ctx) }),
    parse: async (ctx) => {
      const text = (ctx.activity.text ?? '').trim();
      const v = matchChoice(text, ctx.activity.value, choices(ctx)) ?? yesOrNo(text);
      return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.choice') };
    },
  };
}
