import type { TurnContext } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { parsePhone } from '../../domain/rules/contact.js';
import type { WorkingCalendar } from '../../domain/rules/working-calendar.js';
import { calendarOf, type HelpdeskDeps } from '../../domain/usecases/helpdesk-deps.js';
import { bookVisit, checkSlot, getOnsiteTicket, offerSlots } from '../../domain/usecases/onsite.js';
import { CancelAndHelpDialog } from '../cancel-and-help.js';
import { FieldPrompt, type FieldSpec } from '../field-prompt.js';
import { sayError } from '../../ui/errors.js';
import { matchChoice, promptActivity } from '../prompt.js';
import { personOf, say, type LocalePreferences } from '../../ui/turn.js';
import { textSpec } from './specs.js';

export const BOOK_VISIT_DIALOG = 'bookVisit';
const PROMPT = 'bookVisitPrompt';
const NONE = 'none';

export interface BookVisitOptions {
  caseId: string;
}

interface State extends BookVisitOptions {
  later?: boolean;
  delayReason?: string;
  slotStart?: string;
  repName?: string;
  repPhone?: string;
  location?: string;
}

/**
 * After the lead agency approves a visit, the user picks a slot inside the 48-working-hour window
 * (or says none fits, gives the reason, and picks a later one: the deadline clock pauses), names
 * the agency representative with a phone number, and the location. A slot taken meanwhile is
 * explained and another is offered; nothing entered is lost.
 */
export class BookVisitDialog extends CancelAndHelpDialog {
  constructor(
    private readonly hd: HelpdeskDeps,
    prefs: LocalePreferences,
  ) {
    super(BOOK_VISIT_DIALOG, prefs);
    this.addDialog(new FieldPrompt(PROMPT, (f) => this.spec(f)));
    this.addDialog(
      new WaterfallDialog(`${BOOK_VISIT_DIALOG}Steps`, [
        this.askSlot.bind(this),
        this.afterSlot.bind(this),
        this.askLaterSlot.bind(this),
        this.askRepName.bind(this),
        this.askRepPhone.bind(this),
        this.askLocation.bind(this),
        this.book.bind(this),
      ]),
    );
    this.initialDialogId = `${BOOK_VISIT_DIALOG}Steps`;
  }

  /** The calendar of the case's agency (times are shown and typed in it). */
  private async calendar(caseId: string): Promise<WorkingCalendar> {
    const c = await getOnsiteTicket(this.hd, caseId);
    return c ? calendarOf(this.hd, c) : this.hd.calendars.forState();
  }

  private s(step: WaterfallStepContext): State {
    const v = step.values as State;
    if (!v.caseId) Object.assign(v, structuredClone(step.options as State));
    return v;
  }

  private async askSlot(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.s(step);
    const c = await getOnsiteTicket(this.hd, s.caseId);
    if (!c || c.applicantId !== personOf(step.context).id || c.status !== 'LULUS_TAPAK') {
      await step.context.sendActivity(say(step.context, 'visit.notBookable', { caseId: s.caseId }));
      return step.endDialog();
    }
    if (s.slotStart) return step.next(s.slotStart);
    return step.beginDialog(PROMPT, { field: 'slot', data: { caseId: s.caseId, later: Boolean(s.later) } });
  }

  private async afterSlot(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.s(step);
    if (step.result === NONE) return step.beginDialog(PROMPT, { field: 'delayReason' });
    s.slotStart = step.result as string;
    return step.next(undefined);
  }

  private async askLaterSlot(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.s(step);
    if (s.slotStart) return step.next(s.slotStart);
    s.delayReason = step.result as string;
    s.later = true;
    return step.beginDialog(PROMPT, { field: 'slot', data: { caseId: s.caseId, later: true } });
  }

  private async askRepName(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.s(step);
    s.slotStart = step.result as string;
    if (s.repName) return step.next(s.repName);
    return step.beginDialog(PROMPT, { field: 'repName' });
  }

  private async askRepPhone(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.s(step);
    s.repName = step.result as string;
    if (s.repPhone) return step.next(s.repPhone);
    return step.beginDialog(PROMPT, { field: 'repPhone' });
  }

  private async askLocation(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.s(step);
    s.repPhone = step.result as string;
    if (s.location) return step.next(s.location);
    return step.beginDialog(PROMPT, { field: 'location' });
  }

