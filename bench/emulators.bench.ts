/**
 * Can the embedded emulators hold a whole trading day? Fills one kinesalite shard and
 * one dynalite table (both LevelDB-backed, as `npm start` runs them) and prints how
 * PutRecords / GetRecords / BatchWriteItem speed changes as they fill.
 *
 * Usage: npm run bench:emulators -- [--records 200000] [--record-bytes 4096] [--items 100000]
 * A trading day at the market's peak: ~2,000 frames/s × 4.5 h ≈ 32M frames; at 50–200
 * frames per compressed record that is 160k–650k records.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriteItemCommand, CreateTableCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { dynamoClient, kinesisClient } from '../local/emulators/clients.ts';
import { startDynamo, startKinesis } from '../local/emulators/launch.ts';
import { dirBytes } from '../local/runtime/disk-usage.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    'record-bytes': { type: 'string', default: '4096' },
    items: { type: 'string', default: '100000' },
    only: { type: 'string' },
  },
});
const RECORDS = Number(values.records);
const RECORD_BYTES = Number(values['record-bytes']);
const ITEMS = Number(values.items);

const root = mkdtempSync(join(tmpdir(), 'emu-bench-'));
try {
  if (values.only !== 'dynamodb') await benchKinesis(join(root, 'kinesis'));
  if (values.only !== 'kinesis') await benchDynamo(join(root, 'dynamodb'));
} finally {
  rmSync(root, { recursive: true, force: true });
}

async function benchKinesis(dataDir: string): Promise<void> {
  const emulator = await startKinesis({ dataDir });
  const client = kinesisClient({ endpoint: emulator.endpoint });
  try {
    await client.send(new CreateStreamCommand({ StreamName: 'bench', ShardCount: 1 }));
    const shard = (await client.send(new DescribeStreamCommand({ StreamName: 'bench' }))).StreamDescription!
      .Shards![0].ShardId!;
    const payload = randomBytes(RECORD_BYTES); // compressed data: incompressible
    const perCall = Math.max(1, Math.min(500, Math.floor((4.5 * 1024 * 1024) / RECORD_BYTES)));
    let put = 0;
    let blockStart = performance.now();
    let blockPut = 0;
    const started = performance.now();
    const report = RECORDS / 10;
    while (put < RECORDS) {
      const n = Math.min(perCall, RECORDS - put);
      const entries = Array.from({ length: n }, (_, i) => ({
        Data: payload,
        PartitionKey: `k${(put + i) % 97}`,
      }));
      const out = await client.send(new PutRecordsCommand({ StreamName: 'bench', Records: entries }));
      if (out.FailedRecordCount) throw new Error(`PutRecords failed ${out.FailedRecordCount}`);
      put += n;
      blockPut += n;
      if (blockPut >= report || put === RECORDS) {
        const ms = performance.now() - blockStart;
        console.log(
          `kinesis put: shard holds ${put} records, last block ${Math.round((blockPut / ms) * 1000)} records/s ` +
            `(${((blockPut * RECORD_BYTES) / 1024 / 1024 / (ms / 1000)).toFixed(1)} MiB/s)`,
        );
        blockStart = performance.now();
        blockPut = 0;
      }
    }
    console.log(`kinesis put total: ${Math.round((put / (performance.now() - started)) * 1000)} records/s`);
    console.log(`kinesis data dir: ${(dirBytes(dataDir) / 1024 / 1024).toFixed(0)} MiB for ${put} records`);
    // GetRecords from the start (full shard scan with seeks) and read the whole shard.
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: 'bench',
          ShardId: shard,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    let read = 0;
    const readStart = performance.now();
    const callMs: number[] = [];
    const limit = Math.max(1, Math.min(10_000, Math.floor((10 * 1024 * 1024) / RECORD_BYTES)));
    while (iterator && read < put) {
      const t = performance.now();
      const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
      callMs.push(performance.now() - t);
      read += out.Records?.length ?? 0;
      iterator = out.NextShardIterator;
      if (!out.Records?.length) break;
    }
    const readMs = performance.now() - readStart;
    callMs.sort((a, b) => a - b);
    console.log(
      `kinesis get: read ${read} records in ${(readMs / 1000).toFixed(1)} s (${Math.round((read / readMs) * 1000)} records/s, ` +
        `Limit ${limit}, p50 ${callMs[Math.floor(callMs.length / 2)].toFixed(0)} ms/call)`,
    );
    // Tail read: AFTER_SEQUENCE_NUMBER near the end, as a caught-up poller does.
    const tail = await tailLatency(client, shard);
    console.log(
      `kinesis get at the tail of a full shard: ${tail.toFixed(1)} ms per GetShardIterator+GetRecords`,
    );
  } finally {
    client.destroy();
    await emulator.stop();
  }
}

async function tailLatency(client: ReturnType<typeof kinesisClient>, shard: string): Promise<number> {
  const t = performance.now();
  const rounds = 20;
  for (let i = 0; i < rounds; i++) {
    const it = await client.send(
      new GetShardIteratorCommand({ StreamName: 'bench', ShardId: shard, ShardIteratorType: 'LATEST' }),
    );
    await client.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator!, Limit: 100 }));
  }
  return (performance.now() - t) / rounds;
}

async function benchDynamo(dataDir: string): Promise<void> {
  const emulator = await startDynamo({ dataDir });
  const client = dynamoClient({ endpoint: emulator.endpoint });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: 'trades',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    const started = performance.now();
    let written = 0;
    let blockStart = performance.now();
    let blockWritten = 0;
    const concurrency = 4;
    const report = ITEMS / 5;
    const nextBatch = (): Promise<void> | undefined => {
      if (written >= ITEMS) return undefined;
      const base = written;
      const n = Math.min(25, ITEMS - written);
      written += n;
      const requests = Array.from({ length: n }, (_, i) => ({
        PutRequest: { Item: tradeItem(base + i) },
      }));
      return client.send(new BatchWriteItemCommand({ RequestItems: { trades: requests } })).then((out) => {
        if (Object.keys(out.UnprocessedItems ?? {}).length) throw new Error('unprocessed items');
        blockWritten += n;
        if (blockWritten >= report) {
          const ms = performance.now() - blockStart;
          console.log(
            `dynamodb write: table holds ~${written} items, last block ${Math.round((blockWritten / ms) * 1000)} items/s`,
          );
          blockStart = performance.now();
          blockWritten = 0;
        }
        return nextBatch();
      });
    };
    await Promise.all(Array.from({ length: concurrency }, () => nextBatch()));
    console.log(
      `dynamodb write total: ${Math.round((ITEMS / (performance.now() - started)) * 1000)} items/s`,
    );
    console.log(`dynamodb data dir: ${(dirBytes(dataDir) / 1024 / 1024).toFixed(0)} MiB for ${ITEMS} items`);
    const t = performance.now();
    const out = await client.send(
      new QueryCommand({
        TableName: 'trades',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'SYM7#2026-04-14' } },
        ScanIndexForward: false,
        Limit: 20,
      }),
    );
    console.log(
      `dynamodb query last 20 of a partition: ${(performance.now() - t).toFixed(0)} ms (${out.Count} items)`,
    );
  } finally {
    client.destroy();
    await emulator.stop();
  }
}

function tradeItem(i: number) {
  const symbol = `SYM${i % 400}`;
  const time = 1776132900000 + i * 7;
  return {
    pk: { S: `${symbol}#2026-04-14` },
    sk: { S: `${String(time).padStart(13, '0')}#${String(i * 100).padStart(15, '0')}` },
    symbol: { S: symbol },
    price: { N: String(20000 + (i % 500) * 50) },
    qty: { N: '100' },
    cumVolume: { N: String(i * 100) },
    time: { N: String(time) },
    receivedAt: { N: String(time + 300) },
  };
}
