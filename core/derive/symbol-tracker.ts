/**
 * Trade derivation for one symbol: a small state machine fed the symbol's frames in
 * stream order.
 *
 * State = the version `(time, cumulative volume)` and cumulative value of the last frame
 * applied, seeded from the stored quote (the previous batch's last frame). For each frame:
 *
 * 1. **stale**: a version older than the state (an earlier time, or the same time with a
 *    smaller cumulative volume) was already applied — a batch replayed after a partial
 *    failure, or out-of-order input. Skipped entirely: no trade, no quote.
 * 2. no cumulative volume in the frame (partial V1 frame): quote only.
 * 3. **first-seen**: no previous state: nothing to measure growth against, no trade.
 * 4. **new-day**: the state is from another trading date (ICT): start over, no trade.
 *    (Yesterday's last volume says nothing about today's first trades.)
 * 5. **volume-decreased**: the cumulative volume went down (feed reset): start over from
 *    this frame, never a negative trade.
 * 6. growth > 0: one trade, quantity = growth, price = the frame's matched price, value =
 *    growth of the cumulative value (absent if either frame lacked it or it went down,
 *    then flagged `value-decreased`).
 *
 * Hence conservation: within a trading date and between resets, the trade quantities sum
 * to the last cumulative volume seen minus the first one seen, whatever the batching,
 * because each frame's growth is measured against exactly the frame before it — across
 * batches through the stored quote, and on replay stale frames are skipped rather than
 * measured again. Trades come out in strictly increasing sort-key order (time, then
 * cumulative volume), which the bars rely on.
 *
 * Impossible prices are flagged on the trade (`validatePrice` of `core/market`), not dropped.
 *
 * @example
 * const tracker = new SymbolTracker('FPT', storedQuote);
 * for (const { frame, receivedAt, origin } of framesOfFpt) tracker.apply(frame, receivedAt, origin.record, counters);
 * tracker.trades; // TradeRow[]
 * tracker.quote(); // QuoteRow | undefined (undefined: every frame was stale)
 */
import type { StockFrame } from '../iboard/types.ts';
import { type Exchange, toExchange } from '../market/exchange.ts';
import { ictDayNumber } from '../market/ict-time.ts';
import { type SecurityKind, validatePrice } from '../market/price-rules.ts';
import { tradeSortKey } from '../tables.ts';
import { isOlder, quoteFromFrame } from './quotes.ts';
import { tradingDateOf } from './trading-date.ts';
import type { QuoteRow, TradeRow } from './types.ts';

/** What happened to a frame, counted per batch (stale/start-over reasons and trade flags). */
export const DERIVE_REASONS = {
  STALE: 'stale',
  NO_VOLUME: 'no-volume',
  FIRST_SEEN: 'first-seen',
  NEW_DAY: 'new-day',
  VOLUME_DECREASED: 'volume-decreased',
  VALUE_DECREASED: 'value-decreased',
  FLAGGED_PRICE: 'flagged-price',
} as const;
export type DeriveReason = (typeof DERIVE_REASONS)[keyof typeof DERIVE_REASONS];
export type DeriveCounters = Record<DeriveReason, number>;

export function emptyCounters(): DeriveCounters {
  return {
    stale: 0,
    'no-volume': 0,
    'first-seen': 0,
    'new-day': 0,
    'volume-decreased': 0,
    'value-decreased': 0,
    'flagged-price': 0,
  };
}

/** A trade whose frame had no matched price. */
export const NO_PRICE_FLAG = 'no-price';

/**
 * SSI's stock type (field 66) to the tick rules' security kind. `s` (stock) is in every
 * capture; the others are SSI's usual letters for ETFs and covered warrants. Any other
 * type is not price-validated rather than flagged on a guess.
 */
