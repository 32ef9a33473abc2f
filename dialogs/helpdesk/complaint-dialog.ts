import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { COMPLAINT_CATEGORIES, type ComplaintCategory } from '../../domain/cases/complaint.js';
import { GOV_APPLICATIONS } from '../../domain/cases/user-certificate.js';
import type { FaqSearch } from '../../domain/ports/faq.js';
import { checkImageUpload } from '../../domain/rules/files.js';
import { lodgeComplaint, recordSelfHelp } from '../../domain/usecases/complaint.js';
import type { HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { esc } from '../../ui/cards/adaptive.js';
import { faqAnswersCard } from '../../ui/cards/faq.js';
import { CancelAndHelpDialog } from '../cancel-and-help.js';
import { FieldPrompt, type FieldSpec } from '../field-prompt.js';
import { sayError } from '../../ui/errors.js';
import { promptActivity } from '../prompt.js';
import { personOf, say, type LocalePreferences } from '../../ui/turn.js';
import type { AttachmentReader } from '../user-certificate/fields.js';
import { choiceSpec, SKIP, textSpec, yesNoSpec } from './specs.js';

export const LODGE_COMPLAINT_DIALOG = 'lodgeComplaint';
const PROMPT = 'lodgeComplaintPrompt';
const SHOWN = 3;

/** A complaint can start with its description already written (what the person asked the FAQ). */
export interface ComplaintOptions {
  description?: string;
}

interface State {
  category?: ComplaintCategory;
  application?: string;
  description?: string;
  screenshotFileId?: string;
  offered?: string[];
}

/**
 * A complaint (Aduan, DOMAIN.md 2.8): category, affected application, description and an optional
 * screenshot; then self-help first: the closest FAQ answers, and only if they did not solve it a
 * ticket `AD-<year>-<seq>` is opened. Solved questions are counted, not ticketed.
 */
export class LodgeComplaintDialog extends CancelAndHelpDialog {
  constructor(
    private readonly deps: { hd: HelpdeskDeps; faq: FaqSearch; reader: AttachmentReader },
    prefs: LocalePreferences,
  ) {
    super(LODGE_COMPLAINT_DIALOG, prefs);
    this.addDialog(new FieldPrompt(PROMPT, (f) => this.spec(f)));
    this.addDialog(
      new WaterfallDialog(`${LODGE_COMPLAINT_DIALOG}Steps`, [
        this.askCategory.bind(this),
        this.askApplication.bind(this),
        this.askDescription.bind(this),
        this.askScreenshot.bind(this),
        this.offerSelfHelp.bind(this),
        this.finish.bind(this),
      ]),
    );
    this.initialDialogId = `${LODGE_COMPLAINT_DIALOG}Steps`;
  }

  private s(step: WaterfallStepContext): State {
    return step.values as State;
  }

  private ask(step: WaterfallStepContext, field: string): Promise<DialogTurnResult> {
    return step.beginDialog(PROMPT, { field });
  }

  private async askCategory(step: WaterfallStepContext): Promise<DialogTurnResult> {
    await step.context.sendActivity(say(step.context, 'complaint.start'));
    return this.ask(step, 'category');
  }

  private async askApplication(step: WaterfallStepContext): Promise<DialogTurnResult> {
    this.s(step).category = step.result as ComplaintCategory;
    return this.ask(step, 'application');
  }

  private async askDescription(step: WaterfallStepContext): Promise<DialogTurnResult> {
    this.s(step).application = step.result as string;
    const given = ((step.options as ComplaintOptions | undefined)?.description ?? '').trim();
    if (given.length >= 10 && given.length <= 2000) {
      await step.context.sendActivity(say(step.context, 'complaint.descriptionKept', { description: esc(given) }));
      return step.next(given);
    }
    return this.ask(step, 'description');
  }

  private async askScreenshot(step: WaterfallStepContext): Promise<DialogTurnResult> {
    this.s(step).description = step.result as string;
    return this.ask(step, 'screenshot');
  }

  private async offerSelfHelp(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.s(step);
    s.screenshotFileId = (step.result as string) || undefined;
    const hits = this.deps.faq.search(`${s.description} ${s.category}`, SHOWN);
    s.offered = hits.map((h) => h.id);
    if (hits.length === 0) return step.next('no');
    await step.context.sendActivity({ attachments: [faqAnswersCard(step.context, hits, 'complaint.selfHelpTitle')] });
    return this.ask(step, 'solved');
  }

  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.s(step);
    const ctx = step.context;
    const me = personOf(ctx).id;
    if (s.offered && s.offered.length > 0) {
      await recordSelfHelp(this.deps.hd, { actorId: me, faqId: s.offered[0]!, solved: step.result === 'yes' });
    }
    if (step.result === 'yes') {
      await ctx.sendActivity(say(ctx, 'complaint.selfHelpSolved'));
      return step.endDialog();
    }
    const r = await lodgeComplaint(this.deps.hd, {
      actorId: me,
      category: s.category!,
      application: s.application!,
      description: s.description!,
      screenshotFileId: s.screenshotFileId,
      offeredFaq: s.offered,
    });
    if (!r.ok) {
      await ctx.sendActivity(say(ctx, 'complaint.failed'));
      return step.endDialog();
    }
    await ctx.sendActivity(say(ctx, 'complaint.lodged', { caseId: r.value.id }));
    return step.endDialog(r.value.id);
  }

  private spec(field: string): FieldSpec {
    switch (field) {
      case 'category':
        return choiceSpec('category', 'prompt.complaintCategory', (ctx) =>
          COMPLAINT_CATEGORIES.map((c) => ({ value: c, title: say(ctx, `complaintCategory.${c}`) })),
        );
      case 'application':
        return choiceSpec('application', 'prompt.complaintApplication', (ctx) =>
          GOV_APPLICATIONS.map((a) => ({ value: a, title: a === 'LAIN' ? say(ctx, 'complaint.appOther') : a })),
        );
      case 'description':
        return textSpec('description', 'prompt.complaintDescription', { min: 10, max: 2000 });
      case 'screenshot':
        return this.screenshotSpec();
      case 'solved':
        return yesNoSpec('solved', 'prompt.selfHelpSolved');
      default:
        throw new Error(`no prompt for ${field}`);
    }
  }

  /** Optional: a PNG or JPEG by content, at most the upload limit; "langkau" skips it. */
  private screenshotSpec(): FieldSpec {
    const max = this.deps.hd.policy.maxUploadBytes;
    const maxMb = Math.round((max / 1024 / 1024) * 10) / 10;
    return {
      prompt: async (ctx) =>
        promptActivity(say(ctx, 'prompt.screenshot', { maxMb }), {
          field: 'screenshot',
          kind: 'file',
          accept: ['image/jpeg', 'image/png'],
          maxBytes: max,
        }),
      parse: async (ctx) => {
        if (SKIP.test((ctx.activity.text ?? '').trim())) return { ok: true, value: '' };
        const attachment = (ctx.activity.attachments ?? []).find((a) => a.contentUrl || a.content);
        if (!attachment) return { ok: false, reason: say(ctx, 'invalid.screenshotNone') };
        const bytes = await this.deps.reader.read(ctx, attachment, max);
        if (bytes === 'too-large') return { ok: false, reason: say(ctx, 'invalid.FILE_TOO_LARGE', { maxMb }) };
        if (!bytes) return { ok: false, reason: say(ctx, 'invalid.FILE_UNREADABLE') };
        const check = checkImageUpload(bytes, max);
        if (!check.ok) return { ok: false, reason: sayError(ctx, 'image', check.error, { maxMb }) };
        const stored = await this.deps.hd.files.put({ ownerId: personOf(ctx).id, name: 'screenshot', contentType: check.value, bytes });
        return { ok: true, value: stored.id };
      },
    };
  }
}
