/**
 * SSI's named-field quote objects, the shape shared by iboard's REST snapshot
 * (`GET iboard-query.ssi.com.vn/stock/exchange/<hose|hnx|upcom>`, one JSON object per
 * instrument) and by the `StockData` protobuf message of the MQTT transport (the decoder
 * gives the same camelCase names): both become the pipeline's own {@link StockFrame}, so
 * everything downstream reads one model. The mapping from SSI's names to ours is written
 * once, in {@link SSI_QUOTE_FIELD} and {@link SSI_BOOK_FIELD}; the simulator writes the
 * snapshot with the same tables ({@link ssiQuoteOf}).
 *
 * A frame made from a quote object is V2-shaped (`boardId` `MAIN`, 102 fields), so it has
 * a faithful wire text. It lacks what only a V2 frame carries: the server send time
 * (field 101), the opening-auction fields (96–100), the remaining foreign room (65), the
 * covered-warrant and odd-lot fields and book levels 4..10.
 *
 * @example
 * quoteToFrame({ stockSymbol: 'FPT', exchange: 'hose', matchedPrice: 76400, nmTotalTradedQty: 3733300 });
 * // { ok: true, frame: { kind: 'stock', generation: 'v2', symbol: 'FPT', lastPrice: 76400, totalVolume: 3733300, ... } }
 */
import {
  BOOK_DEPTH,
  type PriceLevel,
  type StockFieldName,
  type StockFrame,
  V2_FIELD_COUNT,
} from './types.ts';

/** SSI's name of each numeric quote field → the {@link StockFrame} field it fills. */
export const SSI_QUOTE_FIELD = {
  matchedPrice: 'lastPrice',
  matchedVolume: 'lastVolume',
  highest: 'high',
  lowest: 'low',
  avgPrice: 'averagePrice',
  priceChange: 'change',
  priceChangePercent: 'changePercent',
  nmTotalTradedQty: 'totalVolume',
  nmTotalTradedValue: 'totalValue',
  totalBidQty: 'bidQuantity',
  totalAskQty: 'offerQuantity',
  openInterest: 'openInterest',
  ceiling: 'ceiling',
  floor: 'floor',
  refPrice: 'reference',
  openPrice: 'openPrice',
  buyForeignQtty: 'foreignBuyVolume',
  buyForeignValue: 'foreignBuyValue',
  sellForeignQtty: 'foreignSellVolume',
  sellForeignValue: 'foreignSellValue',
  listedShares: 'listedShares',
  exercisePrice: 'exercisePrice',
} as const satisfies Record<string, StockFieldName>;

/** SSI's name of each text quote field → the {@link StockFrame} field. */
export const SSI_TEXT_FIELD = {
  stockType: 'stockType',
  tradingStatus: 'tradingStatus',
  caStatus: 'corporateActionStatus',
  maturityDate: 'maturityDate',
  lastTradingDate: 'lastTradingDate',
  underlyingSymbol: 'underlyingSymbol',
  issuerName: 'issuerName',
} as const satisfies Record<string, StockFieldName>;

/** Book levels: SSI's `best<N>Bid`, `best<N>BidVol`, `best<N>Offer`, `best<N>OfferVol`, N = 1..3. */
export const SSI_BOOK_LEVELS = 3;
export const SSI_BOOK_FIELD = (level: number) =>
  ({
    bid: `best${level}Bid`,
    bidVolume: `best${level}BidVol`,
    offer: `best${level}Offer`,
    offerVolume: `best${level}OfferVol`,
  }) as const;

/** The board the REST and MQTT quotes describe (`s/<SYMBOL>/MAIN`). */
export const SSI_QUOTE_BOARD = 'MAIN';

export type QuoteFrameResult =
  | { readonly ok: true; readonly frame: StockFrame; readonly tradingDate?: string }
  | { readonly ok: false; readonly reason: string; readonly symbol?: string };

const SYMBOL = /^[A-Z0-9]{1,20}$/;
const TRADING_DATE = /^\d{8}$/;

/**
 * One SSI quote object to a V2-shaped {@link StockFrame}; `null`, `undefined` and `''`
 * values are absent. Never throws: a value of the wrong type rejects the object with a
 * reason naming the field. Unknown properties are ignored (the feed adds fields).
 * `tradingDate` (`YYYYMMDD` on the wire) comes back as `YYYY-MM-DD`.
 */
