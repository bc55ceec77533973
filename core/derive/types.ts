/**
 * The rows the transform derives from iboard frames, in domain form (plain numbers and
 * strings). The sinks map them onto DynamoDB items (`core/tables.ts` keys, attribute names
 * as below) and CQL rows (`core/cql/schema.ts`, the same fields in snake_case).
 *
 * Times are epoch milliseconds. A frame's *time* is its V2 server time (field 101) when it
 * has one, else the ingest host's receive time: the same value orders trades, dates their
 * partition and versions quotes.
 */
import type { PriceLevel } from '../iboard/types.ts';

/** Where a row came from: the index of its record in the batch and of the frame in the record. */
export type Origin = { readonly record: number; readonly frame: number };

/**
 * What a row of the trades table accounts for. A symbol's rows of a trading day add up to
 * the exchange's cumulative matched volume (field 54 of the last frame), each named:
 *
 * - `trade`: the volume grew between two consecutive frames of one connection, nothing lost between;
 * - `opening`: the opening-auction match (fields 96–100), also when first seen mid-session;
 * - `pre-existing`: volume traded before the first frame seen that day, not the auction;
 * - `gap`: growth across a known gap (new connection, lost or rejected frames, a stop);
 * - `correction`: a confirmed lower cumulative volume: a negative quantity.
 */
export const TRADE_KINDS = {
  TRADE: 'trade',
  OPENING: 'opening',
  PRE_EXISTING: 'pre-existing',
  GAP: 'gap',
  CORRECTION: 'correction',
} as const;
export type TradeKind = (typeof TRADE_KINDS)[keyof typeof TRADE_KINDS];

/**
 * One row of the trades table: a real trade (the growth of a symbol's cumulative volume
 * between two consecutive frames; several matches between two frames are seen as one
 * trade at the last matched price, the feed does not say more), or volume of another
 * `kind` named as such, so a day's rows sum to the exchange total.
 *
 * DynamoDB: pk = `dayPartition(symbol, time)`, sk = `tradeSortKey(time, cumVolume)`.
 */
export type TradeRow = {
  readonly symbol: string;
  readonly tradingDate: string;
  readonly time: number;
  readonly kind: TradeKind;
  /** `gap` rows: the time of the last frame before the gap (absent when unknown). */
  readonly gapStart?: number;
  /** Matched price (field 42) of the frame that showed the growth; absent if the frame had none. */
  readonly price?: number;
  /** Shares: growth of the cumulative volume (> 0), negative only for a `correction`. */
  readonly quantity: number;
  /** VND traded: growth of the cumulative value (field 55), when both frames carried it. */
  readonly value?: number;
  /** Cumulative volume after this trade (also the second half of the sort key). */
  readonly cumVolume: number;
  readonly cumValue?: number;
  /** Why the price looks impossible (`validatePrice` reasons, or `no-price`); flagged, not dropped. */
  readonly flags?: readonly string[];
  /**
   * `trade` rows: the day high / low (fields 44/46) when it moved since the previous frame
   * and both frames fall in the same minute (a print between the snapshots): bars widen to it.
   */
  readonly dayHigh?: number;
  readonly dayLow?: number;
  /** The sort key (`tradeSortKey(time, cumVolume)`): unique per symbol and day, and the bar watermark. */
  readonly sk: string;
};

/**
 * The latest state of one symbol: three book levels a side, prices, cumulative volume and
 * value, foreign flow and the day's limits. Doubles as the *previous state* of the next
 * batch: `time` and `totalVolume` (the version) and `totalValue`.
 *
 * DynamoDB: pk = symbol (one item per symbol, the latest of all days), written only when
 * its version `(time, totalVolume)` is not older than the stored one.
 */
export type QuoteRow = {
  readonly symbol: string;
  readonly tradingDate: string;
  /** Version time: server time, else receive time. */
  readonly time: number;
  readonly serverTime?: number;
  readonly receivedAt: number;
  /** Derivation checkpoint (see `SymbolTracker`); absent on quotes written before it existed. */
  readonly checkpoint?: DerivationCheckpoint;
  readonly exchange?: string;
  readonly session?: string;
  readonly lastPrice?: number;
  readonly lastVolume?: number;
  readonly openPrice?: number;
  readonly high?: number;
  readonly low?: number;
  readonly averagePrice?: number;
  readonly change?: number;
  readonly changePercent?: number;
  readonly totalVolume?: number;
  readonly totalValue?: number;
  /** Best three levels, level 1 first; `{}` for an empty level. */
  readonly bids: readonly PriceLevel[];
  readonly offers: readonly PriceLevel[];
  readonly foreignBuyVolume?: number;
  readonly foreignBuyValue?: number;
  readonly foreignSellVolume?: number;
  readonly foreignSellValue?: number;
  readonly foreignRoom?: number;
  readonly ceiling?: number;
  readonly floor?: number;
  readonly reference?: number;
};

/**
 * What the trade derivation of a symbol must remember between batches, kept on its quote.
 * It carries the day's accounted volume forward across frames that lack field 54.
 */
