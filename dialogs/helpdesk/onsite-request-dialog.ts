import type { TurnContext } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { askForOnsite, onsiteCandidates } from '../../domain/usecases/onsite-request.js';
import { CancelAndHelpDialog } from '../cancel-and-help.js';
import { FieldPrompt, type FieldSpec } from '../field-prompt.js';
import { tDynamic } from '../../ui/i18n/index.js';
import { localeOf, personOf, say, type LocalePreferences } from '../../ui/turn.js';
import { sayError } from '../../ui/errors.js';
import { LODGE_COMPLAINT_DIALOG } from './complaint-dialog.js';
import { choiceSpec, textSpec } from './specs.js';

export const REQUEST_ONSITE_DIALOG = 'requestOnsite';
const PROMPT = 'requestOnsitePrompt';
const NEW = 'new';

/**
 * The person asks for on-site support (typed, or from the menu). It is given from a complaint
 * (DOMAIN.md 2.9), so with an open complaint the bot offers to escalate it (the person picks one
 * when there are several, or a new complaint) and asks what was tried online; with none, it
 * explains and opens the complaint dialog. A pilot user once got a second complaint this way.
 */
export class RequestOnsiteDialog extends CancelAndHelpDialog {
  constructor(
    private readonly hd: HelpdeskDeps,
    prefs: LocalePreferences,
  ) {
    super(REQUEST_ONSITE_DIALOG, prefs);
    this.addDialog(new FieldPrompt(PROMPT, (f) => this.spec(f)));
    this.addDialog(
      new WaterfallDialog(`${REQUEST_ONSITE_DIALOG}Steps`, [this.pick.bind(this), this.askTried.bind(this), this.request.bind(this)]),
    );
    this.initialDialogId = `${REQUEST_ONSITE_DIALOG}Steps`;
  }

  private async pick(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const ctx = step.context;
    const { open, underway } = await onsiteCandidates(this.hd, personOf(ctx).id);
    for (const c of underway) await ctx.sendActivity(say(ctx, 'onsite.underway', { caseId: c.id, status: this.statusOf(ctx, c.status) }));
    if (open.length === 0) {
      if (underway.length > 0) return step.endDialog();
      await ctx.sendActivity(say(ctx, 'onsite.newFirst'));
      return step.replaceDialog(LODGE_COMPLAINT_DIALOG);
    }
    return step.beginDialog(PROMPT, { field: 'ticket' });
  }

  private async askTried(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result === NEW) return step.replaceDialog(LODGE_COMPLAINT_DIALOG);
    (step.values as { caseId?: string }).caseId = step.result as string;
    return step.beginDialog(PROMPT, { field: 'tried' });
  }

  private async request(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const ctx = step.context;
    const caseId = (step.values as { caseId: string }).caseId;
    const tried = step.result as string;
    const r = await askForOnsite(this.hd, {
      caseId,
      actorId: personOf(ctx).id,
      triedOnline: tried,
      note: say(ctx, 'onsite.note', { tried }),
    });
    if (!r.ok) {
      const status = r.params?.status ? this.statusOf(ctx, String(r.params.status)) : '';
      await ctx.sendActivity(sayError(ctx, 'ticket', r.error, { caseId, ...r.params, status }));
      return step.endDialog();
    }
    await ctx.sendActivity(say(ctx, r.value.escalated ? 'hd.done.user.escalate' : 'onsite.noted', { caseId }));
    return step.endDialog(caseId);
  }

  private statusOf(ctx: TurnContext, status: string): string {
    return tDynamic(localeOf(ctx), `status.${status}`, 'system');
  }

  private spec(field: string): FieldSpec {
    if (field === 'tried') return textSpec('tried', 'prompt.onsiteTried', { min: 5, max: 1000 });
    return choiceSpec('ticket', 'prompt.onsiteTicket', async (ctx) => {
      const { open } = await onsiteCandidates(this.hd, personOf(ctx).id);
      const tickets = open.slice(0, 9).map((c) => ({
        value: c.id,
        title: `${c.id}: ${tDynamic(localeOf(ctx), `complaintCategory.${c.data.category}`, 'system')} (${this.statusOf(ctx, c.status)})`,
      }));
      return [...tickets, { value: NEW, title: say(ctx, 'onsite.newComplaint') }];
    });
  }
}
