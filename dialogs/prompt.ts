import { ActionTypes, ActivityTypes, type Activity, type Attachment, type CardAction } from 'botbuilder';

/** What a prompt asks, sent as `channelData.prompt` so clients can adapt their input. */
export interface PromptHint {
  field: string;
  kind: 'text' | 'choice' | 'confirm' | 'file' | 'date';
  choices?: { value: string; title: string }[];
  /** A choice prompt that accepts several values. */
  multiple?: boolean;
  /** For text: the keyboard a client should show. */
  inputMode?: 'numeric' | 'email' | 'tel' | 'text';
  /** For file: accepted content types and the size limit. */
  accept?: string[];
  maxBytes?: number;
}

/** A prompt message: the question, suggested actions for its choices, and the hint. */
export function promptActivity(text: string, hint: PromptHint): Partial<Activity> {
  const actions: CardAction[] | undefined = hint.choices?.map((c) => ({ type: ActionTypes.ImBack, title: c.title, value: c.title }));
  return {
    type: ActivityTypes.Message,
    text,
    inputHint: 'expectingInput',
    suggestedActions: actions && actions.length <= 10 ? { actions, to: [] } : undefined,
    channelData: { prompt: hint },
  };
}

/**
 * A prompt whose choices are the buttons of its cards: the buttons are not repeated as suggested
 * actions (Web Chat showed each twice); typed answers are still matched by `matchChoice`.
 */
export function promptWithCards(text: string, hint: PromptHint, cards: Attachment[]): Partial<Activity> {
  return { ...promptActivity(text, hint), suggestedActions: undefined, attachments: cards };
}

/**
 * Matches an answer to a choice: by its number in the list, its value or its title
 * (case-insensitive), or by a card submit carrying `{ choice }`.
 */
export function matchChoice(
  answer: string | undefined,
  cardValue: unknown,
  choices: { value: string; title: string }[],
): string | undefined {
  const fromCard = (cardValue as { choice?: unknown } | undefined)?.choice;
  if (typeof fromCard === 'string' && choices.some((c) => c.value === fromCard)) return fromCard;
  const a = (answer ?? '').trim().toLowerCase();
  if (!a) return undefined;
  const n = Number(a);
  if (Number.isInteger(n) && n >= 1 && n <= choices.length) return choices[n - 1].value;
  return choices.find((c) => c.value.toLowerCase() === a || c.title.toLowerCase() === a)?.value;
}
