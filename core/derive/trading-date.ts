/**
 * `ictDate` (core/market/ict-time.ts) with a one-entry cache: a batch's frames almost all fall on
 * one ICT day, and formatting a date costs far more than the day-number arithmetic that
 * decides whether the cached string still applies.
 *
 * @example
 * tradingDateOf(Date.parse('2026-04-14T02:30:00Z')); // '2026-04-14'
 */
import { ictDate, ictDayNumber } from '../market/ict-time.ts';

let cachedDay = Number.NaN;
let cachedDate = '';

export function tradingDateOf(timeMs: number): string {
  const day = ictDayNumber(timeMs);
  if (day !== cachedDay) {
    cachedDate = ictDate(timeMs);
    cachedDay = day;
  }
  return cachedDate;
}
