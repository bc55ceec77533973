import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  type KinesisClient,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { kinesisClient } from '../../../local/emulators/clients.ts';
import { type Emulator, startKinesis } from '../../../local/emulators/launch.ts';
import { CheckpointStore } from '../../../local/lambda/checkpoint-store.ts';
import { DeadLetterFile, failureMessage } from '../../../local/lambda/dead-letter-file.ts';
import {
  KinesisEventSource,
  type KinesisHandler,
  type MappingSettings,
} from '../../../local/lambda/event-source-mapping.ts';

const SETTINGS: MappingSettings = {
  batchSize: 50,
  maxBatchingWindowMs: 0,
  reportBatchItemFailures: true,
  bisectOnError: true,
  maxRetryAttempts: 2,
  maxRecordAgeMs: -1,
  parallelizationFactor: 1,
  startingPosition: 'TRIM_HORIZON',
};

describe('KinesisEventSource against kinesalite', () => {
  let emulator: Emulator;
  let kinesis: KinesisClient;
  let dir: string;
  before(async () => {
    emulator = await startKinesis();
    kinesis = kinesisClient({ endpoint: emulator.endpoint });
    dir = mkdtempSync(join(tmpdir(), 'event-source-'));
  });
  after(async () => {
    kinesis.destroy();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function stream(name: string, shards: number, records: number): Promise<void> {
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    await new Promise((r) => setTimeout(r, 100));
    await put(name, 0, records);
  }
  async function put(name: string, from: number, count: number): Promise<void> {
    for (let i = from; i < from + count; i += 500) {
      const n = Math.min(500, from + count - i);
      const out = await kinesis.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: Array.from({ length: n }, (_, j) => ({
            Data: Buffer.from(String(i + j)),
            PartitionKey: `sym${(i + j) % 13}`,
          })),
        }),
      );
      assert.equal(out.FailedRecordCount, 0);
    }
  }

  function source(name: string, handler: KinesisHandler, settings: Partial<MappingSettings> = {}) {
    const dlq = new DeadLetterFile(join(dir, `${name}.dlq.jsonl`));
    const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;
    const es = new KinesisEventSource({
      kinesis,
      streamName: name,
      streamArn: arn,
      roleArn: 'arn:aws:iam::000000000000:role/test',
      fn: {
        functionName: 'test',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
        memoryMb: 128,
        timeoutMs: 5_000,
      },
      handler,
      settings: { ...SETTINGS, ...settings },
      checkpoints: CheckpointStore.open(join(dir, `${name}.checkpoints.json`)),
      onFailure: async (failure, shardId, requestId) =>
        dlq.write(failureMessage(failure, { shardId, streamArn: arn, functionArn: 'fn', requestId })),
      idlePollMs: 50,
      shardRefreshMs: 200,
      backoff: async () => {},
    });
    return { es, dlq };
  }

  /** A handler that records what it saw, per shard, as the numbers put. */
  function recorder() {
    const seen = new Map<string, number[]>();
    const events: KinesisStreamEvent[] = [];
    const handler: KinesisHandler = async (event) => {
      events.push(event);
      for (const r of event.Records) {
        const shard = r.eventID.split(':')[0];
        const list = seen.get(shard) ?? [];
        list.push(Number(Buffer.from(r.kinesis.data, 'base64').toString()));
        seen.set(shard, list);
      }
      return { batchItemFailures: [] };
    };
    return { seen, events, handler };
  }

  async function until(check: () => boolean, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('keeps every invocation under the 6 MB payload in a backlog of large records, each record once', async () => {
    // 90 records of 200,000 bytes: ~24 MB of event in base64, read with a batch size of 2,000.
    const name = 'large';
    const count = 90;
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < count; i += 15) {
      // PutRecords takes 5 MiB per call: 15 records of 200 kB.
      const out = await kinesis.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: Array.from({ length: 15 }, (_, j) => {
            const data = Buffer.alloc(200_000, 'x');
            data.write(String(i + j).padStart(6, '0'));
            return { Data: data, PartitionKey: `sym${(i + j) % 7}` };
          }),
        }),
      );
      assert.equal(out.FailedRecordCount, 0);
    }
    const sizes: number[] = [];
    const seen: number[] = [];
    const { es } = source(
      name,
      async (event) => {
        sizes.push(Buffer.byteLength(JSON.stringify(event)));
        for (const r of event.Records) {
          seen.push(Number(Buffer.from(r.kinesis.data, 'base64').subarray(0, 6).toString()));
        }
        return { batchItemFailures: [] };
      },
      { batchSize: 2000 },
    );
    await es.start();
    await until(() => es.stats.records === count, 30_000);
    await es.stop();
    const limit = 6 * 1024 * 1024;
    assert.ok(sizes.length >= 4, `${sizes.length} batches: ${sizes.join(', ')}`);
    for (const size of sizes) assert.ok(size <= limit, `an event of ${size} bytes`);
    // Full batches stop within one record (~267 kB in the event) of the limit, as AWS's do.
    assert.ok(
      sizes.slice(0, -1).every((size) => size > limit - 270_000),
      sizes.join(', '),
    );
    assert.equal(
      es.stats.largestPayloadBytes,
      Math.max(...sizes),
      'the counter measures what the handler got',
    );
    assert.deepEqual(
      seen,
      Array.from({ length: count }, (_, i) => i),
      'every record once, in order',
    );
  });

  it('delivers every record once, in order per shard, with Lambda-shaped events', async () => {
    await stream('order', 2, 1200);
    const { seen, events, handler } = recorder();
    const { es } = source('order', handler);
    await es.start();
    await until(() => es.stats.records === 1200);
    await es.stop();
    const all = [...seen.values()].flat().sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 1200 }, (_, i) => i),
    );
    for (const list of seen.values())
      assert.deepEqual(
        list,
        [...list].sort((a, b) => a - b),
      );
    assert.ok(events.every((e) => e.Records.length <= 50));
    const r = events[0].Records[0];
    assert.equal(r.eventSource, 'aws:kinesis');
    assert.equal(r.eventSourceARN, 'arn:aws:kinesis:us-east-1:000000000000:stream/order');
    assert.equal(r.eventID, `${r.eventID.split(':')[0]}:${r.kinesis.sequenceNumber}`);
    assert.ok(Math.abs(r.kinesis.approximateArrivalTimestamp - Date.now() / 1000) < 60, 'arrival in seconds');
  });

  it('resumes after the checkpoint on restart: nothing lost, nothing repeated', async () => {
    await stream('resume', 1, 300);
    const first = recorder();
    const a = source('resume', first.handler);
    await a.es.start();
    await until(() => a.es.stats.records === 300);
    await a.es.stop();
    await put('resume', 300, 200);
    const second = recorder();
    const b = source('resume', second.handler);
    await b.es.start();
    await until(() => b.es.stats.records === 200);
    await b.es.stop();
    assert.deepEqual(
      [...second.seen.values()].flat(),
      Array.from({ length: 200 }, (_, i) => 300 + i),
    );
  });

  it('isolates a poison record to the on-failure file and processes the rest', async () => {
    await stream('poison', 1, 100);
    const handled: number[] = [];
    const { es, dlq } = source('poison', async (event) => {
      const values = event.Records.map((r) => Number(Buffer.from(r.kinesis.data, 'base64').toString()));
      if (values.includes(42)) throw new Error('cannot handle 42');
      handled.push(...values);
    });
    await es.start();
    await until(() => es.stats.records === 100);
    await es.stop();
    assert.deepEqual(
      handled,
      Array.from({ length: 100 }, (_, i) => i).filter((v) => v !== 42),
    );
    const [message] = dlq.read();
    assert.equal(message.requestContext.condition, 'RetryAttemptsExhausted');
    assert.equal(message.KinesisBatchInfo.batchSize, 1);
    assert.equal(message.errorMessage, 'cannot handle 42');
    assert.equal(message.KinesisBatchInfo.startSequenceNumber, message.KinesisBatchInfo.endSequenceNumber);
  });

  it('closes a batch at the batch size, and by the window from the first record’s arrival', async () => {
    await stream('window', 1, 30);
    // The 30 records have been waiting longer than the window: no extra wait.
    await new Promise((r) => setTimeout(r, 2_100));
    const sizes: { size: number; at: number }[] = [];
    const { es } = source(
      'window',
      async (event) => {
        sizes.push({ size: event.Records.length, at: Date.now() });
      },
      { batchSize: 20, maxBatchingWindowMs: 2_000 },
    );
    const started = Date.now();
    await es.start();
    await until(() => es.stats.records === 30);
    await put('window', 30, 1);
    await until(() => es.stats.records === 31);
    await es.stop();
    assert.deepEqual(
      sizes.map((s) => s.size),
      [20, 10, 1],
    );
    // Read after the window had passed: invoked at once, not a window later.
    assert.ok(sizes[1].at - started < 1_500, `backlog invoked at once (${sizes[1].at - started} ms)`);
    // A lone new record waits for its window.
    assert.ok(sizes[2].at - sizes[1].at >= 1_900, 'the new record waited for the window');
  });

  it('follows a resharding: the parent is read to its end, then its children', async () => {
    await stream('split', 1, 50);
    const order: string[] = [];
    const { es } = source('split', async (event) => {
      for (const r of event.Records)
        order.push(`${r.eventID.split(':')[0]}:${Buffer.from(r.kinesis.data, 'base64')}`);
    });
    await es.start();
    await until(() => es.stats.records === 50);
    await kinesis.send(
      new SplitShardCommand({
        StreamName: 'split',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    await put('split', 50, 50);
    await until(() => es.stats.records === 100, 30_000);
    await es.stop();
    const shardOf = (entry: string) => entry.split(':')[0];
    assert.deepEqual(order.slice(0, 50).map(shardOf), Array(50).fill('shardId-000000000000'));
    assert.ok(
      order.slice(50).every((e) => shardOf(e) !== 'shardId-000000000000'),
      'new records come from the children',
    );
  });

  it('drains to the end of the stream on stop', async () => {
    await stream('drain', 1, 0);
    const { seen, handler } = recorder();
    const { es } = source('drain', handler, { maxBatchingWindowMs: 500 });
    await es.start();
    await put('drain', 0, 700);
    const { drained } = await es.stop(10_000);
    assert.equal(drained, true);
    assert.equal([...seen.values()].flat().length, 700);
  });
});
