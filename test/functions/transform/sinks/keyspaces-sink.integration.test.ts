/**
 * The Keyspaces (CQL) sink against a real Apache Cassandra: `.ci/run` starts one with
 * `npm run cassandra -- start` before `npm test`, so these run in CI. Elsewhere they run
 * when `CASSANDRA_CONTACT_POINTS` is set and are reported as skipped otherwise:
 *
 * ```sh
 * npm run cassandra -- start
 * CASSANDRA_CONTACT_POINTS=127.0.0.1 node --import tsx --test test/functions/transform/sinks/keyspaces-sink.integration.test.ts
 * ```
 *
 * DynamoDB is dynalite, written by the same combined sink (`SINK=both`) as in the stack,
 * so "equal to the DynamoDB rows" compares two real stores after the same batches.
 * Against Amazon Keyspaces: `CASSANDRA_CONTACT_POINTS=cassandra.<region>.amazonaws.com`
 * with `AWS_REGION` and credentials (SigV4, TLS on 9142); create the keyspace
 * (`KEYSPACE_NAME`, default `vn_stock_test`) beforehand with `cqlDdl`: table creation is
 * asynchronous there.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Client } from 'cassandra-driver';
import { allColumns, CQL_TABLES } from '../../../../core/cql/schema.ts';
import type { BatchRecord } from '../../../../core/derive/decode-batch.ts';
import { quoteFromFrame } from '../../../../core/derive/quotes.ts';
import type { BarWrite, TransformSink } from '../../../../core/derive/sink.ts';
import { transformBatch } from '../../../../core/derive/transform-batch.ts';
import type { BarRow, IndexRow, QuoteRow, TradeRow } from '../../../../core/derive/types.ts';
import { formatStockFrame } from '../../../../core/iboard/format-frame.ts';
import { encodeRecord } from '../../../../core/records/index.ts';
import { tradeSortKey } from '../../../../core/tables.ts';
import { combineSinks } from '../../../../functions/transform/sinks/combined-sink.ts';
import {
  barFromCql,
  indexFromCql,
  quoteFromCql,
  tradeFromCql,
} from '../../../../functions/transform/sinks/cql-rows.ts';
import { ensureCqlSchema } from '../../../../functions/transform/sinks/cql-setup.ts';
import { DynamoSink } from '../../../../functions/transform/sinks/dynamodb-sink.ts';
import { KeyspacesSink, type RowSink } from '../../../../functions/transform/sinks/keyspaces-sink.ts';
import { exponentialBackoff } from '../../../../functions/transform/sinks/transient.ts';
import { type Emulator, startDynamo } from '../../../../local/emulators/launch.ts';
import { createTables, dynamoClient, scanTable, type TableNames } from '../../../support/aws.ts';
import { cassandraForTests } from '../../../support/cassandra.ts';
import { indexRaw, T0, tradingStory } from '../../../support/frames.ts';
import { MemorySink } from '../../../support/memory-sink.ts';

const CONTACT_POINTS = process.env.CASSANDRA_CONTACT_POINTS;
const skip = CONTACT_POINTS ? false : 'CASSANDRA_CONTACT_POINTS not set (npm run cassandra -- start)';
const KEYSPACE = process.env.KEYSPACE_NAME || 'vn_stock_test';
const SYMBOLS = ['FPT', 'VCB', 'HPG'];
const DATE = '2026-04-14';
const SHARD = 'shardId-000000000000';

let client: Client;
let sink: KeyspacesSink;
let keyspacesHost = false;
let dynamo: Emulator;
let dynamoApi: DynamoDBClient;
let tableCount = 0;

before(async () => {
  if (skip) return;
  ({ client, keyspaces: keyspacesHost } = await cassandraForTests(KEYSPACE));
  if (!keyspacesHost) await ensureCqlSchema(client, KEYSPACE);
  sink = new KeyspacesSink({ client, keyspace: KEYSPACE });
  dynamo = await startDynamo();
  dynamoApi = dynamoClient(dynamo.endpoint);
});

after(async () => {
  await client?.shutdown();
  dynamoApi?.destroy();
  await dynamo?.stop();
});

beforeEach(async () => {
  if (skip) return;
  for (const table of CQL_TABLES) await client.execute(`TRUNCATE ${KEYSPACE}.${table.name}`);
});

/** The trading story as records of 10 frames, with two index frames. */
function storyRecords(symbols = SYMBOLS, frames = 40): BatchRecord[] {
  const { frames: stock } = tradingStory(symbols, frames, 3);
  const raws = stock.map(formatStockFrame);
  raws.splice(7, 0, indexRaw({ indexId: 'VN30', timeMs: T0 + 5_000 }));
  raws.splice(33, 0, indexRaw({ indexId: 'VN30', timeMs: T0 + 15_000, value: 1291.25 }));
  const records: BatchRecord[] = [];
  for (let i = 0; i < raws.length; i += 10) {
    const group = raws
      .slice(i, i + 10)
      .map((raw, j) => ({ raw, receivedAt: T0 + 900_000 + i + j, connectionId: 'c', seq: i + j }));
    records.push({ data: encodeRecord(group), sequenceNumber: String(i), arrivalMs: T0 + 900_000 });
  }
  return records;
}

