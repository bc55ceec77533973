/**
 * The state of one instrument during a synthetic trading day and the events that change
 * it: trades and book updates in continuous trading, book-only updates with a possibly
 * crossed book during auctions, the opening and closing auction matches, and (on demand)
 * an exchange correction. Prices stay on the exchange's tick grid inside ceiling/floor
 * (core/market rules); cumulative volume and value only grow, value being the exact sum
 * of quantity × price, except where a correction lowered them.
 */
import type { Generation, StockFrame } from '../../core/iboard/types.ts';
import { BOARD_LOT, priceLimits, tickSize } from '../../core/market/price-rules.ts';
import type { Random } from '../../core/random.ts';
import type { Ledger, LedgerCorrection } from './ledger.ts';
import type { Instrument } from './universe.ts';

/** Book levels a stock shows (the feed leaves levels 4..10 empty for stocks). */
export const BOOK_LEVELS = 3;
/** Share of continuous-trading frames that carry a trade; the April 2026 capture had ~10 of 64. */
export const TRADE_PROBABILITY = 0.18;
/** V1 frames of 2023 carried about 90 fields: we write through the odd-lot fields (0..91). */
export const V1_FIELD_COUNT = 92;
const V2_FIELD_COUNT = 102;
/** Foreign room starts at up to 49% of listed shares (the usual foreign ownership limit). */
const FOREIGN_LIMIT = 0.49;

type Auction = { price: number; volume: number; change: number; changePercent: number; time: number };

export class StockState {
  reference: number;
  ceiling = 0;
  floor = 0;
  last: number | undefined;
  lastVolume: number | undefined;
  open: number | undefined;
  high: number | undefined;
  low: number | undefined;
  totalVolume = 0;
  totalValue = 0;
  foreignBuyVolume = 0;
  foreignBuyValue = 0;
  foreignSellVolume = 0;
  foreignSellValue = 0;
  foreignRoom: number;
  bid1 = 0;
  offer1 = 0;
  readonly bidVolumes = [0, 0, 0];
  readonly offerVolumes = [0, 0, 0];
  openingAuction: Auction | undefined;
  date = '';
  /** The latest correction, until new trades take the volume back above where it was. */
  private correction: LedgerCorrection | undefined;

  constructor(
    readonly instrument: Instrument,
    private readonly random: Random,
    private readonly ledger: Ledger,
  ) {
    this.reference = instrument.basePrice;
    this.foreignRoom = Math.floor(instrument.listedShares * FOREIGN_LIMIT * random.next());
  }

  /** Starts a trading day: the last price becomes the reference, day totals reset. */
  startDay(date: string): void {
    this.date = date;
    if (this.last !== undefined) this.reference = this.last;
    const limits = priceLimits(this.reference, this.instrument.exchange);
    this.ceiling = limits.ceiling;
    this.floor = limits.floor;
    this.last = this.lastVolume = this.open = this.high = this.low = undefined;
    this.totalVolume = this.totalValue = 0;
    this.foreignBuyVolume = this.foreignBuyValue = this.foreignSellVolume = this.foreignSellValue = 0;
    this.openingAuction = undefined;
    this.correction = undefined;
    this.placeBook(this.down(this.reference), this.reference);
  }

  /** One continuous-trading event: a trade (sometimes) or a book change (mostly). */
  continuous(time: number): boolean {
    if (this.random.chance(TRADE_PROBABILITY)) {
      this.tradeNear(this.last ?? this.reference, 2, 1, time);
      return true;
    }
    this.bookChange();
    return false;
  }

  /** A book-only update during an auction: orders around the reference, the book may cross. */
  auction(): void {
    const anchor = this.last ?? this.reference;
    this.bid1 = this.clampBid(this.steps(anchor, this.random.int(-3, 2)));
    this.offer1 = this.clampOffer(this.steps(anchor, this.random.int(-2, 3)));
    this.refillVolumes();
  }

  /** The opening match at the end of ATO (HOSE): one large trade, recorded as the auction result. */
  openingMatch(time: number): void {
    const price = this.tradeNear(this.reference, 3, 5, time);
    const change = price - this.reference;
    this.openingAuction = {
      price,
      volume: this.lastVolume ?? 0,
      change,
      changePercent: percent(change, this.reference),
      time,
    };
  }

  /** The closing match at the end of ATC: one large trade near the last price. */
  closingMatch(time: number): void {
    this.tradeNear(this.last ?? this.reference, 2, 5, time);
  }

