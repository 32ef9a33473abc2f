/**
 * When helpdesk agents work: days and a time window in a fixed UTC offset (Malaysia: +08:00).
 * Written like `Mon-Fri 08:00-17:00 +08:00`, or `always`.
 */
export interface AgentHours {
  days: Set<number>;
  /** Minutes since local midnight, start inclusive and end exclusive. */
  from: number;
  to: number;
  offsetMinutes: number;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export function parseAgentHours(text: string): AgentHours | { error: string } {
  const s = text.trim().toLowerCase();
  if (s === 'always') return { days: new Set([0, 1, 2, 3, 4, 5, 6]), from: 0, to: 24 * 60, offsetMinutes: 0 };
  const m = /^([a-z]{3})(?:-([a-z]{3}))?\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})(?:\s+([+-])(\d{2}):(\d{2}))?$/.exec(s);
  if (!m) return { error: 'expected e.g. "Mon-Fri 08:00-17:00 +08:00" or "always"' };
  const first = DAYS.indexOf(m[1]);
  const last = DAYS.indexOf(m[2] ?? m[1]);
  if (first < 0 || last < 0) return { error: 'days are sun, mon, tue, wed, thu, fri, sat' };
  const days = new Set<number>();
  for (let d = first; ; d = (d + 1) % 7) {
    days.add(d);
    if (d === last) break;
  }
  const from = Number(m[3]) * 60 + Number(m[4]);
  const to = Number(m[5]) * 60 + Number(m[6]);
  if (from >= to || to > 24 * 60 || Number(m[4]) > 59 || Number(m[6]) > 59)
    return { error: 'the window must be HH:MM-HH:MM with the start before the end' };
  const offsetMinutes = m[7] ? (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) : 8 * 60;
  return { days, from, to, offsetMinutes };
}

/** True when `at` falls in the agents' working hours. */
export function withinAgentHours(hours: AgentHours, at: Date): boolean {
  const local = new Date(at.getTime() + hours.offsetMinutes * 60_000);
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  return hours.days.has(local.getUTCDay()) && minutes >= hours.from && minutes < hours.to;
}