type Tables = { trades: TradeRow[]; quotes: QuoteRow[]; bars: BarRow[]; indices: IndexRow[] };

/** Every row of the CQL tables, as domain rows, in a stable order. */
async function cqlTables(): Promise<Tables> {
  const all = async <T>(table: string, read: (row: { get(n: string): unknown }) => T) =>
    (await client.execute(`SELECT * FROM ${KEYSPACE}.${table}`)).rows.map(read);
  return sorted({
    trades: await all('trades', tradeFromCql),
    quotes: await all('quotes', quoteFromCql),
    bars: await all('bars', barFromCql),
    indices: await all('indices', indexFromCql),
  });
}

/** Every row of the DynamoDB tables, keys dropped, in the same order. */
async function dynamoTables(names: TableNames): Promise<Tables> {
  // `sk` is a field of a trade row (its sort key) but only a key of the other tables.
  const rows = async (table: string) =>
    (await scanTable(dynamoApi, table)).map(({ pk: _, sk: __, ...row }) => row) as never[];
  const trades = (await scanTable(dynamoApi, names.trades)).map(({ pk: _, ...row }) => row) as never[];
  return sorted({
    trades,
    quotes: await rows(names.quotes),
    bars: await rows(names.bars),
    indices: await rows(names.indices),
  });
}

function sorted(tables: Tables): Tables {
  const by = <T>(rows: T[], key: (r: T) => string) => rows.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  return {
    trades: by(tables.trades, (r) => `${r.symbol}|${r.sk}`),
    quotes: by(tables.quotes, (r) => r.symbol),
    bars: by(tables.bars, (r) => `${r.symbol}|${r.start}`),
    indices: by(tables.indices, (r) => `${r.indexId}|${r.time}`),
  };
}

/** `SINK=both` as the stack assembles it: DynamoDB (dynalite) read and written, the CQL sink written. */
async function bothSinks(cql: RowSink = sink) {
  const tables = await createTables(dynamoApi, `ks${++tableCount}`);
  const dynamoSink = new DynamoSink({ client: dynamoApi, tables, backoff: exponentialBackoff(1, 5, 3) });
  const both = combineSinks({
    name: 'both',
    reader: dynamoSink,
    writers: [dynamoSink, cql],
    rejects: dynamoSink,
  });
  return { tables, both };
}

function keyspacesOnly(): TransformSink {
  return combineSinks({ name: 'keyspaces', reader: sink, writers: [sink], rejects: new MemorySink() });
}

