import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { sdkClientConfig } from '../../ingest-task/sdk-client-config.ts';
import { type Emulator, startDynamo, startKinesis } from '../../local/emulators/launch.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('sdkClientConfig', () => {
  let kinesis: Emulator;
  let dynamo: Emulator;

  before(async () => {
    [kinesis, dynamo] = await Promise.all([startKinesis(), startDynamo()]);
  });

  after(async () => {
    await Promise.all([kinesis.stop(), dynamo.stop()]);
  });

  it('gives Kinesis and DynamoDB clients that talk to the emulators (HTTP/1.1)', async () => {
    const k = new KinesisClient(
      sdkClientConfig({ region: 'us-east-1', endpoint: kinesis.endpoint, credentials }),
    );
    const d = new DynamoDBClient(
      sdkClientConfig({ region: 'us-east-1', endpoint: dynamo.endpoint, credentials }),
    );
    try {
      assert.deepEqual((await k.send(new ListStreamsCommand({}))).StreamNames, []);
      assert.deepEqual((await d.send(new ListTablesCommand({}))).TableNames, []);
    } finally {
      k.destroy();
      d.destroy();
    }
  });
});
