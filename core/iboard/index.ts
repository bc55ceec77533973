/**
 * Public surface of the iboard wire protocol: frame parsing and formatting, subscribe
 * messages and the symbol list.
 *
 * @example
 * import { parseFrame, resolveSymbols, subscribeAllMessages } from './core/iboard/index.ts';
 */
export {
  FrameFormatError,
  formatIndexFrame,
  formatPolledFrame,
  formatStockFrame,
  formatTradeFrame,
} from './format-frame.ts';
export { parseFrame, stockSymbolOf } from './parse-frame.ts';
export {
  type ExchangeSnapshot,
  parseExchangeSnapshot,
  SNAPSHOT_EXCHANGES,
  type SnapshotExchange,
  SnapshotFormatError,
  type SnapshotQuote,
  type SnapshotRejection,
} from './snapshot.ts';
export {
  type QuoteFrameResult,
  quoteToFrame,
  SSI_BOOK_FIELD,
  SSI_BOOK_LEVELS,
  SSI_QUOTE_BOARD,
  SSI_QUOTE_FIELD,
  SSI_TEXT_FIELD,
  ssiQuoteOf,
} from './ssi-quote.ts';
export {
  type ClientRejection,
  type ClientRequest,
  COMPONENT,
  chunk,
  DEFAULT_BOARD_IDS,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_INDICES,
  DEFAULT_MARKETS,
  indexSubscribeMessage,
  initMessage,
  MAX_CHUNK_SIZE,
  parseClientMessage,
  type StockSubscription,
  SubscribeOptionError,
  type SubscriptionType,
  serverNameMessage,
  sessionSubscribeMessage,
  stockSubscribeMessages,
  subscribeAllMessages,
  TOPIC,
  unsubscribeOf,
} from './subscribe.ts';
export {
  DEFAULT_ALL_STOCKS_URL,
  formatSymbolFile,
  type SymbolDiff,
  type SymbolMap,
  SymbolRefreshError,
  symbolMapFromAllStocks,
  validateSymbolRefresh,
} from './symbol-refresh.ts';
export {
  allSymbols,
  closeMatches,
  createSymbolTable,
  EXCHANGES,
  type Exchange,
  exchangeOf,
  InvalidSymbolSpecError,
  resolveSymbols,
  type SymbolTable,
  stockIdOf,
  symbolOfStockId,
  symbolsOf,
  UnknownSymbolError,
} from './symbols.ts';
export {
  BID_START,
  BOOK_DEPTH,
  type ControlFrame,
  type Generation,
  INDEX_FIELD,
  type IndexFrame,
  MAX_FRAME_LENGTH,
  OFFER_START,
  type ParseResult,
  POLLED_PREFIX,
  type PriceLevel,
  type RejectedFrame,
  STOCK_FIELD,
  STOCK_TEXT_FIELDS,
  type StockFieldName,
  type StockFrame,
  TRADE_FIELD,
  type TradeFrame,
  type UnknownFrame,
  V1_MAX_FIELDS,
  V1_MIN_FIELDS,
  V2_FIELD_COUNT,
} from './types.ts';
