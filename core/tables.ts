/**
 * The table layout, shared by `infra/` (which creates the tables), the transform
 * (which writes them), the dashboard and the query scripts (which read them).
 *
 * Every table has a string partition key `pk` and, where rows form a series, a
 * string sort key `sk`. Keys are built only by the functions below.
 *
 * | table    | pk                        | sk                                  |
 * |----------|---------------------------|-------------------------------------|
 * | trades   | `SYMBOL#YYYY-MM-DD` (ICT) | `<timeMs 13 digits>#<cumVolume 15 digits>` |
 * | quotes   | `SYMBOL`                  | —                                   |
 * | bars     | `SYMBOL#YYYY-MM-DD` (ICT) | `HH:MM` (minute start, ICT)         |
 * | indices  | `INDEXID#YYYY-MM-DD`(ICT) | `<timeMs 13 digits>`                |
 * | rejects  | `YYYY-MM-DD` (ICT)        | `<shardId>#<sequenceNumber>#<frameIndex>` |
 * | control  | `ingest` (the one item)   | —                                   |
 */
import { ictDate } from './market/ict-time.ts';

export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
} as const;

export const TABLES = ['trades', 'quotes', 'bars', 'indices', 'rejects', 'control'] as const;
export type TableName = (typeof TABLES)[number];

/** Tables keyed by `pk` alone (one item per symbol, one control item); the rest have `sk` too. */
export const PARTITION_ONLY_TABLES: ReadonlySet<TableName> = new Set<TableName>(['quotes', 'control']);

/** The control item's key in the control table. */
export const CONTROL_ITEM_ID = 'ingest';

/** Partition key of a symbol's (or an index's) rows for the trading date (ICT) of `timeMs`. */
export function dayPartition(id: string, timeMs: number): string {
  return `${id}#${ictDate(timeMs)}`;
}

/** Sort key of a trade: orders by time, unique and deterministic for a given frame. */
export function tradeSortKey(timeMs: number, cumulativeVolume: number): string {
  return `${String(timeMs).padStart(13, '0')}#${String(cumulativeVolume).padStart(15, '0')}`;
}

/** Sort key of an index row. */
export function indexSortKey(timeMs: number): string {
  return String(timeMs).padStart(13, '0');
}

/** Sort key of a reject: where it sits in the stream (`record` for a record that could not be decoded). */
export function rejectSortKey(
  shardId: string,
  sequenceNumber: string,
  frameIndex: number | 'record',
): string {
  return `${shardId}#${sequenceNumber}#${frameIndex === 'record' ? 'record' : String(frameIndex).padStart(6, '0')}`;
}