  /**
   * An exchange correction: the day's cumulative volume lowered by `fraction` of it (whole
   * board lots) and its value by the same share at the day's average price, kept lowered
   * (later trades add to the lower totals). Returns the ledger entry, or undefined when the
   * symbol has not traded a whole lot's worth yet.
   */
  correct(fraction: number, time: number): LedgerCorrection | undefined {
    const quantity = Math.floor((this.totalVolume * fraction) / BOARD_LOT) * BOARD_LOT;
    if (quantity <= 0) return undefined;
    const value = Math.round((this.totalValue * quantity) / this.totalVolume);
    const correction: LedgerCorrection = {
      symbol: this.instrument.symbol,
      time,
      date: this.date,
      fromVolume: this.totalVolume,
      toVolume: this.totalVolume - quantity,
      fromValue: this.totalValue,
      toValue: this.totalValue - value,
    };
    this.totalVolume = correction.toVolume;
    this.totalValue = correction.toValue;
    this.correction = correction;
    this.ledger.addCorrection(correction);
    return correction;
  }

  /** The frame object of the current state (`formatStockFrame` writes it). */
  toFrame(generation: Generation, serverTime: number): StockFrame {
    const i = this.instrument;
    const frame: StockFrame =
      generation === 'v2'
        ? {
            kind: 'stock',
            generation,
            symbol: i.symbol,
            boardId: 'MAIN',
            bids: [],
            offers: [],
            fieldCount: V2_FIELD_COUNT,
          }
        : {
            kind: 'stock',
            generation,
            symbol: i.symbol,
            stockId: i.stockId,
            bids: [],
            offers: [],
            fieldCount: V1_FIELD_COUNT,
          };
    let bidQuantity = 0;
    let offerQuantity = 0;
    for (let level = 0, p = this.bid1; level < BOOK_LEVELS; level++, p = this.down(p)) {
      const inside = p >= this.floor && p <= this.ceiling;
      frame.bids.push(inside ? { price: p, volume: this.bidVolumes[level] } : {});
      if (inside) bidQuantity += this.bidVolumes[level];
    }
    for (let level = 0, p = this.offer1; level < BOOK_LEVELS; level++, p = this.up(p)) {
      const inside = p >= this.floor && p <= this.ceiling;
      frame.offers.push(inside ? { price: p, volume: this.offerVolumes[level] } : {});
      if (inside) offerQuantity += this.offerVolumes[level];
    }
    frame.exchange = i.exchange;
    if (this.last !== undefined) {
      frame.lastPrice = this.last;
      frame.lastVolume = this.lastVolume;
      frame.high = this.high;
      frame.low = this.low;
      frame.averagePrice = Math.round((this.totalValue / this.totalVolume) * 100) / 100;
      frame.change = this.last - this.reference;
      frame.changePercent = percent(this.last - this.reference, this.reference);
      frame.openPrice = this.open;
      frame.lastPriceRepeat = this.last;
    }
    frame.foreignBuyVolume = this.foreignBuyVolume;
    frame.foreignBuyValue = this.foreignBuyValue;
    frame.foreignSellVolume = this.foreignSellVolume;
    frame.foreignSellValue = this.foreignSellValue;
    frame.totalVolume = this.totalVolume;
    frame.totalValue = this.totalValue;
    frame.bidQuantity = bidQuantity;
    frame.offerQuantity = offerQuantity;
    frame.ceiling = this.ceiling;
    frame.floor = this.floor;
    frame.reference = this.reference;
    frame.foreignRoom = this.foreignRoom;
    frame.stockType = 's';
    frame.tradingStatus = 'N';
    frame.listedShares = i.listedShares;
    if (generation === 'v2') {
      const auction = this.openingAuction;
      if (auction) {
        frame.openingAuctionPrice = auction.price;
        frame.openingAuctionVolume = auction.volume;
        frame.openingAuctionChange = auction.change;
        frame.openingAuctionChangePercent = auction.changePercent;
        frame.openingAuctionTime = auction.time;
      }
      frame.serverTime = serverTime;
    }
    return frame;
  }

  // --- internals

