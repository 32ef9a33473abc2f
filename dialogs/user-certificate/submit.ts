import type { TurnContext } from 'botbuilder';
import type { Case } from '../../domain/cases/case.js';
import { dataKeyOfField, type FormField } from '../../domain/cases/forms.js';
import type { ApplicationData, Realm } from '../../domain/cases/operations.js';
import type { ReplacementTrigger } from '../../domain/rules/replacement.js';
import { submitRenewal } from '../../domain/usecases/certificate-renew.js';
import { submitReplacement } from '../../domain/usecases/certificate-replace.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { decidersOf } from '../../domain/usecases/authority.js';
import { submitTrainingApplication } from '../../domain/usecases/training.js';
import { resubmitUserCertificate, submitUserCertificate } from '../../domain/usecases/user-certificate-apply.js';
import { personOf, say } from '../../ui/turn.js';
import { toApplication, toTrainingApplication, type FormValues } from './fields.js';

/** What an application form submits: a new one, a renewal or a replacement, in either realm. */
export interface SubmitPlan {
  mode: 'new' | 'correct';
  caseId?: string;
  realm: Realm;
  operation: 'new' | 'renew' | 'replace';
  serial?: string;
  trigger?: ReplacementTrigger;
  values: FormValues;
  /** In correct mode: the fields being corrected. */
  ask: FormField[];
}

export type SubmitOutcome = { ok: true; c: Case<unknown> } | { ok: false; error: string; params?: Record<string, string | number> };

/** Hands the form to the use case that fits it; the dialog only reports the outcome. */
export async function submitForm(core: CoreDeps, ctx: TurnContext, plan: SubmitPlan): Promise<SubmitOutcome> {
  const actorId = personOf(ctx).id;
  const application: ApplicationData = plan.realm === 'training' ? toTrainingApplication(plan.values) : toApplication(plan.values);
  const wrap = (
    r: { ok: true; value: Case<unknown> } | { ok: false; error: string; params?: Record<string, string | number> },
  ): SubmitOutcome => (r.ok ? { ok: true, c: r.value } : { ok: false, error: r.error, params: r.params });
  if (plan.mode === 'correct' && plan.caseId) {
    const changes = Object.fromEntries(
      plan.ask
        .filter((f) => f !== 'declaration')
        .map((f) => [dataKeyOfField(f), (application as unknown as Record<string, unknown>)[dataKeyOfField(f)]]),
    );
    return wrap(await resubmitUserCertificate(core, { caseId: plan.caseId, actorId, changes }));
  }
  if (plan.operation === 'renew')
    return wrap(await submitRenewal(core, { actorId, serial: plan.serial ?? '', realm: plan.realm, application }));
  if (plan.operation === 'replace') {
    return wrap(
      await submitReplacement(core, {
        actorId,
        serial: plan.serial ?? '',
        realm: plan.realm,
        trigger: plan.trigger ?? 'damaged',
        application,
      }),
    );
  }
  if (plan.realm === 'training')
    return wrap(await submitTrainingApplication(core, { actorId, application: toTrainingApplication(plan.values) }));
  return wrap(await submitUserCertificate(core, actorId, toApplication(plan.values)));
}

/** What the person is told once the request is in: depends on what happens next to it. */
export async function submittedText(core: CoreDeps, ctx: TurnContext, plan: SubmitPlan, c: Case<unknown>): Promise<string> {
  if (plan.mode === 'correct') return say(ctx, 'resubmitted', { caseId: c.id });
  const me = personOf(ctx).id;
  if (c.applicantId !== me) return say(ctx, 'submitted.onBehalf', { caseId: c.id });
  if (c.status === 'MEMBATALKAN_SEGERA') return say(ctx, 'submitted.replace.urgent', { caseId: c.id });
  if ((await decidersOf(core, c, 'verify')).length === 0) return say(ctx, 'submitted.noAp', { caseId: c.id });
  if (plan.realm === 'training')
    return say(ctx, plan.operation === 'new' ? 'submitted.training' : `submitted.training.${plan.operation}`, { caseId: c.id });
  return say(ctx, plan.operation === 'new' ? 'submitted' : `submitted.${plan.operation}`, { caseId: c.id });
}
