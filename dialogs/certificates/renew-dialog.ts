import type { DialogTurnResult, WaterfallStep, WaterfallStepContext } from 'botbuilder-dialogs';
import { changeableOf } from '../../domain/cases/forms.js';
import { checkRenewal } from '../../domain/usecases/certificate-renew.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import type { FieldSpec } from '../field-prompt.js';
import { personOf, say, type LocalePreferences } from '../../ui/turn.js';
import { APPLY_USER_CERT_DIALOG, type ApplyOptions } from '../user-certificate/apply-dialog.js';
import { prefilledFrom } from '../user-certificate/fields.js';
import { CertificateOperationDialog, type OperationState } from './operation-dialog.js';
import { labelled, refusalText } from './refusals.js';

export const RENEW_CERT_DIALOG = 'renewCertificate';

/**
 * Renewal (Pembaharuan, DOMAIN.md 2.2) of a user or training certificate: pick the certificate,
 * then the previous application's details come pre-filled and only the address, phone and MyKad
 * copy (training: phone, post, purpose) may change. Outside the window the bot says when it
 * opens; after expiry it points to a new application.
 */
export class RenewCertificateDialog extends CertificateOperationDialog {
  constructor(core: CoreDeps, prefs: LocalePreferences) {
    super(RENEW_CERT_DIALOG, core, prefs, 'renew');
  }

  protected moreSteps(): WaterfallStep[] {
    return [this.done.bind(this)];
  }

  protected extraSpec(): FieldSpec | undefined {
    return undefined;
  }

  protected async afterChosen(step: WaterfallStepContext, s: OperationState): Promise<DialogTurnResult> {
    const ctx = step.context;
    const r = await checkRenewal(this.core, { actorId: personOf(ctx).id, serial: s.serial!, realm: s.realm });
    if (!r.ok) {
      await ctx.sendActivity(refusalText(ctx, r.error, r.params, s.realm));
      return step.endDialog();
    }
    const { cert, previous } = r.value;
    const { values, ask } = await prefilledFrom(this.core, previous, s.realm);
    await ctx.sendActivity(labelled(ctx, s.realm, say(ctx, 'renew.start', { serial: cert.serial.toUpperCase() })));
    const options: ApplyOptions = {
      mode: 'new',
      realm: s.realm,
      operation: 'renew',
      serial: cert.serial,
      values,
      ask,
      changeable: changeableOf(s.realm),
    };
    return step.beginDialog(APPLY_USER_CERT_DIALOG, options);
  }

  private async done(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }
}
