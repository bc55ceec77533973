/**
 * Types and field layout of the SSI iboard price stream (see `shared/spec/iboard-protocol.md`).
 *
 * A server frame parses into one {@link ParseResult}. Data frames are pipe-separated text:
 * - stock `S#` (V1 2023: `S#hose:974|FPT|...`, about 90 fields; V2 2026: `MAIN|S#FPT|...`, 102 fields),
 * - index `I#HNXIndex|207.63|...`,
 * - trade `L#hose:643|17550|300|...`,
 * - polled `P#MAIN|S#FPT|...`: a V2 stock frame made from the REST snapshot (ours, not the feed's);
 * everything else is a control frame (plain `Subscribed <topic>` or JSON) or unknown.
 *
 * Conventions: numbers are JS numbers (prices in VND, integers where the feed sends integers;
 * cumulative value exceeds 32 bits but stays below 2^53, so it is exact); an empty field is an
 * absent property, never `undefined`-valued or `0`.
 *
 * @example
 * const f = parseFrame('MAIN|S#FPT|76300|11800|...');
 * if (f.kind === 'stock') f.totalVolume; // 3733300
 */

/**
 * The protocol generation: `v1` (2023: stock ids such as `hose:974`, the 92-field layout)
 * or `v2` (symbols and boards, 102 fields).
 */
export type Generation = 'v1' | 'v2';

/** One level of the order book; `{}` when the level is empty. */
export type PriceLevel = { price?: number; volume?: number };

/** A snapshot (V2, full) or partial update (V1) of one instrument. */
export type StockFrame = {
  kind: 'stock';
  generation: Generation;
  symbol: string;
  /** V1 only: SSI stock id without the `S#` prefix, e.g. `hose:974`. */
  stockId?: string;
  /** V2 only: board id from field 0, e.g. `MAIN`. */
  boardId?: string;
  /** Always 10 entries each, level 1 first (fields 2–21 and 22–41). */
  bids: PriceLevel[];
  offers: PriceLevel[];
  lastPrice?: number;
  /** Repeats on book-only updates: not a trade by itself (a trade is a growth of `totalVolume`). */
  lastVolume?: number;
  high?: number;
  exchange?: string;
  low?: number;
  averagePrice?: number;
  foreignBuyVolume?: number;
  foreignBuyValue?: number;
  foreignSellVolume?: number;
  foreignSellValue?: number;
  change?: number;
  changePercent?: number;
  /** Cumulative traded volume today (field 54). */
  totalVolume?: number;
  /** Cumulative traded value today in VND (field 55, exceeds 32 bits, < 2^53). */
  totalValue?: number;
  bidQuantity?: number;
  offerQuantity?: number;
  openInterest?: number;
  ceiling?: number;
  floor?: number;
  reference?: number;
  maturityDate?: string;
  sessionCode?: string;
  corporateActionStatus?: string;
  foreignRoom?: number;
  stockType?: string;
  tradingStatus?: string;
  lastTradingDate?: string;
  warrantType?: string;
  underlyingSymbol?: string;
  exercisePrice?: number;
  listedShares?: number;
  issuerName?: string;
  issueDate?: string;
  openPrice?: number;
  previousPrice?: number;
  /** Field 77: the last matched price, sent a second time. */
  lastPriceRepeat?: number;
  cwConversionRatio?: string;
  cwIssuer?: string;
  cwUnderlyingPrice?: number;
  cwBreakEven?: number;
  cwField82?: string;
  cwField83?: string;
  cwField84?: string;
  cwField85?: string;
  cwField86?: string;
  oddLotSession?: string;
  oddLotPrice?: number;
  oddLotVolume?: number;
  oddLotChange?: number;
  oddLotChangePercent?: number;
  reserved92?: string;
  reserved93?: string;
  reserved94?: string;
  reserved95?: string;
  openingAuctionPrice?: number;
  openingAuctionVolume?: number;
  openingAuctionChange?: number;
  openingAuctionChangePercent?: number;
  /** Epoch ms (inferred). */
  openingAuctionTime?: number;
  /** V2 field 101: server send time, epoch ms. */
  serverTime?: number;
  /** Number of pipe-separated fields on the wire (102 in V2; 62..101 in V1). */
  fieldCount: number;
  /** Fields after the 102 the layout knows (SSI appended some): kept, counted, not read. */
  extraFields?: string[];
  /** Values that could not be read in fields no derivation depends on: left absent, listed here. */
  malformed?: FieldProblem[];
  /**
   * Set on frames made from a polled snapshot (the REST fallback), not pushed by the feed:
   * growth between two polls is not a trade we saw, so it is accounted as a `gap`.
   */
  polled?: boolean;
};

