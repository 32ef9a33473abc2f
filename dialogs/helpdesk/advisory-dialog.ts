import type { TurnContext } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { ADVISORY_MODES, type AdvisoryMode } from '../../domain/cases/advisory.js';
import { checkPdfUpload } from '../../domain/rules/pdf.js';
import { checkPreferredDates, requestAdvisory } from '../../domain/usecases/advisory.js';
import { agencyCalendar, type HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { CancelAndHelpDialog } from '../cancel-and-help.js';
import { FieldPrompt, type FieldSpec } from '../field-prompt.js';
import { sayError } from '../../ui/errors.js';
import { esc } from '../../ui/cards/adaptive.js';
import { reviewCard } from '../summary-card.js';
import { matchChoice, promptActivity, promptWithCards } from '../prompt.js';
import { yesNo } from '../short-forms.js';
import { dateText } from '../../ui/time-format.js';
import { personOf, say, type LocalePreferences } from '../../ui/turn.js';
import type { AttachmentReader } from '../user-certificate/fields.js';
import { choiceSpec, SKIP, textSpec } from './specs.js';

export const ADVISORY_DIALOG = 'requestAdvisory';
const PROMPT = 'requestAdvisoryPrompt';
const FIELDS = ['topic', 'description', 'systems', 'mode', 'attendees', 'dates', 'letter'] as const;
type Field = (typeof FIELDS)[number];

/** Where the request starts: empty, or the answers so far with the fields to ask again (a change from the review). */
export interface AdvisoryOptions {
  values?: Partial<Record<Field, unknown>>;
  ask?: Field[];
}

interface State {
  values: Partial<Record<Field, unknown>>;
  ask: Field[];
  pending?: Field;
}

/**
 * An advisory session request (Khidmat Nasihat, DOMAIN.md 2.7): topic, description, systems,
 * mode, attendees, 2 or 3 preferred dates at least the lead time ahead, and an optional official
 * letter (PDF by content); then a review of everything before it is sent, where any answer can be
 * changed (the rest kept) or the request cancelled. The lead agency gets a card to accept with a
 * date or decline.
 */
export class RequestAdvisoryDialog extends CancelAndHelpDialog {
  constructor(
    private readonly deps: { hd: HelpdeskDeps; reader: AttachmentReader },
    prefs: LocalePreferences,
  ) {
    super(ADVISORY_DIALOG, prefs);
    this.addDialog(new FieldPrompt(PROMPT, (f) => this.spec(f)));
    this.addDialog(
      new WaterfallDialog(`${ADVISORY_DIALOG}Steps`, [
        ...FIELDS.map((f) => this.fieldStep(f)),
        this.fieldStep(null),
        this.afterReview.bind(this),
        this.afterWhichField.bind(this),
      ]),
    );
    this.initialDialogId = `${ADVISORY_DIALOG}Steps`;
  }

  private state(step: WaterfallStepContext): State {
    const s = step.values as Partial<State>;
    if (!s.values) {
      const o = (step.options ?? {}) as AdvisoryOptions;
      Object.assign(s, { values: { ...(o.values ?? {}) }, ask: o.ask ?? [...FIELDS] });
    }
    return s as State;
  }

  /** Keeps the previous answer, then asks `field` if it is still to be asked; `null` is the review. */
  private fieldStep(field: Field | null) {
    return async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
      const s = this.state(step);
      if (s.pending && step.result !== undefined) {
        s.values[s.pending] = step.result;
        s.pending = undefined;
      }
      if (field === FIELDS[0] && s.ask.length === FIELDS.length) {
        await step.context.sendActivity(say(step.context, 'advisory.start', { days: this.deps.hd.helpdesk.advisoryLeadWorkingDays }));
      }
      if (field === null) return step.beginDialog(PROMPT, { field: 'confirm', data: s.values });
      if (!s.ask.includes(field)) return step.next();
      s.pending = field;
      return step.beginDialog(PROMPT, { field });
    };
  }

  private async afterReview(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const ctx = step.context;
    if (step.result === 'cancel') {
      await ctx.sendActivity(say(ctx, 'cancel.done'));
      return step.endDialog();
    }
    if (step.result === 'change') return step.beginDialog(PROMPT, { field: 'whichField' });
    return this.submit(step);
  }

  private async afterWhichField(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { values } = this.state(step);
    return step.replaceDialog(this.id, { values, ask: [step.result as Field] } satisfies AdvisoryOptions);
  }

  private async submit(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = this.state(step).values;
    const ctx = step.context;
    const r = await requestAdvisory(this.deps.hd, {
      actorId: personOf(ctx).id,
      topic: v.topic as string,
      description: v.description as string,
      systems: v.systems as string,
      mode: v.mode as AdvisoryMode,
      attendees: v.attendees as string,
      preferredDates: (v.dates as string[]).map((d) => new Date(d)),
      letterFileId: (v.letter as string) || undefined,
    });
    if (!r.ok) {
      await ctx.sendActivity(sayError(ctx, 'advisory', r.error, r.params));
      // Dates that were fine when typed may be too soon by now: ask them again, keep the rest.
      if (r.error.startsWith('DATE')) return step.replaceDialog(this.id, { values: v, ask: ['dates'] } satisfies AdvisoryOptions);
      return step.endDialog();
    }
    await ctx.sendActivity(say(ctx, 'advisory.submitted', { caseId: r.value.id }));
    return step.endDialog(r.value.id);
  }

  /** The request as the lead agency will read it, with submit, change and cancel. */
  private reviewSpec(): FieldSpec {
    const choices = (ctx: TurnContext) =>
      (['submit', 'change', 'cancel'] as const).map((c) => ({ value: c, title: say(ctx, `choice.${c}`) }));
    return {
      prompt: async (ctx, data) => {
        const v = (data ?? {}) as State['values'];
        const rows: [string, string][] = [
          [say(ctx, 'advisory.field.topic'), esc(String(v.topic ?? ''))],
          [say(ctx, 'advisory.field.description'), esc(String(v.description ?? ''))],
          [say(ctx, 'advisory.field.systems'), esc(String(v.systems ?? ''))],
          [say(ctx, 'advisory.field.mode'), v.mode ? say(ctx, `advisoryMode.${v.mode as AdvisoryMode}`) : ''],
          [say(ctx, 'advisory.field.attendees'), esc(String(v.attendees ?? ''))],
          [say(ctx, 'advisory.field.dates'), ((v.dates as string[] | undefined) ?? []).map((d) => dateText(d)).join(', ')],
          [say(ctx, 'advisory.field.letter'), v.letter ? say(ctx, 'advisory.letterAttached') : say(ctx, 'advisory.letterNone')],
        ];
        return promptWithCards(say(ctx, 'prompt.advisoryReview'), { field: 'confirm', kind: 'choice', choices: choices(ctx) }, [
          reviewCard(ctx, say(ctx, 'advisory.reviewTitle'), rows),
        ]);
      },
      parse: async (ctx) => {
        const v =
          matchChoice(ctx.activity.text, ctx.activity.value, choices(ctx)) ??
          (yesNo(ctx.activity.text ?? '') === 'yes' ? 'submit' : undefined);
        return v ? { ok: true, value: v } : { ok: false, reason: say(ctx, 'invalid.choice') };
      },
    };
  }

  private spec(field: string): FieldSpec {
    switch (field as Field | 'confirm' | 'whichField') {
      case 'confirm':
        return this.reviewSpec();
      case 'whichField':
        return choiceSpec('whichField', 'prompt.whichField', (ctx) =>
          FIELDS.map((f) => ({ value: f, title: say(ctx, `advisory.field.${f}`) })),
        );
      case 'topic':
        return textSpec('topic', 'prompt.advisoryTopic', { min: 5, max: 200 });
      case 'description':
        return textSpec('description', 'prompt.advisoryDescription', { min: 10, max: 2000 });
      case 'systems':
        return textSpec('systems', 'prompt.advisorySystems', { min: 2, max: 300 });
      case 'mode':
        return choiceSpec('mode', 'prompt.advisoryMode', (ctx) =>
          ADVISORY_MODES.map((m) => ({ value: m, title: say(ctx, `advisoryMode.${m}`) })),
        );
      case 'attendees':
        return textSpec('attendees', 'prompt.advisoryAttendees', { min: 3, max: 500 });
      case 'dates':
        return this.datesSpec();
      case 'letter':
        return this.letterSpec();
      default:
        throw new Error(`no prompt for ${field}`);
    }
  }

  /** "dd/mm/yyyy, dd/mm/yyyy[, dd/mm/yyyy]": each a working day at least the lead time ahead. */
  private datesSpec(): FieldSpec {
    return {
      prompt: async (ctx) =>
        promptActivity(say(ctx, 'prompt.advisoryDates', { days: this.deps.hd.helpdesk.advisoryLeadWorkingDays }), {
          field: 'dates',
          kind: 'text',
        }),
      parse: async (ctx) => {
        const parts = (ctx.activity.text ?? '')
          .split(/[,;]|\s+dan\s+|\s+and\s+/)
          .map((p) => p.trim())
          .filter(Boolean);
        // The requesting agency's state decides which days are working days (Friday in Kedah is not).
        const cal = await agencyCalendar(this.deps.hd, personOf(ctx).agencyId);
        const dates = parts.map((p) => cal.parseLocalDate(p));
        const bad = parts.find((_, i) => !dates[i]);
        if (bad) return { ok: false, reason: say(ctx, 'invalid.advisoryDate', { value: bad.slice(0, 20) }) };
        const r = checkPreferredDates(this.deps.hd, cal, dates as Date[]);
        if (!r.ok) return { ok: false, reason: sayError(ctx, 'advisory', r.error, r.params) };
        return { ok: true, value: r.value.map((d) => d.toISOString()) };
      },
    };
  }

  private letterSpec(): FieldSpec {
    const max = this.deps.hd.policy.maxUploadBytes;
    const maxMb = Math.round((max / 1024 / 1024) * 10) / 10;
    return {
      prompt: async (ctx) =>
        promptActivity(say(ctx, 'prompt.advisoryLetter', { maxMb }), {
          field: 'letter',
          kind: 'file',
          accept: ['application/pdf'],
          maxBytes: max,
        }),
      parse: async (ctx) => {
        if (SKIP.test((ctx.activity.text ?? '').trim())) return { ok: true, value: '' };
        const attachment = (ctx.activity.attachments ?? []).find((a) => a.contentUrl || a.content);
        if (!attachment) return { ok: false, reason: say(ctx, 'invalid.letterNone') };
        const bytes = await this.deps.reader.read(ctx, attachment, max);
        if (bytes === 'too-large') return { ok: false, reason: say(ctx, 'invalid.FILE_TOO_LARGE', { maxMb }) };
        if (!bytes) return { ok: false, reason: say(ctx, 'invalid.FILE_UNREADABLE') };
        const check = checkPdfUpload(bytes, max);
        if (!check.ok) return { ok: false, reason: sayError(ctx, 'pdf', check.error, { maxMb }) };
        const stored = await this.deps.hd.files.put({ ownerId: personOf(ctx).id, name: 'surat.pdf', contentType: check.value, bytes });
        return { ok: true, value: stored.id };
      },
    };
  }
}
