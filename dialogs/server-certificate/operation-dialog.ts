import type { TurnContext } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { SERVER_REVOCATION_CHOICES, type ServerCertData, type ServerRevocationChoice } from '../../domain/cases/server-certificate.js';
import { submitServerRenewal, submitServerRevocation } from '../../domain/usecases/server-certificate-ca.js';
import type { ServerDeps } from '../../domain/usecases/server-deps.js';
import { CancelAndHelpDialog } from '../cancel-and-help.js';
import { FieldPrompt, type FieldSpec } from '../field-prompt.js';
import { tDynamic } from '../../ui/i18n/index.js';
import { dateText } from '../../ui/time-format.js';
import { matchChoice, promptActivity } from '../prompt.js';
import { yesNo } from '../short-forms.js';
import { localeOf, personOf, say, type LocalePreferences } from '../../ui/turn.js';
import { sayError } from '../../ui/errors.js';

export const SERVER_OPERATION_DIALOG = 'serverCertOperation';
const PROMPT = 'serverOperationPrompt';

export interface ServerOperationOptions {
  op: 'renew' | 'revoke';
  serial?: string;
}

interface State extends ServerOperationOptions {
  choices?: { value: string; title: string }[];
  choice?: ServerRevocationChoice;
}

/**
 * Renewal or revocation of a server certificate, by its applicant or technical officer: pick the
 * certificate, (for a revocation) say why, confirm. Renewal opens only inside the window before
 * expiry and asks the technical officer for a new CSR; key compromise is revoked at once.
 */
export class ServerCertOperationDialog extends CancelAndHelpDialog {
  constructor(
    private readonly deps: ServerDeps,
    prefs: LocalePreferences,
  ) {
    super(SERVER_OPERATION_DIALOG, prefs);
    this.addDialog(new FieldPrompt(PROMPT, (f) => this.spec(f)));
    this.addDialog(
      new WaterfallDialog(`${SERVER_OPERATION_DIALOG}Steps`, [
        this.pick.bind(this),
        this.reason.bind(this),
        this.confirm.bind(this),
        this.submit.bind(this),
      ]),
    );
    this.initialDialogId = `${SERVER_OPERATION_DIALOG}Steps`;
  }

  private state(step: WaterfallStepContext): State {
    const s = step.values as Partial<State>;
    if (!s.op) Object.assign(s, step.options as ServerOperationOptions);
    return s as State;
  }

  /** Server certificates the person holds as technical officer or applied for, still valid. */
  private async mine(ctx: TurnContext): Promise<{ value: string; title: string }[]> {
    const me = personOf(ctx).id;
    const owned = (await this.deps.certificates.listByOwner(me)).filter((c) => c.profile === 'server');
    const applied = (await this.deps.cases.listByApplicant(me)).filter(
      (c) => c.kind === 'SC' && c.certificateSerial && (c.data as unknown as ServerCertData).operation !== 'revoke',
    );
    const serials = new Set([...owned.map((c) => c.serial), ...applied.map((c) => c.certificateSerial!)]);
    const out: { value: string; title: string }[] = [];
    for (const serial of serials) {
      const cert = await this.deps.certificates.get(serial);
      if (cert && cert.status !== 'DIBATALKAN' && Date.parse(cert.notAfter) > this.deps.clock.now().getTime()) {
        out.push({ value: serial, title: `${cert.subjectCommonName} (${serial.toUpperCase().slice(0, 12)}…)` });
      }
    }
    return out;
  }

  private async pick(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step);
    if (s.serial) return step.next(s.serial);
    s.choices = await this.mine(step.context);
    if (s.choices.length === 0) {
      await step.context.sendActivity(say(step.context, 'server.op.none'));
      return step.endDialog();
    }
    return step.beginDialog(PROMPT, { field: 'serial', data: s.choices });
  }

  private async reason(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step);
    s.serial = step.result as string;
    if (s.op === 'renew') return step.next();
    return step.beginDialog(PROMPT, { field: 'reason' });
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.state(step);
    if (s.op === 'revoke') s.choice = step.result as ServerRevocationChoice;
    return step.beginDialog(PROMPT, { field: 'confirm', data: s });
  }

  private async submit(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const ctx = step.context;
    const s = this.state(step);
    if (step.result !== 'yes') {
      await ctx.sendActivity(say(ctx, 'cancel.done'));
      return step.endDialog();
    }
    const actorId = personOf(ctx).id;
    const r =
      s.op === 'renew'
        ? await submitServerRenewal(this.deps, { actorId, serial: s.serial! }).then((x) =>
            x.ok ? { ok: true as const, c: x.value, key: 'server.renew.submitted' } : x,
          )
        : await submitServerRevocation(this.deps, { actorId, serial: s.serial!, choice: s.choice! }).then((x) =>
            x.ok ? { ok: true as const, c: x.value.c, key: `server.revoke.submitted.${x.value.path}` } : x,
          );
    if (!r.ok) {
      const params = { ...r.params, ...(r.params?.opensOn ? { opensOn: dateText(String(r.params.opensOn)) } : {}) };
      await ctx.sendActivity(sayError(ctx, 'serverOperation', r.error, params));
      return step.endDialog();
    }
    await ctx.sendActivity(tDynamic(localeOf(ctx), r.key, 'system', { caseId: r.c.id, serial: s.serial!.toUpperCase() }));
    return step.endDialog(r.c.id);
  }

  private spec(field: string): FieldSpec {
    const choiceSpec = (
      key: string,
      choices: (ctx: TurnContext, data: unknown) => { value: string; title: string }[],
      kind: 'choice' | 'confirm' = 'choice',
    ): FieldSpec => ({
      prompt: async (ctx, data) =>
        promptActivity(tDynamic(localeOf(ctx), key, 'system', field === 'confirm' ? this.confirmParams(ctx, data as State) : {}), {
          field,
          kind,
          choices: choices(ctx, data),
        }),
      parse: async (ctx, data) => {
        const text = (ctx.activity.text ?? '').trim();
        const v = matchChoice(text, ctx.activity.value, choices(ctx, data)) ?? (kind === 'confirm' ? yesNo(text) : undefined);
        return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.choice') };
      },
    });
    if (field === 'serial') return choiceSpec('server.prompt.serial', (_ctx, data) => data as { value: string; title: string }[]);
    if (field === 'reason')
      return choiceSpec('server.prompt.reason', (ctx) =>
        SERVER_REVOCATION_CHOICES.map((c) => ({ value: c, title: say(ctx, `server.revokeChoice.${c}`) })),
      );
    return choiceSpec(
      'server.prompt.confirmOp',
      (ctx) => [
        { value: 'yes', title: say(ctx, 'choice.yes') },
        { value: 'no', title: say(ctx, 'choice.no') },
      ],
      'confirm',
    );
  }

  private confirmParams(ctx: TurnContext, s: State): Record<string, string> {
    const what =
      s.op === 'renew'
        ? say(ctx, 'server.confirm.renew')
        : say(ctx, s.choice === 'keyCompromise' ? 'server.confirm.revokeNow' : 'server.confirm.revoke', {
            reason: say(ctx, `server.revokeChoice.${s.choice ?? 'decommissioned'}`),
          });
    return { serial: (s.serial ?? '').toUpperCase(), what };
  }
}
