import type { msNlu } from './ms-nlu.js';

/** English: asking before acting, and status without a number (merged into en.ts). */
export const enNlu: Record<keyof typeof msNlu, string> = {
  'nlu.confirm': 'Before I start anything, which one do you mean? Pick below or type its number.',
  'nlu.choiceNone': 'None of these',
  'nlu.none': 'OK, I have not started anything. If you need a person to help you, type "agent".',
  'nlu.noAgent': 'Sorry, helpdesk agents cannot be reached from this chat right now.',
  'status.open.header': 'Your applications still in progress:',
  'status.open.none': 'You have no applications in progress.',
  'status.open.hint': 'For the full history, type "status" and the reference number, e.g. status {caseId}',
};