export function quoteToFrame(quote: unknown): QuoteFrameResult {
  if (typeof quote !== 'object' || quote === null || Array.isArray(quote)) {
    return { ok: false, reason: `not an object but ${quote === null ? 'null' : typeof quote}` };
  }
  const q = quote as Record<string, unknown>;
  const symbol = q.stockSymbol;
  if (typeof symbol !== 'string' || !SYMBOL.test(symbol)) {
    return { ok: false, reason: `stockSymbol is not a symbol: ${JSON.stringify(symbol) ?? 'undefined'}` };
  }
  const frame: StockFrame = {
    kind: 'stock',
    generation: 'v2',
    symbol,
    boardId: SSI_QUOTE_BOARD,
    bids: [],
    offers: [],
    fieldCount: V2_FIELD_COUNT,
  };
  const bad = copyScalars(q, frame) ?? copyBook(q, frame);
  if (bad !== undefined) return invalid(symbol, bad, q[bad]);
  const date = textOf(q.tradingDate);
  if (date === INVALID || (date !== undefined && !TRADING_DATE.test(date))) {
    return invalid(symbol, 'tradingDate', q.tradingDate);
  }
  return date === undefined
    ? { ok: true, frame }
    : { ok: true, frame, tradingDate: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}` };
}

/**
 * The inverse, for the simulator: a frame's fields under SSI's names (absent fields left
 * out). `quoteToFrame(ssiQuoteOf(f, d))` gives back every mapped field of `f`.
 */
export function ssiQuoteOf(frame: StockFrame, tradingDate?: string): Record<string, string | number> {
  const quote: Record<string, string | number> = { stockSymbol: frame.symbol };
  if (frame.exchange !== undefined) quote.exchange = frame.exchange;
  const source = frame as Record<string, unknown>;
  for (const [name, field] of [...Object.entries(SSI_QUOTE_FIELD), ...Object.entries(SSI_TEXT_FIELD)]) {
    const value = source[field];
    if (typeof value === 'number' || typeof value === 'string') quote[name] = value;
  }
  for (let level = 1; level <= SSI_BOOK_LEVELS; level++) {
    const names = SSI_BOOK_FIELD(level);
    putLevel(quote, frame.bids[level - 1], names.bid, names.bidVolume);
    putLevel(quote, frame.offers[level - 1], names.offer, names.offerVolume);
  }
  if (tradingDate !== undefined) quote.tradingDate = tradingDate.replaceAll('-', '');
  return quote;
}

const INVALID = Symbol('invalid');

/** Copies the mapped number and text fields and the exchange; the first invalid field's SSI name, if any. */
function copyScalars(q: Record<string, unknown>, frame: StockFrame): string | undefined {
  const target = frame as Record<string, unknown>;
  for (const [name, field] of Object.entries(SSI_QUOTE_FIELD)) {
    const value = numberOf(q[name]);
    if (value === INVALID) return name;
    if (value !== undefined) target[field] = value;
  }
  for (const [name, field] of Object.entries(SSI_TEXT_FIELD)) {
    const value = textOf(q[name]);
    if (value === INVALID) return name;
    if (value !== undefined) target[field] = value;
  }
  const exchange = textOf(q.exchange);
  if (exchange === INVALID) return 'exchange';
  if (exchange !== undefined) frame.exchange = exchange.toLowerCase();
  return undefined;
}

/** Fills the frame's book (levels SSI does not send are empty); the first invalid field's SSI name, if any. */
function copyBook(q: Record<string, unknown>, frame: StockFrame): string | undefined {
  for (let level = 1; level <= BOOK_DEPTH; level++) {
    if (level > SSI_BOOK_LEVELS) {
      frame.bids.push({});
      frame.offers.push({});
      continue;
    }
    const names = SSI_BOOK_FIELD(level);
    const bid = levelOf(q, names.bid, names.bidVolume);
    if (typeof bid === 'string') return bid;
    const offer = levelOf(q, names.offer, names.offerVolume);
    if (typeof offer === 'string') return offer;
    frame.bids.push(bid);
    frame.offers.push(offer);
  }
  return undefined;
}

function numberOf(value: unknown): number | undefined | typeof INVALID {
  if (value === null || value === undefined || value === '') return undefined;
  // JSON may quote big numbers; protobuf int64 decoded as a string also lands here.
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n)) ? n : INVALID;
}

function textOf(value: unknown): string | undefined | typeof INVALID {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number') return String(value);
  // A pipe would break the frame's wire text.
  return typeof value === 'string' && !value.includes('|') ? value : INVALID;
}

/** The level, or the name of the offending field. */
function levelOf(q: Record<string, unknown>, priceName: string, volumeName: string): PriceLevel | string {
  const price = numberOf(q[priceName]);
  if (price === INVALID) return priceName;
  const volume = numberOf(q[volumeName]);
  if (volume === INVALID) return volumeName;
  // SSI sends 0 for an empty level; the V2 frame leaves it empty.
  const level: PriceLevel = {};
  if (price !== undefined && price !== 0) level.price = price;
  if (volume !== undefined && volume !== 0) level.volume = volume;
  return level;
}

function putLevel(
  quote: Record<string, string | number>,
  level: PriceLevel | undefined,
  p: string,
  v: string,
) {
  if (level?.price !== undefined) quote[p] = level.price;
  if (level?.volume !== undefined) quote[v] = level.volume;
}

function invalid(symbol: string, field: string, value: unknown): QuoteFrameResult {
  const shown = JSON.stringify(value)?.slice(0, 40) ?? String(value);
  return { ok: false, symbol, reason: `${field} is not valid: ${shown}` };
}
