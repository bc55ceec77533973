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
 *   the DynamoDB conditional put);
 * - bars only move forward: one lightweight transaction per bar, `INSERT ... IF NOT
 *   EXISTS` or `UPDATE ... IF last_trade <= <the new bar's watermark>`. A stored bar that
 *   is already further on (a late redelivery of an older batch) is left as it is and
 *   counted in `notNewer`, not as a failure; an equal one is rewritten with the same
 *   values (a retry after a write that landed but reported a timeout). Every bar state
 *   with watermark W is the same (the same trades folded in, in sort-key order), so
 *   "never backwards" keeps the table right whatever order writes arrive in, including
 *   a store that is behind the one the watermark was read from (`SINK=both`, or
 *   Keyspaces switched on mid-day).
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
import { type BarKey, barId } from '../../../core/derive/bars.ts';
import type { BarWrite, QuoteKey, TransformSink, WriteResult } from '../../../core/derive/sink.ts';
import { TransientSinkError } from '../../../core/derive/sink.ts';
import type { BarRow, IndexRow, QuoteRow, TradeRow } from '../../../core/derive/types.ts';
import { publishCqlRows } from './cql-row-events.ts';
import { barFromCql, quoteFromCql } from './cql-rows.ts';
import {
  barLwtCql,
  barUpdateValues,
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
/** `LOCAL_SERIAL`: the Paxos phase of a lightweight transaction stays in the local data centre. */
const LOCAL_SERIAL = 9;
/** Conditional writes of one bar before it counts as failed (each lost race re-reads the row). */
const BAR_ATTEMPTS = 4;

type BarOutcome = 'written' | 'not-newer';

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

  /** One lightweight transaction per bar (see the module comment); `expectedLastTrade` picks the first one to try. */
  async writeBars(rows: readonly BarWrite[]): Promise<WriteResult<BarWrite>> {
    const failed: BarWrite[] = [];
    let lastError: unknown;
    let requests = 0;
    let notNewer = 0;
    await mapLimit(rows, this.concurrency, async (write) => {
      try {
        const outcome = await this.moveBarForward(write, () => requests++);
        if (outcome === 'not-newer') notNewer++;
      } catch (error) {
        if (!(error instanceof TransientSinkError) && !isTransient(error)) throw error;
        lastError = error;
        failed.push(write);
      }
    });
    publishCqlRows('bars', rows.length - failed.length - notNewer);
    return { failed, error: lastError, retries: 0, writeUnits: 0, requests, notNewer };
  }

  private async moveBarForward(write: BarWrite, sent: () => void): Promise<BarOutcome> {
    const { bar } = write;
    const cql = barLwtCql(this.keyspace);
    const options = { prepare: true, consistency: LOCAL_QUORUM, serialConsistency: LOCAL_SERIAL };
    let exists = write.expectedLastTrade !== undefined;
    for (let attempt = 0; attempt < BAR_ATTEMPTS; attempt++) {
      sent();
      const result = exists
        ? await this.client.execute(cql.update, barUpdateValues(bar), options)
        : await this.client.execute(cql.insert, insertValues(TABLE_CODECS.bars, bar), options);
      const row = result.first();
      if (row.get('[applied]') === true) return 'written';
      const stored = row.get('last_trade');
      if (typeof stored !== 'string') {
        exists = false; // UPDATE ... IF on a missing row: insert it instead
        continue;
      }
      if (stored > bar.lastTrade) return 'not-newer';
      exists = true; // IF NOT EXISTS lost to a stored bar not newer than ours: move it forward
    }
    throw new TransientSinkError(
      `bar ${bar.symbol} ${bar.minute}: still contended after ${BAR_ATTEMPTS} conditional writes`,
    );
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
    publishCqlRows(codec.table.name, rowToWrite.size - failed.length);
    return { failed, error: lastError, retries: 0, writeUnits: 0, requests: batches.length };
  }
}
