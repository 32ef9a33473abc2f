import type { Attachment, TurnContext } from 'botbuilder';
import { CORRECTABLE_FIELDS, type UserCertField } from '../../domain/cases/user-certificate.js';
import { maskMyKad } from '../../domain/rules/mykad.js';
import type { FormValues } from '../user-certificate/fields.js';
import { say } from '../turn.js';
import { adaptiveCard, esc, facts, heading, submit } from './adaptive.js';

/** One line per field, user text escaped; the MyKad number masked even to its owner on screen. */
export function summaryRows(ctx: TurnContext, v: FormValues, agencyName: string | undefined): [string, string][] {
  const show: Record<Exclude<UserCertField, 'declaration'>, string> = {
    mykad: v.mykad ? maskMyKad(v.mykad) : '',
    fullName: esc(v.fullName ?? ''),
    email: esc(v.email ?? ''),
    phone: esc(v.phone ?? ''),
    agency: esc(agencyName ?? v.agency ?? ''),
    position: esc(v.position ?? ''),
    medium: v.medium ? say(ctx, `medium.${v.medium}`) : '',
    applications: esc((v.applications ?? []).join(', ')),
    mykadCopy: v.mykadCopy ? say(ctx, 'summary.fileAttached', { size: Math.ceil(v.mykadCopy.size / 1024) }) : '',
  };
  return CORRECTABLE_FIELDS.map((f) => [say(ctx, `field.${f}`), show[f as keyof typeof show]]);
}

/** The summary the applicant confirms; its buttons answer the `confirm` prompt. */
export function summaryCard(ctx: TurnContext, v: FormValues, agencyName: string | undefined): Attachment {
  return adaptiveCard(
    [heading(say(ctx, 'summary.title')), facts(summaryRows(ctx, v, agencyName))],
    [
      submit(say(ctx, 'choice.submit'), { verb: 'answer', field: 'confirm', choice: 'submit' }, 'positive'),
      submit(say(ctx, 'choice.change'), { verb: 'answer', field: 'confirm', choice: 'change' }),
      submit(say(ctx, 'choice.cancel'), { verb: 'answer', field: 'confirm', choice: 'cancel' }, 'destructive'),
    ],
  );
}