export type IndexFrame = {
  kind: 'index';
  /** Without the `I#` prefix, e.g. `HNXIndex`. */
  indexId: string;
  value?: number;
  totalVolume?: number;
  totalValue?: number;
  advances?: number;
  declines?: number;
  unchanged?: number;
  ceilingCount?: number;
  floorCount?: number;
  allVolume?: number;
  allValue?: number;
  time?: string;
  volume?: number;
  timeMs?: number;
  previousVolume?: number;
  chartOpen?: number;
  chartHigh?: number;
  chartLow?: number;
  change?: number;
  changePercent?: number;
  /** Fields after 19, as text (the spec does not name them). */
  extra?: string[];
  /** Number of fields on the wire; always set by the parser. */
  fieldCount?: number;
};

export type TradeFrame = {
  kind: 'trade';
  /** Without the `L#` prefix, e.g. `hose:643`. */
  stockId: string;
  price?: number;
  volume?: number;
  totalVolume?: number;
  /** Local time `HH:MM:SS`. */
  time?: string;
  reference?: number;
  /** `bu` buy-up, `sd` sell-down. */
  side?: string;
  change?: number;
  changePercent?: number;
  changeType?: string;
  /** Fields after 9, as text. */
  extra?: string[];
  /** Number of fields on the wire; always set by the parser. */
  fieldCount?: number;
};

export type ControlFrame = {
  kind: 'control';
  control: 'subscribed' | 'ack' | 'unsub' | 'error' | 'status' | 'session' | 'other';
  topic?: string;
  message?: string;
  body?: unknown;
};

export type UnknownFrame = { kind: 'unknown'; raw: string };

/** A malformed frame: `reason` says why, `field` is the offending field index when there is one. */
/** A field value set aside by the parser: its position, name and (up to 40 characters of) text. */
export type FieldProblem = { readonly field: number; readonly name: string; readonly value: string };

export type RejectedFrame = { kind: 'rejected'; reason: string; field?: number; raw: string };

export type ParseResult = StockFrame | IndexFrame | TradeFrame | ControlFrame | UnknownFrame | RejectedFrame;

/** Book depth per side on the wire. */
export const BOOK_DEPTH = 10;
/** First field of the bid book (price, volume pairs) and of the offer book. */
export const BID_START = 2;
export const OFFER_START = 22;

/** Positions of the named scalar fields of a stock frame (same in V1 and V2 from field 2 on). */
export const STOCK_FIELD = {
  lastPrice: 42,
  lastVolume: 43,
  high: 44,
  exchange: 45,
  low: 46,
  averagePrice: 47,
  foreignBuyVolume: 48,
  foreignBuyValue: 49,
  foreignSellVolume: 50,
  foreignSellValue: 51,
  change: 52,
  changePercent: 53,
  totalVolume: 54,
  totalValue: 55,
  bidQuantity: 56,
  offerQuantity: 57,
  openInterest: 58,
  ceiling: 59,
  floor: 60,
  reference: 61,
  maturityDate: 62,
  sessionCode: 63,
  corporateActionStatus: 64,
  foreignRoom: 65,
  stockType: 66,
  tradingStatus: 67,
  lastTradingDate: 68,
  warrantType: 69,
  underlyingSymbol: 70,
  exercisePrice: 71,
  listedShares: 72,
  issuerName: 73,
  issueDate: 74,
  openPrice: 75,
  previousPrice: 76,
  lastPriceRepeat: 77,
  cwConversionRatio: 78,
  cwIssuer: 79,
  cwUnderlyingPrice: 80,
  cwBreakEven: 81,
  cwField82: 82,
  cwField83: 83,
  cwField84: 84,
  cwField85: 85,
  cwField86: 86,
  oddLotSession: 87,
  oddLotPrice: 88,
  oddLotVolume: 89,
  oddLotChange: 90,
  oddLotChangePercent: 91,
  reserved92: 92,
  reserved93: 93,
  reserved94: 94,
  reserved95: 95,
  openingAuctionPrice: 96,
  openingAuctionVolume: 97,
  openingAuctionChange: 98,
  openingAuctionChangePercent: 99,
  openingAuctionTime: 100,
  serverTime: 101,
} as const;

