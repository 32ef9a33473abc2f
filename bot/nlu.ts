/**
 * A small keyword classifier for the goals that exist today. The bilingual, code-mixed
 * recogniser built on natural replaces it (its own issue); until then the menu card always works.
 */
export type Intent = 'newUserCert' | 'menu' | 'help' | 'cancel' | 'greeting' | 'none';

const TABLE: [Intent, RegExp][] = [
  ['cancel', /^(batal|cancel|stop)$/],
  ['help', /^(bantuan|help|tolong|\?)$/],
  ['menu', /^(menu|menu utama|main menu|mula|start)$/],
  ['greeting', /^(hi|hai|helo|hello|salam|assalamualaikum|selamat (pagi|petang|tengah hari|malam))\b/],
  ['newUserCert', /\b(mohon|memohon|permohonan|apply|application|new|baharu|baru)\b.*\b(sijil|cert|certificate)\b|\b(sijil|cert|certificate)\b.*\b(baharu|baru|new)\b/],
];

export function classify(text: string): Intent {
  const t = text.trim().toLowerCase();
  if (!t) return 'menu';
  return TABLE.find(([, re]) => re.test(t))?.[0] ?? 'none';
}