  /** Trades up to `maxTicks` away from `anchor` (drifting back to the reference); returns the price. */
  private tradeNear(anchor: number, maxTicks: number, lotScale: number, time: number): number {
    // Mean reversion: the further above the reference, the likelier a down move.
    const drift = (anchor - this.reference) / this.reference;
    const up = this.random.chance(Math.min(0.9, Math.max(0.1, 0.5 - drift * 4)));
    const ticks = this.random.int(0, maxTicks);
    const price = this.clampPrice(this.steps(anchor, up ? ticks : -ticks));
    // Lots: exponential around ~20M VND per trade, a heavy tail of block trades.
    const meanLots = Math.max(1, Math.round(200_000 / price));
    let lots = 1 + Math.floor(-Math.log(1 - this.random.next()) * meanLots * lotScale);
    if (this.random.chance(0.01)) lots *= 20;
    const quantity = lots * BOARD_LOT;
    this.last = price;
    this.lastVolume = quantity;
    this.open ??= price;
    this.high = Math.max(this.high ?? price, price);
    this.low = Math.min(this.low ?? price, price);
    this.totalVolume += quantity;
    this.totalValue += quantity * price;
    this.foreignFlow(quantity, price);
    if (this.correction && this.totalVolume >= this.correction.fromVolume) {
      this.correction.overtakenAt = time;
      this.correction = undefined;
    }
    this.ledger.addTrade(this.instrument.symbol, {
      time,
      date: this.date,
      price,
      quantity,
      cumulativeVolume: this.totalVolume,
      cumulativeValue: this.totalValue,
    });
    // The book after the match: the taken side keeps a remainder at the price or moves one tick.
    if (up) {
      const offer = this.random.chance(0.5) ? price : this.up(price);
      this.placeBook(this.steps(offer, this.random.chance(0.8) ? -1 : -2), offer);
    } else {
      const bid = this.random.chance(0.5) ? price : this.down(price);
      this.placeBook(bid, this.steps(bid, this.random.chance(0.8) ? 1 : 2));
    }
    return price;
  }

  private foreignFlow(quantity: number, price: number): void {
    const u = this.random.next();
    if (u < 0.15 && this.foreignRoom >= quantity) {
      this.foreignBuyVolume += quantity;
      this.foreignBuyValue += quantity * price;
      this.foreignRoom -= quantity;
    } else if (u < 0.3) {
      this.foreignSellVolume += quantity;
      this.foreignSellValue += quantity * price;
      this.foreignRoom += quantity;
    }
  }

  private bookChange(): void {
    const u = this.random.next();
    if (u < 0.65) {
      const level = this.random.int(0, BOOK_LEVELS - 1);
      if (this.random.chance(0.5)) this.bidVolumes[level] = this.lots();
      else this.offerVolumes[level] = this.lots();
      return;
    }
    // Shift the whole book one tick, back toward the last price when it wandered off.
    const anchor = this.last ?? this.reference;
    const up = this.bid1 < this.down(anchor) ? true : this.bid1 > anchor ? false : u < 0.825;
    const bid = this.clampBid(up ? this.up(this.bid1) : this.down(this.bid1));
    const spread = this.random.chance(0.8) ? 1 : 2;
    this.placeBook(bid, this.steps(bid, spread));
  }

  /** Sets best bid and offer (bid < offer) and fresh volumes. */
  private placeBook(bid: number, offer: number): void {
    this.bid1 = this.clampBid(bid);
    this.offer1 = this.clampOffer(Math.max(offer, this.up(this.bid1)));
    this.refillVolumes();
  }

  private refillVolumes(): void {
    for (let level = 0; level < BOOK_LEVELS; level++) {
      this.bidVolumes[level] = this.lots();
      this.offerVolumes[level] = this.lots();
    }
  }

  private lots(): number {
    return BOARD_LOT * this.random.int(1, 400);
  }

  private up(p: number): number {
    return p + tickSize(p, this.instrument.exchange);
  }

  private down(p: number): number {
    return p - tickSize(p - 1, this.instrument.exchange);
  }

  private steps(p: number, n: number): number {
    let price = p;
    for (let i = 0; i < n; i++) price = this.up(price);
    for (let i = 0; i > n && price > 0; i--) price = this.down(price);
    return price;
  }

  private clampPrice(p: number): number {
    return Math.min(this.ceiling, Math.max(this.floor, p));
  }

  /** A best bid may sit one tick under the floor (no bids shown) but never above the ceiling. */
  private clampBid(p: number): number {
    return Math.min(this.ceiling, Math.max(this.down(this.floor), p));
  }

  /** A best offer may sit one tick over the ceiling (no offers shown) but never under the floor. */
  private clampOffer(p: number): number {
    return Math.max(this.floor, Math.min(this.up(this.ceiling), p));
  }
}

function percent(change: number, reference: number): number {
  // `+ 0` turns -0 into 0, which would otherwise be written as "-0".
  return Math.round((change / reference) * 10_000) / 100 + 0;
}