const SECURITY_KIND_BY_TYPE: Readonly<Record<string, SecurityKind>> = { s: 'stock', e: 'etf', w: 'cw' };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class SymbolTracker {
  readonly trades: TradeRow[] = [];
  /** Record index of the first frame that changed the state in this batch; -1 if none did. */
  firstRecord = -1;

  private time = Number.NEGATIVE_INFINITY;
  private day = Number.NaN;
  private volume: number | undefined;
  private value: number | undefined;
  /** Trading date string of `dateDay`, formatted once per day rather than per trade. */
  private date = '';
  private dateDay = Number.NaN;
  /** Last applied frame and its times; the quote is built from it once, at the end (V2). */
  private lastFrame: StockFrame | undefined;
  private lastTime = 0;
  private lastReceivedAt = 0;
  /** Running quote, kept frame by frame only for partial V1 frames (merged field by field). */
  private mergedQuote: QuoteRow | undefined;
  private exchange: Exchange | undefined;
  private stockType: string | undefined;
  private ceiling: number | undefined;
  private floor: number | undefined;
  private reference: number | undefined;

  constructor(
    readonly symbol: string,
    private readonly previous?: QuoteRow,
  ) {
    if (previous) {
      this.time = previous.time;
      this.day = ictDayNumber(previous.time);
      this.volume = previous.totalVolume;
      this.value = previous.totalValue;
      this.exchange = previous.exchange === undefined ? undefined : toExchange(previous.exchange);
      this.ceiling = previous.ceiling;
      this.floor = previous.floor;
      this.reference = previous.reference;
    }
  }

  /** Applies one frame (time = server time, else `receivedAt`); see the module comment. */
  apply(frame: StockFrame, receivedAt: number, record: number, counters: DeriveCounters): void {
    const time = frame.serverTime ?? receivedAt;
    const volume = frame.totalVolume;
    if (isOlder(time, volume, this.time, this.volume)) {
      counters.stale++;
      return;
    }
    if (this.firstRecord < 0) this.firstRecord = record;
    this.remember(frame);
    const day = time === this.time ? this.day : ictDayNumber(time);
    if (volume === undefined) {
      counters['no-volume']++;
    } else if (this.volume === undefined) {
      counters['first-seen']++;
    } else if (day !== this.day) {
      counters['new-day']++;
    } else if (volume < this.volume) {
      counters['volume-decreased']++;
    } else if (volume > this.volume) {
      this.addTrade(frame, time, day, volume, counters);
    }
    this.time = time;
    this.day = day;
    if (volume !== undefined) {
      // A start over (first-seen, new day, reset) also restarts the value baseline.
      if (frame.totalValue !== undefined || volume !== this.volume) this.value = frame.totalValue;
      this.volume = volume;
    }
    this.lastFrame = frame;
    this.lastTime = time;
    this.lastReceivedAt = receivedAt;
    if (frame.generation === 'v1') {
      this.mergedQuote = quoteFromFrame(frame, time, receivedAt, this.mergedQuote ?? this.previous);
    }
  }

  /** The symbol's latest quote after the frames applied, or undefined if none was applied. */
  quote(): QuoteRow | undefined {
    const frame = this.lastFrame;
    if (!frame) return undefined;
    if (frame.generation === 'v1' && this.mergedQuote) return this.mergedQuote;
    return quoteFromFrame(frame, this.lastTime, this.lastReceivedAt);
  }

  private addTrade(frame: StockFrame, time: number, day: number, volume: number, counters: DeriveCounters) {
    const quantity = volume - (this.volume as number);
    let value: number | undefined;
    const flags: string[] = [];
    if (frame.totalValue !== undefined && this.value !== undefined) {
      if (frame.totalValue >= this.value) value = frame.totalValue - this.value;
      else {
        flags.push(DERIVE_REASONS.VALUE_DECREASED);
        counters['value-decreased']++;
      }
    }
    const price = frame.lastPrice;
    const priceFlag = price === undefined ? NO_PRICE_FLAG : this.checkPrice(price);
    if (priceFlag) {
      flags.push(priceFlag);
      counters['flagged-price']++;
    }
    if (day !== this.dateDay) {
      this.dateDay = day;
      this.date = tradingDateOf(time);
    }
    const trade: Mutable<TradeRow> = {
      symbol: this.symbol,
      tradingDate: this.date,
      time,
      kind: 'trade',
      quantity,
      cumVolume: volume,
      sk: tradeSortKey(time, volume),
    };
    if (price !== undefined) trade.price = price;
    if (value !== undefined) trade.value = value;
    if (frame.totalValue !== undefined) trade.cumValue = frame.totalValue;
    if (flags.length > 0) trade.flags = flags;
    this.trades.push(trade);
  }

  /** Price context from this frame, falling back on what earlier frames (or the stored quote) said. */
  private remember(frame: StockFrame): void {
    if (frame.exchange !== undefined) this.exchange = toExchange(frame.exchange);
    else if (frame.stockId !== undefined && this.exchange === undefined) {
      this.exchange = toExchange(frame.stockId.slice(0, frame.stockId.indexOf(':')));
    }
    if (frame.stockType !== undefined) this.stockType = frame.stockType;
    if (frame.ceiling !== undefined) this.ceiling = frame.ceiling;
    if (frame.floor !== undefined) this.floor = frame.floor;
    if (frame.reference !== undefined) this.reference = frame.reference;
  }

  private checkPrice(price: number): string | undefined {
    if (this.exchange === undefined) return price > 0 ? undefined : 'not-a-price';
    const kind = this.stockType === undefined ? 'stock' : SECURITY_KIND_BY_TYPE[this.stockType];
    if (kind === undefined) return price > 0 ? undefined : 'not-a-price';
    return validatePrice(price, {
      exchange: this.exchange,
      kind,
      ceiling: this.ceiling,
      floor: this.floor,
      reference: this.reference,
    });
  }
}
