/**
 * Trade derivation for one symbol: a small state machine fed the symbol's frames in
 * stream order, accounting for the exchange's cumulative matched volume (field 54).
 *
 * **The rule.** For each trading day (ICT) the symbol's rows add up exactly to the last
 * cumulative volume applied that day (and their `value` to the last cumulative value,
 * where the frames carry it), whatever the start time, reconnects, batching, retries or
 * out-of-order frames. The running sum is the checkpoint's `volume` (kept on the stored
 * quote between batches); every change of it is one row, named by its `kind`:
 *
 * | kind | when |
 * |---|---|
 * | `opening` | the day's first growth from 0, for the auction volume of fields 96–100 (time 100, price 96) |
 * | `pre-existing` | the rest of the first cumulative volume seen that day (time of that frame, average price where derivable) |
 * | `trade` | growth between two consecutive volume frames of one connection, nothing lost between, not polled |
 * | `gap` | any other growth: a new connection, a refused frame of the symbol on it since, a polled snapshot (`gapStart` = time of the frame before) |
 * | `correction` | a confirmed lower cumulative volume: a negative quantity |
 *
 * **Ordering.** One clock per time source: field 101 for frames that carry it, the receive
 * time for frames that do not (so a frame without 101 never makes later frames stale).
 * Servers' clocks differ by a second or two, so a frame counts as old only beyond
 * {@link CLOCK_TOLERANCE_MS}. A frame is *stale* (changes nothing, not even the quote) when
 * it brings nothing new: the checkpoint's volume with a time before the clock, a lower
 * volume with a time not after it, or any frame older than the clock by more than the
 * tolerance. (A frame at the clock's time with the same volume is a book update: applied.)
 *
 * **Corrections.** A lower cumulative volume with a time after the clock is news, but may
 * still be a late frame of another connection whose clock runs ahead. It is held as
 * *pending* and confirmed when a frame at least {@link CONFIRM_AFTER_MS} later still shows a
 * volume below the checkpoint: a frame generated that much later reports every share
 * matched before it, so if the old, higher volume were true it would show it (this holds
 * while clocks differ by less than the confirmation delay). Any frame at or above the
 * checkpoint in between drops the pending value (it was a stale frame). On confirmation a
 * `correction` row brings the sum down to the pending volume, and further growth up to
 * the confirming frame is a `gap` (the frames in between were not applied).
 *
 * **Connections.** The checkpoint remembers, for the few latest connections, the volume
 * each one's last frame of the symbol showed (frames within the tolerance count, stale or
 * not: they are what that connection saw; an older frame of the same connection is a replay). Growth is a `trade` when the frame's own
 * connection showed exactly the checkpoint's volume before it: two overlapping connections
 * (a deploy) each keep their trades. A refused frame of the symbol on a connection
 * ({@link SymbolTracker.markLost}) forgets that connection; the ingest task gives frames
 * after shed ones a new connection id. Either makes the next growth a `gap`.
 *
 * Rows of a symbol-day come out in strictly increasing sort-key order (time, then
 * cumulative volume; a row's time is never before the previous row's), which the bars'
 * watermark relies on. Impossible prices are flagged on the row (`validatePrice`), not dropped.
 *
 * @example
 * const tracker = new SymbolTracker('FPT', storedQuote);
 * for (const { frame, envelope } of framesOfFpt) tracker.apply(frame, envelope, record, counters);
 * tracker.trades; // TradeRow[]
 * tracker.quote(); // QuoteRow (with its checkpoint) | undefined (nothing changed)
 */
import type { StockFrame } from '../iboard/types.ts';
import { type Exchange, toExchange } from '../market/exchange.ts';
import { ictDayNumber, MINUTE_MS } from '../market/ict-time.ts';
import { type SecurityKind, validatePrice } from '../market/price-rules.ts';
import { tradeSortKey } from '../tables.ts';
import { quoteFromFrame } from './quotes.ts';
import { tradingDateOf } from './trading-date.ts';
import {
  type DerivationCheckpoint,
  type QuoteRow,
  TRADE_KINDS,
  type TradeKind,
  type TradeRow,
} from './types.ts';

/** How far behind the clock a frame may be and still count (servers' clocks seen 1–2 s apart). */
export const CLOCK_TOLERANCE_MS = 5_000;
/** A lower cumulative volume is confirmed by a frame this much later still below (> 2 x the tolerance). */
export const CONFIRM_AFTER_MS = 10_000;
/** Connections remembered per symbol: two overlap during a deploy; more is a reconnect storm. */
export const CONNECTIONS_REMEMBERED = 4;

