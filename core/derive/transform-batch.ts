/**
 * One Kinesis batch through the transform, against a {@link TransformSink}:
 *
 * 1. decode (`decodeBatch`), an undecodable record → a reject row;
 * 2. ONE batched read of the previous state: the stored quote of every symbol in the batch;
 * 3. pure derivation (`deriveBatch`): each frame parsed and applied in order — trades,
 *    latest quote per symbol, index rows, a refused frame → a reject row;
 * 4. one batched read of the bars the new trades touch, merged in memory (`mergeBar`);
 * 5. writes: trades, bars, indices and rejects together, then — last — the quote of each
 *    symbol whose trades and bars were all written.
 *
 * Exactly once in effect. The stored quote is a symbol's checkpoint: it is written only
 * after everything derived before it, and frames not newer than it are skipped as stale.
 * When something cannot be written (a transient failure after the adapter's retries),
 * the batch fails from the earliest record whose output is not fully stored: for a symbol,
 * the record of its first applied frame (its checkpoint did not move, so a retry from there
 * derives exactly the same rows again); for an index row or a reject, its own record.
 * Rewriting trades, index rows and rejects is idempotent (same keys, same values); bars
 * skip trades below their watermark; quotes only move forward. So a replayed batch, a
 * batch split differently or a redelivery after a partial failure all end in the same
 * tables.
 *
 * @example
 * const outcome = await transformBatch(records, 'shardId-000000000000', sink);
 * if (outcome.failedRecord !== undefined) return { batchItemFailures: [{ itemIdentifier: records[outcome.failedRecord].sequenceNumber }] };
 */
import { type BarGroup, barId, groupByBar, mergeBar } from './bars.ts';
import { type BatchRecord, decodeBatch } from './decode-batch.ts';
import {
  deriveBatch,
  emptyCounts,
  type FrameCounts,
  type MalformedField,
  quoteKeys,
} from './derive-batch.ts';
import { type BarWrite, type TransformSink, TransientSinkError, type WriteResult } from './sink.ts';
import { type DeriveCounters, emptyCounters } from './symbol-tracker.ts';
import type { BarRow, IndexRow, QuoteRow, RejectRow, TradeKind, TradeRow } from './types.ts';

export const ROW_TABLES = ['trades', 'quotes', 'bars', 'indices', 'rejects'] as const;
export type RowTable = (typeof ROW_TABLES)[number];
export type PerTable = Record<RowTable, number>;

export type BatchOutcome = {
  /** Index of the first record not fully processed; undefined when the whole batch is stored. */
  readonly failedRecord?: number;
  readonly counts: FrameCounts;
  readonly derive: DeriveCounters;
  readonly trades: number;
  /** Shares in the derived trades rows, by kind (a correction counts negative). */
  readonly volumeByKind: Record<TradeKind, number>;
  /** Values the parser set aside in fields nothing depends on (for a sampled log line). */
  readonly malformed: readonly MalformedField[];
  /** Rows stored per table (quotes not newer than the stored one are not counted). */
  readonly written: PerTable;
  readonly failed: PerTable;
  readonly retries: number;
  readonly writeUnits: number;
  readonly writeRequests: number;
  readonly quotesNotNewer: number;
  /** Transient errors met (at most one per table), for the log. */
  readonly errors: readonly unknown[];
};

