/**
 * The Amazon Keyspaces / Cassandra implementation of the transform's row writes (and, in
 * keyspaces-only mode, of the previous-state reads), with the DataStax `cassandra-driver`.
 *
 * - prepared statements (`prepare: true`; the driver prepares each distinct query once
 *   per connection and caches it), built from `core/cql/schema.ts` by `cql-statements.ts`;
 * - unlogged batches only within one partition (`partitionBatches`), at most 30 statements;
 *   quotes are one row per partition, so one statement each;
 * - bounded concurrency (`concurrency` batches in flight, default 32);
 * - `LOCAL_QUORUM` everywhere (what Keyspaces requires for writes and strongly
 *   consistent reads);
 * - quotes are written `USING TIMESTAMP` = quote time in µs: Cassandra keeps the newest
 *   write, so an old batch replayed late cannot regress a quote (the CQL counterpart of
 *   the DynamoDB conditional put). Bars are full-row upserts of the merged bar, hence
 *   idempotent; the watermark check happens in the DynamoDB sink (mode `both`) or relies
 *   on the per-shard ordering of the event source (mode `keyspaces`).
 *
 * A batch that fails with a transient error (timeouts, unavailable, overloaded, no host)
 * hands its rows back as failed; other errors are rethrown. Rejects are not written here:
 * they always go to the DynamoDB rejects table (see `combined-sink.ts`).
 *
 * @example
 * const client = await createCassandraClient(config.cassandra);
 * const sink = new KeyspacesSink({ client, keyspace: 'vn_stock' });
 */
import type { Client } from 'cassandra-driver';
import { type BarKey, barId } from '../../core/derive/bars.ts';
import type { BarWrite, QuoteKey, TransformSink, WriteResult } from '../../core/derive/sink.ts';
import { TransientSinkError } from '../../core/derive/sink.ts';
import type { BarRow, IndexRow, QuoteRow, TradeRow } from '../../core/derive/types.ts';
import {
  insertCql,
  insertValues,
  partitionBatches,
  selectBarsCql,
  selectQuoteCql,
  TABLE_CODECS,
  type TableCodec,
} from './cql-statements.ts';
import { isTransient, mapLimit } from './transient.ts';

/** The CQL sink writes every row table but not the rejects. */
export type RowSink = Omit<TransformSink, 'writeRejects'>;

export type KeyspacesSinkOptions = {
  readonly client: Client;
  readonly keyspace: string;
  /** Batches or statements in flight. @default 32 */
  readonly concurrency?: number;
};

/** `LOCAL_QUORUM` in the CQL protocol (the driver's `types.consistencies.localQuorum`). */
const LOCAL_QUORUM = 6;

export class KeyspacesSink implements RowSink {
  readonly name = 'keyspaces';
  private readonly client: Client;
  private readonly keyspace: string;
  private readonly concurrency: number;

  constructor(options: KeyspacesSinkOptions) {
    this.client = options.client;
    this.keyspace = options.keyspace;
    this.concurrency = options.concurrency ?? 32;
  }

  writeTrades(rows: readonly TradeRow[]) {
    return this.insert(TABLE_CODECS.trades, rows, (r) => r);
  }

  writeIndices(rows: readonly IndexRow[]) {
    return this.insert(TABLE_CODECS.indices, rows, (r) => r);
  }

  writeBars(rows: readonly BarWrite[]) {
    return this.insert(TABLE_CODECS.bars, rows, (w) => w.bar);
  }

  writeQuotes(rows: readonly QuoteRow[]) {
    return this.insert(TABLE_CODECS.quotes, rows, (r) => r);
  }

  async readQuotes(keys: readonly QuoteKey[]): Promise<Map<string, QuoteRow>> {
    const query = selectQuoteCql(this.keyspace);
    const out = new Map<string, QuoteRow>();
    await mapLimit(keys, this.concurrency, async (key) => {
      const result = await this.read(query, [key.symbol, key.tradingDate]);
      const row = result.first();
      if (row) out.set(key.symbol, quoteFromCql(row));
    });
    return out;
  }

  async readBars(keys: readonly BarKey[]): Promise<Map<string, BarRow>> {
    const query = selectBarsCql(this.keyspace);
    const byPartition = new Map<string, BarKey[]>();
    for (const key of keys) {
      const id = `${key.symbol}\u0000${key.tradingDate}`;
      const list = byPartition.get(id);
      if (list) list.push(key);
      else byPartition.set(id, [key]);
    }
    const out = new Map<string, BarRow>();
    await mapLimit([...byPartition.values()], this.concurrency, async (partition) => {
      const { symbol, tradingDate } = partition[0];
      const result = await this.read(query, [symbol, tradingDate, partition.map((k) => k.start)]);
      for (const row of result.rows) {
        const bar = barFromCql(row);
        out.set(barId(bar), bar);
      }
    });
    return out;
  }

  async close(): Promise<void> {
    await this.client.shutdown();
  }

  private async read(query: string, params: unknown[]) {
    try {
      return await this.client.execute(query, params, { prepare: true, consistency: LOCAL_QUORUM });
    } catch (error) {
      if (!isTransient(error)) throw error;
      throw new TransientSinkError(`CQL read failed: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Writes rows of one table: single-row partitions as statements, others as unlogged batches. */
  private async insert<W, T>(
    codec: TableCodec<T>,
    writes: readonly W[],
    rowOf: (w: W) => T,
  ): Promise<WriteResult<W>> {
    const query = insertCql(this.keyspace, codec.table);
    const rowToWrite = new Map<T, W>();
    for (const write of writes) rowToWrite.set(rowOf(write), write);
    const batches = partitionBatches(codec, [...rowToWrite.keys()]);
    const failed: W[] = [];
    let lastError: unknown;
    await mapLimit(batches, this.concurrency, async (batch) => {
      try {
        if (batch.length === 1) {
          await this.client.execute(query, insertValues(codec, batch[0]), {
            prepare: true,
            consistency: LOCAL_QUORUM,
          });
        } else {
          await this.client.batch(
            batch.map((row) => ({ query, params: insertValues(codec, row) })),
            { prepare: true, logged: false, consistency: LOCAL_QUORUM },
          );
        }
      } catch (error) {
        if (!isTransient(error)) throw error;
        lastError = error;
        for (const row of batch) failed.push(rowToWrite.get(row) as W);
      }
    });
    return { failed, error: lastError, retries: 0, writeUnits: 0, requests: batches.length };
  }
}

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

type CqlRow = { get(name: string): unknown };

function fields(row: CqlRow, names: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(names)) {
    const value = plain(row.get(column));
    if (value !== undefined) out[field] = value;
  }
  return out;
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
    lastTrade: 'last_trade',
  }) as BarRow;
}