  private async book(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const s = this.s(step);
    s.location = step.result as string;
    const ctx = step.context;
    const r = await bookVisit(this.hd, {
      caseId: s.caseId,
      actorId: personOf(ctx).id,
      slotStart: s.slotStart!,
      representative: { name: s.repName!, phone: s.repPhone! },
      location: s.location,
      delayReason: s.delayReason,
    });
    if (r.ok) {
      await ctx.sendActivity(
        say(ctx, 'visit.booked', { caseId: s.caseId, slot: (await this.calendar(s.caseId)).format(new Date(s.slotStart!)) }),
      );
      return step.endDialog(s.caseId);
    }
    await ctx.sendActivity(sayError(ctx, 'visit', r.error, r.params));
    if (['SLOT_TAKEN', 'DATE_PAST', 'OUTSIDE_WINDOW', 'SLOT_INVALID'].includes(r.error)) {
      // Everything else the user gave is kept; only the slot is asked again.
      return step.replaceDialog(BOOK_VISIT_DIALOG, { ...s, slotStart: undefined } satisfies State);
    }
    return step.endDialog();
  }

  private spec(field: string): FieldSpec {
    if (field === 'slot') return this.slotSpec();
    if (field === 'delayReason') return textSpec('delayReason', 'prompt.delayReason', { min: 5, max: 300 });
    if (field === 'repName') return textSpec('repName', 'prompt.repName', { min: 3, max: 100 });
    if (field === 'location') return textSpec('location', 'prompt.visitLocation', { min: 5, max: 300 });
    if (field === 'repPhone') return this.phoneSpec();
    throw new Error(`no prompt for ${field}`);
  }

  private phoneSpec(): FieldSpec {
    return {
      prompt: async (ctx) => promptActivity(say(ctx, 'prompt.repPhone'), { field: 'repPhone', kind: 'text', inputMode: 'tel' }),
      parse: async (ctx) => {
        const r = parsePhone((ctx.activity.text ?? '').trim());
        return r.ok ? { ok: true, value: r.value } : { ok: false, reason: say(ctx, 'invalid.repPhone') };
      },
    };
  }

  /**
   * Offered slots as choices (plus "none of these" inside the window); a typed "dd/mm/yyyy HH:mm"
   * is checked by the same rule as a booking: past, outside office hours or the window, or taken.
   */
  private slotSpec(): FieldSpec {
    const choices = async (ctx: TurnContext, data: { caseId: string; later: boolean }) => {
      const slots = await offerSlots(this.hd, data.caseId, { later: data.later });
      const cal = await this.calendar(data.caseId);
      const list = slots.map((sl) => ({ value: sl.start.toISOString(), title: cal.format(sl.start) }));
      return data.later ? list : [...list, { value: NONE, title: say(ctx, 'visit.noneFits') }];
    };
    return {
      prompt: async (ctx, data) => {
        const d = data as { caseId: string; later: boolean };
        const c = await getOnsiteTicket(this.hd, d.caseId);
        const deadline = c?.data.onsite?.deadline ? (await calendarOf(this.hd, c)).format(new Date(c.data.onsite.deadline)) : '-';
        return promptActivity(say(ctx, d.later ? 'prompt.visitSlotLater' : 'prompt.visitSlot', { deadline }), {
          field: 'slot',
          kind: 'choice',
          choices: await choices(ctx, d),
        });
      },
      parse: async (ctx, data) => {
        const d = data as { caseId: string; later: boolean };
        const list = await choices(ctx, d);
        const picked = matchChoice(ctx.activity.text, ctx.activity.value, list);
        if (picked) return { ok: true, value: picked };
        const typed = (await this.calendar(d.caseId)).parseLocalDateTime((ctx.activity.text ?? '').trim());
        if (!typed) return { ok: false, reason: say(ctx, 'invalid.choice') };
        const c = await getOnsiteTicket(this.hd, d.caseId);
        if (!c) return { ok: false, reason: say(ctx, 'invalid.choice') };
        const check = await checkSlot(this.hd, c, typed.toISOString(), { delayed: d.later });
        if (!check.ok) return { ok: false, reason: sayError(ctx, 'visit', check.error, check.params) };
        return { ok: true, value: typed.toISOString() };
      },
    };
  }
}
