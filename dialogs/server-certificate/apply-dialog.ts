import type { TurnContext } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStep, type WaterfallStepContext } from 'botbuilder-dialogs';
import { checkDomainsForType, SERVER_CERT_TYPES, splitDomains, type ServerCertType } from '../../domain/rules/server-csr.js';
import { parseOfficialEmail, parsePlainText } from '../../domain/rules/contact.js';
import type { ServerDeps } from '../../domain/usecases/server-deps.js';
import { submitServerApplication } from '../../domain/usecases/server-certificate.js';
import { CancelAndHelpDialog } from '../cancel-and-help.js';
import { adaptiveCard, esc, facts, heading } from '../../ui/cards/adaptive.js';
import { FieldPrompt, type FieldSpec, type ParseResult } from '../field-prompt.js';
import type { MessageKey } from '../../ui/i18n/index.js';
import { sayError } from '../../ui/errors.js';
import { matchChoice, promptActivity } from '../prompt.js';
import { personOf, say, type LocalePreferences } from '../../ui/turn.js';

export const APPLY_SERVER_CERT_DIALOG = 'applyServerCertificate';
const PROMPT = 'serverCertFieldPrompt';

const FIELDS = ['certType', 'systemName', 'domains', 'justification', 'tech', 'verifier', 'confirm'] as const;
type Field = (typeof FIELDS)[number];

interface Values {
  certType?: ServerCertType;
  systemName?: string;
  domains?: string[];
  justification?: string;
  tech?: { id: string; name: string };
  verifier?: { id: string; name: string };
}

/** Lists every problem of the names, in the user's language. */
export function nameProblemsText(ctx: TurnContext, problems: { code: string; params?: Record<string, string | number> }[]): string {
  return problems.map((p) => `- ${sayError(ctx, 'csrProblem', p.code, p.params)}`).join('\n');
}

/**
 * A new server certificate (DOMAIN.md 2.5): type, system, names (checked against the type and the
 * allowed suffixes as typed), justification, then the technical and verifying officers looked up
 * in the directory by e-mail: three different people. The technical officer is then asked for
 * the CSR. Every answer is validated as it arrives; nothing entered is lost on a bad answer.
 */
export class ApplyServerCertificateDialog extends CancelAndHelpDialog {
  constructor(
    private readonly deps: ServerDeps,
    prefs: LocalePreferences,
  ) {
    super(APPLY_SERVER_CERT_DIALOG, prefs);
    this.addDialog(new FieldPrompt(PROMPT, (f) => this.spec(f as Field)));
    const steps: WaterfallStep[] = FIELDS.map((f, i) => this.step(f, i === 0 ? undefined : FIELDS[i - 1]));
    this.addDialog(new WaterfallDialog(`${APPLY_SERVER_CERT_DIALOG}Steps`, [...steps, this.submit.bind(this)]));
    this.initialDialogId = `${APPLY_SERVER_CERT_DIALOG}Steps`;
  }

  private values(step: WaterfallStepContext): Values {
    return ((step.values as { v?: Values }).v ??= {});
  }

  private step(field: Field, previous?: Field): WaterfallStep {
    return async (step) => {
      const v = this.values(step);
      if (previous && previous !== 'confirm') (v as Record<string, unknown>)[previous] = step.result;
      return step.beginDialog(PROMPT, { field, data: v });
    };
  }

