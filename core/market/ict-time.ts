/**
 * Time arithmetic in Asia/Ho_Chi_Minh (ICT, UTC+7, no daylight saving) done on epoch
 * milliseconds with a fixed offset, so the answer never depends on the host's time zone.
 *
 * @example
 * ictDate(Date.parse('2026-04-13T23:30:00Z')); // '2026-04-14' (06:30 ICT)
 * ictMinuteOfDay(Date.parse('2026-04-14T02:00:00Z')); // 540 (09:00 ICT)
 * ictMinute(Date.parse('2026-04-14T02:15:30Z')); // '09:15'
 */

/** Vietnam has kept UTC+7 all year since 1975. */
export const ICT_OFFSET_MS = 7 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;
export const MINUTE_MS = 60 * 1000;

/** Number of whole ICT days since 1970-01-01 (ICT). */
export function ictDayNumber(timeMs: number): number {
  return Math.floor((timeMs + ICT_OFFSET_MS) / DAY_MS);
}

/** Epoch ms of 00:00 ICT of the given ICT day number. */
export function ictDayStart(dayNumber: number): number {
  return dayNumber * DAY_MS - ICT_OFFSET_MS;
}

/** The ICT calendar date (`YYYY-MM-DD`) at an instant. */
export function ictDate(timeMs: number): string {
  return dayNumberToDate(ictDayNumber(timeMs));
}

/** `YYYY-MM-DD` of an ICT day number. */
export function dayNumberToDate(dayNumber: number): string {
  // Day numbers count ICT days, so formatting them as UTC midnights gives the ICT date.
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** ICT day number of a `YYYY-MM-DD` date; throws a RangeError on anything else. */
export function dateToDayNumber(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || dayNumberToDate(ms / DAY_MS) !== date)
    throw new RangeError(`not a real date: ${date}`);
  return ms / DAY_MS;
}

/** `09:15`: the ICT minute that contains `timeMs` (a bar's sort key). */
export function ictMinute(timeMs: number): string {
  return new Date(timeMs + ICT_OFFSET_MS).toISOString().slice(11, 16);
}

/** `09:15:42`: the ICT time of day, to the second. */
export function ictTimeOfDay(timeMs: number): string {
  return new Date(timeMs + ICT_OFFSET_MS).toISOString().slice(11, 19);
}

/** `2026-04-14 09:15`: the ICT date and minute, for log lines. */
export function ictDateTime(timeMs: number): string {
  return new Date(timeMs + ICT_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** Minutes since 00:00 ICT (0..1439). */
export function ictMinuteOfDay(timeMs: number): number {
  const local = timeMs + ICT_OFFSET_MS;
  return Math.floor((local - Math.floor(local / DAY_MS) * DAY_MS) / MINUTE_MS);
}

/** ICT day of week of a day number: 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(dayNumber: number): number {
  // 1970-01-01 was a Thursday (4).
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** `HH:MM` (ICT) → minutes since midnight; used to write session tables readably. */
export function hm(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return h * 60 + m;
}
