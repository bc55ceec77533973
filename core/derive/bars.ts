/**
 * One-minute OHLCV bars from trades, idempotent under re-processing and across batches.
 *
 * Design: a bar carries a watermark, `lastTrade` = the sort key of the last trade folded
 * into it. A symbol's trades are derived in strictly increasing sort-key order (see
 * `SymbolTracker`), and each minute's trades are a contiguous run of them, so the trades
 * already in a bar are exactly those with `sk <= lastTrade`. `mergeBar` folds in only the
 * trades above the watermark: applying the same trade twice (a replayed batch, a
 * redelivery after a partial failure) is a no-op, and a minute whose trades arrive in
 * several batches is built up batch by batch. The sink reads the touched bars once per
 * batch (a batched read), merges here, and writes each touched bar once, conditional on
 * the watermark it read (optimistic concurrency: a concurrent writer makes it fail and
 * the batch is retried, never double-counted).
 *
 * Rejected alternatives: recomputing each bar from the trades table (one Query per bar
 * per batch, and it reads every trade of the minute again); an `ADD` update (not
 * idempotent, and DynamoDB update expressions have no max/min for high/low).
 *
 * @example
 * for (const group of groupByBar(trades)) {
 *   const merged = mergeBar(stored.get(group.id), group.key, group.trades);
 *   if (merged) write(merged);
 * }
 */
import { ictMinute, MINUTE_MS } from '../market/ict-time.ts';
import type { BarRow, TradeRow } from './types.ts';

/** Identifies one bar: a symbol's minute on a trading date. */
export type BarKey = {
  readonly symbol: string;
  readonly tradingDate: string;
  /** `HH:MM` (ICT). */
  readonly minute: string;
  /** Epoch ms of the minute's start. */
  readonly start: number;
};

export type BarGroup = {
  /** `SYMBOL#YYYY-MM-DD#HH:MM`, see {@link barId}. */
  readonly id: string;
  readonly key: BarKey;
  /** The minute's trades of this batch, in sort-key order. */
  readonly trades: TradeRow[];
};

/** A string id of a bar, unique across symbols and days. */
export function barId(key: Pick<BarKey, 'symbol' | 'tradingDate' | 'minute'>): string {
  return `${key.symbol}#${key.tradingDate}#${key.minute}`;
}

/** Epoch ms of the start of the minute containing `time` (ICT is a whole number of minutes off UTC). */
export function minuteStart(time: number): number {
  return time - (((time % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
}

/** Groups trades (each symbol's in sort-key order) by bar, keeping that order within a group. */
export function groupByBar(trades: Iterable<TradeRow>): BarGroup[] {
  const groups = new Map<string, BarGroup>();
  let last: BarGroup | undefined;
  for (const trade of trades) {
    const start = minuteStart(trade.time);
    // Consecutive trades of a symbol mostly share a minute: skip the map lookup then.
    if (last && last.key.symbol === trade.symbol && last.key.start === start) {
      last.trades.push(trade);
      continue;
    }
    const minute = ictMinute(start);
    const id = barId({ symbol: trade.symbol, tradingDate: trade.tradingDate, minute });
    let group = groups.get(id);
    if (!group) {
      group = {
        id,
        key: { symbol: trade.symbol, tradingDate: trade.tradingDate, minute, start },
        trades: [],
      };
      groups.set(id, group);
    }
    group.trades.push(trade);
    last = group;
  }
  return [...groups.values()];
}

/**
 * Folds into `stored` (the bar as read, or undefined if there is none) the rows of
 * `trades` above its watermark. OHLC come from `trade` and `opening` rows whose price is
 * not flagged, widened by the day high/low a trade row carries; `volume`, `value` and
 * `trades` from those rows; every other kind adds to `otherVolume`, so a day's bars sum
 * to the exchange total too. Returns the new bar, or `undefined` when no row was new.
 */
export function mergeBar(
  stored: BarRow | undefined,
  key: BarKey,
  trades: readonly TradeRow[],
): BarRow | undefined {
  const watermark = stored?.lastTrade ?? '';
  const fold: BarFold = {
    open: stored?.open,
    high: stored?.high,
    low: stored?.low,
    close: stored?.close,
    volume: stored?.volume ?? 0,
    value: stored?.value ?? 0,
    trades: stored?.trades ?? 0,
    otherVolume: stored?.otherVolume ?? 0,
    lastTrade: watermark,
  };
  for (const trade of trades) {
    if (trade.sk > fold.lastTrade) foldTrade(fold, trade);
  }
  if (fold.lastTrade === watermark) return undefined;
  return barOf(key, fold);
}

/** A bar being folded: the stored one, then each new row added. */
type BarFold = {
  open: number | undefined;
  high: number | undefined;
  low: number | undefined;
  close: number | undefined;
  volume: number;
  value: number;
  trades: number;
  otherVolume: number;
  lastTrade: string;
};

function foldTrade(fold: BarFold, trade: TradeRow): void {
  fold.lastTrade = trade.sk;
  if (trade.kind !== 'trade' && trade.kind !== 'opening') {
    fold.otherVolume += trade.quantity;
    return;
  }
  const price = trade.flags === undefined ? trade.price : undefined;
  if (price !== undefined) {
    if (fold.open === undefined) fold.open = price;
    if (fold.high === undefined || price > fold.high) fold.high = price;
    if (fold.low === undefined || price < fold.low) fold.low = price;
    fold.close = price;
  }
  if (trade.dayHigh !== undefined && (fold.high === undefined || trade.dayHigh > fold.high))
    fold.high = trade.dayHigh;
  if (trade.dayLow !== undefined && (fold.low === undefined || trade.dayLow < fold.low))
    fold.low = trade.dayLow;
  fold.volume += trade.quantity;
  fold.value += trade.value ?? 0;
  fold.trades++;
}

function barOf(key: BarKey, fold: BarFold): BarRow {
  const bar: { -readonly [K in keyof BarRow]: BarRow[K] } = {
    symbol: key.symbol,
    tradingDate: key.tradingDate,
    minute: key.minute,
    start: key.start,
    volume: fold.volume,
    value: fold.value,
    trades: fold.trades,
    lastTrade: fold.lastTrade,
  };
  if (fold.open !== undefined) bar.open = fold.open;
  if (fold.high !== undefined) bar.high = fold.high;
  if (fold.low !== undefined) bar.low = fold.low;
  if (fold.close !== undefined) bar.close = fold.close;
  if (fold.otherVolume !== 0) bar.otherVolume = fold.otherVolume;
  return bar;
}
