import type { Attachment, TurnContext } from 'botbuilder';
import { CORRECTABLE_FIELDS } from '../domain/cases/user-certificate.js';
import type { FormField } from '../domain/cases/forms.js';
import { maskMyKad } from '../domain/rules/mykad.js';
import type { FormValues } from './user-certificate/fields.js';
import { say } from '../ui/turn.js';
import { adaptiveCard, esc, facts, heading, para, submit } from '../ui/cards/adaptive.js';

/** One line per field, user text escaped; the MyKad number masked even to its owner on screen. */
export function summaryRows(
  ctx: TurnContext,
  v: FormValues,
  agencyName: string | undefined,
  fields: readonly FormField[] = CORRECTABLE_FIELDS,
): [string, string][] {
  const show: Record<Exclude<FormField, 'declaration'>, string> = {
    mykad: v.mykad ? maskMyKad(v.mykad) : '',
    fullName: esc(v.fullName ?? ''),
    email: esc(v.email ?? ''),
    phone: esc(v.phone ?? ''),
    agency: esc(agencyName ?? v.agency ?? ''),
    address: esc(v.address ?? ''),
    position: esc(v.position ?? ''),
    medium: v.medium ? say(ctx, `medium.${v.medium}`) : '',
    applications: esc((v.applications ?? []).join(', ')),
    purpose: esc(v.purpose ?? ''),
    mykadCopy: v.mykadCopy ? say(ctx, 'summary.fileAttached', { size: Math.ceil(v.mykadCopy.size / 1024) }) : '',
  };
  return fields.filter((f) => f !== 'declaration').map((f) => [say(ctx, `field.${f}`), show[f as keyof typeof show]]);
}

/**
 * The summary the applicant confirms; its buttons answer the `confirm` prompt. `title` names the
 * request (new, renewal, replacement; training ones say they are not for production use).
 */
export function summaryCard(
  ctx: TurnContext,
  v: FormValues,
  agencyName: string | undefined,
  opts: { fields?: readonly FormField[]; title?: string; notes?: string[] } = {},
): Attachment {
  return reviewCard(ctx, opts.title ?? say(ctx, 'summary.title'), summaryRows(ctx, v, agencyName, opts.fields), opts.notes);
}

/** Any request's last look before it is sent: its rows (already escaped) and submit, change, cancel. */
export function reviewCard(ctx: TurnContext, title: string, rows: [string, string][], notes: string[] = []): Attachment {
  return adaptiveCard(
    [heading(title), ...notes.map(para), facts(rows)],
    [
      submit(say(ctx, 'choice.submit'), { verb: 'answer', field: 'confirm', choice: 'submit' }, 'positive'),
      submit(say(ctx, 'choice.change'), { verb: 'answer', field: 'confirm', choice: 'change' }),
      submit(say(ctx, 'choice.cancel'), { verb: 'answer', field: 'confirm', choice: 'cancel' }, 'destructive'),
    ],
  );
}
