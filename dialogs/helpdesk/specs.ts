import type { TurnContext } from 'botbuilder';
import type { FieldSpec } from '../field-prompt.js';
import { matchChoice, promptActivity } from '../prompt.js';
import { say } from '../../ui/turn.js';
import type { MessageKey } from '../../ui/i18n/index.js';
import { yesNo } from '../short-forms.js';

export type Choices = (
  ctx: TurnContext,
  data?: unknown,
) => { value: string; title: string }[] | Promise<{ value: string; title: string }[]>;

/** A choice among `choices`, by number, title, value or card submit. */
export function choiceSpec(
  field: string,
  key: MessageKey,
  choices: Choices,
  extra?: (ctx: TurnContext, data?: unknown) => Promise<Record<string, unknown>>,
): FieldSpec {
  return {
    prompt: async (ctx, data) => ({
      ...promptActivity(say(ctx, key), { field, kind: 'choice', choices: await choices(ctx, data) }),
      ...(extra ? await extra(ctx, data) : {}),
    }),
    parse: async (ctx, data) => {
      const v = matchChoice(ctx.activity.text, ctx.activity.value, await choices(ctx, data));
      return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.choice') };
    },
  };
}

export const SKIP = /^(langkau|skip|tiada|tidak ada|none|-)$/i;

/** Free text between `min` and `max` characters; with `optional`, "langkau"/"skip" gives ''. */
export function textSpec(
  field: string,
  key: MessageKey,
  opts: { min: number; max: number; optional?: boolean; inputMode?: 'text' | 'tel' },
): FieldSpec {
  return {
    prompt: async (ctx) => promptActivity(say(ctx, key), { field, kind: 'text', inputMode: opts.inputMode ?? 'text' }),
    parse: async (ctx) => {
      const text = (ctx.activity.text ?? '').trim();
      if (opts.optional && SKIP.test(text)) return { ok: true, value: '' };
      if (text.length < opts.min || text.length > opts.max)
        return { ok: false, reason: say(ctx, 'hd.invalid.length', { min: opts.min, max: opts.max }) };
      return { ok: true, value: text };
    },
  };
}

export function yesNoSpec(field: string, key: MessageKey): FieldSpec {
  const choices = (ctx: TurnContext) => [
    { value: 'yes', title: say(ctx, 'choice.yes') },
    { value: 'no', title: say(ctx, 'choice.no') },
  ];
  return {
    prompt: async (ctx) => promptActivity(say(ctx, key), { field, kind: 'confirm', choices: choices(ctx) }),
    parse: async (ctx) => {
      const text = (ctx.activity.text ?? '').trim();
      // "Dah" (already) and "belum" (not yet) answer "did that solve it?" too.
      const v =
        matchChoice(text, ctx.activity.value, choices(ctx)) ??
        yesNo(text) ??
        (/^(dah|sudah)$/i.test(text) ? 'yes' : /^belum$/i.test(text) ? 'no' : undefined);
      return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.choice') };
    },
  };
}
