/**
 * The Keyspaces (CQL) sink against a real Cassandra. No Cassandra can run in CI here, so
 * this runs only when `CASSANDRA_CONTACT_POINTS` is set and is reported as skipped
 * otherwise. To run it:
 *
 * ```sh
 * docker run -d --name cassandra -p 9042:9042 cassandra:4.1      # wait ~1 min for it to listen
 * CASSANDRA_CONTACT_POINTS=127.0.0.1 CASSANDRA_LOCAL_DC=datacenter1 \
 *   node --import tsx --test test/functions/sinks/keyspaces-sink.integration.test.ts
 * ```
 *
 * Against Amazon Keyspaces: `CASSANDRA_CONTACT_POINTS=cassandra.<region>.amazonaws.com`
 * with `AWS_REGION` and credentials in the environment (SigV4, TLS on 9142); the
 * keyspace (`KEYSPACE_NAME`, default `vn_stock_test`) is created with `SingleRegionStrategy`
 * and table creation is asynchronous there, so create it beforehand with `cqlDdl`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'cassandra-driver';
import { cqlDdl } from '../../../core/cql/schema.ts';
import type { BatchRecord } from '../../../core/derive/decode-batch.ts';
import { transformBatch } from '../../../core/derive/transform-batch.ts';
import { formatStockFrame } from '../../../core/iboard/format-frame.ts';
import { encodeRecord } from '../../../core/records/index.ts';
import { createCassandraClient } from '../../../functions/sinks/cassandra-client.ts';
import { combineSinks } from '../../../functions/sinks/combined-sink.ts';
import { KeyspacesSink, quoteFromCql } from '../../../functions/sinks/keyspaces-sink.ts';
import { loadTransformConfig } from '../../../functions/transform-config.ts';
import { T0, tradingStory } from '../../support/frames.ts';
import { MemorySink } from '../../support/memory-sink.ts';

const CONTACT_POINTS = process.env.CASSANDRA_CONTACT_POINTS;
const skip = CONTACT_POINTS ? false : 'CASSANDRA_CONTACT_POINTS not set';
const KEYSPACE = process.env.KEYSPACE_NAME || 'vn_stock_test';
const SYMBOLS = ['FPT', 'VCB', 'HPG'];

describe('Keyspaces sink against Cassandra', () => {
  let client: Client;
  let sink: KeyspacesSink;

  before(async () => {
    if (skip) return;
    const config = loadTransformConfig({
      ...process.env,
      SINK: 'keyspaces',
      REJECTS_TABLE: 'unused',
      KEYSPACE_NAME: KEYSPACE,
    });
    client = await createCassandraClient(config.cassandra!);
    if (!config.cassandra?.keyspaces) {
      for (const statement of cqlDdl(KEYSPACE)) await client.execute(statement);
      for (const table of ['trades', 'quotes', 'bars', 'indices'])
        await client.execute(`TRUNCATE ${KEYSPACE}.${table}`);
    }
    sink = new KeyspacesSink({ client, keyspace: KEYSPACE });
  });

  after(async () => {
    await client?.shutdown();
  });

  it('writes trades, quotes and bars that read back equal, idempotently', { skip }, async () => {
    const { frames, trades } = tradingStory(SYMBOLS, 40, 3);
    const raws = frames.map(formatStockFrame);
    const records: BatchRecord[] = [];
    for (let i = 0; i < raws.length; i += 10) {
      const group = raws
        .slice(i, i + 10)
        .map((raw, j) => ({ raw, receivedAt: T0 + 900_000 + i + j, connectionId: 'c', seq: i + j }));
      records.push({ data: encodeRecord(group), sequenceNumber: String(i), arrivalMs: T0 + 900_000 });
    }
    const rejects = new MemorySink();
    const combined = combineSinks({ name: 'keyspaces', reader: sink, writers: [sink], rejects });
    const first = await transformBatch(records, 'shardId-000000000000', combined);
    assert.equal(first.failedRecord, undefined);
    const again = await transformBatch(records, 'shardId-000000000000', combined);
    assert.equal(again.trades, 0, 'a replay derives nothing new');

    for (const symbol of SYMBOLS) {
      const result = await client.execute(
        `SELECT trade_time, quantity, price FROM ${KEYSPACE}.trades WHERE symbol = ? AND trading_date = ?`,
        [symbol, '2026-04-14'],
        { prepare: true },
      );
      assert.deepEqual(
        result.rows.map((r) => [
          (r.get('trade_time') as Date).getTime(),
          Number(r.get('quantity')),
          r.get('price'),
        ]),
        trades.get(symbol)!.map((t) => [t.time, t.quantity, t.price]),
      );
      const bars = await client.execute(
        `SELECT volume FROM ${KEYSPACE}.bars WHERE symbol = ? AND trading_date = ?`,
        [symbol, '2026-04-14'],
        { prepare: true },
      );
      assert.equal(
        bars.rows.reduce((s, r) => s + Number(r.get('volume')), 0),
        trades.get(symbol)!.reduce((s, t) => s + t.quantity, 0),
      );
    }
  });

  it('keeps the newer quote when an older one is written later (USING TIMESTAMP)', { skip }, async () => {
    const { frames } = tradingStory(['MWG'], 3, 9);
    const [older, , newer] = frames;
    const { quoteFromFrame } = await import('../../../core/derive/quotes.ts');
    await sink.writeQuotes([quoteFromFrame(newer, newer.serverTime!, newer.serverTime! + 1)]);
    await sink.writeQuotes([quoteFromFrame(older, older.serverTime!, older.serverTime! + 1)]);
    const row = (
      await client.execute(
        `SELECT * FROM ${KEYSPACE}.quotes WHERE symbol = ? AND trading_date = ?`,
        ['MWG', '2026-04-14'],
        {
          prepare: true,
        },
      )
    ).first();
    assert.equal(quoteFromCql(row).time, newer.serverTime);
  });
});
