/**
 * Real SDK clients and resources on the emulators for the tests: the pipeline's DynamoDB
 * tables created from `core/tables.ts` (all of them, or the ones named), a Kinesis stream,
 * and a round trip of records through it (PutRecords, then GetRecords) so the transform's
 * handler is driven by what Kinesis actually returns.
 */
import { Agent } from 'node:http';
import { after, before } from 'node:test';
import {
  CreateTableCommand,
  DynamoDBClient as Dynamo,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { PARTITION_ONLY_TABLES, TABLE_KEYS, TABLES, type TableName } from '../../core/tables.ts';
import { fromItem } from '../../functions/transform/sinks/dynamodb-items.ts';
import { type Emulator, startDynamo, startKinesis } from '../../local/emulators/launch.ts';

export const REGION = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const requestHandler = () =>
  new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 32 }), requestTimeout: 10_000 });

export function dynamoClient(endpoint: string, maxAttempts = 2): DynamoDBClient {
  return new Dynamo({ endpoint, region: REGION, credentials, requestHandler: requestHandler(), maxAttempts });
}

export function kinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: REGION,
    credentials,
    requestHandler: requestHandler(),
    maxAttempts: 3,
  });
}

/**
 * kinesalite and dynalite for one test file: started before its tests, stopped after them
 * (hooks registered by this call), with a client each.
 */
export function emulatorsForFile() {
  let kinesis: Emulator | undefined;
  let dynamo: Emulator | undefined;
  let kinesisApi: KinesisClient | undefined;
  let dynamoApi: DynamoDBClient | undefined;
  before(async () => {
    [kinesis, dynamo] = await Promise.all([startKinesis(), startDynamo()]);
    kinesisApi = kinesisClient(kinesis.endpoint);
    dynamoApi = dynamoClient(dynamo.endpoint);
  });
  after(async () => {
    kinesisApi?.destroy();
    dynamoApi?.destroy();
    await Promise.all([kinesis?.stop(), dynamo?.stop()]);
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error('the emulators are not started yet: use them inside a hook or a test');
    return value;
  };
  return {
    get kinesis(): KinesisClient {
      return started(kinesisApi);
    },
    get dynamo(): DynamoDBClient {
      return started(dynamoApi);
    },
    get dynamoEndpoint(): string {
      return started(dynamo).endpoint;
    },
  };
}

export type TableNames = Record<TableName, string>;

/** Creates every table of `core/tables.ts` as `<prefix>-<table>`. */
export async function createTables(client: DynamoDBClient, prefix: string): Promise<TableNames> {
  const names = Object.fromEntries(TABLES.map((table) => [table, `${prefix}-${table}`])) as TableNames;
  await createNamedTables(client, names);
  return names;
}

/** Creates the tables of `core/tables.ts` given a name in `names`, with their key layout. */
export async function createNamedTables(client: DynamoDBClient, names: Partial<TableNames>): Promise<void> {
  for (const table of TABLES) {
    const name = names[table];
    if (name === undefined) continue;
    const sorted = !PARTITION_ONLY_TABLES.has(table);
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
          ...(sorted ? [{ AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' as const }] : []),
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          ...(sorted ? [{ AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const }] : []),
        ],
      }),
    );
  }
}

/** Every item of a table as plain records (keys kept), sorted by key: comparable snapshots. */
export async function scanTable(client: DynamoDBClient, table: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) rows.push(fromItem(item, ['pk', 'sk']));
    start = out.LastEvaluatedKey;
  } while (start);
  const key = (r: Record<string, unknown>) => `${r.pk}\u0000${r.sk ?? ''}`;
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Puts `datas` as records (in order, one partition key, so one shard keeps the order),
 * then reads every record of the shard back with GetRecords from the start.
 */
export async function roundTrip(
  client: KinesisClient,
  stream: string,
  datas: readonly Uint8Array[],
  partitionKey = 'FPT',
): Promise<{ records: _Record[]; shardId: string }> {
  // PutRecords takes at most 500 records.
  for (let i = 0; i < datas.length; i += 500) {
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: datas.slice(i, i + 500).map((Data) => ({ Data, PartitionKey: partitionKey })),
      }),
    );
    if (out.FailedRecordCount) throw new Error(`${out.FailedRecordCount} records not put`);
  }
  const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamName: stream }));
  const shardId = StreamDescription?.Shards?.[0]?.ShardId as string;
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const records: _Record[] = [];
  let iterator = ShardIterator;
  while (iterator && records.length < datas.length) {
    const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    records.push(...(out.Records ?? []));
    iterator = out.Records?.length ? out.NextShardIterator : undefined;
  }
  return { records, shardId };
}
