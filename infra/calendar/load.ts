import { readFileSync } from 'node:fs';
import { calendarProblems, WorkingCalendar, type CalendarData } from '../../domain/rules/working-calendar.js';

/** Reads the working-day calendar file; a bad file stops the start naming the file and what is wrong. */
export function loadCalendar(file: string, state: string): WorkingCalendar {
  let data: CalendarData;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as CalendarData;
  } catch (e) {
    throw new Error(`Invalid calendar ${file}: ${(e as Error).message}`);
  }
  const problems = calendarProblems(data);
  if (problems.length > 0) throw new Error(`Invalid calendar ${file}: ${problems.join(', ')}`);
  return new WorkingCalendar(data, state);
}
