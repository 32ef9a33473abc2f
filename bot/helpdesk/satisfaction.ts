import type { Attachment, TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import { z } from 'zod';
import type { Locale } from '../../domain/people.js';
import type { CoreDeps } from '../../domain/usecases/deps.js';
import { COMMENT_MAX, rateService } from '../../domain/usecases/satisfaction.js';
import { adaptiveCard, para, submit } from '../../ui/cards/adaptive.js';
import { t, tDynamic } from '../../ui/i18n/index.js';
import { personOf, say } from '../../ui/turn.js';
import type { BotTurnState } from '../turn/state.js';
import { sayError } from '../../ui/errors.js';

const RatePayload = z.object({
  verb: z.literal('rate'),
  caseId: z.string().regex(/^[A-Z]{2}-\d{4}-\d{6}$/),
  score: z.coerce.number().int().min(1).max(5),
  comment: z
    .string()
    .max(COMMENT_MAX * 4)
    .optional(),
});

/**
 * The one optional question after a ticket is resolved or a certificate issued: a score from 1 to
 * 5, each button saying what it means, and a comment box. Nothing waits on it.
 */
export function satisfactionCard(locale: Locale, caseId: string): Attachment {
  return adaptiveCard(
    [
      para(t(locale, 'rate.question')),
      { type: 'Input.Text', id: 'comment', label: t(locale, 'rate.comment'), isMultiline: true, maxLength: COMMENT_MAX },
    ],
    [1, 2, 3, 4, 5].map((score) => submit(tDynamic(locale, `rate.score.${score}`, 'system'), { verb: 'rate', caseId, score })),
  );
}

/** Registers the card's answer: stored on the case, thanked in the person's language, refusals explained. */
export function registerSatisfactionRoutes(
  app: Application<BotTurnState>,
  deps: { core: Pick<CoreDeps, 'cases' | 'clock'>; afterAnswer: (ctx: TurnContext) => Promise<void> },
): void {
  app.adaptiveCards.actionSubmit('rate', async (ctx) => {
    const p = RatePayload.safeParse(ctx.activity.value);
    if (!p.success) {
      await ctx.sendActivity(say(ctx, 'card.invalid'));
    } else {
      const r = await rateService(deps.core, {
        caseId: p.data.caseId,
        actorId: personOf(ctx).id,
        score: p.data.score,
        comment: p.data.comment,
      });
      await ctx.sendActivity(
        r.ok ? say(ctx, 'rate.thanks', { caseId: p.data.caseId }) : sayError(ctx, 'rating', r.error, { caseId: p.data.caseId }),
      );
    }
    await deps.afterAnswer(ctx);
  });
}
