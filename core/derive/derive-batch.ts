/**
 * Pure derivation of a batch: frames in stream order (per-symbol order is what matters:
 * the stream's partition key is the symbol) plus each symbol's previous state (its stored
 * quote) in, rows out — trades and the latest quote per symbol (`SymbolTracker`), index
 * rows (deduplicated by key, later frame wins), and the bar groups of the new trades
 * (merged with the stored bars by `mergeBar` once those are read).
 *
 * @example
 * const previous = await sink.readQuotes(quoteKeys(prepared.frames));
 * const derived = deriveBatch(prepared.frames, previous);
 * derived.symbols[0].trades; derived.symbols[0].quote; derived.indices;
 */

import { indexRow, indexRowId } from './indices.ts';
import type { FrameInput } from './prepare-batch.ts';
import type { QuoteKey } from './sink.ts';
import { type DeriveCounters, emptyCounters, SymbolTracker } from './symbol-tracker.ts';
import { tradingDateOf } from './trading-date.ts';
import type { IndexRow, QuoteRow, TradeRow } from './types.ts';

/** One symbol's output. `firstRecord` is where a retry must start if any of it is not written. */
export type SymbolOutput = {
  readonly symbol: string;
  readonly firstRecord: number;
  readonly trades: readonly TradeRow[];
  readonly quote: QuoteRow;
};

/** An index row with the earliest record that produced its key. */
export type PlacedIndex = { readonly row: IndexRow; readonly record: number };

export type DerivedBatch = {
  /** Symbols with at least one frame applied (all-stale symbols are left out: nothing to write). */
  readonly symbols: SymbolOutput[];
  readonly indices: PlacedIndex[];
  readonly counters: DeriveCounters;
  readonly tradeCount: number;
};

/**
 * The quotes to read as previous state: one per symbol, dated by its first frame in the
 * batch (the CQL quotes table is partitioned by `(symbol, trading_date)`; a quote of an
 * earlier date would mean a new day anyway).
 */
export function quoteKeys(frames: readonly FrameInput[]): QuoteKey[] {
  const seen = new Map<string, QuoteKey>();
  for (const { frame, receivedAt } of frames) {
    if (frame.kind !== 'stock' || seen.has(frame.symbol)) continue;
    seen.set(frame.symbol, {
      symbol: frame.symbol,
      tradingDate: tradingDateOf(frame.serverTime ?? receivedAt),
    });
  }
  return [...seen.values()];
}

/** Derives the batch's rows; `previous` maps a symbol to its stored quote. */
export function deriveBatch(
  frames: readonly FrameInput[],
  previous: ReadonlyMap<string, QuoteRow>,
): DerivedBatch {
  const counters = emptyCounters();
  const trackers = new Map<string, SymbolTracker>();
  const indices = new Map<string, PlacedIndex>();
  for (let i = 0; i < frames.length; i++) {
    const { frame, receivedAt, record } = frames[i];
    if (frame.kind === 'stock') {
      let tracker = trackers.get(frame.symbol);
      if (!tracker) {
        tracker = new SymbolTracker(frame.symbol, previous.get(frame.symbol));
        trackers.set(frame.symbol, tracker);
      }
      tracker.apply(frame, receivedAt, record, counters);
    } else {
      const row = indexRow(frame, receivedAt);
      const id = indexRowId(row);
      const earlier = indices.get(id);
      indices.set(id, { row, record: earlier ? earlier.record : record });
    }
  }
  const symbols: SymbolOutput[] = [];
  let tradeCount = 0;
  for (const tracker of trackers.values()) {
    const quote = tracker.quote();
    if (!quote) continue;
    symbols.push({ symbol: tracker.symbol, firstRecord: tracker.firstRecord, trades: tracker.trades, quote });
    tradeCount += tracker.trades.length;
  }
  return { symbols, indices: [...indices.values()], counters, tradeCount };
}
