import type { TurnContext } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { FaqSearch } from '../../domain/ports/faq.js';
import { recordSelfHelp } from '../../domain/usecases/complaint.js';
import type { HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { faqAnswersCard } from '../../ui/cards/faq.js';
import { CancelAndHelpDialog } from '../cancel-and-help.js';
import { FieldPrompt, type FieldSpec } from '../field-prompt.js';
import { personOf, say, type LocalePreferences } from '../../ui/turn.js';
import { LODGE_COMPLAINT_DIALOG, type ComplaintOptions } from './complaint-dialog.js';
import { choiceSpec, textSpec } from './specs.js';

export const FAQ_DIALOG = 'faq';
const PROMPT = 'faqPrompt';
const SHOWN = 3;
/** Shortest question worth searching ("token" is enough; "ok" is not). */
const MIN_QUESTION = 3;

/** Where the FAQ starts: with the question already typed ("soalan lazim token tidak dikesan"), or none. */
export interface FaqOptions {
  question?: string;
}

interface State {
  question?: string;
  offered?: string[];
}

type Outcome = 'solved' | 'another' | 'complaint';

/**
 * The FAQ on its own (soalan lazim): the person asks in their own words, gets the closest answers,
 * and says whether that solved it; if not, they can ask again or lodge a complaint that keeps what
 * they already wrote. Outcomes are counted on the self-help chain like the complaint's own FAQ step.
 */
export class FaqDialog extends CancelAndHelpDialog {
  constructor(
    private readonly deps: { hd: HelpdeskDeps; faq: FaqSearch },
    prefs: LocalePreferences,
  ) {
    super(FAQ_DIALOG, prefs);
    this.addDialog(new FieldPrompt(PROMPT, (f) => this.spec(f)));
    this.addDialog(
      new WaterfallDialog(`${FAQ_DIALOG}Steps`, [this.askQuestion.bind(this), this.answer.bind(this), this.finish.bind(this)]),
    );
    this.initialDialogId = `${FAQ_DIALOG}Steps`;
  }

  private s(step: WaterfallStepContext): State {
    return step.values as State;
  }

  private async askQuestion(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const given = ((step.options as FaqOptions | undefined)?.question ?? '').trim().slice(0, 500);
    if (given.length >= MIN_QUESTION) return step.next(given);
    return step.beginDialog(PROMPT, { field: 'faqQuestion' });
  }

  private async answer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.s(step);
    const ctx = step.context;
    s.question = step.result as string;
    const hits = this.deps.faq.search(s.question, SHOWN);
    s.offered = hits.map((h) => h.id);
    if (hits.length > 0) await ctx.sendActivity({ attachments: [faqAnswersCard(ctx, hits, 'faq.answersTitle')] });
    else await ctx.sendActivity(say(ctx, 'faq.none'));
    return step.beginDialog(PROMPT, { field: hits.length > 0 ? 'faqOutcome' : 'faqNext' });
  }

  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.s(step);
    const ctx = step.context;
    const outcome = step.result as Outcome;
    if (s.offered?.length) {
      await recordSelfHelp(this.deps.hd, { actorId: personOf(ctx).id, faqId: s.offered[0]!, solved: outcome === 'solved' });
    }
    if (outcome === 'solved') {
      await ctx.sendActivity(say(ctx, 'faq.solved'));
      return step.endDialog();
    }
    if (outcome === 'another') return step.replaceDialog(this.id, {} satisfies FaqOptions);
    // What they asked becomes the complaint's description, so it is not typed twice.
    return step.replaceDialog(LODGE_COMPLAINT_DIALOG, { description: s.question } satisfies ComplaintOptions);
  }

  private spec(field: string): FieldSpec {
    const complaintOrAnother = (ctx: TurnContext) => [
      { value: 'another', title: say(ctx, 'faq.another') },
      { value: 'complaint', title: say(ctx, 'faq.complaint') },
    ];
    switch (field) {
      case 'faqQuestion':
        return textSpec('faqQuestion', 'prompt.faqQuestion', { min: MIN_QUESTION, max: 500 });
      case 'faqOutcome':
        return choiceSpec('faqOutcome', 'prompt.faqOutcome', (ctx) => [
          { value: 'solved', title: say(ctx, 'faq.solvedChoice') },
          ...complaintOrAnother(ctx),
        ]);
      case 'faqNext':
        return choiceSpec('faqNext', 'prompt.faqNext', complaintOrAnother);
      default:
        throw new Error(`no prompt for ${field}`);
    }
  }
}
