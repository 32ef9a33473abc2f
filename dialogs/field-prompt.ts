import type { Activity, TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import type { PromptHint } from './prompt.js';

export type ParseResult = { ok: true; value: unknown } | { ok: false; reason: string };

/** How one field is asked and how an answer to it is read. */
export interface FieldSpec {
  /** `data` is what the dialog passed when it began the prompt (kept for re-asks). */
  prompt(ctx: TurnContext, data?: unknown): Promise<Partial<Activity>>;
  /** `data` is the same as the prompt's, so a parse can depend on what was offered. */
  parse(ctx: TurnContext, data?: unknown): Promise<ParseResult>;
}

/**
 * Asks one field and keeps asking until the answer parses: a refused answer gets its reason
 * and the question again, in the user's current language. Specs come from the owning dialog.
 */
export class FieldPrompt extends Dialog<{ field: string; data?: unknown }> {
  constructor(
    id: string,
    private readonly specs: (field: string) => FieldSpec,
  ) {
    super(id);
  }

  override async beginDialog(dc: DialogContext, options?: { field: string; data?: unknown }): Promise<DialogTurnResult> {
    if (!options?.field) throw new Error('FieldPrompt needs a field');
    dc.activeDialog!.state.field = options.field;
    dc.activeDialog!.state.data = options.data;
    await this.ask(dc.context, dc.activeDialog!);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== 'message') return Dialog.EndOfTurn;
    const spec = this.specs(dc.activeDialog!.state.field as string);
    const parsed = await spec.parse(dc.context, dc.activeDialog!.state.data);
    if (parsed.ok) return dc.endDialog(parsed.value);
    await dc.context.sendActivity(parsed.reason);
    await this.ask(dc.context, dc.activeDialog!);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(ctx: TurnContext, instance: DialogInstance): Promise<void> {
    await this.ask(ctx, instance);
  }

  /** Sends the question and remembers its hint, so interruptions know what kind of answer is awaited. */
  private async ask(ctx: TurnContext, instance: DialogInstance): Promise<void> {
    const activity = await this.specs(instance.state.field as string).prompt(ctx, instance.state.data);
    const hint = (activity.channelData as { prompt?: PromptHint } | undefined)?.prompt;
    instance.state.hint = hint ? { kind: hint.kind, inputMode: hint.inputMode } : undefined;
    await ctx.sendActivity(activity);
  }
}

/**
 * The question the innermost open prompt asked (its kind and keyboard), if a FieldPrompt asked it.
 * A free-text question ("your position", "describe the problem") may get any short text as its answer.
 */
export function openPromptOf(dc: DialogContext): Pick<PromptHint, 'kind' | 'inputMode'> | undefined {
  let inner = dc;
  while (inner.child) inner = inner.child;
  return inner.activeDialog?.state?.hint as Pick<PromptHint, 'kind' | 'inputMode'> | undefined;
}

export function isFreeText(hint: Pick<PromptHint, 'kind' | 'inputMode'> | undefined): boolean {
  return hint?.kind === 'text' && (hint.inputMode === undefined || hint.inputMode === 'text');
}
