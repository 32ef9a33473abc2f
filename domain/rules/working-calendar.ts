/**
 * Working days and working hours (DOMAIN.md 7.7, 7.9): weekends differ by state (Kedah, Kelantan
 * and Terengganu rest on Friday and Saturday), public holidays are data, and office hours are the
 * same every working day. Times are instants; days and hours are counted in the calendar's local
 * time (a fixed UTC offset: Malaysia has no daylight saving).
 */
export interface CalendarData {
  /** Local time minus UTC, in minutes (Malaysia: 480). */
  utcOffsetMinutes: number;
  /** Office hours, local "HH:mm". */
  workStart: string;
  workEnd: string;
  /** Weekend days (0 = Sunday … 6 = Saturday) where a state has no rule of its own. */
  defaultWeekend: number[];
  weekendByState: Record<string, number[]>;
  /** Public holidays, local dates; `states` limits one to those states. */
  holidays: { date: string; name: string; states?: string[] }[];
}

export interface Interval {
  start: Date;
  end: Date;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

function minutesOf(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new RangeError(`bad time ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Checks a calendar file's content; returns what is wrong, or nothing. */
export function calendarProblems(d: CalendarData): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(d.utcOffsetMinutes) || Math.abs(d.utcOffsetMinutes) > 14 * 60) problems.push('utcOffsetMinutes');
  try {
    if (minutesOf(d.workStart) >= minutesOf(d.workEnd)) problems.push('workStart must be before workEnd');
  } catch {
    problems.push('workStart/workEnd must be HH:mm');
  }
  const days = (a: unknown) => Array.isArray(a) && a.every((n) => Number.isInteger(n) && n >= 0 && n <= 6) && a.length < 7;
  if (!days(d.defaultWeekend)) problems.push('defaultWeekend');
  for (const [state, w] of Object.entries(d.weekendByState ?? {})) if (!days(w)) problems.push(`weekendByState.${state}`);
  (d.holidays ?? []).forEach((h, i) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(h.date)) problems.push(`holidays[${i}].date`);
  });
  return problems;
}

export class WorkingCalendar {
  private readonly offset: number;
  private readonly start: number;
  private readonly end: number;
  private readonly weekend: Set<number>;
  private readonly holidays: Set<string>;

  constructor(
    private readonly data: CalendarData,
    readonly state: string,
  ) {
    this.offset = data.utcOffsetMinutes * 60_000;
    this.start = minutesOf(data.workStart) * 60_000;
    this.end = minutesOf(data.workEnd) * 60_000;
    const key = state.trim().toUpperCase();
    this.weekend = new Set(data.weekendByState[key] ?? data.defaultWeekend);
    this.holidays = new Set(
      data.holidays.filter((h) => !h.states || h.states.map((s) => s.toUpperCase()).includes(key)).map((h) => h.date),
    );
  }

  /** Length of one working day in hours. */
  get hoursPerDay(): number {
    return (this.end - this.start) / HOUR;
  }

  /** Local day number (days since the epoch, local time). */
  private dayOf(t: number): number {
    return Math.floor((t + this.offset) / DAY);
  }

  private localDate(day: number): string {
    return new Date(day * DAY).toISOString().slice(0, 10);
  }

  private isWorkingDayNo(day: number): boolean {
    const weekday = new Date(day * DAY).getUTCDay();
    return !this.weekend.has(weekday) && !this.holidays.has(this.localDate(day));
  }

  /** Office hours of a local day as instants. */
  private hoursOf(day: number): [number, number] {
    const base = day * DAY - this.offset;
    return [base + this.start, base + this.end];
  }

  isWorkingDay(at: Date): boolean {
    return this.isWorkingDayNo(this.dayOf(at.getTime()));
  }

  /** Whether `at` falls inside office hours of a working day. */
  isWorkingTime(at: Date): boolean {
    const day = this.dayOf(at.getTime());
    const [s, e] = this.hoursOf(day);
    return this.isWorkingDayNo(day) && at.getTime() >= s && at.getTime() < e;
  }

  /** The instant `hours` working hours after `from` (time outside office hours does not count). */
  addWorkingHours(from: Date, hours: number): Date {
    let left = Math.round(hours * HOUR);
    let t = from.getTime();
    for (let day = this.dayOf(t); day < this.dayOf(t) + 3700; day++) {
      if (!this.isWorkingDayNo(day)) continue;
      const [s, e] = this.hoursOf(day);
      const begin = Math.max(s, t);
      if (begin >= e) continue;
      if (left <= e - begin) return new Date(begin + left);
      left -= e - begin;
      t = e;
    }
    throw new RangeError('no working time within ten years');
  }

  /** Working time between two instants, in ms (0 when `b` is not after `a`). */
  workingMsBetween(a: Date, b: Date): number {
    let total = 0;
    for (let day = this.dayOf(a.getTime()); day <= this.dayOf(b.getTime()); day++) {
      if (!this.isWorkingDayNo(day)) continue;
      const [s, e] = this.hoursOf(day);
      total += Math.max(0, Math.min(e, b.getTime()) - Math.max(s, a.getTime()));
    }
    return total;
  }

  /** The same local time of day `n` working days after `from`'s day (e.g. auto-close after 5 working days). */
  addWorkingDays(from: Date, n: number): Date {
    let day = this.dayOf(from.getTime());
    const timeOfDay = from.getTime() + this.offset - day * DAY;
    for (let left = n; left > 0;) {
      day += 1;
      if (this.isWorkingDayNo(day)) left -= 1;
    }
    return new Date(day * DAY - this.offset + timeOfDay);
  }

  /** The start of office hours on the first working day after `from`'s local day. */
  nextWorkingDayStart(from: Date): Date {
    let day = this.dayOf(from.getTime()) + 1;
    while (!this.isWorkingDayNo(day)) day += 1;
    return new Date(this.hoursOf(day)[0]);
  }

  /** Whole working days from `from`'s day to `to`'s day (not counting `from`'s day). */
  workingDaysBetween(from: Date, to: Date): number {
    let n = 0;
    for (let day = this.dayOf(from.getTime()) + 1; day <= this.dayOf(to.getTime()); day++) if (this.isWorkingDayNo(day)) n += 1;
    return n;
  }

  /**
   * Slots of `minutes` inside office hours, on the slot grid that starts at opening time, that
   * begin no earlier than `from` and end no later than `to`.
   */
  slots(from: Date, to: Date, minutes: number, max = 50): Interval[] {
    const len = minutes * 60_000;
    const out: Interval[] = [];
    for (let day = this.dayOf(from.getTime()); day <= this.dayOf(to.getTime()) && out.length < max; day++) {
      if (!this.isWorkingDayNo(day)) continue;
      const [s, e] = this.hoursOf(day);
      for (let t = s; t + len <= e && out.length < max; t += len) {
        if (t >= from.getTime() && t + len <= to.getTime()) out.push({ start: new Date(t), end: new Date(t + len) });
      }
    }
    return out;
  }

  /** Local "dd/MM/yyyy HH:mm" of an instant, for messages. */
  format(at: Date): string {
    const l = new Date(at.getTime() + this.offset);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(l.getUTCDate())}/${p(l.getUTCMonth() + 1)}/${l.getUTCFullYear()} ${p(l.getUTCHours())}:${p(l.getUTCMinutes())}`;
  }

  /** Parses a local "dd/mm/yyyy" (or yyyy-mm-dd) date to the start of its office hours. */
  parseLocalDate(text: string): Date | undefined {
    const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text.trim()) ?? undefined;
    const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim()) ?? undefined;
    const [y, mo, d] = m
      ? [Number(m[3]), Number(m[2]), Number(m[1])]
      : iso
        ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
        : [NaN, NaN, NaN];
    if (!Number.isInteger(y) || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
    const utc = Date.UTC(y, mo - 1, d);
    if (new Date(utc).getUTCDate() !== d) return undefined;
    return new Date(this.hoursOf(Math.floor(utc / DAY))[0]);
  }

