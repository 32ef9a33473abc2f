import type { msHandoff } from './ms-handoff.js';

/** English: helpdesk agents taking over conversations (merged into en.ts). */
export const enHandoff: Record<keyof typeof msHandoff, string> = {
  'handoff.role': 'Helpdesk Agent',
  'handoff.queued':
    'All right, I am connecting you to a helpdesk agent. You are number {position} in the queue; the expected wait is about {minutes} minutes. While you wait you can carry on here, and nothing you entered is lost.',
  'handoff.queued.misunderstood':
    'Sorry, I still cannot understand you. I am connecting you to a helpdesk agent. You are number {position} in the queue; the expected wait is about {minutes} minutes.',
  'handoff.queued.error':
    'I have called a helpdesk agent to help you. You are number {position} in the queue; the expected wait is about {minutes} minutes. What you entered so far is kept.',
  'handoff.alreadyQueued': "You are already in the agents' queue (number {position}). An agent will be with you shortly.",
  'handoff.offHours':
    'Helpdesk agents work {hours}. It is outside those hours now, so you can open a complaint ticket and nothing is lost; an agent will get back to you.',
  'handoff.timeout':
    'Sorry, no agent could take your conversation within {minutes} minutes. You can open a complaint ticket so nothing is lost; an agent will get back to you.',
  'handoff.ticketButton': 'Open a complaint ticket',
  'handoff.taken': '{agent} ({role}) is now with you. Everything you send goes to the agent until the session ends.',
  'handoff.agentSays': '{agent} ({role}): {text}',
  'handoff.handedBack':
    "{agent} has handed this conversation back to me. We carry on at the same step; everything you entered, including the agent's corrections, is kept.",
  'handoff.handedBack.corrected': 'The agent corrected: {fields}.',
  'handoff.handedBack.nothingOpen': '{agent} has handed this conversation back to me. What else can I help you with?',
  'handoff.ended': '{agent} has ended the help session. Welcome back! What can I help you with next?',
  'handoff.days': 'Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday',
  'handoff.hours': '{from} to {to}, {start} – {end}',
  'handoff.hours.always': 'at all times',
  'event.handoffQueued': 'Queued for a helpdesk agent',
  'event.handoffTaken': 'Taken over by a helpdesk agent',
  'event.handoffMessage': 'Message in the agent session',
  'event.handoffNote': 'Agent note',
  'event.handoffCorrected': 'Details corrected by the agent',
  'event.handoffReturned': 'Handed back to the bot',
  'event.handoffEnded': 'Agent session ended',
  'event.handoffTimeout': 'No agent in time; ticket offered',
};
