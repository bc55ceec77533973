/**
 * CQL statements of the Keyspaces sink, built from the one schema in `core/cql/schema.ts`:
 * one prepared `INSERT` per table listing every column in schema order, the row's values
 * in the same order, and the grouping of rows into unlogged batches that never span two
 * partitions (a multi-partition batch costs the coordinator more than separate writes,
 * and Amazon Keyspaces caps an unlogged batch at 30 statements).
 *
 * Absent values: `undefined` is sent as *unset* (the driver's default for protocol v4+:
 * no tombstone), except in `quotes`, which is a snapshot — a field the latest frame left
 * empty is written as `null`, like the DynamoDB item that the put replaces.
 *
 * @example
 * const insert = insertCql('vn_stock', cqlTable('trades')); // INSERT INTO vn_stock.trades (symbol, ...) VALUES (?, ...)
 * for (const batch of partitionBatches(rows, TABLE_CODECS.trades.partition)) client.batch(batch.map(...), { prepare: true, logged: false });
 */
import {
  allColumns,
  assertIdentifier,
  type CqlTable,
  type CqlTableName,
  cqlTable,
} from '../../../core/cql/schema.ts';
import type { BarRow, IndexRow, QuoteRow, TradeRow } from '../../../core/derive/types.ts';
import type { PriceLevel } from '../../../core/iboard/types.ts';

/** Amazon Keyspaces' maximum number of statements in one unlogged batch. */
export const MAX_BATCH_STATEMENTS = 30;

type Getter<T> = (row: T) => unknown;

/** How a table's rows become CQL values, and which columns make the partition key. */
export type TableCodec<T> = {
  readonly table: CqlTable;
  /** One getter per column, by column name. */
  readonly values: Readonly<Record<string, Getter<T>>>;
  /** `undefined` → null (snapshot tables) instead of unset. */
  readonly nullForAbsent: boolean;
  /** `USING TIMESTAMP` value (µs) of a row, for tables with client-side timestamps. */
  readonly timestamp?: (row: T) => number;
};

const level = (side: 'bids' | 'offers', i: number, field: keyof PriceLevel) => (row: QuoteRow) =>
  row[side][i]?.[field];

const bookGetters: Record<string, Getter<QuoteRow>> = {};
for (let i = 0; i < 3; i++) {
  bookGetters[`bid${i + 1}_price`] = level('bids', i, 'price');
  bookGetters[`bid${i + 1}_volume`] = level('bids', i, 'volume');
  bookGetters[`offer${i + 1}_price`] = level('offers', i, 'price');
  bookGetters[`offer${i + 1}_volume`] = level('offers', i, 'volume');
}

/** Integral CQL `bigint` values: VND values are integers, but never send a fraction to a bigint. */
const whole = (n: number | undefined) => (n === undefined ? undefined : Math.round(n));

export const TABLE_CODECS = {
  trades: {
    table: cqlTable('trades'),
    nullForAbsent: false,
    values: {
      symbol: (r) => r.symbol,
      trading_date: (r) => r.tradingDate,
      trade_time: (r) => r.time,
      cum_volume: (r) => r.cumVolume,
      kind: (r) => r.kind,
      gap_start: (r) => r.gapStart,
      price: (r) => r.price,
      quantity: (r) => r.quantity,
      value: (r) => whole(r.value),
      cum_value: (r) => whole(r.cumValue),
      flags: (r) => r.flags?.join(','),
      day_high: (r) => r.dayHigh,
      day_low: (r) => r.dayLow,
    },
  } satisfies TableCodec<TradeRow>,
  quotes: {
    table: cqlTable('quotes'),
    nullForAbsent: true,
    // Microseconds, Cassandra's write-time unit: a replayed older quote loses.
    timestamp: (r) => r.time * 1000,
    values: {
      symbol: (r) => r.symbol,
      trading_date: (r) => r.tradingDate,
      quote_time: (r) => r.time,
      server_time: (r) => r.serverTime,
      received_at: (r) => r.receivedAt,
      exchange: (r) => r.exchange,
      session: (r) => r.session,
      last_price: (r) => r.lastPrice,
      last_volume: (r) => r.lastVolume,
      open_price: (r) => r.openPrice,
      high: (r) => r.high,
      low: (r) => r.low,
      average_price: (r) => r.averagePrice,
      change: (r) => r.change,
      change_percent: (r) => r.changePercent,
      total_volume: (r) => r.totalVolume,
      total_value: (r) => whole(r.totalValue),
      ...bookGetters,
      foreign_buy_volume: (r) => r.foreignBuyVolume,
      foreign_buy_value: (r) => whole(r.foreignBuyValue),
      foreign_sell_volume: (r) => r.foreignSellVolume,
      foreign_sell_value: (r) => whole(r.foreignSellValue),
      foreign_room: (r) => r.foreignRoom,
      ceiling: (r) => r.ceiling,
      floor: (r) => r.floor,
      reference: (r) => r.reference,
      checkpoint: (r) => (r.checkpoint === undefined ? undefined : JSON.stringify(r.checkpoint)),
    },
  } satisfies TableCodec<QuoteRow>,
  bars: {
    table: cqlTable('bars'),
    nullForAbsent: false,
    values: {
      symbol: (r) => r.symbol,
      trading_date: (r) => r.tradingDate,
      bar_start: (r) => r.start,
      minute: (r) => r.minute,
      open: (r) => r.open,
      high: (r) => r.high,
      low: (r) => r.low,
      close: (r) => r.close,
      volume: (r) => r.volume,
      value: (r) => whole(r.value),
      trade_count: (r) => r.trades,
      other_volume: (r) => r.otherVolume,
      last_trade: (r) => r.lastTrade,
    },
  } satisfies TableCodec<BarRow>,
  indices: {
    table: cqlTable('indices'),
    nullForAbsent: false,
    values: {
      index_id: (r) => r.indexId,
      trading_date: (r) => r.tradingDate,
      index_time: (r) => r.time,
      value: (r) => r.value,
      change: (r) => r.change,
      change_percent: (r) => r.changePercent,
      total_volume: (r) => r.totalVolume,
      total_value: (r) => whole(r.totalValue),
      advances: (r) => r.advances,
      declines: (r) => r.declines,
      unchanged: (r) => r.unchanged,
      ceiling_count: (r) => r.ceilingCount,
      floor_count: (r) => r.floorCount,
      all_volume: (r) => r.allVolume,
      all_value: (r) => whole(r.allValue),
      open: (r) => r.open,
      high: (r) => r.high,
      low: (r) => r.low,
    },
  } satisfies TableCodec<IndexRow>,
} as const;

