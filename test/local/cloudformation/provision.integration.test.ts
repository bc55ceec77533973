import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DeleteTableCommand, DescribeTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { ProvisionError, provision } from '../../../local/cloudformation/provision.ts';
import { readTemplate } from '../../../local/cloudformation/template.ts';
import { dynamoClient, kinesisClient } from '../../../local/emulators/clients.ts';
import { type Emulator, startDynamo, startKinesis } from '../../../local/emulators/launch.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/local-template.json', import.meta.url), 'utf8'),
);
const context = { region: 'us-east-1', account: '000000000000' };

describe('provision from a template', () => {
  let kinesis: Emulator;
  let dynamo: Emulator;
  let k: ReturnType<typeof kinesisClient>;
  let d: ReturnType<typeof dynamoClient>;
  before(async () => {
    [kinesis, dynamo] = await Promise.all([startKinesis(), startDynamo()]);
    k = kinesisClient({ endpoint: kinesis.endpoint });
    d = dynamoClient({ endpoint: dynamo.endpoint });
  });
  after(async () => {
    k.destroy();
    d.destroy();
    await Promise.all([kinesis.stop(), dynamo.stop()]);
  });

  const run = (template = readTemplate(fixture, context)) =>
    provision({
      template,
      kinesis: k,
      dynamodb: d,
      dataDir: '/data',
      controlTable: 'ControlTable99AABBCC',
      now: () => 42,
    });

  it('creates the stream, the tables with their keys, the control item and the queue files', async () => {
    const result = await run();
    const stream = await k.send(new DescribeStreamSummaryCommand({ StreamName: 'vn-stock-frames' }));
    assert.equal(stream.StreamDescriptionSummary?.OpenShardCount, 2);
    const trades = (await d.send(new DescribeTableCommand({ TableName: 'vn-stock-trades' }))).Table;
    assert.deepEqual(trades?.KeySchema, [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const control = await d.send(
      new GetItemCommand({ TableName: 'ControlTable99AABBCC', Key: { pk: { S: 'ingest' } } }),
    );
    assert.equal(control.Item?.desired?.S, 'stopped');
    assert.equal(control.Item?.updatedAt?.N, '42');
    assert.deepEqual(result.queueFiles, { TransformDlq0A1B2C3D: '/data/dlq/vn-stock-transform-dlq.jsonl' });
    assert.ok(result.lines.some((l) => /vn-stock-rejects: created.*TTL on expiresAt not applied/.test(l)));
  });

  it('is idempotent: a second run leaves everything as it is', async () => {
    const result = await run();
    assert.ok(
      result.lines.some((l) => l === 'stream vn-stock-frames: exists (2 shards)'),
      result.lines.join('\n'),
    );
    assert.ok(result.lines.some((l) => l.startsWith('table vn-stock-trades: exists, keys pk(S)/sk(S)')));
    assert.ok(result.lines.some((l) => /control item ingest .*: exists \(desired=stopped\)/.test(l)));
  });

  it('reports a stream whose shard count changed and keeps it', async () => {
    const t = structuredClone(fixture);
    t.Resources.Stream790BDEE4.Properties.ShardCount = 4;
    const result = await run(readTemplate(t, context));
    assert.ok(result.lines.some((l) => /exists with 2 shards, the template says 4; kept as is/.test(l)));
  });

  it('stops with a clear error when a table’s keys changed', async () => {
    const t = structuredClone(fixture);
    t.Resources.QuotesTable11223344.Properties.KeySchema = [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ];
    t.Resources.QuotesTable11223344.Properties.AttributeDefinitions.push({
      AttributeName: 'sk',
      AttributeType: 'S',
    });
    await assert.rejects(run(readTemplate(t, context)), (error: unknown) => {
      assert.ok(error instanceof ProvisionError);
      assert.match(
        error.message,
        /table vn-stock-quotes exists with keys pk\(S\)\/— but the template declares pk\(S\)\/sk\(S\): run `npm run reset`/,
      );
      return true;
    });
  });

  it('recreates a table deleted behind its back', async () => {
    await d.send(new DeleteTableCommand({ TableName: 'vn-stock-quotes' }));
    const result = await run();
    assert.ok(result.lines.some((l) => l.startsWith('table vn-stock-quotes: created')));
  });
});
