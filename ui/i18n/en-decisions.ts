import type { msDecisions } from './ms-decisions.js';

/** English for ms-decisions.ts: exactly its keys (the type checks it). */
export const enDecisions: Record<keyof typeof msDecisions, string> = {
  'decided.endorsed': 'Endorsed by {name} on {at}. {note}',
  'decided.returnedForCsr': 'Returned for a new CSR by {name} on {at}: {note}',
  'decided.leadApproved': 'Approved by the lead agency ({name}) on {at}. {note}',
  'decided.onsiteApproved': 'On-site support approved by {name} on {at}; deadline: {note}.',
  'decided.onsiteRejected': 'On-site support rejected by {name} on {at}: {note}',
  'decided.advisoryAccepted': 'Advisory session accepted by {name} on {at}; session on {note}.',
  'decided.advisoryDeclined': 'Advisory request declined by {name} on {at}: {note}',
  'decided.acknowledged': 'Acknowledged by {name} on {at}.',
  'decided.replied': 'Replied to by {name} on {at}: {note}',
  'decided.infoRequested': 'More information requested by {name} on {at}: {note}',
  'decided.resolved': 'Marked resolved by {name} on {at}: {note}',
  'decided.onsiteRequested': 'On-site support requested by {name} on {at}: {note}',
};