/** `INSERT INTO ks.table (every column) VALUES (?, ...)` [`USING TIMESTAMP ?`]. */
export function insertCql(keyspace: string, table: CqlTable): string {
  assertIdentifier(keyspace);
  const columns = allColumns(table).map((c) => c.name);
  const using = table.clientSideTimestamps ? ' USING TIMESTAMP ?' : '';
  return `INSERT INTO ${keyspace}.${table.name} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})${using}`;
}

/** The bound values of a row for {@link insertCql}, in column order. */
export function insertValues<T>(codec: TableCodec<T>, row: T): unknown[] {
  const values = allColumns(codec.table).map((column) => {
    const getter = codec.values[column.name];
    if (!getter) throw new Error(`no value for column ${codec.table.name}.${column.name}`);
    const value = getter(row);
    return value === undefined && codec.nullForAbsent ? null : value;
  });
  if (codec.timestamp) values.push(codec.timestamp(row));
  return values;
}

/** Partition-key values of a row, joined: rows with equal keys share a partition. */
export function partitionOf<T>(codec: TableCodec<T>, row: T): string {
  return codec.table.partitionKey.map((c) => String(codec.values[c.name](row))).join('\u0000');
}

/** Groups rows by partition, then cuts each group into batches of at most `max` rows (order kept). */
export function partitionBatches<T>(
  codec: TableCodec<T>,
  rows: readonly T[],
  max = MAX_BATCH_STATEMENTS,
): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = partitionOf(codec, row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const batches: T[][] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += max) batches.push(group.slice(i, i + max));
  }
  return batches;
}

/**
 * The two conditional writes (lightweight transactions) of a bar, which only ever moves
 * forward: `INSERT ... IF NOT EXISTS` for a bar not stored yet, and
 * `UPDATE ... SET <every other column> WHERE <key> IF last_trade <= ?` (bound to the new
 * bar's own watermark) for one that is. See `KeyspacesSink.writeBars`.
 */
export function barLwtCql(keyspace: string): { insert: string; update: string } {
  assertIdentifier(keyspace);
  const table = cqlTable('bars');
  const keys = [...table.partitionKey, ...table.clustering].map((c) => c.name);
  const set = table.columns.map((c) => `${c.name} = ?`).join(', ');
  return {
    insert: `${insertCql(keyspace, table)} IF NOT EXISTS`,
    update: `UPDATE ${keyspace}.bars SET ${set} WHERE ${keys.map((k) => `${k} = ?`).join(' AND ')} IF last_trade <= ?`,
  };
}

/** Bound values of {@link barLwtCql}'s `update`: the other columns, the key, then the watermark. */
export function barUpdateValues(bar: BarRow): unknown[] {
  const codec = TABLE_CODECS.bars;
  const table = codec.table;
  const value = (name: string) => codec.values[name as keyof typeof codec.values](bar);
  return [
    ...table.columns.map((c) => value(c.name)),
    ...[...table.partitionKey, ...table.clustering].map((c) => value(c.name)),
    bar.lastTrade,
  ];
}

/** `SELECT * FROM ks.quotes WHERE symbol = ? AND trading_date = ?` (a symbol's previous state). */
export function selectQuoteCql(keyspace: string): string {
  assertIdentifier(keyspace);
  return `SELECT * FROM ${keyspace}.quotes WHERE symbol = ? AND trading_date = ?`;
}

/** `SELECT * FROM ks.bars WHERE symbol = ? AND trading_date = ? AND bar_start IN ?` (the touched bars of a partition). */
export function selectBarsCql(keyspace: string): string {
  assertIdentifier(keyspace);
  return `SELECT * FROM ${keyspace}.bars WHERE symbol = ? AND trading_date = ? AND bar_start IN ?`;
}

/** Tables of the schema, so a test can check every one has a codec. */
export const CODEC_TABLES: readonly CqlTableName[] = ['trades', 'quotes', 'bars', 'indices'];