  private spec(field: Field): FieldSpec {
    const text = (ctx: TurnContext) => (ctx.activity.text ?? '').trim();
    const bad = (ctx: TurnContext, key: MessageKey, params?: Record<string, string | number>): ParseResult => ({
      ok: false,
      reason: say(ctx, key, params),
    });
    const refused = (ctx: TurnContext, code: string, params?: Record<string, string | number>): ParseResult => ({
      ok: false,
      reason: sayError(ctx, 'input', code, params),
    });
    switch (field) {
      case 'certType': {
        const choices = (ctx: TurnContext) => SERVER_CERT_TYPES.map((t) => ({ value: t, title: say(ctx, `server.type.${t}`) }));
        return {
          prompt: async (ctx) => promptActivity(say(ctx, 'server.prompt.certType'), { field, kind: 'choice', choices: choices(ctx) }),
          parse: async (ctx) => {
            const v = matchChoice(ctx.activity.text, ctx.activity.value, choices(ctx));
            return v ? { ok: true, value: v } : bad(ctx, 'invalid.choice');
          },
        };
      }
      case 'systemName':
      case 'justification': {
        const limits = field === 'systemName' ? { min: 3, max: 120 } : { min: 10, max: 500 };
        return {
          prompt: async (ctx) =>
            promptActivity(say(ctx, field === 'systemName' ? 'server.prompt.systemName' : 'server.prompt.justification'), {
              field,
              kind: 'text',
            }),
          parse: async (ctx) => {
            const r = parsePlainText(text(ctx), limits);
            return r.ok ? { ok: true, value: r.value } : refused(ctx, r.error, r.params);
          },
        };
      }
      case 'domains':
        return {
          prompt: async (ctx, data) =>
            promptActivity(
              say(ctx, 'server.prompt.domains', {
                type: say(ctx, `server.type.${(data as Values).certType ?? 'single'}`),
                suffixes: this.deps.server.policy.domainSuffixes.join(', '),
              }),
              { field, kind: 'text' },
            ),
          parse: async (ctx, data) => {
            const names = splitDomains(text(ctx));
            const problems = checkDomainsForType((data as Values).certType ?? 'single', names, this.deps.server.policy.domainSuffixes);
            return problems.length === 0
              ? { ok: true, value: names }
              : { ok: false, reason: `${say(ctx, 'server.invalid.domains')}\n${nameProblemsText(ctx, problems)}` };
          },
        };
      case 'tech':
      case 'verifier':
        return {
          prompt: async (ctx) =>
            promptActivity(say(ctx, field === 'tech' ? 'server.prompt.tech' : 'server.prompt.verifier'), {
              field,
              kind: 'text',
              inputMode: 'email',
            }),
          parse: async (ctx, data) => {
            const email = parseOfficialEmail(text(ctx), this.deps.policy.emailDomains);
            if (!email.ok) return refused(ctx, email.error, email.params);
            const person = await this.deps.directory.findByEmail(email.value);
            if (!person) return bad(ctx, 'server.invalid.personUnknown', { email: email.value });
            const v = data as Values;
            if (person.id === personOf(ctx).id)
              return bad(ctx, field === 'tech' ? 'server.invalid.techIsApplicant' : 'server.invalid.verifierIsApplicant');
            if (field === 'verifier' && person.id === v.tech?.id) return bad(ctx, 'server.invalid.verifierIsTech');
            return { ok: true, value: { id: person.id, name: person.name } };
          },
        };
      case 'confirm': {
        const choices = (ctx: TurnContext) => (['submit', 'cancel'] as const).map((c) => ({ value: c, title: say(ctx, `choice.${c}`) }));
        return {
          prompt: async (ctx, data) => ({
            ...promptActivity(say(ctx, 'prompt.confirm'), { field, kind: 'choice', choices: choices(ctx) }),
            attachments: [this.summary(ctx, data as Values)],
          }),
          parse: async (ctx) => {
            const v = matchChoice(ctx.activity.text, ctx.activity.value, choices(ctx));
            return v ? { ok: true, value: v } : bad(ctx, 'invalid.choice');
          },
        };
      }
    }
  }

  private summary(ctx: TurnContext, v: Values) {
    return adaptiveCard([
      heading(say(ctx, 'server.summary.title')),
      facts([
        [say(ctx, 'server.field.certType'), v.certType ? say(ctx, `server.type.${v.certType}`) : '-'],
        [say(ctx, 'server.field.systemName'), esc(v.systemName ?? '')],
        [say(ctx, 'server.field.domains'), esc((v.domains ?? []).join(', '))],
        [say(ctx, 'server.field.justification'), esc(v.justification ?? '')],
        [say(ctx, 'server.field.tech'), esc(v.tech?.name ?? '')],
        [say(ctx, 'server.field.verifier'), esc(v.verifier?.name ?? '')],
      ]),
    ]);
  }

  private async submit(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const ctx = step.context;
    const v = this.values(step);
    if (step.result !== 'submit') {
      await ctx.sendActivity(say(ctx, 'cancel.done'));
      return step.endDialog();
    }
    const r = await submitServerApplication(this.deps, personOf(ctx).id, {
      certType: v.certType!,
      systemName: v.systemName!,
      domains: v.domains!,
      justification: v.justification!,
      techId: v.tech!.id,
      verifierId: v.verifier!.id,
    });
    if (!r.ok) {
      await ctx.sendActivity(sayError(ctx, 'serverSubmit', r.error, r.params));
      return step.endDialog();
    }
    await ctx.sendActivity(say(ctx, 'server.submitted', { caseId: r.value.id, tech: esc(v.tech!.name) }));
    return step.endDialog(r.value.id);
  }
}
