import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  KinesisClient,
  PutRecordsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type AwsFaultProxy, startAwsFaultProxy } from '../../../local/emulators/fault-proxy.ts';
import { type Emulator, startDynamo, startKinesis } from '../../../local/emulators/launch.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const handler = () =>
  new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true }), connectionTimeout: 1_000 });

describe('aws fault proxy', () => {
  let kinesis: Emulator;
  let dynamo: Emulator;
  let kinesisProxy: AwsFaultProxy;
  let dynamoProxy: AwsFaultProxy;
  before(async () => {
    [kinesis, dynamo] = await Promise.all([startKinesis(), startDynamo()]);
    kinesisProxy = await startAwsFaultProxy(kinesis.endpoint);
    dynamoProxy = await startAwsFaultProxy(dynamo.endpoint);
    const admin = new KinesisClient({
      endpoint: kinesis.endpoint,
      region: 'us-east-1',
      credentials,
      requestHandler: handler(),
    });
    await admin.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    await waitUntilStreamExists({ client: admin, maxWaitTime: 20, minDelay: 1 }, { StreamName: 's' });
    admin.destroy();
  });
  after(async () => {
    await Promise.all([kinesisProxy.stop(), dynamoProxy.stop()]);
    await Promise.all([kinesis.stop(), dynamo.stop()]);
  });

  const kinesisClient = () =>
    new KinesisClient({
      endpoint: kinesisProxy.endpoint,
      region: 'us-east-1',
      credentials,
      requestHandler: handler(),
      maxAttempts: 1,
    });
  const put = (client: KinesisClient, n: number) =>
    client.send(
      new PutRecordsCommand({
        StreamName: 's',
        Records: Array.from({ length: n }, (_, i) => ({ PartitionKey: `k${i}`, Data: Uint8Array.of(i) })),
      }),
    );

  it('refuses part of a PutRecords request in place, storing the rest', async () => {
    const client = kinesisClient();
    kinesisProxy.set({ putRecordsFailRate: 0.5 });
    const result = await put(client, 200);
    kinesisProxy.set({ putRecordsFailRate: 0 });
    client.destroy();
    const refused = (result.Records ?? []).filter(
      (r) => r.ErrorCode === 'ProvisionedThroughputExceededException',
    );
    assert.equal(result.Records?.length, 200);
    assert.equal(result.FailedRecordCount, refused.length);
    assert.ok(refused.length > 50 && refused.length < 150, `${refused.length} refused`);
    assert.ok((result.Records ?? []).filter((r) => r.SequenceNumber).length === 200 - refused.length);
  });

  it('is unreachable while down and forwards again after', async () => {
    const client = kinesisClient();
    kinesisProxy.set({ down: true });
    await assert.rejects(put(client, 1));
    kinesisProxy.set({ down: false });
    const result = await put(client, 1);
    client.destroy();
    assert.equal(result.FailedRecordCount, 0);
    assert.ok(kinesisProxy.stats.resets >= 1);
  });

  it('answers throttling errors for the listed operations only', async () => {
    const client = new DynamoDBClient({
      endpoint: dynamoProxy.endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    dynamoProxy.set({ errorRate: 1, errorOperations: ['CreateTable'], error: 'throttle' });
    await assert.rejects(
      client.send(
        new CreateTableCommand({
          TableName: 't',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      ),
      (error: Error) => error.name === 'ThrottlingException',
    );
    assert.deepEqual((await client.send(new ListTablesCommand({}))).TableNames, []);
    dynamoProxy.set({ error: 'internal', errorOperations: [] });
    await assert.rejects(
      client.send(new ListTablesCommand({})),
      (error: Error & { $metadata?: { httpStatusCode?: number } }) => error.$metadata?.httpStatusCode === 500,
    );
    dynamoProxy.clear();
    client.destroy();
    assert.equal(dynamoProxy.stats.errors, 2);
  });

  it('fails the requests a rule picks until cleared, counting and keeping every request', async () => {
    const proxy = await startAwsFaultProxy(dynamo.endpoint, { keepRequests: true });
    const client = new DynamoDBClient({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    proxy.fail({ operation: 'ListTables', when: (body) => body.includes('"Limit":5'), error: 'unavailable' });
    await assert.rejects(
      client.send(new ListTablesCommand({ Limit: 5 })),
      (error: Error & { $metadata?: { httpStatusCode?: number } }) => error.$metadata?.httpStatusCode === 503,
    );
    await client.send(new ListTablesCommand({ Limit: 6 }));
    proxy.clear();
    await client.send(new ListTablesCommand({ Limit: 5 }));
    client.destroy();
    await proxy.stop();
    assert.equal(proxy.counts.get('ListTables'), 3);
    assert.deepEqual(
      proxy.requests.map((r) => [r.operation, r.body, r.faulted]),
      [
        ['ListTables', '{"Limit":5}', true],
        ['ListTables', '{"Limit":6}', false],
        ['ListTables', '{"Limit":5}', false],
      ],
    );
  });
});
