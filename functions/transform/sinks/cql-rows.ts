/**
 * CQL rows back to domain rows (`core/derive/types.ts`): the inverse of the codecs in
 * `cql-statements.ts`. The sink reads quotes (previous state, with the derivation
 * checkpoint) and bars (watermarks) this way; tests and tools read every table.
 *
 * Driver values become plain ones: `Long` → number, `Date` → epoch ms, `LocalDate` →
 * `YYYY-MM-DD`, null → absent. The trade's sort key is not stored: it is rebuilt from
 * `(trade_time, cum_volume)`, the clustering key that mirrors it.
 *
 * @example
 * const quote = quoteFromCql((await client.execute(selectQuoteCql(ks), [symbol, date], { prepare: true })).first());
 */
import type {
  BarRow,
  DerivationCheckpoint,
  IndexRow,
  QuoteRow,
  TradeRow,
} from '../../../core/derive/types.ts';
import { tradeSortKey } from '../../../core/tables.ts';

/** What the driver's `Row` offers that these readers need. */
export type CqlRow = { get(name: string): unknown };

/** A driver value to a plain one: `Long` → number, `Date` → epoch ms, `LocalDate` → `YYYY-MM-DD`. */
export function plain(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'object') {
    const v = value as { toNumber?: () => number; year?: number; toString(): string };
    if (typeof v.toNumber === 'function') return v.toNumber();
    if (typeof v.year === 'number') return v.toString();
  }
  return value;
}

function fields(row: CqlRow, names: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(names)) {
    const value = plain(row.get(column));
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/** The `checkpoint` column: JSON written by the sink, parsed back as is. */
function checkpointOf(row: CqlRow): { checkpoint?: DerivationCheckpoint } {
  const text = row.get('checkpoint');
  return typeof text === 'string' && text !== ''
    ? { checkpoint: JSON.parse(text) as DerivationCheckpoint }
    : {};
}

/** A `trades` row back to a {@link TradeRow}. */
export function tradeFromCql(row: CqlRow): TradeRow {
  const trade = fields(row, {
    symbol: 'symbol',
    tradingDate: 'trading_date',
    time: 'trade_time',
    kind: 'kind',
    gapStart: 'gap_start',
    price: 'price',
    quantity: 'quantity',
    value: 'value',
    cumVolume: 'cum_volume',
    cumValue: 'cum_value',
    dayHigh: 'day_high',
    dayLow: 'day_low',
  });
  const flags = row.get('flags');
  if (typeof flags === 'string' && flags !== '') trade.flags = flags.split(',');
  trade.sk = tradeSortKey(trade.time as number, trade.cumVolume as number);
  return trade as TradeRow;
}

/** A `quotes` row back to a {@link QuoteRow}. */
export function quoteFromCql(row: CqlRow): QuoteRow {
  const level = (side: 'bid' | 'offer', i: number) =>
    fields(row, { price: `${side}${i}_price`, volume: `${side}${i}_volume` });
  return {
    ...fields(row, {
      symbol: 'symbol',
      tradingDate: 'trading_date',
      time: 'quote_time',
      serverTime: 'server_time',
      receivedAt: 'received_at',
      exchange: 'exchange',
      session: 'session',
      lastPrice: 'last_price',
      lastVolume: 'last_volume',
      openPrice: 'open_price',
      high: 'high',
      low: 'low',
      averagePrice: 'average_price',
      change: 'change',
      changePercent: 'change_percent',
      totalVolume: 'total_volume',
      totalValue: 'total_value',
      foreignBuyVolume: 'foreign_buy_volume',
      foreignBuyValue: 'foreign_buy_value',
      foreignSellVolume: 'foreign_sell_volume',
      foreignSellValue: 'foreign_sell_value',
      foreignRoom: 'foreign_room',
      ceiling: 'ceiling',
      floor: 'floor',
      reference: 'reference',
    }),
    ...checkpointOf(row),
    bids: [1, 2, 3].map((i) => level('bid', i)),
    offers: [1, 2, 3].map((i) => level('offer', i)),
  } as unknown as QuoteRow;
}

/** A `bars` row back to a {@link BarRow}. */
export function barFromCql(row: CqlRow): BarRow {
  return fields(row, {
    symbol: 'symbol',
    tradingDate: 'trading_date',
    minute: 'minute',
    start: 'bar_start',
    open: 'open',
    high: 'high',
    low: 'low',
    close: 'close',
    volume: 'volume',
    value: 'value',
    trades: 'trade_count',
    otherVolume: 'other_volume',
    lastTrade: 'last_trade',
  }) as BarRow;
}

/** An `indices` row back to an {@link IndexRow}. */
export function indexFromCql(row: CqlRow): IndexRow {
  return fields(row, {
    indexId: 'index_id',
    tradingDate: 'trading_date',
    time: 'index_time',
    value: 'value',
    change: 'change',
    changePercent: 'change_percent',
    totalVolume: 'total_volume',
    totalValue: 'total_value',
    advances: 'advances',
    declines: 'declines',
    unchanged: 'unchanged',
    ceilingCount: 'ceiling_count',
    floorCount: 'floor_count',
    allVolume: 'all_volume',
    allValue: 'all_value',
    open: 'open',
    high: 'high',
    low: 'low',
  }) as IndexRow;
}
