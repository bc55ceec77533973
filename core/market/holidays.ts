/**
 * Market holidays, kept as data: the bundled `holidays.json` (announced or expected
 * closures for 2026 and 2027) merged with an optional operator file named by the
 * `HOLIDAYS_FILE` environment variable, so a newly announced year or a moved day needs
 * no code change.
 *
 * The extra file may be any of:
 * - a JSON array of dates: `["2028-01-03", "2028-01-24"]`
 * - a JSON array of objects: `[{ "date": "2028-01-03", "name": "New Year (observed)" }]`
 * - the bundled shape: `{ "years": { "2028": { "days": [{ "date": "...", "name": "..." }] } } }`
 *
 * @example
 * const holidays = loadHolidays({ HOLIDAYS_FILE: '/etc/market/holidays-2028.json' });
 * holidays.has('2026-02-17'); // true (Tet 2026)
 */
import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../errors.ts';
import { ENV } from '../settings.ts';
import bundled from './holidays.json' with { type: 'json' };
import { dateToDayNumber } from './ict-time.ts';

export type Holiday = { readonly date: string; readonly name: string };

/** A set of `YYYY-MM-DD` ICT dates on which no exchange trades. */
export type HolidaySet = ReadonlySet<string>;

/** Thrown when `HOLIDAYS_FILE` cannot be read or does not hold dates. */
export class HolidayFileError extends ConfigurationError {
  readonly code = 'HOLIDAY_FILE_INVALID';
  readonly path: string;
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(ENV.HOLIDAYS_FILE, `${ENV.HOLIDAYS_FILE} (${path}): ${message}`, options);
    this.name = 'HolidayFileError';
    this.path = path;
  }
}

/** The holidays shipped with the code (see `holidays.json` for their sources). */
export const BUNDLED_HOLIDAYS: readonly Holiday[] = parseHolidays(bundled);

/**
 * Turns any of the accepted shapes into a list of holidays; throws a `RangeError`
 * naming the first bad entry.
 */
export function parseHolidays(data: unknown): Holiday[] {
  const entries = holidayEntries(data);
  return entries.map((entry, index) => {
    const item = typeof entry === 'string' ? { date: entry, name: 'holiday' } : entry;
    if (typeof item !== 'object' || item === null || typeof (item as Holiday).date !== 'string') {
      throw new RangeError(`holiday entry ${index} is neither a date string nor { date, name }`);
    }
    const { date, name } = item as Holiday;
    dateToDayNumber(date);
    return { date, name: typeof name === 'string' ? name : 'holiday' };
  });
}

function holidayEntries(data: unknown): unknown[] {
  if (Array.isArray(data)) return data;
  const years = (data as { years?: Record<string, { days?: unknown }> } | null)?.years;
  if (years && typeof years === 'object') {
    return Object.values(years).flatMap((year) => (Array.isArray(year?.days) ? year.days : []));
  }
  throw new RangeError('expected an array of dates or an object with "years"');
}

/**
 * The bundled holidays plus those of the file named by `env.HOLIDAYS_FILE` (if set).
 * Fails at once, naming the variable, when the file is missing or malformed: a wrong
 * calendar would silently stop or start ingestion on the wrong days.
 */
export function loadHolidays(env: Record<string, string | undefined> = process.env): HolidaySet {
  const dates = new Set(BUNDLED_HOLIDAYS.map((h) => h.date));
  const path = env[ENV.HOLIDAYS_FILE];
  if (path) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch (cause) {
      throw new HolidayFileError(path, 'cannot read it as JSON', { cause });
    }
    try {
      for (const h of parseHolidays(data)) dates.add(h.date);
    } catch (cause) {
      throw new HolidayFileError(path, (cause as Error).message, { cause });
    }
  }
  return dates;
}

let defaultHolidays: HolidaySet | undefined;

/** The process-wide holiday set, loaded once from the bundle and `HOLIDAYS_FILE`. */
export function defaultHolidaySet(): HolidaySet {
  defaultHolidays ??= loadHolidays();
  return defaultHolidays;
}
