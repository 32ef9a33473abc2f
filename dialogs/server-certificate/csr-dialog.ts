import type { TurnContext } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { provideServerCsr } from '../../domain/usecases/server-certificate.js';
import type { ServerDeps } from '../../domain/usecases/server-deps.js';
import { CancelAndHelpDialog } from '../cancel-and-help.js';
import { FieldPrompt, type ParseResult } from '../field-prompt.js';
import { tDynamic } from '../../ui/i18n/index.js';
import { promptActivity } from '../prompt.js';
import type { AttachmentReader } from '../user-certificate/fields.js';
import { localeOf, personOf, say, type LocalePreferences } from '../../ui/turn.js';
import { sayError } from '../../ui/errors.js';
import { nameProblemsText } from './apply-dialog.js';

export const PROVIDE_CSR_DIALOG = 'provideServerCsr';
const PROMPT = 'serverCsrPrompt';

export interface ProvideCsrOptions {
  caseId: string;
}

type Outcome = { done: 'accepted' } | { done: 'stopped'; error: string; params?: Record<string, string> };

/**
 * The technical officer's CSR (DOMAIN.md 2.5 step 2): an uploaded .csr/.pem/.der file or pasted
 * PEM, checked the moment it arrives. A refused CSR is explained problem by problem and asked for
 * again; `batal` stops without changing the case. Nobody is ever asked for the private key.
 */
export class ProvideCsrDialog extends CancelAndHelpDialog {
  constructor(
    private readonly deps: ServerDeps & { reader: AttachmentReader },
    prefs: LocalePreferences,
  ) {
    super(PROVIDE_CSR_DIALOG, prefs);
    this.addDialog(
      new FieldPrompt(PROMPT, () => ({
        prompt: async (ctx, data) =>
          promptActivity(say(ctx, 'server.prompt.csr', { caseId: (data as ProvideCsrOptions).caseId }), {
            field: 'csr',
            kind: 'file',
            accept: ['application/pkcs10', 'application/x-pem-file', 'application/octet-stream', 'text/plain'],
            maxBytes: this.deps.policy.maxUploadBytes,
          }),
        parse: (ctx, data) => this.parse(ctx, (data as ProvideCsrOptions).caseId),
      })),
    );
    this.addDialog(new WaterfallDialog(`${PROVIDE_CSR_DIALOG}Steps`, [this.ask.bind(this), this.finish.bind(this)]));
    this.initialDialogId = `${PROVIDE_CSR_DIALOG}Steps`;
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.beginDialog(PROMPT, { field: 'csr', data: step.options });
  }

  private async parse(ctx: TurnContext, caseId: string): Promise<ParseResult> {
    const refused = (text: string): ParseResult => ({ ok: false, reason: text });
    let input: Uint8Array | string | undefined;
    const attachment = (ctx.activity.attachments ?? []).find((a) => a.contentUrl || a.content);
    if (attachment) {
      const bytes = await this.deps.reader.read(ctx, attachment, this.deps.policy.maxUploadBytes);
      if (bytes === 'too-large')
        return refused(
          say(ctx, 'server.csr.refused', { count: 1 }) +
            '\n' +
            nameProblemsText(ctx, [
              { code: 'CSR_TOO_LARGE', params: { maxMb: Math.round((this.deps.policy.maxUploadBytes / 1048576) * 10) / 10 } },
            ]),
        );
      if (!bytes) return refused(say(ctx, 'invalid.FILE_UNREADABLE'));
      input = bytes;
    } else if ((ctx.activity.text ?? '').includes('-----BEGIN')) input = ctx.activity.text!;
    if (input === undefined) return refused(say(ctx, 'server.csr.none'));
    const r = await provideServerCsr(this.deps, { caseId, actorId: personOf(ctx).id, input });
    if (r.ok) return { ok: true, value: { done: 'accepted' } satisfies Outcome };
    if (r.error === 'CSR_REFUSED')
      return refused(
        `${say(ctx, 'server.csr.refused', { count: r.problems?.length ?? 1 })}\n${nameProblemsText(ctx, r.problems ?? [])}\n${say(ctx, 'server.csr.tryAgain')}`,
      );
    return {
      ok: true,
      value: {
        done: 'stopped',
        error: r.error,
        params: { caseId, status: tDynamic(localeOf(ctx), `status.${r.params?.status ?? ''}`, 'system') },
      } satisfies Outcome,
    };
  }

  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const ctx = step.context;
    const out = step.result as Outcome;
    const caseId = (step.options as ProvideCsrOptions).caseId;
    if (out.done === 'accepted') await ctx.sendActivity(say(ctx, 'server.csr.accepted', { caseId }));
    else await ctx.sendActivity(sayError(ctx, 'serverCsr', out.error, out.params));
    return step.endDialog();
  }
}
