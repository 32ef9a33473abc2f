import type { TurnContext } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStep, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Realm } from '../../domain/cases/operations.js';
import { mayActFor, mayActForOthers } from '../../domain/cases/authority.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { CancelAndHelpDialog } from '../cancel-and-help.js';
import { FieldPrompt, type FieldSpec } from '../field-prompt.js';
import { matchChoice, promptActivity, promptWithCards } from '../prompt.js';
import { personOf, say, type LocalePreferences } from '../../ui/turn.js';
import { certificateChoiceList, certificateListCard, eligibleCertificates, parseCertificateAnswer, type CertOp } from './choices.js';

/** Where a certificate operation starts: its realm, and maybe a certificate chosen already. */
export interface OperationOptions {
  realm: Realm;
  /** Pre-chosen, e.g. by the renewal button of an expiry reminder. */
  serial?: string;
}

export interface OperationState extends OperationOptions {
  /** The holder: the person chatting, or a user of their agency an AP acts for. */
  ownerId?: string;
}

interface CertificateData {
  ownerId: string;
  realm: Realm;
}

/**
 * The shared start of renewal, revocation and replacement: an AP says whom it is for (themselves
 * or a user of their agency, named by official e-mail), then the certificate is picked from a card
 * listing serial, medium and expiry. Subclasses continue from `afterChosen`.
 */
export abstract class CertificateOperationDialog extends CancelAndHelpDialog {
  protected readonly promptId: string;

  constructor(
    id: string,
    protected readonly core: CoreDeps,
    prefs: LocalePreferences,
    private readonly op: CertOp,
  ) {
    super(id, prefs);
    this.promptId = `${id}Prompt`;
    this.addDialog(new FieldPrompt(this.promptId, (f) => this.specFor(f)));
    const steps: WaterfallStep[] = [
      this.whoFor.bind(this),
      this.afterWhoFor.bind(this),
      this.chooseCertificate.bind(this),
      this.afterCertificate.bind(this),
      ...this.moreSteps(),
    ];
    this.addDialog(new WaterfallDialog(`${id}Steps`, steps));
    this.initialDialogId = `${id}Steps`;
  }

  /** Steps after `afterChosen` (bound methods only: this runs inside the base constructor). */
  protected abstract moreSteps(): WaterfallStep[];
  /** Continues once the certificate is known (`s.serial`) and whose it is (`s.ownerId`). */
  protected abstract afterChosen(step: WaterfallStepContext, s: OperationState): Promise<DialogTurnResult>;
  /** Prompts of the subclass's own steps. */
  protected abstract extraSpec(field: string): FieldSpec | undefined;

  protected state(step: WaterfallStepContext): OperationState {
    const s = step.values as Partial<OperationState>;
    if (!s.realm) Object.assign(s, structuredClone(step.options as OperationOptions));
    return s as OperationState;
  }

  protected ask(step: WaterfallStepContext, field: string, data?: unknown): Promise<DialogTurnResult> {
    return step.beginDialog(this.promptId, { field, data });
  }

  private specFor(field: string): FieldSpec {
    if (field === 'whoFor') return this.whoForSpec();
    if (field === 'holderEmail') return this.holderSpec();
    if (field === 'certificate') return this.certificateSpec();
    const spec = this.extraSpec(field);
    if (!spec) throw new Error(`no prompt for ${field}`);
    return spec;
  }

  private async whoFor(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step);
    const me = personOf(step.context);
    if (s.serial || !mayActForOthers(me)) return step.next('self');
    return this.ask(step, 'whoFor');
  }

  private async afterWhoFor(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result === 'other') return this.ask(step, 'holderEmail');
    return step.next(personOf(step.context).id);
  }

  private async chooseCertificate(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step);
    s.ownerId = step.result as string;
    if (s.serial) return step.next(s.serial);
    const certs = await eligibleCertificates(this.core, s.ownerId, s.realm, this.op);
    if (certs.length === 0) {
      await step.context.sendActivity(say(step.context, `certs.none.${this.op}`));
      return step.endDialog();
    }
    return this.ask(step, 'certificate', { ownerId: s.ownerId, realm: s.realm } satisfies CertificateData);
  }

  private async afterCertificate(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step);
    s.serial = step.result as string;
    return this.afterChosen(step, s);
  }

  private whoForSpec(): FieldSpec {
    const choices = (ctx: TurnContext) => (['self', 'other'] as const).map((c) => ({ value: c, title: say(ctx, `whoFor.${c}`) }));
    return {
      prompt: async (ctx) => promptActivity(say(ctx, 'prompt.whoFor'), { field: 'whoFor', kind: 'choice', choices: choices(ctx) }),
      parse: async (ctx) => {
        const v = matchChoice(ctx.activity.text, ctx.activity.value, choices(ctx));
        return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.choice') };
      },
    };
  }

  /** The user an AP acts for, by official e-mail: only someone of the AP's own agency. */
  private holderSpec(): FieldSpec {
    return {
      prompt: async (ctx) => promptActivity(say(ctx, 'prompt.holderEmail'), { field: 'holderEmail', kind: 'text', inputMode: 'email' }),
      parse: async (ctx) => {
        const me = personOf(ctx);
        const holder = await this.core.directory.findByEmail((ctx.activity.text ?? '').trim());
        if (!holder) return { ok: false, reason: say(ctx, 'invalid.holderUnknown') };
        if (!mayActFor(me, holder)) return { ok: false, reason: say(ctx, 'invalid.holderOtherAgency') };
        return { ok: true, value: holder.id };
      },
    };
  }

  private certificateSpec(): FieldSpec {
    const list = async (ctx: TurnContext, data: unknown) => {
      const d = data as CertificateData;
      const certs = await eligibleCertificates(this.core, d.ownerId, d.realm, this.op);
      return { certs, choices: certificateChoiceList(ctx, certs), realm: d.realm };
    };
    return {
      prompt: async (ctx, data) => {
        const { certs, choices, realm } = await list(ctx, data);
        const card = certificateListCard(ctx, {
          certs,
          realm,
          op: this.op,
          now: this.core.clock.now(),
          windowDays: this.core.policy.renewalWindowDays,
        });
        return promptWithCards(say(ctx, `prompt.certificate.${this.op}`), { field: 'certificate', kind: 'choice', choices }, [card]);
      },
      parse: async (ctx, data) => {
        const { choices } = await list(ctx, data);
        const v = parseCertificateAnswer(ctx.activity.text, ctx.activity.value, choices);
        return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.certificate') };
      },
    };
  }
}