export type StockFieldName = keyof typeof STOCK_FIELD;

/** The text-valued stock fields; every other named field is numeric. */
export const STOCK_TEXT_FIELDS: ReadonlySet<StockFieldName> = new Set<StockFieldName>([
  'exchange',
  'maturityDate',
  'sessionCode',
  'corporateActionStatus',
  'stockType',
  'tradingStatus',
  'lastTradingDate',
  'warrantType',
  'underlyingSymbol',
  'issuerName',
  'issueDate',
  'cwConversionRatio',
  'cwIssuer',
  'cwField82',
  'cwField83',
  'cwField84',
  'cwField85',
  'cwField86',
  'oddLotSession',
  'reserved92',
  'reserved93',
  'reserved94',
  'reserved95',
]);

/**
 * Starts the wire text of a frame made from a polled snapshot (the REST fallback), before
 * a V2 stock frame: `P#MAIN|S#FPT|...`. The live feed has never sent a `P#` tag.
 */
export const POLLED_PREFIX = 'P#';

/** V2 stock frames carry exactly this many fields. */
export const V2_FIELD_COUNT = 102;
/**
 * Fewer fields than this and a V2 frame cannot be derived from: the derivation needs the
 * matched price (42) and the cumulative volume and value (54, 55). More than 102 is fine:
 * the extra fields are kept (SSI has appended fields before).
 */
export const V2_MIN_FIELDS = STOCK_FIELD.totalValue + 1;
/** A frame with more fields than this is not a stock frame we can make sense of. */
export const MAX_STOCK_FIELDS = 256;
/**
 * The only fields whose malformed value makes a stock frame a reject: they identify it
 * (the symbol, checked apart) or the trade derivation depends on them. A malformed value
 * anywhere else becomes absent and is listed in `malformed`.
 */
export const REQUIRED_STOCK_FIELDS: ReadonlySet<number> = new Set([
  STOCK_FIELD.lastPrice,
  STOCK_FIELD.totalVolume,
  STOCK_FIELD.totalValue,
  STOCK_FIELD.serverTime,
]);
/** V1 frames may be partial: at least the fields through the reference price (index 61)... */
export const V1_MIN_FIELDS = STOCK_FIELD.reference + 1;
/** ...and at most 101 (V1 never carried the V2 server time). */
export const V1_MAX_FIELDS = 101;

/** Positions in an index frame `I#<indexId>|value|...`; fields from 20 on go to `extra`. */
export const INDEX_FIELD = {
  indexId: 0,
  value: 1,
  totalVolume: 2,
  totalValue: 3,
  advances: 4,
  declines: 5,
  unchanged: 6,
  ceilingCount: 7,
  floorCount: 8,
  allVolume: 9,
  allValue: 10,
  time: 11,
  volume: 12,
  timeMs: 13,
  previousVolume: 14,
  chartOpen: 15,
  chartHigh: 16,
  chartLow: 17,
  change: 18,
  changePercent: 19,
} as const;

/** Positions in a trade frame `L#<stockId>|price|...`; fields from 10 on go to `extra`. */
export const TRADE_FIELD = {
  stockId: 0,
  price: 1,
  volume: 2,
  totalVolume: 3,
  time: 4,
  reference: 5,
  side: 6,
  change: 7,
  changePercent: 8,
  changeType: 9,
} as const;

/** Index and trade frames: at least the id and one value; at most this many fields. */
export const MIN_TAGGED_FIELDS = 2;
export const MAX_TAGGED_FIELDS = 64;
/** Frames longer than this are rejected unread (a V2 stock frame is ~500 bytes). */
export const MAX_FRAME_LENGTH = 256 * 1024;
