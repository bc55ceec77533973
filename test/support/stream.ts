/**
 * Kinesis helpers for the ingest tests: create a stream on the emulator and read every
 * record of every shard back, decoded with `core/records`.
 */
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { decodeRecord, type Envelope } from '../../core/records/index.ts';
import { createKinesisClient } from '../../ingest-task/kinesis-client.ts';

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

export async function createStream(client: KinesisClient, name: string, shards = 2): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeStreamCommand({ StreamName: name }));
    if (out.StreamDescription?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stream ${name} did not become ACTIVE`);
}

export type StoredRecord = { shardId: string; partitionKey: string; envelopes: Envelope[] };

/** Every record of the stream, shard by shard, in sequence order. */
export async function readStream(client: KinesisClient, name: string): Promise<StoredRecord[]> {
  const description = await client.send(new DescribeStreamCommand({ StreamName: name }));
  const out: StoredRecord[] = [];
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
      for (const record of page.Records ?? []) {
        out.push({
          shardId,
          partitionKey: record.PartitionKey as string,
          envelopes: decodeRecord(record.Data as Uint8Array),
        });
      }
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

/** All envelopes of the stream, flattened (shard order, then sequence order). */
export async function readEnvelopes(client: KinesisClient, name: string): Promise<Envelope[]> {
  return (await readStream(client, name)).flatMap((r) => r.envelopes);
}
