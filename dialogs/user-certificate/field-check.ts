import { TurnContext, type BotAdapter } from 'botbuilder';
import type { FormField } from '../../domain/cases/forms.js';
import type { Locale, Person } from '../../domain/people.js';
import { LOCALE_KEY, PERSON_KEY } from '../../ui/turn.js';
import { parseField, reasonText, type FieldDeps } from './fields.js';

/** Fields a helpdesk agent may correct from the console: typed answers, not the upload or the declaration. */
export const AGENT_CORRECTABLE: readonly FormField[] = [
  'mykad',
  'fullName',
  'email',
  'phone',
  'agency',
  'address',
  'position',
  'purpose',
  'medium',
  'applications',
];

/**
 * Checks an answer given outside a turn (a helpdesk agent correcting a field) with exactly the
 * parser the dialog uses: the answer is read as if the user had typed it. The refusal reason is
 * in `locale` (the agent's language); `key` is the parser's own refusal (`invalid.…`).
 */
export async function checkFieldAnswer(
  deps: FieldDeps,
  field: FormField,
  answer: string,
  opts: { locale: Locale; person: Person },
): Promise<{ ok: true; value: unknown } | { ok: false; key: string; reason: string }> {
  if (!AGENT_CORRECTABLE.includes(field)) return { ok: false, key: 'NOT_CORRECTABLE', reason: 'not correctable' };
  // A context with no adapter behind it: the parsers only read the activity and the turn state.
  const ctx = new TurnContext(
    {} as BotAdapter,
    {
      type: 'message',
      text: answer,
      channelId: 'console',
      from: { id: opts.person.id, name: opts.person.name },
      conversation: { id: 'console', isGroup: false, conversationType: 'personal', name: 'console' },
      recipient: { id: 'bot', name: 'bot' },
    } as never,
  );
  ctx.turnState.set(PERSON_KEY, opts.person);
  ctx.turnState.set(LOCALE_KEY, opts.locale);
  const r = await parseField(ctx, field, deps);
  return r.ok ? r : { ok: false, key: r.key, reason: reasonText(ctx, r) };
}
