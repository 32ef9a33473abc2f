import type { TurnContext } from 'botbuilder';
import type { FaqEntry } from '../../domain/ports/faq.js';
import { localeOf, say } from '../turn.js';
import { adaptiveCard, heading, para } from './adaptive.js';

/** The closest FAQ entries in the person's language (the operators' own text, shown as written). */
export function faqAnswersCard(ctx: TurnContext, hits: FaqEntry[], titleKey: 'faq.answersTitle' | 'complaint.selfHelpTitle') {
  const locale = localeOf(ctx);
  return adaptiveCard([
    heading(say(ctx, titleKey)),
    ...hits.flatMap((h) => [
      { type: 'TextBlock', text: h.question[locale], weight: 'Bolder', wrap: true, spacing: 'Medium' },
      para(h.answer[locale]),
    ]),
  ]);
}