  /** Parses a local "dd/mm/yyyy HH:mm" to an instant. */
  parseLocalDateTime(text: string): Date | undefined {
    const m = /^(\d{1,2}\/\d{1,2}\/\d{4})\s+(\d{1,2})[:.](\d{2})$/.exec(text.trim());
    if (!m) return undefined;
    const opening = this.parseLocalDate(m[1]!);
    const h = Number(m[2]);
    const min = Number(m[3]);
    if (!opening || h > 23 || min > 59) return undefined;
    const day = this.dayOf(opening.getTime());
    return new Date(day * DAY - this.offset + (h * 60 + min) * 60_000);
  }
}

/** The states a calendar knows: those with a weekend rule of their own and those named in holidays. */
export function knownStates(data: CalendarData): string[] {
  const states = new Set<string>(Object.keys(data.weekendByState ?? {}).map((s) => s.trim().toUpperCase()));
  for (const h of data.holidays ?? []) for (const s of h.states ?? []) states.add(s.trim().toUpperCase());
  return [...states].sort();
}

/**
 * One calendar per state from the same data (DOMAIN.md 7.7: deadlines run in the office hours of
 * the agency's state). A case whose agency names no state uses the default state.
 */
export class WorkingCalendars {
  private readonly byState = new Map<string, WorkingCalendar>();
  private readonly known: Set<string>;
  readonly defaultState: string;

  constructor(
    private readonly data: CalendarData,
    defaultState: string,
  ) {
    this.defaultState = defaultState.trim().toUpperCase();
    this.known = new Set(knownStates(data));
  }

  /** Whether the calendar data names `state` (a weekend rule or a holiday). */
  knows(state: string): boolean {
    return this.known.has(state.trim().toUpperCase());
  }

  /** The states the data names, sorted. */
  get states(): string[] {
    return [...this.known].sort();
  }

  /** The calendar of `state`, or of the default state when none is given. */
  forState(state?: string): WorkingCalendar {
    const key = (state?.trim() || this.defaultState).toUpperCase();
    let cal = this.byState.get(key);
    if (!cal) {
      cal = new WorkingCalendar(this.data, key);
      this.byState.set(key, cal);
    }
    return cal;
  }
}
