import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CreateStreamCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { dynamoClient, kinesisClient } from '../../../local/emulators/clients.ts';
import { type Emulator, startDynamo, startKinesis } from '../../../local/emulators/launch.ts';
import { type Router, startRouter } from '../../../local/emulators/router.ts';
import { createNamedTables } from '../../support/aws.ts';

const run = promisify(execFile);

/** The AWS CLI v1 on PATH, with dummy credentials, exactly as a user runs it. */
async function aws(endpoint: string, ...args: string[]): Promise<unknown> {
  const { stdout } = await run('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
    },
  });
  return JSON.parse(stdout);
}

describe('router in front of kinesalite and dynalite', () => {
  let kinesis: Emulator;
  let dynamo: Emulator;
  let router: Router;
  let endpoint: string;
  before(async () => {
    [kinesis, dynamo] = await Promise.all([startKinesis(), startDynamo()]);
    router = await startRouter({ upstreams: { kinesis: kinesis.endpoint, dynamodb: dynamo.endpoint } });
    endpoint = `http://localhost:${router.port}`;
  });
  after(async () => {
    await router.stop();
    await Promise.all([kinesis.stop(), dynamo.stop()]);
  });

  it('serves the AWS CLI: dynamodb list-tables and kinesis describe-stream', async () => {
    const ddb = dynamoClient({ endpoint: router.url });
    const kin = kinesisClient({ endpoint: router.url });
    try {
      await createNamedTables(ddb, { control: 'routed' });
      await kin.send(new CreateStreamCommand({ StreamName: 'routed', ShardCount: 1 }));
      await new Promise((r) => setTimeout(r, 100));
      const put = await kin.send(
        new PutRecordsCommand({
          StreamName: 'routed',
          Records: [{ Data: Buffer.from('x'), PartitionKey: 'k' }],
        }),
      );
      assert.equal(put.FailedRecordCount, 0);
    } finally {
      ddb.destroy();
      kin.destroy();
    }
    const tables = (await aws(endpoint, 'dynamodb', 'list-tables')) as { TableNames: string[] };
    assert.deepEqual(tables.TableNames, ['routed']);
    const stream = (await aws(endpoint, 'kinesis', 'describe-stream', '--stream-name', 'routed')) as {
      StreamDescription: { StreamName: string; StreamStatus: string; Shards: unknown[] };
    };
    assert.equal(stream.StreamDescription.StreamName, 'routed');
    assert.equal(stream.StreamDescription.StreamStatus, 'ACTIVE');
    assert.equal(stream.StreamDescription.Shards.length, 1);
    assert.ok(router.counts.kinesis >= 2 && router.counts.dynamodb >= 2);
  });

  it('gives the AWS CLI a clear error for a service it does not emulate', async () => {
    await assert.rejects(aws(endpoint, 'sqs', 'list-queues'), (error: Error & { stderr?: string }) => {
      assert.match(error.stderr ?? '', /emulates kinesis and dynamodb only/);
      return true;
    });
  });
});
