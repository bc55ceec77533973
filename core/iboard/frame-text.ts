/**
 * Shared by the frame parsers: the field scanner and rejection builders.
 *
 * `scanFields` records where each pipe-separated field ends in {@link ends}, a buffer reused
 * for every frame (parsing is synchronous, so one frame at a time uses it): the parsers then
 * read field `i` as `text[ends[i - 1] + 1, ends[i])` without splitting the string.
 */
import type { RejectedFrame } from './types.ts';

const PIPE = 124;

/** Fields tracked at most: a V2 stock frame has 102; SSI may append some (see `MAX_STOCK_FIELDS`). */
const MAX_TRACKED_FIELDS = 256;

/** End offset of each field of the frame being parsed. */
export const ends = new Int32Array(MAX_TRACKED_FIELDS);

/** Fills {@link ends}; returns the field count, or -1 when there are more than `limit` fields. */
export function scanFields(text: string, limit: number): number {
  const max = Math.min(limit, MAX_TRACKED_FIELDS);
  // A charCodeAt loop: fields are a few characters long, too short for indexOf to pay off.
  const length = text.length;
  let count = 0;
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(i) !== PIPE) continue;
    if (count + 1 >= max) return -1;
    ends[count++] = i;
  }
  ends[count++] = length;
  return count;
}

/** Start offset of field `i` (after {@link scanFields}). */
export function startOf(i: number): number {
  return i === 0 ? 0 : ends[i - 1] + 1;
}

export function reject(reason: string, raw: string, field?: number): RejectedFrame {
  return field === undefined ? { kind: 'rejected', reason, raw } : { kind: 'rejected', reason, field, raw };
}

/** The rejection for a non-numeric value in numeric field `field` (quoting up to 40 characters of it). */
export function notANumber(text: string, field: number, name: string): RejectedFrame {
  const start = startOf(field);
  const value = text.slice(start, Math.min(ends[field], start + 40));
  return reject(`field ${field} (${name}) is not a number: ${JSON.stringify(value)}`, text, field);
}
