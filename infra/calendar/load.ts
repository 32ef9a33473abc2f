import { readFileSync } from 'node:fs';
import { calendarProblems, WorkingCalendars, type CalendarData } from '../../domain/rules/working-calendar.js';

/** A bad file stops the start naming the file and what is wrong. */
function readCalendarData(file: string): CalendarData {
  let data: CalendarData;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as CalendarData;
  } catch (e) {
    throw new Error(`Invalid calendar ${file}: ${(e as Error).message}`);
  }
  const problems = calendarProblems(data);
  if (problems.length > 0) throw new Error(`Invalid calendar ${file}: ${problems.join(', ')}`);
  return data;
}

/**
 * Reads the working-day calendar file as one calendar per state, `defaultState` (CALENDAR_STATE) for agencies
 * that name none. A bad file, or a default state the file does not know, stops the start.
 */
export function loadCalendars(file: string, defaultState: string): WorkingCalendars {
  const calendars = new WorkingCalendars(readCalendarData(file), defaultState);
  if (!calendars.knows(calendars.defaultState)) {
    throw new Error(`Invalid CALENDAR_STATE ${calendars.defaultState}: not a state of ${file} (known: ${calendars.states.join(', ')})`);
  }
  return calendars;
}
