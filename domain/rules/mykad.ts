import { fail, ok, type Result } from '../result.js';

/** Why a MyKad number was refused; each maps to a catalog message. */
export type MyKadError = 'MYKAD_FORMAT' | 'MYKAD_DATE' | 'MYKAD_PLACE' | 'MYKAD_AGE';

export interface MyKad {
  /** 12 digits, no separators. */
  digits: string;
  birthDate: Date;
  placeCode: string;
}

// Malaysian state codes (JPN): 01–16 and 21–59. Born abroad: the country and region codes
// JPN publishes (60–68, 71–72 before the 1990s, 74–79, 82–93, 98, 99); 00, 17–20, 69–70,
// 73, 80–81 and 94–97 are not assigned (DOMAIN.md 4.1).
const PLACE_CODES = new Set<number>([
  ...range(1, 16),
  ...range(21, 59),
  ...range(60, 68),
  71,
  72,
  ...range(74, 79),
  ...range(82, 93),
  98,
  99,
]);

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Accepts `900101-14-5678`, `900101 14 5678` or digits; checks date, place code and a working age (17–80). */
export function parseMyKad(input: string, now: Date): Result<MyKad, MyKadError> {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d{12}$/.test(digits)) return fail('MYKAD_FORMAT');
  const yy = Number(digits.slice(0, 2));
  const mm = Number(digits.slice(2, 4));
  const dd = Number(digits.slice(4, 6));
  const currentYY = now.getUTCFullYear() % 100;
  const century = yy > currentYY ? 1900 : 2000;
  const year = century + yy;
  const birthDate = new Date(Date.UTC(year, mm - 1, dd));
  if (mm < 1 || mm > 12 || birthDate.getUTCMonth() !== mm - 1 || birthDate.getUTCDate() !== dd) return fail('MYKAD_DATE');
  const placeCode = digits.slice(6, 8);
  if (!PLACE_CODES.has(Number(placeCode))) return fail('MYKAD_PLACE');
  const age = ageOn(birthDate, now);
  if (age < 17 || age > 80) return fail('MYKAD_AGE');
  return ok({ digits, birthDate, placeCode });
}

function ageOn(birth: Date, now: Date): number {
  let age = now.getUTCFullYear() - birth.getUTCFullYear();
  const beforeBirthday =
    now.getUTCMonth() < birth.getUTCMonth() || (now.getUTCMonth() === birth.getUTCMonth() && now.getUTCDate() < birth.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}

/** `900101145678` → `9001******78`: enough for the owner to recognise, useless to anyone else. */
export function maskMyKad(digits: string): string {
  return `${digits.slice(0, 4)}******${digits.slice(-2)}`;
}

// Twelve digits, optionally written YYMMDD-PB-###G with dashes or spaces, not inside a longer number.
const MYKAD_IN_TEXT = /(?<!\d)(\d{6})[\s-]?(\d{2})[\s-]?(\d{4})(?!\d)/g;

/** Masks every MyKad-shaped number in free text (logs, transcripts). */
export function maskMyKadInText(text: string): string {
  return text.replace(MYKAD_IN_TEXT, (_m, a: string, b: string, c: string) => maskMyKad(`${a}${b}${c}`));
}
