import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { languageRequested, personOf, say, setLocale, textOf, type LocalePreferences } from './turn.js';
import { menuCard } from './cards/menu.js';
import { AGENT_WORDS, requestAgent } from './agent-request.js';

const CANCEL = /^(batal|cancel|berhenti|stop|quit)$/;
const HELP = /^(bantuan|help|tolong|\?)$/;
const MENU = /^(menu|menu utama|main menu)$/;

/**
 * The one interruption base of every guided dialog: cancel, help, menu, language switches and agent requests
 * work at any step, before the step sees the text, and no step checks for them itself.
 */
export abstract class CancelAndHelpDialog extends ComponentDialog {
  constructor(id: string, private readonly prefs: LocalePreferences) {
    super(id);
  }

  override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const result = await this.interrupt(inner);
    return result ?? super.onContinueDialog(inner);
  }

  private async interrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    const ctx = inner.context;
    const text = textOf(ctx);
    if (!text) return undefined;
    if (CANCEL.test(text)) {
      await ctx.sendActivity(say(ctx, 'cancel.done'));
      return inner.cancelAllDialogs(true);
    }
    if (HELP.test(text)) {
      await ctx.sendActivity(say(ctx, 'help.inDialog'));
      await inner.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    if (MENU.test(text)) {
      await ctx.sendActivity({ attachments: [menuCard(ctx)] });
      await ctx.sendActivity(say(ctx, 'menu.inDialog'));
      await inner.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    // Asking for a person keeps the dialog where it is: an agent may take over and hand it back.
    if (AGENT_WORDS.test(text) && (await requestAgent(ctx, 'request'))) {
      // The user may carry on while waiting (or outside agents' hours): the question again.
      await inner.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    const lang = languageRequested(text);
    if (lang) {
      setLocale(ctx, lang);
      await this.prefs.remember(personOf(ctx).id, lang);
      await ctx.sendActivity(say(ctx, 'lang.switched'));
      await inner.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    return undefined;
  }
}
