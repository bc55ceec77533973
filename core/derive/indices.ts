/**
 * Index rows: one per index frame, timed by the frame's own epoch time (field 13) when
 * it has one, else its receive time. Rows are keyed by `(index, day, time)`, so frames
 * repeating a time collapse onto one row (the later frame wins) and a replay rewrites the
 * same rows.
 *
 * @example
 * indexRow(parseFrame('I#VN30|1290.5|...'), receivedAt); // { indexId: 'VN30', time, value: 1290.5, ... }
 */
import type { IndexFrame } from '../iboard/types.ts';
import { tradingDateOf } from './trading-date.ts';
import type { IndexRow } from './types.ts';

export function indexRow(frame: IndexFrame, receivedAt: number): IndexRow {
  const time = frame.timeMs ?? receivedAt;
  const row: { -readonly [K in keyof IndexRow]: IndexRow[K] } = {
    indexId: frame.indexId,
    tradingDate: tradingDateOf(time),
    time,
  };
  if (frame.value !== undefined) row.value = frame.value;
  if (frame.change !== undefined) row.change = frame.change;
  if (frame.changePercent !== undefined) row.changePercent = frame.changePercent;
  if (frame.totalVolume !== undefined) row.totalVolume = frame.totalVolume;
  if (frame.totalValue !== undefined) row.totalValue = frame.totalValue;
  if (frame.advances !== undefined) row.advances = frame.advances;
  if (frame.declines !== undefined) row.declines = frame.declines;
  if (frame.unchanged !== undefined) row.unchanged = frame.unchanged;
  if (frame.ceilingCount !== undefined) row.ceilingCount = frame.ceilingCount;
  if (frame.floorCount !== undefined) row.floorCount = frame.floorCount;
  if (frame.allVolume !== undefined) row.allVolume = frame.allVolume;
  if (frame.allValue !== undefined) row.allValue = frame.allValue;
  if (frame.chartOpen !== undefined) row.open = frame.chartOpen;
  if (frame.chartHigh !== undefined) row.high = frame.chartHigh;
  if (frame.chartLow !== undefined) row.low = frame.chartLow;
  return row;
}

/** `INDEXID#YYYY-MM-DD#time`: identifies an index row (equal ids overwrite each other). */
export function indexRowId(row: IndexRow): string {
  return `${row.indexId}#${row.tradingDate}#${row.time}`;
}
