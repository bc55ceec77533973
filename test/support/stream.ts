/**
 * Kinesis helpers for the tests: create a stream on the emulator and read every record of
 * every shard back, as Kinesis returns it or decoded with `core/records`.
 */
import { after, before } from 'node:test';
import {
  type _Record,
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { decodeRecord, type Envelope } from '../../core/records/index.ts';
import { createKinesisClient } from '../../ingest-task/kinesis-client.ts';
import { type Emulator, startKinesis } from '../../local/emulators/launch.ts';

export const TEST_REGION = 'ap-southeast-1';

/** Dummy credentials for the emulators (the SDK insists on some). */
export const EMULATOR_ENV = {
  AWS_REGION: TEST_REGION,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
} as const;

export function emulatorClient(endpoint: string): KinesisClient {
  for (const [key, value] of Object.entries(EMULATOR_ENV)) process.env[key] ??= value;
  return createKinesisClient({ region: TEST_REGION, endpoint });
}

/** Creates a stream of `shards` shards and waits until it is active; returns its ARN. */
export async function createStream(client: KinesisClient, name: string, shards = 1): Promise<string> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeStreamCommand({ StreamName: name }));
    if (out.StreamDescription?.StreamStatus === 'ACTIVE') return out.StreamDescription.StreamARN as string;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
}

/**
 * kinesalite for one test file: started before its tests, stopped after them (hooks
 * registered by this call), with a client and fresh streams `<prefix>-1`, `<prefix>-2`, …
 * of `shards` shards each.
 */
export function kinesisForFile(prefix: string, shards: number) {
  let emulator: Emulator | undefined;
  let api: KinesisClient | undefined;
  let streams = 0;
  before(async () => {
    emulator = await startKinesis();
    api = emulatorClient(emulator.endpoint);
  });
  after(async () => {
    api?.destroy();
    await emulator?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('kinesalite is not started yet: use it inside a hook or a test');
    return value;
  };
  return {
    get endpoint(): string {
      return started(emulator).endpoint;
    },
    get client(): KinesisClient {
      return started(api);
    },
    async newStream(): Promise<string> {
      const name = `${prefix}-${++streams}`;
      await createStream(started(api), name, shards);
      return name;
    },
  };
}

export type StoredRecord = { shardId: string; partitionKey: string; envelopes: Envelope[] };

/** Every record of the stream as Kinesis returns it, shard by shard, in sequence order. */
export async function readRecords(
  client: KinesisClient,
  name: string,
): Promise<(_Record & { shardId: string })[]> {
  const description = await client.send(new DescribeStreamCommand({ StreamName: name }));
  const out: (_Record & { shardId: string })[] = [];
  for (const shard of description.StreamDescription?.Shards ?? []) {
    const shardId = shard.ShardId as string;
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) out.push({ ...record, shardId });
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

/** Every record of the stream, shard by shard, in sequence order, decoded. */
export async function readStream(client: KinesisClient, name: string): Promise<StoredRecord[]> {
  return (await readRecords(client, name)).map((record) => ({
    shardId: record.shardId,
    partitionKey: record.PartitionKey as string,
    envelopes: decodeRecord(record.Data as Uint8Array),
  }));
}

/** All envelopes of the stream, flattened (shard order, then sequence order). */
export async function readEnvelopes(client: KinesisClient, name: string): Promise<Envelope[]> {
  return (await readStream(client, name)).flatMap((r) => r.envelopes);
}
