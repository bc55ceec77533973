/**
 * Stock frames (`S#`), V1 `S#hose:974|FPT|...` and V2 `MAIN|S#FPT|...`: from field 2 on the
 * layout is shared (see {@link STOCK_FIELD}).
 *
 * The named fields are read by straight-line code, one line per field, rather than a loop over
 * the layout table: each property store then has its own inline cache, which made the parser
 * about 1.4x instead of 2x the time of a naive `split` (measured on realistic V2 frames).
 *
 * @example
 * parseStock('MAIN|S#FPT|76300|...', 'v2'); // { kind: 'stock', generation: 'v2', symbol: 'FPT', ... }
 */
import { ends, notANumber, reject, scanFields } from './frame-text.ts';
import { parseNumberAt } from './parse-number.ts';
import {
  BID_START,
  BOOK_DEPTH,
  STOCK_FIELD as F,
  type FieldProblem,
  type Generation,
  MAX_STOCK_FIELDS,
  OFFER_START,
  type PriceLevel,
  REQUIRED_STOCK_FIELDS,
  type RejectedFrame,
  type StockFrame,
  V1_MAX_FIELDS,
  V1_MIN_FIELDS,
  V2_FIELD_COUNT,
  V2_MIN_FIELDS,
} from './types.ts';

const NAMES: readonly string[] = (() => {
  const names = new Array<string>(V2_FIELD_COUNT).fill('');
  for (const [name, index] of Object.entries(F)) names[index] = name;
  for (let i = BID_START; i < OFFER_START + 2 * BOOK_DEPTH; i++) {
    names[i] =
      `${i < OFFER_START ? 'bid' : 'offer'} ${1 + (((i - BID_START) % 20) >> 1)} ${i % 2 === 0 ? 'price' : 'volume'}`;
  }
  return names;
})();

/**
 * The frame being read: its text, field count, first non-numeric required field (-1: none)
 * and the malformed values set aside in the other fields.
 */
let text = '';
let count = 0;
let badField = -1;
let problems: FieldProblem[] | undefined;

/**
 * Parses a stock frame whose generation the caller recognised from its `S#` position.
 * Lenient where it can be: V2 frames may carry more than 102 fields (kept in
 * `extraFields`) or fewer (down to {@link V2_MIN_FIELDS}); a malformed number in a field
 * outside {@link REQUIRED_STOCK_FIELDS} is left absent and listed in `malformed`.
 */
export function parseStock(raw: string, generation: Generation): StockFrame | RejectedFrame {
  count = scanFields(raw, MAX_STOCK_FIELDS + 1);
  if (generation === 'v2' ? count < V2_MIN_FIELDS : count < V1_MIN_FIELDS || count > V1_MAX_FIELDS) {
    const expected =
      generation === 'v2' ? `${V2_MIN_FIELDS}..${MAX_STOCK_FIELDS}` : `${V1_MIN_FIELDS}..${V1_MAX_FIELDS}`;
    const got = count < 0 ? `more than ${MAX_STOCK_FIELDS}` : `${count}`;
    return reject(`wrong field count for a ${generation} stock frame: ${got}, expected ${expected}`, raw);
  }
  const idEnd = ends[0];
  const symbol = raw.slice(idEnd + 1 + (generation === 'v2' ? 2 : 0), ends[1]);
  if (symbol.length === 0) return reject('missing symbol', raw, 1);
  if (generation === 'v1' && idEnd === 2) return reject('missing stock id', raw, 0);
  text = raw;
  badField = -1;
  problems = undefined;
  const bids = readBook(BID_START);
  const offers = readBook(OFFER_START);
  let frame: StockFrame;
  if (generation === 'v1') {
    frame = {
      kind: 'stock',
      generation,
      symbol,
      stockId: raw.slice(2, idEnd),
      bids,
      offers,
      fieldCount: count,
    };
  } else if (idEnd > 0) {
    frame = {
      kind: 'stock',
      generation,
      symbol,
      boardId: raw.slice(0, idEnd),
      bids,
      offers,
      fieldCount: count,
    };
  } else {
    frame = { kind: 'stock', generation, symbol, bids, offers, fieldCount: count };
  }
  readScalars(frame);
  if (count > V2_FIELD_COUNT) frame.extraFields = extraFields(count);
  if (problems !== undefined) frame.malformed = problems;
  text = '';
  problems = undefined;
  return badField < 0 ? frame : notANumber(raw, badField, NAMES[badField]);
}

