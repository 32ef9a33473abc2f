/** The goals a person can start (menu buttons, reminder cards, recognised intents): only what works. */
export const GOALS = [
  'newUserCert',
  'renewUserCert',
  'revokeUserCert',
  'replaceUserCert',
  'newTrainingCert',
  'renewTrainingCert',
  'revokeTrainingCert',
  'replaceTrainingCert',
  'faq',
  'complaint',
  'advisory',
  'onsite',
  'newServerCert',
  'renewServerCert',
  'revokeServerCert',
] as const;
export type Goal = (typeof GOALS)[number];

export function isGoal(v: unknown): v is Goal {
  return typeof v === 'string' && (GOALS as readonly string[]).includes(v);
}
