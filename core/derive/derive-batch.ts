/**
 * Pure derivation of a decoded batch: frames in stream order (per-symbol order is what
 * matters: the stream's partition key is a bucket of the symbol) plus each symbol's
 * previous state (its stored quote) in, rows out — trades and the latest quote per symbol
 * (`SymbolTracker`), index rows (deduplicated by key, later frame wins) and reject rows for
 * frames the parser refuses. Each frame is parsed and applied at once, then dropped: only
 * the last frame of each symbol is kept (for its quote).
 *
 * @example
 * const decoded = decodeBatch(records, shardId);
 * const previous = await sink.readQuotes(quoteKeys(decoded));
 * const derived = deriveBatch(decoded, previous);
 * derived.symbols[0].trades; derived.symbols[0].quote; derived.indices; derived.rejects;
 */
import { parseFrame, stockSymbolOf } from '../iboard/parse-frame.ts';
import type { FieldProblem } from '../iboard/types.ts';
import type { DecodedBatch, PlacedReject } from './decode-batch.ts';
import { indexRow, indexRowId } from './indices.ts';
import { frameReject } from './rejects.ts';
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

/** Frames of a batch by kind (records: all of the batch's, undecodable ones included). */
export type FrameCounts = {
  records: number;
  undecodableRecords: number;
  frames: number;
  stock: number;
  index: number;
  trade: number;
  control: number;
  unknown: number;
  rejected: number;
  /** Stock frames with more fields than the layout knows (kept, not rejected). */
  extraFields: number;
  /** Field values set aside as malformed in fields nothing depends on. */
  malformedFields: number;
};

export type DerivedBatch = {
  /** Symbols with at least one frame applied (all-stale symbols are left out: nothing to write). */
  readonly symbols: SymbolOutput[];
  readonly indices: PlacedIndex[];
  /** Undecodable records and refused frames, in stream order of their records. */
  readonly rejects: PlacedReject[];
  readonly counts: FrameCounts;
  readonly counters: DeriveCounters;
  readonly tradeCount: number;
  /** Values the parser could not read in fields the derivation does not need (made absent, not rejected). */
  readonly malformed: MalformedField[];
};

/** A field value the parser set aside, with its frame's symbol (for a sampled log line). */
export type MalformedField = FieldProblem & { readonly symbol: string };

/**
 * The quotes to read as previous state: one per stock symbol, dated by its first stock
 * frame in the batch (the CQL quotes table is partitioned by `(symbol, trading_date)`; a
 * quote of an earlier date would mean a new day anyway). Only that first frame is parsed.
 */
export function quoteKeys(decoded: DecodedBatch): QuoteKey[] {
  const seen = new Map<string, QuoteKey>();
  for (const { envelopes } of decoded.records) {
    for (let i = 0; i < envelopes.length; i++) {
      const symbol = stockSymbolOf(envelopes[i].raw);
      if (symbol === undefined || seen.has(symbol)) continue;
      const frame = parseFrame(envelopes[i].raw);
      if (frame.kind !== 'stock') continue;
      seen.set(frame.symbol, {
        symbol: frame.symbol,
        tradingDate: tradingDateOf(frame.serverTime ?? envelopes[i].receivedAt),
      });
    }
  }
  return [...seen.values()];
}

/** Counts of a decoded batch before any of its frames is parsed. */
export function emptyCounts(decoded: DecodedBatch): FrameCounts {
  return {
    records: decoded.records.length + decoded.rejects.length,
    undecodableRecords: decoded.rejects.length,
    frames: 0,
    stock: 0,
    index: 0,
    trade: 0,
    control: 0,
    unknown: 0,
    rejected: 0,
    extraFields: 0,
    malformedFields: 0,
  };
}

/** Keeps the latest index row per id, placed at the record of its first frame in the batch. */
function placeIndex(indices: Map<string, PlacedIndex>, row: PlacedIndex['row'], record: number): void {
  const id = indexRowId(row);
  const earlier = indices.get(id);
  indices.set(id, { row, record: earlier ? earlier.record : record });
}

/** A refused frame of a known symbol is a loss on its connection: the next growth there is a gap. */
function markLost(
  raw: string,
  connectionId: string,
  record: number,
  tracker: (symbol: string) => SymbolTracker,
): void {
  const symbol = stockSymbolOf(raw);
  if (symbol !== undefined) tracker(symbol).markLost(connectionId, record);
}

/** Parses and derives the batch's rows; `previous` maps a symbol to its stored quote. */
export function deriveBatch(decoded: DecodedBatch, previous: ReadonlyMap<string, QuoteRow>): DerivedBatch {
  const counts = emptyCounts(decoded);
  const counters = emptyCounters();
  const trackers = new Map<string, SymbolTracker>();
  const indices = new Map<string, PlacedIndex>();
  const rejects: PlacedReject[] = [...decoded.rejects];
  const malformed: MalformedField[] = [];
  const tracker = (symbol: string) => {
    let found = trackers.get(symbol);
    if (!found) {
      found = new SymbolTracker(symbol, previous.get(symbol));
      trackers.set(symbol, found);
    }
    return found;
  };
  // An undecodable record is not made a loss of any symbol: which symbols it held is not
  // known, and marking those of this batch only would make the rows depend on the batching.
  // Its volume is still accounted (in the next growth); only that growth's kind may read
  // `trade` where `gap` was due.
  for (const { index: record, place, envelopes } of decoded.records) {
    counts.frames += envelopes.length;
    for (let i = 0; i < envelopes.length; i++) {
      const envelope = envelopes[i];
      const { raw, receivedAt } = envelope;
      const frame = parseFrame(raw);
      switch (frame.kind) {
        case 'stock': {
          counts.stock++;
          if (frame.extraFields !== undefined) counts.extraFields++;
          if (frame.malformed !== undefined) {
            counts.malformedFields += frame.malformed.length;
            malformed.push(...frame.malformed.map((m) => ({ ...m, symbol: frame.symbol })));
          }
          tracker(frame.symbol).apply(frame, envelope, record, counters);
          break;
        }
        case 'index': {
          counts.index++;
          placeIndex(indices, indexRow(frame, receivedAt), record);
          break;
        }
        case 'trade':
        case 'control':
          // L# trade frames are not needed: trades are derived from the cumulative volume.
          counts[frame.kind]++;
          break;
        case 'unknown':
          counts.unknown++;
          rejects.push({ row: frameReject(place, i, receivedAt, 'unknown frame type', raw), record });
          break;
        case 'rejected': {
          counts.rejected++;
          rejects.push({ row: frameReject(place, i, receivedAt, frame.reason, raw, frame.field), record });
          markLost(raw, envelope.connectionId, record, tracker);
          break;
        }
      }
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
  return { symbols, indices: [...indices.values()], rejects, counts, counters, tradeCount, malformed };
}