function extraFields(fieldCount: number): string[] {
  const extra: string[] = [];
  for (let i = V2_FIELD_COUNT; i < fieldCount; i++) extra.push(text.slice(ends[i - 1] + 1, ends[i]));
  return extra;
}

/** Field `i` as a number; undefined when empty, absent, or not a number (then `badField` is set). */
function num(i: number): number | undefined {
  if (i >= count) return undefined;
  const start = ends[i - 1] + 1;
  const end = ends[i];
  if (start === end) return undefined;
  const value = parseNumberAt(text, start, end);
  if (!Number.isNaN(value)) return value;
  if (REQUIRED_STOCK_FIELDS.has(i)) {
    if (badField < 0) badField = i;
  } else {
    problems ??= [];
    problems.push({ field: i, name: NAMES[i], value: text.slice(start, Math.min(end, start + 40)) });
  }
  return undefined;
}

/** Field `i` as text; undefined when empty or absent. */
function str(i: number): string | undefined {
  if (i >= count) return undefined;
  const start = ends[i - 1] + 1;
  const end = ends[i];
  return start === end ? undefined : text.slice(start, end);
}

/** An empty book level, shared by every frame (frozen: parsed frames are read, never changed). */
const EMPTY_LEVEL: PriceLevel = Object.freeze({});

function readBook(first: number): PriceLevel[] {
  const levels = new Array<PriceLevel>(BOOK_DEPTH);
  for (let level = 0; level < BOOK_DEPTH; level++) {
    const price = num(first + 2 * level);
    const volume = num(first + 2 * level + 1);
    if (price !== undefined && volume !== undefined) levels[level] = { price, volume };
    else if (price !== undefined) levels[level] = { price };
    else if (volume !== undefined) levels[level] = { volume };
    else levels[level] = EMPTY_LEVEL;
  }
  return levels;
}

