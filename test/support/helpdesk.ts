import { expect } from 'chai';
import type { ComplaintData } from '../../domain/cases/complaint.js';
import { startTestBot, TestClock } from './bot.js';
import { askedField, Chat, texts } from './chat.js';
import type { SentActivity, TestConnector } from './connector.js';

export type HelpdeskBot = Awaited<ReturnType<typeof startTestBot>>;
export const HELPDESK_PEOPLE = ['demo-applicant', 'demo-ap', 'demo-agent', 'demo-lead', 'demo-tech'] as const;
export type HelpdeskPerson = (typeof HELPDESK_PEOPLE)[number];

/** Monday 7 December 2026, 09:00 in Putrajaya: a plain working week with Christmas in the next one. */
export const MONDAY_0900 = new Date('2026-12-07T01:00:00Z');

/** The bot with an injected clock and a chat per person, each of whom has said hello (so notices reach them). */
export async function startHelpdeskBot(
  connector: TestConnector,
  clock: TestClock,
): Promise<{ bot: HelpdeskBot; chat: Record<HelpdeskPerson, Chat> }> {
  await connector.start();
  const bot = await startTestBot({}, undefined, { clock });
  const chat = Object.fromEntries(HELPDESK_PEOPLE.map((id) => [id, new Chat({ botUrl: () => bot.url, connector, userId: id })])) as Record<
    HelpdeskPerson,
    Chat
  >;
  for (const id of HELPDESK_PEOPLE) await chat[id].say('menu');
  return { bot, chat };
}

/** Lodges a complaint through the chat, answering "no" to self-help; returns the ticket number. */
export async function lodgeViaChat(
  user: Chat,
  description = 'Token saya tidak dikesan oleh komputer walaupun sudah cuba port USB lain.',
): Promise<string> {
  await user.submit({ verb: 'start', goal: 'complaint' });
  await user.say('Token atau kad pintar');
  await user.say('ePerolehan');
  await user.say(description);
  let r = await user.say('langkau');
  if (askedField(r) === 'solved') r = await user.say('tidak');
  // The confirmation's own number: a notice about another ticket may arrive in the same batch.
  const m = /tiket \*\*(AD-\d{4}-\d{6})\*\*/.exec(texts(r));
  expect(m, texts(r)).to.not.equal(null);
  return m![1]!;
}

/** The latest helpdesk notice in a chat whose text mentions `caseId` and `words`. */
export function noticeMatch(caseId: string, words: string) {
  return (a: SentActivity) => (a.text ?? '').includes(caseId) && (a.text ?? '').includes(words);
}

export async function ticket(bot: HelpdeskBot, id: string) {
  return (await bot.core.cases.get<ComplaintData>(id))!;
}
