import { CardFactory, type Attachment } from 'botbuilder';

/** Escapes user text for an Adaptive Card TextBlock (markdown subset) so it shows literally. */
export function esc(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

export type CardElement = Record<string, unknown>;

/** The card itself (what an `adaptiveCard/action` invoke returns); `extra` adds e.g. `refresh`. */
export function cardJson(body: CardElement[], actions: CardElement[] = [], extra: CardElement = {}): CardElement {
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.4', body, actions, ...extra };
}

/** The card as a message attachment. */
export function adaptiveCard(body: CardElement[], actions: CardElement[] = [], extra: CardElement = {}): Attachment {
  return CardFactory.adaptiveCard(cardJson(body, actions, extra));
}

export const heading = (text: string): CardElement => ({ type: 'TextBlock', text, weight: 'Bolder', size: 'Medium', wrap: true });
export const para = (text: string): CardElement => ({ type: 'TextBlock', text, wrap: true });
export const facts = (rows: [string, string][]): CardElement => ({
  type: 'FactSet',
  facts: rows.map(([title, value]) => ({ title, value })),
});
export const submit = (title: string, data: Record<string, unknown>, style?: 'positive' | 'destructive'): CardElement => ({
  type: 'Action.Submit',
  title,
  data,
  ...(style ? { style } : {}),
});