// One pass over the fixed field positions, one `if` per field, no call per field: the parser's hot
// loop (`npm run bench:core`: parseFrame 434,000-453,000 frames/s per core on the 2-core machine,
// 1.5x the naive split), kept whole as issue #16 allows.
// biome-ignore lint/complexity/noExcessiveCognitiveComplexity: measured hot path (parseFrame ~440k frames/s), cognitive complexity 60
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: measured hot path (parseFrame ~440k frames/s), 122 lines, one per field
function readScalars(f: StockFrame): void {
  let n: number | undefined;
  let t: string | undefined;
  n = num(F.lastPrice);
  if (n !== undefined) f.lastPrice = n;
  n = num(F.lastVolume);
  if (n !== undefined) f.lastVolume = n;
  n = num(F.high);
  if (n !== undefined) f.high = n;
  t = str(F.exchange);
  if (t !== undefined) f.exchange = t;
  n = num(F.low);
  if (n !== undefined) f.low = n;
  n = num(F.averagePrice);
  if (n !== undefined) f.averagePrice = n;
  n = num(F.foreignBuyVolume);
  if (n !== undefined) f.foreignBuyVolume = n;
  n = num(F.foreignBuyValue);
  if (n !== undefined) f.foreignBuyValue = n;
  n = num(F.foreignSellVolume);
  if (n !== undefined) f.foreignSellVolume = n;
  n = num(F.foreignSellValue);
  if (n !== undefined) f.foreignSellValue = n;
  n = num(F.change);
  if (n !== undefined) f.change = n;
  n = num(F.changePercent);
  if (n !== undefined) f.changePercent = n;
  n = num(F.totalVolume);
  if (n !== undefined) f.totalVolume = n;
  n = num(F.totalValue);
  if (n !== undefined) f.totalValue = n;
  n = num(F.bidQuantity);
  if (n !== undefined) f.bidQuantity = n;
  n = num(F.offerQuantity);
  if (n !== undefined) f.offerQuantity = n;
  n = num(F.openInterest);
  if (n !== undefined) f.openInterest = n;
  n = num(F.ceiling);
  if (n !== undefined) f.ceiling = n;
  n = num(F.floor);
  if (n !== undefined) f.floor = n;
  n = num(F.reference);
  if (n !== undefined) f.reference = n;
  t = str(F.maturityDate);
  if (t !== undefined) f.maturityDate = t;
  t = str(F.sessionCode);
  if (t !== undefined) f.sessionCode = t;
  t = str(F.corporateActionStatus);
  if (t !== undefined) f.corporateActionStatus = t;
  n = num(F.foreignRoom);
  if (n !== undefined) f.foreignRoom = n;
  t = str(F.stockType);
  if (t !== undefined) f.stockType = t;
  t = str(F.tradingStatus);
  if (t !== undefined) f.tradingStatus = t;
  t = str(F.lastTradingDate);
  if (t !== undefined) f.lastTradingDate = t;
  t = str(F.warrantType);
  if (t !== undefined) f.warrantType = t;
  t = str(F.underlyingSymbol);
  if (t !== undefined) f.underlyingSymbol = t;
  n = num(F.exercisePrice);
  if (n !== undefined) f.exercisePrice = n;
  n = num(F.listedShares);
  if (n !== undefined) f.listedShares = n;
  t = str(F.issuerName);
  if (t !== undefined) f.issuerName = t;
  t = str(F.issueDate);
  if (t !== undefined) f.issueDate = t;
  n = num(F.openPrice);
  if (n !== undefined) f.openPrice = n;
  n = num(F.previousPrice);
  if (n !== undefined) f.previousPrice = n;
  n = num(F.lastPriceRepeat);
  if (n !== undefined) f.lastPriceRepeat = n;
  t = str(F.cwConversionRatio);
  if (t !== undefined) f.cwConversionRatio = t;
  t = str(F.cwIssuer);
  if (t !== undefined) f.cwIssuer = t;
  n = num(F.cwUnderlyingPrice);
  if (n !== undefined) f.cwUnderlyingPrice = n;
  n = num(F.cwBreakEven);
  if (n !== undefined) f.cwBreakEven = n;
  t = str(F.cwField82);
  if (t !== undefined) f.cwField82 = t;
  t = str(F.cwField83);
  if (t !== undefined) f.cwField83 = t;
  t = str(F.cwField84);
  if (t !== undefined) f.cwField84 = t;
  t = str(F.cwField85);
  if (t !== undefined) f.cwField85 = t;
  t = str(F.cwField86);
  if (t !== undefined) f.cwField86 = t;
  t = str(F.oddLotSession);
  if (t !== undefined) f.oddLotSession = t;
  n = num(F.oddLotPrice);
  if (n !== undefined) f.oddLotPrice = n;
  n = num(F.oddLotVolume);
  if (n !== undefined) f.oddLotVolume = n;
  n = num(F.oddLotChange);
  if (n !== undefined) f.oddLotChange = n;
  n = num(F.oddLotChangePercent);
  if (n !== undefined) f.oddLotChangePercent = n;
  t = str(F.reserved92);
  if (t !== undefined) f.reserved92 = t;
  t = str(F.reserved93);
  if (t !== undefined) f.reserved93 = t;
  t = str(F.reserved94);
  if (t !== undefined) f.reserved94 = t;
  t = str(F.reserved95);
  if (t !== undefined) f.reserved95 = t;
  n = num(F.openingAuctionPrice);
  if (n !== undefined) f.openingAuctionPrice = n;
  n = num(F.openingAuctionVolume);
  if (n !== undefined) f.openingAuctionVolume = n;
  n = num(F.openingAuctionChange);
  if (n !== undefined) f.openingAuctionChange = n;
  n = num(F.openingAuctionChangePercent);
  if (n !== undefined) f.openingAuctionChangePercent = n;
  n = num(F.openingAuctionTime);
  if (n !== undefined) f.openingAuctionTime = n;
  n = num(F.serverTime);
  if (n !== undefined) f.serverTime = n;
}
