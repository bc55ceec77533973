/**
 * Trade / quote / bar / index derivation from iboard frames: pure code, no AWS. The
 * Lambda adapter (`functions/transform.ts`) supplies a {@link TransformSink}.
 */
export { type BarGroup, type BarKey, barId, groupByBar, mergeBar, minuteStart } from './bars.ts';
export { type BatchRecord, type DecodedBatch, decodeBatch } from './decode-batch.ts';
export {
  type DerivedBatch,
  deriveBatch,
  type FrameCounts,
  quoteKeys,
  type SymbolOutput,
} from './derive-batch.ts';
export { indexRow, indexRowId } from './indices.ts';
export { isOlder, quoteFromFrame } from './quotes.ts';
export { frameReject, recordReject } from './rejects.ts';
export {
  type BarWrite,
  type QuoteKey,
  type TransformSink,
  TransientSinkError,
  type WriteResult,
} from './sink.ts';
export {
  DERIVE_REASONS,
  type DeriveCounters,
  type DeriveReason,
  emptyCounters,
  NO_PRICE_FLAG,
  SymbolTracker,
} from './symbol-tracker.ts';
export {
  type BatchOutcome,
  type PerTable,
  ROW_TABLES,
  type RowTable,
  transformBatch,
} from './transform-batch.ts';
export * from './types.ts';
