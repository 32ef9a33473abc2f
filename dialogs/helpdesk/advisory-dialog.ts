import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { ADVISORY_MODES, type AdvisoryMode } from '../../domain/cases/advisory.js';
import { checkPdfUpload } from '../../domain/rules/pdf.js';
import { checkPreferredDates, requestAdvisory } from '../../domain/usecases/advisory.js';
import { agencyCalendar, type HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { CancelAndHelpDialog } from '../cancel-and-help.js';
import { FieldPrompt, type FieldSpec } from '../field-prompt.js';
import { tDynamic } from '../i18n/index.js';
import { promptActivity } from '../prompt.js';
import { localeOf, personOf, say, type LocalePreferences } from '../turn.js';
import type { AttachmentReader } from '../user-certificate/fields.js';
import { choiceSpec, SKIP, textSpec } from './specs.js';

export const ADVISORY_DIALOG = 'requestAdvisory';
const PROMPT = 'requestAdvisoryPrompt';
const FIELDS = ['topic', 'description', 'systems', 'mode', 'attendees', 'dates', 'letter'] as const;
type Field = (typeof FIELDS)[number];

/**
 * An advisory session request (Khidmat Nasihat, DOMAIN.md 2.7): topic, description, systems,
 * mode, attendees, 2 or 3 preferred dates at least the lead time ahead, and an optional official
 * letter (PDF by content). The lead agency gets a card to accept with a date or decline.
 */
export class RequestAdvisoryDialog extends CancelAndHelpDialog {
  constructor(private readonly deps: { hd: HelpdeskDeps; reader: AttachmentReader }, prefs: LocalePreferences) {
    super(ADVISORY_DIALOG, prefs);
    this.addDialog(new FieldPrompt(PROMPT, (f) => this.spec(f as Field)));
    this.addDialog(new WaterfallDialog(`${ADVISORY_DIALOG}Steps`, [
      ...FIELDS.map((f, i) => async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
        if (i === 0) await step.context.sendActivity(say(step.context, 'advisory.start', { days: this.deps.hd.helpdesk.advisoryLeadWorkingDays }));
        else (step.values as Record<string, unknown>)[FIELDS[i - 1]!] = step.result;
        return step.beginDialog(PROMPT, { field: f });
      }),
      this.submit.bind(this),
    ]));
    this.initialDialogId = `${ADVISORY_DIALOG}Steps`;
  }

  private async submit(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = step.values as Record<string, unknown>;
    v.letter = step.result;
    const ctx = step.context;
    const r = await requestAdvisory(this.deps.hd, {
      actorId: personOf(ctx).id, topic: v.topic as string, description: v.description as string, systems: v.systems as string,
      mode: v.mode as AdvisoryMode, attendees: v.attendees as string, preferredDates: (v.dates as string[]).map((d) => new Date(d)), letterFileId: (v.letter as string) || undefined,
    });
    if (!r.ok) {
      await ctx.sendActivity(tDynamic(localeOf(ctx), `advisory.failed.${r.error}`, 'advisory.failed.generic', { ...r.params }));
      return step.endDialog();
    }
    await ctx.sendActivity(say(ctx, 'advisory.submitted', { caseId: r.value.id }));
    return step.endDialog(r.value.id);
  }

  private spec(field: Field): FieldSpec {
    switch (field) {
      case 'topic':
        return textSpec('topic', 'prompt.advisoryTopic', { min: 5, max: 200 });
      case 'description':
        return textSpec('description', 'prompt.advisoryDescription', { min: 10, max: 2000 });
      case 'systems':
        return textSpec('systems', 'prompt.advisorySystems', { min: 2, max: 300 });
      case 'mode':
        return choiceSpec('mode', 'prompt.advisoryMode', (ctx) => ADVISORY_MODES.map((m) => ({ value: m, title: say(ctx, `advisoryMode.${m}`) })));
      case 'attendees':
        return textSpec('attendees', 'prompt.advisoryAttendees', { min: 3, max: 500 });
      case 'dates':
        return this.datesSpec();
      case 'letter':
        return this.letterSpec();
    }
  }

  /** "dd/mm/yyyy, dd/mm/yyyy[, dd/mm/yyyy]": each a working day at least the lead time ahead. */
  private datesSpec(): FieldSpec {
    return {
      prompt: async (ctx) => promptActivity(say(ctx, 'prompt.advisoryDates', { days: this.deps.hd.helpdesk.advisoryLeadWorkingDays }), { field: 'dates', kind: 'text' }),
      parse: async (ctx) => {
        const parts = (ctx.activity.text ?? '').split(/[,;]|\s+dan\s+|\s+and\s+/).map((p) => p.trim()).filter(Boolean);
        // The requesting agency's state decides which days are working days (Friday in Kedah is not).
        const cal = await agencyCalendar(this.deps.hd, personOf(ctx).agencyId);
        const dates = parts.map((p) => cal.parseLocalDate(p));
        const bad = parts.find((_, i) => !dates[i]);
        if (bad) return { ok: false, reason: say(ctx, 'invalid.advisoryDate', { value: bad.slice(0, 20) }) };
        const r = checkPreferredDates(this.deps.hd, cal, dates as Date[]);
        if (!r.ok) return { ok: false, reason: tDynamic(localeOf(ctx), `advisory.failed.${r.error}`, 'advisory.failed.generic', { ...r.params }) };
        return { ok: true, value: r.value.map((d) => d.toISOString()) };
      },
    };
  }

  private letterSpec(): FieldSpec {
    const max = this.deps.hd.policy.maxUploadBytes;
    const maxMb = Math.round((max / 1024 / 1024) * 10) / 10;
    return {
      prompt: async (ctx) => promptActivity(say(ctx, 'prompt.advisoryLetter', { maxMb }), { field: 'letter', kind: 'file', accept: ['application/pdf'], maxBytes: max }),
      parse: async (ctx) => {
        if (SKIP.test((ctx.activity.text ?? '').trim())) return { ok: true, value: '' };
        const attachment = (ctx.activity.attachments ?? []).find((a) => a.contentUrl || a.content);
        if (!attachment) return { ok: false, reason: say(ctx, 'invalid.letterNone') };
        const bytes = await this.deps.reader.read(ctx, attachment, max);
        if (bytes === 'too-large') return { ok: false, reason: say(ctx, 'invalid.FILE_TOO_LARGE', { maxMb }) };
        if (!bytes) return { ok: false, reason: say(ctx, 'invalid.FILE_UNREADABLE') };
        const check = checkPdfUpload(bytes, max);
        if (!check.ok) return { ok: false, reason: tDynamic(localeOf(ctx), `invalid.${check.error}`, 'invalid.FILE_NOT_PDF', { maxMb }) };
        const stored = await this.deps.hd.files.put({ ownerId: personOf(ctx).id, name: 'surat.pdf', contentType: check.value, bytes });
        return { ok: true, value: stored.id };
      },
    };
  }
}