/** What happened to frames, counted per batch. */
export const DERIVE_REASONS = {
  STALE: 'stale',
  NO_VOLUME: 'no-volume',
  FIRST_SEEN: 'first-seen',
  NEW_DAY: 'new-day',
  VOLUME_DECREASED: 'volume-decreased',
  CORRECTION_DROPPED: 'correction-dropped',
  CORRECTION_CONFIRMED: 'correction-confirmed',
  GAP: 'gap',
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
    'correction-dropped': 0,
    'correction-confirmed': 0,
    gap: 0,
    'value-decreased': 0,
    'flagged-price': 0,
  };
}

/** A row whose frame had no matched price. */
export const NO_PRICE_FLAG = 'no-price';

/** Where a frame came from, as the envelope says. */
export type FrameSource = { readonly receivedAt: number; readonly connectionId: string };

/**
 * SSI's stock type (field 66) to the tick rules' security kind. `s` (stock) is in every
 * capture; the others are SSI's usual letters for ETFs and covered warrants. Any other
 * type (futures `f`) is not tick-validated rather than flagged on a guess.
 */
const SECURITY_KIND_BY_TYPE: Readonly<Record<string, SecurityKind>> = { s: 'stock', e: 'etf', w: 'cw' };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class SymbolTracker {
  readonly trades: TradeRow[] = [];
  /** Record index of the first frame that changed the state in this batch; -1 if none did. */
  firstRecord = -1;

  /** The checkpoint as it evolves (undefined: no volume seen yet on any day). */
  private cp: Mutable<DerivationCheckpoint> | undefined;
  private cpDay = Number.NaN;
  private changed = false;
  /** Version of the stored checkpoint this batch derives from (0: none). */
  private version = 0;
  /** Last frame that updates the quote, and its times (the quote is built once, at the end). */
  private lastFrame: StockFrame | undefined;
  private lastTime = 0;
  private lastReceivedAt = 0;
  /** Running quote, kept frame by frame only for partial V1 frames (merged field by field). */
  private mergedQuote: QuoteRow | undefined;
  /** Previous frame's day high/low and minute, to widen bars when they move within a minute. */
  private prevHigh: number | undefined;
  private prevLow: number | undefined;
  private prevMinute = Number.NaN;
  private exchange: Exchange | undefined;
  private stockType: string | undefined;
  private ceiling: number | undefined;
  private floor: number | undefined;
  private reference: number | undefined;

  constructor(
    readonly symbol: string,
    private readonly previous?: QuoteRow,
  ) {
    if (!previous) return;
    this.version = previous.checkpoint?.version ?? 0;
    const stored = previous.checkpoint ?? legacyCheckpoint(previous);
    if (stored) {
      this.cp = { ...stored };
      this.cpDay = ictDayNumber(Date.parse(`${stored.date}T12:00:00+07:00`));
    }
    this.exchange = previous.exchange === undefined ? undefined : toExchange(previous.exchange);
    this.ceiling = previous.ceiling;
    this.floor = previous.floor;
    this.reference = previous.reference;
    this.prevHigh = previous.high;
    this.prevLow = previous.low;
    this.prevMinute = Math.floor(previous.time / MINUTE_MS);
  }

  /** A frame of the symbol on `connectionId` (in batch record `record`) was refused: that connection's next growth is a gap. */
  markLost(connectionId: string, record: number): void {
    if (this.cp?.seen?.[connectionId] === undefined) return;
    const { [connectionId]: _, ...rest } = this.cp.seen;
    this.cp.seen = rest;
    this.changedAt(record);
  }

  /** Applies one frame; see the module comment. */
  apply(frame: StockFrame, source: FrameSource, record: number, counters: DeriveCounters): void {
    const hasServerTime = frame.serverTime !== undefined;
    const time = hasServerTime ? (frame.serverTime as number) : source.receivedAt;
    const volume = frame.totalVolume;
    const cp = this.cp;
    const day = ictDayNumber(time);
    const sameDay = cp !== undefined && day === this.cpDay;
    if (cp !== undefined && day < this.cpDay) {
      counters.stale++; // a frame of an earlier day than the checkpoint's
      return;
    }
    const clock = sameDay ? (hasServerTime ? cp.clock : cp.receivedClock) : undefined;
    if (clock !== undefined && isStale(time, volume, clock, cp as DerivationCheckpoint)) {
      counters.stale++;
      this.seeStale(source, volume, time, clock, record);
      return;
    }
    this.changedAt(record);
    this.remember(frame);
    if (volume === undefined) {
      counters['no-volume']++;
      this.showInQuote(frame, time, source.receivedAt);
      return;
    }
    if (!sameDay) {
      counters[cp === undefined ? 'first-seen' : 'new-day']++;
      this.startDay(frame, time, day, source, volume, counters);
      this.advanceClock(hasServerTime, time);
      this.showInQuote(frame, time, source.receivedAt);
      return;
    }
    const state = cp as Mutable<DerivationCheckpoint>;
    if (volume < state.volume) {
      this.lower(frame, time, source, volume, counters);
      return;
    }
    if (state.pendingTime !== undefined) {
      counters['correction-dropped']++;
      clearPending(state);
    }
    if (volume > state.volume) {
      const kind = this.growthKind(frame, source);
      if (kind === TRADE_KINDS.GAP) counters.gap++;
      this.addRow(kind, frame, time, volume, frame.totalValue, counters);
    }
    this.moveOn(state, time, source, volume);
    this.advanceClock(hasServerTime, time);
    this.showInQuote(frame, time, source.receivedAt);
  }

  /** A stale frame is still what its connection saw (unless older than any clock skew explains). */
  private seeStale(
    source: FrameSource,
    volume: number | undefined,
    time: number,
    clock: number,
    record: number,
  ): void {
    if (
      volume !== undefined &&
      time >= clock - CLOCK_TOLERANCE_MS &&
      this.see(source.connectionId, volume, time)
    )
      this.changedAt(record);
  }

  /** The symbol's latest quote with its checkpoint, or undefined if nothing changed. */
  quote(): QuoteRow | undefined {
    if (!this.changed) return undefined;
    const frame = this.lastFrame;
    let quote: QuoteRow | undefined;
    if (!frame) quote = this.previous;
    else if (frame.generation === 'v1' && this.mergedQuote) quote = this.mergedQuote;
    else quote = quoteFromFrame(frame, this.lastTime, this.lastReceivedAt);
    if (!quote) return undefined;
    const cp = this.cp;
    if (!cp) return quote;
    const withCheckpoint: Mutable<QuoteRow> = { ...quote, checkpoint: { ...cp, version: this.version } };
    // The quote carries the day's known volume forward across frames that lack field 54.
    if (quote.totalVolume === undefined && quote.tradingDate === cp.date)
      withCheckpoint.totalVolume = cp.volume;
    // A replayed batch re-applies the frame the checkpoint ends on: the same quote, nothing to write.
    if (this.previous && sameValue(withCheckpoint, this.previous)) return undefined;
    withCheckpoint.checkpoint = { ...cp, version: this.version + 1 };
    return withCheckpoint;
  }

  /** First volume of a day: the opening auction, then the volume before it was seen. */
  private startDay(
    frame: StockFrame,
    time: number,
    day: number,
    source: FrameSource,
    volume: number,
    counters: DeriveCounters,
  ): void {
    const date = tradingDateOf(time);
    const value = frame.totalValue;
    this.cp = { version: this.version, date, volume: 0, value: value === undefined ? undefined : 0 };
    this.cpDay = day;
    if (volume > 0) this.addRow(TRADE_KINDS.PRE_EXISTING, frame, time, volume, value, counters);
    this.moveOn(this.cp, time, source, volume);
  }

  /** A cumulative volume below the checkpoint: pending, confirmed into a correction, or stale. */
  private lower(
    frame: StockFrame,
    time: number,
    source: FrameSource,
    volume: number,
    counters: DeriveCounters,
  ) {
    const state = this.cp as Mutable<DerivationCheckpoint>;
    this.see(source.connectionId, volume, time);
    if (state.pendingTime === undefined) {
      counters['volume-decreased']++;
      state.pendingTime = time;
      state.pendingVolume = volume;
      state.pendingValue = frame.totalValue;
      return;
    }
    if (time < state.pendingTime + CONFIRM_AFTER_MS) return;
    counters['correction-confirmed']++;
    const pendingVolume = state.pendingVolume as number;
    const pendingValue = state.pendingValue;
    clearPending(state);
    this.addRow(TRADE_KINDS.CORRECTION, frame, time, pendingVolume, pendingValue, counters);
    if (volume > pendingVolume) {
      counters.gap++;
      this.addRow(TRADE_KINDS.GAP, frame, time, volume, frame.totalValue, counters);
    } else if (volume < pendingVolume) {
      state.pendingTime = time;
      state.pendingVolume = volume;
      state.pendingValue = frame.totalValue;
    }
    this.moveOn(state, time, source, volume);
    this.advanceClock(frame.serverTime !== undefined, time);
    this.showInQuote(frame, time, source.receivedAt);
  }

  private growthKind(frame: StockFrame, source: FrameSource): TradeKind {
    const cp = this.cp as DerivationCheckpoint;
    if (frame.polled || cp.seen?.[source.connectionId]?.volume !== cp.volume) return TRADE_KINDS.GAP;
    return TRADE_KINDS.TRADE;
  }

  /**
   * Appends the row that brings the day's sum to `cumVolume` (and its value to `cumValue`);
   * on the day's first growth from 0, the opening auction first, when the frame says what it was.
   */
  private addRow(
    kind: TradeKind,
    frame: StockFrame,
    time: number,
    cumVolume: number,
    cumValue: number | undefined,
    counters: DeriveCounters,
  ): void {
    const cp = this.cp as Mutable<DerivationCheckpoint>;
    if (cp.volume === 0 && kind !== TRADE_KINDS.CORRECTION) {
      const auction = openingAuction(frame);
      // The auction of this day only (a frame before today's auction may still carry the last one).
      if (auction && auction.volume <= cumVolume && tradingDateOf(auction.time) === cp.date) {
        const value = cp.value === undefined ? undefined : auction.value;
        this.push(TRADE_KINDS.OPENING, auction.time, auction.volume, value, auction.price, frame, counters);
      }
    }
    if (cumVolume === cp.volume) return;
    let price: number | undefined;
    if (kind === TRADE_KINDS.TRADE) price = frame.lastPrice;
    else if (kind !== TRADE_KINDS.CORRECTION && cumValue !== undefined && cp.value !== undefined) {
      // Volume seen only as a total: its average price, where the values say it.
      price = Math.round(((cumValue - cp.value) / (cumVolume - cp.volume)) * 100) / 100;
    }
    this.push(kind, time, cumVolume, cumValue, price, frame, counters);
  }

  /** One row from the checkpoint's sums to (`cumVolume`, `cumValue`); the checkpoint moves there. */
  private push(
    kind: TradeKind,
    frameTime: number,
    cumVolume: number,
    cumValue: number | undefined,
    price: number | undefined,
    frame: StockFrame,
    counters: DeriveCounters,
  ): void {
    const cp = this.cp as Mutable<DerivationCheckpoint>;
    // Rows of a symbol-day keep increasing sort keys (the bars' watermark): never before the last row.
    const time = cp.rowTime !== undefined && frameTime < cp.rowTime ? cp.rowTime : frameTime;
    const quantity = cumVolume - cp.volume;
    const row: Mutable<TradeRow> = {
      symbol: this.symbol,
      tradingDate: cp.date,
      time,
      kind,
      quantity,
      cumVolume,
      sk: tradeSortKey(time, cumVolume),
    };
    const flags: string[] = [];
    if (kind === TRADE_KINDS.TRADE || kind === TRADE_KINDS.OPENING) {
      const priceFlag = price === undefined ? NO_PRICE_FLAG : this.checkPrice(price);
      if (priceFlag) {
        flags.push(priceFlag);
        counters['flagged-price']++;
      }
    }
    if (cumValue !== undefined && cp.value !== undefined) {
      row.value = cumValue - cp.value;
      if (quantity > 0 && row.value < 0) {
        flags.push(DERIVE_REASONS.VALUE_DECREASED);
        counters['value-decreased']++;
      }
      cp.value = cumValue;
    }
    if (kind === TRADE_KINDS.GAP && cp.frameTime !== undefined) row.gapStart = cp.frameTime;
    if (price !== undefined) row.price = price;
    if (cumValue !== undefined) row.cumValue = cumValue;
    if (flags.length > 0) row.flags = flags;
    if (kind === TRADE_KINDS.TRADE) this.widen(row, frame, time);
    this.trades.push(row);
    cp.volume = cumVolume;
    cp.rowTime = time;
  }

  /** A trade row carries the day high / low when it moved since the previous frame of the same minute. */
  private widen(row: Mutable<TradeRow>, frame: StockFrame, time: number): void {
    const minute = Math.floor(time / MINUTE_MS);
    if (minute !== this.prevMinute) return;
    if (frame.high !== undefined && this.prevHigh !== undefined && frame.high > this.prevHigh) {
      if (!this.checkPrice(frame.high)) row.dayHigh = frame.high;
    }
    if (frame.low !== undefined && this.prevLow !== undefined && frame.low < this.prevLow) {
      if (!this.checkPrice(frame.low)) row.dayLow = frame.low;
    }
  }

  /** After a frame with a volume was applied: it is now "the frame before" the next one. */
  private moveOn(cp: Mutable<DerivationCheckpoint>, time: number, source: FrameSource, volume: number): void {
    cp.frameTime = time;
    this.see(source.connectionId, volume, time);
  }

  /**
   * Remembers the volume `connectionId` showed last, keeping the latest few connections. A
   * connection's frames come in order: an older frame of it (a replayed batch) is ignored,
   * so a redelivery changes nothing.
   */
  private see(connectionId: string, volume: number, time: number): boolean {
    const cp = this.cp as Mutable<DerivationCheckpoint>;
    const seen = cp.seen ?? {};
    const last = seen[connectionId];
    if (last && (time < last.time || (time === last.time && volume === last.volume))) return false;
    const { [connectionId]: _, ...others } = seen;
    const next: Record<string, { volume: number; time: number }> = {};
    for (const key of Object.keys(others).slice(-(CONNECTIONS_REMEMBERED - 1))) next[key] = others[key];
    next[connectionId] = { volume, time };
    cp.seen = next;
    return true;
  }

  /** The state changed at batch record `record`: a retry must start there at the latest. */
  private changedAt(record: number): void {
    if (this.firstRecord < 0) this.firstRecord = record;
    this.changed = true;
  }

  private advanceClock(hasServerTime: boolean, time: number): void {
    const cp = this.cp as Mutable<DerivationCheckpoint>;
    if (hasServerTime) {
      if (cp.clock === undefined || time > cp.clock) cp.clock = time;
    } else if (cp.receivedClock === undefined || time > cp.receivedClock) cp.receivedClock = time;
  }

  private showInQuote(frame: StockFrame, time: number, receivedAt: number): void {
    this.lastFrame = frame;
    this.lastTime = time;
    this.lastReceivedAt = receivedAt;
    if (frame.generation === 'v1') {
      this.mergedQuote = quoteFromFrame(frame, time, receivedAt, this.mergedQuote ?? this.previous);
    }
    this.prevHigh = frame.high;
    this.prevLow = frame.low;
    this.prevMinute = Math.floor(time / MINUTE_MS);
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

/** The opening auction as the frame describes it (fields 96, 97, 100), when it matched anything. */
function openingAuction(frame: StockFrame) {
  const volume = frame.openingAuctionVolume;
  const time = frame.openingAuctionTime;
  if (volume === undefined || volume <= 0 || time === undefined || time <= 0) return undefined;
  const price = frame.openingAuctionPrice;
  return { volume, time, price, value: price === undefined ? undefined : price * volume };
}

/**
 * Whether a frame brings nothing new (see the module comment): older than the clock beyond
 * the tolerance, or not after the clock without a higher volume.
 */
function isStale(time: number, volume: number | undefined, clock: number, cp: DerivationCheckpoint): boolean {
  if (time < clock - CLOCK_TOLERANCE_MS) return true;
  if (volume === undefined || volume === cp.volume) return time < clock; // same time: a book update
  return volume < cp.volume && time <= clock;
}

/** Deep equality of plain data, where an absent property and an `undefined` one are the same. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key in left) if (left[key] !== undefined && !sameValue(left[key], right[key])) return false;
  for (const key in right) if (right[key] !== undefined && left[key] === undefined) return false;
  return true;
}

function clearPending(cp: Mutable<DerivationCheckpoint>): void {
  cp.pendingTime = undefined;
  cp.pendingVolume = undefined;
  cp.pendingValue = undefined;
}

/**
 * A quote stored before checkpoints existed: its own time and cumulative volume are the
 * last frame applied (the old derivation stored trades relative to its first frame, so
 * that day's sum cannot be repaired here; a re-derivation from the archive can).
 */
function legacyCheckpoint(quote: QuoteRow): DerivationCheckpoint | undefined {
  if (quote.totalVolume === undefined) return undefined;
  const clock = quote.serverTime;
  return {
    version: 0,
    date: quote.tradingDate,
    volume: quote.totalVolume,
    value: quote.totalValue,
    clock,
    receivedClock: clock === undefined ? quote.time : undefined,
    frameTime: quote.time,
  };
}