describe('Keyspaces sink against Cassandra', { skip }, () => {
  it('creates every table of core/cql/schema.ts with its columns and types', {
    skip: keyspacesHost,
  }, async () => {
    for (const table of CQL_TABLES) {
      const result = await client.execute(
        'SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?',
        [KEYSPACE, table.name],
        { prepare: true },
      );
      const columns = new Map(result.rows.map((r) => [String(r.get('column_name')), String(r.get('type'))]));
      assert.deepEqual(
        new Map(allColumns(table).map((c) => [c.name, c.type])),
        columns,
        `${KEYSPACE}.${table.name}`,
      );
    }
  });

  it('stores every table row for row equal to DynamoDB after the same batches (SINK=both)', async () => {
    const { tables, both } = await bothSinks();
    const records = storyRecords();
    for (const batch of [records.slice(0, 5), records.slice(5)]) {
      const outcome = await transformBatch(batch, SHARD, both);
      assert.equal(outcome.failedRecord, undefined);
    }
    const stored = await dynamoTables(tables);
    assert.ok(stored.trades.length > 0 && stored.bars.length > 0 && stored.indices.length > 0);
    assert.equal(stored.quotes.length, SYMBOLS.length);
    assert.deepEqual(await cqlTables(), stored);
  });

  it('derives nothing new from a replayed batch and leaves every table as it was', async () => {
    const combined = keyspacesOnly();
    const records = storyRecords();
    assert.equal((await transformBatch(records, SHARD, combined)).failedRecord, undefined);
    const before = await cqlTables();
    const again = await transformBatch(records, SHARD, combined);
    assert.equal(again.failedRecord, undefined);
    assert.equal(again.trades, 0, 'a replay derives nothing new');
    assert.deepEqual(await cqlTables(), before);
  });

  it('keeps a bar when an older merge of it is redelivered late (Keyspaces-only)', async () => {
    const records = storyRecords(['FPT'], 40);
    // What the first two records make of the bars, as a redelivery would write them again.
    const early = new MemorySink();
    await transformBatch(records.slice(0, 2), SHARD, early);
    const stale: BarWrite[] = [...early.bars.values()].map((bar) => ({ bar }));
    assert.ok(stale.length > 0);

    assert.equal((await transformBatch(records, SHARD, keyspacesOnly())).failedRecord, undefined);
    const { bars } = await cqlTables();
    const result = await sink.writeBars(stale);
    assert.equal(result.failed.length, 0);
    assert.ok((result.notNewer ?? 0) > 0, 'the stored bars are further on');
    assert.deepEqual((await cqlTables()).bars, bars, 'no bar moved backwards');
    // The same merge once more (a retry after a write that landed) is accepted and changes nothing.
    assert.equal(
      (await sink.writeBars(bars.map((bar) => ({ bar, expectedLastTrade: bar.lastTrade })))).failed.length,
      0,
    );
    assert.deepEqual((await cqlTables()).bars, bars);
  });

  it('writes a bar merged onto a watermark it does not hold (Keyspaces switched on mid-day)', async () => {
    const bar: BarRow = {
      symbol: 'FPT',
      tradingDate: DATE,
      minute: '09:30',
      start: T0,
      open: 1,
      high: 2,
      low: 1,
      close: 2,
      volume: 300,
      value: 500,
      trades: 2,
      lastTrade: tradeSortKey(T0 + 9, 300),
    };
    const result = await sink.writeBars([{ bar, expectedLastTrade: tradeSortKey(T0 + 1, 100) }]);
    assert.equal(result.failed.length, 0);
    assert.equal(result.requests, 2, 'the UPDATE ... IF found no row, the INSERT ... IF NOT EXISTS wrote it');
    assert.deepEqual((await cqlTables()).bars, [bar]);
  });

  it('rewrites the Keyspaces rows on the retry after a failed Keyspaces write (SINK=both)', async () => {
    // A Keyspaces write that fails once, for each table in turn; everything else reaches Cassandra.
    for (const method of ['writeTrades', 'writeBars', 'writeQuotes', 'writeIndices'] as const) {
      for (const table of CQL_TABLES) await client.execute(`TRUNCATE ${KEYSPACE}.${table.name}`);
      let failures = 1;
      const flaky: RowSink = Object.create(sink, {
        [method]: {
          value: async (rows: readonly unknown[]) => {
            if (failures-- > 0)
              return { failed: rows, error: new Error('injected'), retries: 0, writeUnits: 0, requests: 1 };
            return (sink[method] as (r: readonly unknown[]) => Promise<unknown>).call(sink, rows);
          },
        },
      });
      const { tables, both } = await bothSinks(flaky);
      const records = storyRecords();
      const first = await transformBatch(records, SHARD, both);
      assert.notEqual(first.failedRecord, undefined, `${method}: the failure fails the batch`);
      const retry = await transformBatch(records.slice(first.failedRecord), SHARD, both);
      assert.equal(retry.failedRecord, undefined, method);
      assert.deepEqual(await cqlTables(), await dynamoTables(tables), method);
    }
  });

  it('keeps the newer quote when an older one is written later (USING TIMESTAMP)', async () => {
    const { frames } = tradingStory(['MWG'], 3, 9);
    const [older, , newer] = frames;
    await sink.writeQuotes([quoteFromFrame(newer, newer.serverTime!, newer.serverTime! + 1)]);
    await sink.writeQuotes([quoteFromFrame(older, older.serverTime!, older.serverTime! + 1)]);
    const { quotes } = await cqlTables();
    assert.equal(quotes.length, 1);
    assert.equal(quotes[0].time, newer.serverTime);
  });

  it('round-trips every field of every row type, the new ones included', async () => {
    const trades: TradeRow[] = [
      {
        symbol: 'FPT',
        tradingDate: DATE,
        time: T0,
        kind: 'opening',
        price: 76_400,
        quantity: 12_000,
        value: 916_800_000,
        cumVolume: 12_000,
        cumValue: 916_800_000,
        sk: tradeSortKey(T0, 12_000),
      },
      {
        symbol: 'FPT',
        tradingDate: DATE,
        time: T0 + 1_000,
        kind: 'pre-existing',
        quantity: 3_000,
        cumVolume: 15_000,
        sk: tradeSortKey(T0 + 1_000, 15_000),
      },
      {
        symbol: 'FPT',
        tradingDate: DATE,
        time: T0 + 2_000,
        kind: 'gap',
        gapStart: T0 + 1_000,
        price: 76_500,
        quantity: 500,
        cumVolume: 15_500,
        flags: ['off-tick'],
        sk: tradeSortKey(T0 + 2_000, 15_500),
      },
      {
        symbol: 'FPT',
        tradingDate: DATE,
        time: T0 + 3_000,
        kind: 'correction',
        quantity: -200,
        cumVolume: 15_300,
        sk: tradeSortKey(T0 + 3_000, 15_300),
      },
      {
        symbol: 'FPT',
        tradingDate: DATE,
        time: T0 + 4_000,
        kind: 'trade',
        price: 76_600,
        quantity: 100,
        value: 7_660_000,
        cumVolume: 15_400,
        cumValue: 1_182_360_000,
        sk: tradeSortKey(T0 + 4_000, 15_400),
      },
    ];
    const bar: BarRow = {
      symbol: 'FPT',
      tradingDate: DATE,
      minute: '09:30',
      start: T0,
      open: 76_400,
      high: 76_600,
      low: 76_400,
      close: 76_600,
      volume: 12_100,
      value: 924_460_000,
      trades: 2,
      otherVolume: 3_300,
      lastTrade: trades[4].sk,
    };
    const quote: QuoteRow = {
      ...quoteFromFrame(tradingStory(['FPT'], 1, 2).frames[0], T0 + 4_000, T0 + 4_100),
      checkpoint: {
        version: 3,
        date: DATE,
        volume: 15_400,
        value: 1_182_360_000,
        clock: T0 + 4_000,
        rowTime: T0 + 4_000,
        frameTime: T0 + 4_000,
        seen: { 'c1~2': { volume: 15_400, time: T0 + 4_000 }, c2: { volume: 15_300, time: T0 + 3_500 } },
        pendingTime: T0 + 3_500,
        pendingVolume: 15_300,
        pendingValue: 1_170_000_000,
      },
    };
    const index: IndexRow = {
      indexId: 'VNINDEX',
      tradingDate: DATE,
      time: T0,
      value: 1_250.5,
      change: -3.25,
      changePercent: -0.26,
      totalVolume: 600_000_000,
      totalValue: 15_000_000_000_000,
      advances: 200,
      declines: 150,
      unchanged: 50,
      ceilingCount: 7,
      floorCount: 3,
      allVolume: 650_000_000,
      allValue: 16_500_000_000_000,
      open: 1_253.75,
      high: 1_260.25,
      low: 1_238,
    };
    for (const result of [
      await sink.writeTrades(trades),
      await sink.writeBars([{ bar }]),
      await sink.writeQuotes([quote]),
      await sink.writeIndices([index]),
    ])
      assert.equal(result.failed.length, 0);
    const stored = await cqlTables();
    assert.deepEqual(stored, sorted({ trades, quotes: [quote], bars: [bar], indices: [index] }));
    assert.equal(
      stored.trades.reduce((sum, t) => sum + t.quantity, 0),
      15_400,
      'the rows sum to the cumulative volume',
    );
    const previous = await sink.readQuotes([{ symbol: 'FPT', tradingDate: quote.tradingDate }]);
    assert.deepEqual(
      previous.get('FPT')?.checkpoint,
      quote.checkpoint,
      'readQuotes returns the checkpoint as written',
    );
  });
});