export type DerivationCheckpoint = {
  /**
   * Counts the checkpoint's writes (1, 2, ...): a quote is stored only over the version it
   * was derived from (optimistic concurrency), so a batch derived from an outdated
   * checkpoint fails and is derived again rather than counting the same shares twice.
   */
  readonly version: number;
  /** Trading date the accounted figures belong to. */
  readonly date: string;
  /** Sum of the day's rows so far (= the last cumulative volume applied). */
  readonly volume: number;
  /** Sum of the day's row values so far, when known. */
  readonly value?: number;
  /** Latest server time (field 101) applied: the ordering clock of frames that carry it. */
  readonly clock?: number;
  /** Latest receive time applied from a frame without field 101: the clock of such frames. */
  readonly receivedClock?: number;
  /** Time of the last row written (rows of a symbol-day keep increasing sort keys). */
  readonly rowTime?: number;
  /** Time of the last frame applied with a cumulative volume. */
  readonly frameTime?: number;
  /**
   * Per connection (the few latest), the cumulative volume its last frame of the symbol
   * showed, and that frame's time: growth is a `trade` only on a connection that showed the
   * checkpoint's volume just before (a refused frame of the symbol removes its entry).
   */
  readonly seen?: Readonly<Record<string, { readonly volume: number; readonly time: number }>>;
  /** An unconfirmed lower cumulative volume: its time and volume (and value). */
  readonly pendingTime?: number;
  readonly pendingVolume?: number;
  readonly pendingValue?: number;
};

/** Book levels kept in a quote (the feed carries 10; stocks use 3). */
export const QUOTE_BOOK_LEVELS = 3;

/**
 * One-minute OHLCV bar of a symbol, aggregated from its trades.
 *
 * DynamoDB: pk = `dayPartition(symbol, start)`, sk = `ictMinute(start)` (`HH:MM`).
 * `lastTrade` is the sort key of the last trade folded in: trades of a symbol are derived
 * in strictly increasing sort-key order, so the trades applied to a bar are exactly those
 * with `sk <= lastTrade`, and applying a trade again is a no-op (see `mergeBar`).
 */
export type BarRow = {
  readonly symbol: string;
  readonly tradingDate: string;
  /** `HH:MM` in ICT, the minute's start. */
  readonly minute: string;
  /** Epoch ms of the minute's start. */
  readonly start: number;
  /** OHLC of the trades' prices; absent only if no trade of the minute had a price. */
  readonly open?: number;
  readonly high?: number;
  readonly low?: number;
  readonly close?: number;
  /** Shares of the minute's `trade` and `opening` rows. */
  readonly volume: number;
  /** Sum of those rows' values (a row without a value adds 0). */
  readonly value: number;
  /** Number of `trade` and `opening` rows folded in. */
  readonly trades: number;
  /** Shares of the minute's other rows (`pre-existing`, `gap`, `correction`): volume + otherVolume sums to the day. */
  readonly otherVolume?: number;
  readonly lastTrade: string;
};

/** One index frame as a row. DynamoDB: pk = `dayPartition(indexId, time)`, sk = `indexSortKey(time)`. */
export type IndexRow = {
  readonly indexId: string;
  readonly tradingDate: string;
  /** Index time (field 13) when given, else receive time. */
  readonly time: number;
  readonly value?: number;
  readonly change?: number;
  readonly changePercent?: number;
  readonly totalVolume?: number;
  readonly totalValue?: number;
  readonly advances?: number;
  readonly declines?: number;
  readonly unchanged?: number;
  readonly ceilingCount?: number;
  readonly floorCount?: number;
  /** Totals including put-through deals (fields 9, 10). */
  readonly allVolume?: number;
  readonly allValue?: number;
  /** The index's open, high, low today (fields 15–17). */
  readonly open?: number;
  readonly high?: number;
  readonly low?: number;
};

export const REJECT_KINDS = { FRAME: 'frame', RECORD: 'record' } as const;
export type RejectKind = (typeof REJECT_KINDS)[keyof typeof REJECT_KINDS];

/**
 * Poison input, kept with its reason in the rejects table (pk = trading date of the
 * record's arrival, sk = `<shardId>#<sequenceNumber>#<frameIndex>`; a whole record uses
 * frame index `record`). `raw` is truncated; the row expires after a retention period.
 */
export type RejectRow = {
  readonly kind: RejectKind;
  readonly tradingDate: string;
  readonly sk: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly frameIndex?: number;
  readonly reason: string;
  /** Error code of an undecodable record (`RECORD_CORRUPT`...). */
  readonly code?: string;
  /** Offending field index of a rejected frame, when the parser named one. */
  readonly field?: number;
  readonly raw: string;
  /** Whether `raw` was cut to {@link REJECT_RAW_MAX_CHARS}. */
  readonly truncated: boolean;
  readonly receivedAt: number;
  /** TTL, epoch seconds. */
  readonly expiresAt: number;
};

/** Keep at most this much of a poison frame (DynamoDB items are capped at 400 KB; a V2 frame is ~500 B). */
export const REJECT_RAW_MAX_CHARS = 4096;
/** Rejects are for diagnosis, not history: they expire after 30 days. */
export const REJECT_RETENTION_DAYS = 30;
