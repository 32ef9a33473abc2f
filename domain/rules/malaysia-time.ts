/**
 * Malaysian time (Asia/Kuala_Lumpur): UTC+8 all year, no daylight saving. Every time or date a
 * person reads is in it, whatever the server's time zone; `dialogs/time-format.ts` adds the label.
 */
export const MALAYSIA_UTC_OFFSET_MINUTES = 480;

const pad = (n: number) => String(n).padStart(2, '0');

/** The instant as Malaysian wall-clock parts: `date` "dd/MM/yyyy", `time` "HH:mm" (24 h). */
export function malaysiaParts(at: Date | string): { date: string; time: string } {
  const l = new Date(new Date(at).getTime() + MALAYSIA_UTC_OFFSET_MINUTES * 60_000);
  return {
    date: `${pad(l.getUTCDate())}/${pad(l.getUTCMonth() + 1)}/${l.getUTCFullYear()}`,
    time: `${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())}`,
  };
}