/** Runs one batch; resolves even when writes fail (see `failedRecord`); rejects on fatal sink errors. */
export async function transformBatch(
  records: readonly BatchRecord[],
  shardId: string,
  sink: TransformSink,
): Promise<BatchOutcome> {
  const decoded = decodeBatch(records, shardId);
  const empty = zero();
  let previous: Map<string, QuoteRow>;
  try {
    previous = await sink.readQuotes(quoteKeys(decoded));
  } catch (error) {
    if (!(error instanceof TransientSinkError)) throw error;
    return failedAt(0, emptyCounts(decoded), error);
  }
  const derived = deriveBatch(decoded, previous);
  const symbolOf = new Map<string, (typeof derived.symbols)[number]>();
  const trades: TradeRow[] = [];
  for (const output of derived.symbols) {
    symbolOf.set(output.symbol, output);
    for (const trade of output.trades) trades.push(trade);
  }

  const groups = groupByBar(trades);
  let barWrites: BarWrite[];
  try {
    barWrites = mergeBars(groups, await sink.readBars(groups.map((g) => g.key)));
  } catch (error) {
    if (!(error instanceof TransientSinkError)) throw error;
    return failedAt(0, derived.counts, error);
  }

  const rejectRecord = new Map<RejectRow, number>(derived.rejects.map((r) => [r.row, r.record]));
  const indexRecord = new Map<IndexRow, number>(derived.indices.map((r) => [r.row, r.record]));
  const [tradeResult, barResult, indexResult, rejectResult] = await Promise.all([
    sink.writeTrades(trades),
    sink.writeBars(barWrites),
    sink.writeIndices([...indexRecord.keys()]),
    sink.writeRejects([...rejectRecord.keys()]),
  ]);

  const failedSymbols = new Set<string>();
  for (const trade of tradeResult.failed) failedSymbols.add(trade.symbol);
  for (const write of barResult.failed) failedSymbols.add(write.bar.symbol);
  const quotes = derived.symbols.filter((s) => !failedSymbols.has(s.symbol)).map((s) => s.quote);
  const quoteResult = await sink.writeQuotes(quotes);
  for (const quote of quoteResult.failed) failedSymbols.add(quote.symbol);

  let failedRecord = Number.POSITIVE_INFINITY;
  for (const symbol of failedSymbols)
    failedRecord = Math.min(failedRecord, Math.max(0, symbolOf.get(symbol)!.firstRecord));
  for (const row of indexResult.failed) failedRecord = Math.min(failedRecord, indexRecord.get(row)!);
  for (const row of rejectResult.failed) failedRecord = Math.min(failedRecord, rejectRecord.get(row)!);

  const results: Record<RowTable, WriteResult<unknown>> = {
    trades: tradeResult,
    quotes: quoteResult,
    bars: barResult,
    indices: indexResult,
    rejects: rejectResult,
  };
  const sizes: PerTable = {
    trades: trades.length,
    quotes: quotes.length - (quoteResult.notNewer ?? 0),
    bars: barWrites.length,
    indices: indexRecord.size,
    rejects: rejectRecord.size,
  };
  return {
    failedRecord: Number.isFinite(failedRecord) ? failedRecord : undefined,
    counts: derived.counts,
    derive: derived.counters,
    trades: derived.tradeCount,
    volumeByKind: volumeByKind(trades),
    malformed: derived.malformed,
    ...tally(results, sizes, empty),
    quotesNotNewer: quoteResult.notNewer ?? 0,
  };
}

/** Rows written and failed per table, with the writes' retries, units, requests and errors. */
function tally(
  results: Record<RowTable, WriteResult<unknown>>,
  sizes: PerTable,
  empty: PerTable,
): Pick<BatchOutcome, 'written' | 'failed' | 'retries' | 'writeUnits' | 'writeRequests' | 'errors'> {
  const written = { ...empty };
  const failed = { ...empty };
  let retries = 0;
  let writeUnits = 0;
  let writeRequests = 0;
  const errors: unknown[] = [];
  for (const table of ROW_TABLES) {
    const result = results[table];
    failed[table] = result.failed.length;
    written[table] = sizes[table] - result.failed.length;
    retries += result.retries;
    writeUnits += result.writeUnits;
    writeRequests += result.requests;
    if (result.error !== undefined) errors.push(result.error);
  }
  return { written, failed, retries, writeUnits, writeRequests, errors };
}

function mergeBars(groups: readonly BarGroup[], stored: ReadonlyMap<string, BarRow>) {
  const writes: BarWrite[] = [];
  for (const group of groups) {
    const before = stored.get(barId(group.key));
    const bar = mergeBar(before, group.key, group.trades);
    if (bar) writes.push({ bar, expectedLastTrade: before?.lastTrade });
  }
  return writes;
}

/** Shares per row kind. */
export function volumeByKind(trades: readonly TradeRow[]): Record<TradeKind, number> {
  const volume = { trade: 0, opening: 0, 'pre-existing': 0, gap: 0, correction: 0 } satisfies Record<
    TradeKind,
    number
  >;
  for (const trade of trades) volume[trade.kind] += trade.quantity;
  return volume;
}

function zero(): PerTable {
  return { trades: 0, quotes: 0, bars: 0, indices: 0, rejects: 0 };
}

function failedAt(record: number, counts: FrameCounts, error: unknown): BatchOutcome {
  return {
    failedRecord: counts.records > 0 ? record : undefined,
    counts,
    derive: emptyCounters(),
    trades: 0,
    volumeByKind: volumeByKind([]),
    malformed: [],
    written: zero(),
    failed: zero(),
    retries: 0,
    writeUnits: 0,
    writeRequests: 0,
    quotesNotNewer: 0,
    errors: [error],
  };
}
