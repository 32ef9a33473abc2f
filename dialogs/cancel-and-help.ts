import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { personOf, say, setLocale, type LocalePreferences } from '../ui/turn.js';
import { menuCard } from '../ui/cards/menu.js';
import { requestAgent } from './agent-request.js';
import { isFreeText, openPromptOf } from './field-prompt.js';
import { shortCommand } from './short-forms.js';

/**
 * The one interruption base of every guided dialog: cancel, help, menu, language switches and agent requests
 * work at any step, before the step sees the text, and no step checks for them itself. Only a short whole
 * message is a command (dialogs/short-forms.ts), so a name or a description is never taken for one; in a
 * free-text question the words that could be its answer ("CS" as a position) are left to the question.
 */
export abstract class CancelAndHelpDialog extends ComponentDialog {
  constructor(
    id: string,
    private readonly prefs: LocalePreferences,
  ) {
    super(id);
  }

  override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const result = await this.interrupt(inner);
    return result ?? super.onContinueDialog(inner);
  }

  private async interrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const ctx = inner.context;
    const text = ctx.activity.text ?? '';
    if (!text.trim()) return undefined;
    const command = shortCommand(text, { freeText: isFreeText(openPromptOf(inner)) });
    if (!command) return undefined;
    switch (command.kind) {
      case 'cancel':
        await ctx.sendActivity(say(ctx, 'cancel.done'));
        return inner.cancelAllDialogs(true);
      case 'help':
        await ctx.sendActivity(say(ctx, 'help.inDialog'));
        break;
      case 'menu':
        await ctx.sendActivity({ attachments: [menuCard(ctx)] });
        await ctx.sendActivity(say(ctx, 'menu.inDialog'));
        break;
      case 'agent':
        // Asking for a person keeps the dialog where it is: an agent may take over and hand it back,
        // and the user may carry on while waiting (or outside agents' hours).
        if (!(await requestAgent(ctx, 'request'))) await ctx.sendActivity(say(ctx, 'nlu.noAgent'));
        break;
      case 'language':
        setLocale(ctx, command.locale);
        await this.prefs.remember(personOf(ctx).id, command.locale);
        await ctx.sendActivity(say(ctx, 'lang.switched'));
        break;
    }
    await inner.repromptDialog();
    return { status: DialogTurnStatus.waiting };
  }
}
