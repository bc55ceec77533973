import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { CQL_TABLES } from '../../core/cql/schema.ts';
import { buildPipeline } from '../../infra/build.ts';
import type { InfraContextError } from '../../infra/context.ts';
import { ACCEPTED_FINDINGS } from '../../infra/nag-suppressions.ts';
import { resourcesOf, synthPipeline, testApp } from '../support/synth.ts';

// Context values from `-c` arrive as strings, so pass them that way.
const external = synthPipeline({ ingestHost: 'external', keyspaces: 'true' }).template;

describe('ingestHost=external', () => {
  const template = external;

  it('is synthesized once per test process: the same context, in any order, gives the same template', () => {
    assert.equal(synthPipeline({ keyspaces: 'true', ingestHost: 'external' }).template, external);
  });

  it('leaves ECS and its network out entirely', () => {
    for (const type of [
      'AWS::ECS::Cluster',
      'AWS::ECS::Service',
      'AWS::ECS::TaskDefinition',
      'AWS::EC2::VPC',
    ]) {
      template.resourceCountIs(type, 0);
    }
    const outputs = Object.keys(template.toJSON().Outputs);
    assert.ok(!outputs.includes('IngestServiceName') && !outputs.includes('IngestClusterName'));
  });

  it('keeps the schedule, without ECS settings on session-control', () => {
    template.resourceCountIs('AWS::Events::Rule', 6); // 5 session rules + reconcile
    const schedule = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('ScheduleFunction'),
    );
    assert.ok(schedule);
    const variables = (schedule[1].Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    assert.deepEqual(Object.keys(variables).sort(), ['CONTROL_TABLE', 'NODE_OPTIONS']);
  });
});

describe('keyspaces=true', () => {
  const template = external;

  it('creates the keyspace and one table per CQL table of core/cql/schema.ts', () => {
    template.hasResourceProperties('AWS::Cassandra::Keyspace', {
      KeyspaceName: 'vn_stock',
      ReplicationSpecification: { ReplicationStrategy: 'SINGLE_REGION' },
    });
    template.resourceCountIs('AWS::Cassandra::Table', CQL_TABLES.length);
    for (const table of CQL_TABLES) {
      template.hasResource('AWS::Cassandra::Table', {
        Properties: {
          KeyspaceName: 'vn_stock',
          TableName: table.name,
          PartitionKeyColumns: table.partitionKey.map((c) => ({ ColumnName: c.name, ColumnType: c.type })),
          ClusteringKeyColumns: table.clustering.length
            ? table.clustering.map((c) => ({
                Column: { ColumnName: c.name, ColumnType: c.type },
                OrderBy: c.order,
              }))
            : Match.absent(),
          RegularColumns: table.columns.map((c) => ({ ColumnName: c.name, ColumnType: c.type })),
          BillingMode: { Mode: 'ON_DEMAND' },
          PointInTimeRecoveryEnabled: true,
          EncryptionSpecification: { EncryptionType: 'AWS_OWNED_KMS_KEY' },
          ClientSideTimestampsEnabled: table.clientSideTimestamps ? true : Match.absent(),
        },
        DependsOn: [Match.stringLikeRegexp('KeyspacesKeyspace')],
      });
    }
  });

  it('tells the transform to write both sinks, to the regional endpoint', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SINK: 'both',
          KEYSPACE_NAME: 'vn_stock',
          CASSANDRA_LOCAL_DC: { Ref: 'AWS::Region' },
          CASSANDRA_CONTACT_POINTS: {
            'Fn::Join': ['', ['cassandra.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
          },
        }),
      },
    });
    assert.ok(Object.keys(template.toJSON().Outputs).includes('KeyspaceName'));
  });
});

describe('stream capacity context', () => {
  it('makes an on-demand stream without a shard count, and passes the parallelization factor and batching window', () => {
    const { template } = synthPipeline({
      ingestHost: 'external',
      streamMode: 'on-demand',
      parallelizationFactor: '4',
      batchWindowSeconds: '2',
      namePrefix: 'test',
    });
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'test-frames',
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      ShardCount: Match.absent(),
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ParallelizationFactor: 4,
      MaximumBatchingWindowInSeconds: 2,
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'test-trades' });
  });

  it('follows dataRemoval for the stream and the data tables, and sets the batch size', () => {
    const destroy = synthPipeline({
      ingestHost: 'external',
      dataRemoval: 'destroy',
      batchSize: '100',
    }).template;
    destroy.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    destroy.hasResource('AWS::DynamoDB::Table', {
      Properties: { TableName: 'vn-stock-trades' },
      DeletionPolicy: 'Delete',
    });
    destroy.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 100 });
    external.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    external.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 2000 });
  });

  it('rejects a context value it does not understand, naming the key', () => {
    const build = (context: Record<string, unknown>) => buildPipeline(testApp(context));
    assert.throws(
      () => build({ ingestHost: 'ec2' }),
      (e: InfraContextError) => e.key === 'ingestHost',
    );
    assert.throws(() => build({ shardCount: '0' }), /context shardCount: expected an integer in 1\.\.500/);
    assert.throws(() => build({ parallelizationFactor: 11 }), { code: 'INFRA_CONTEXT_INVALID' });
    assert.throws(
      () => build({ batchWindowSeconds: '301' }),
      /context batchWindowSeconds: expected an integer in 1\.\.300/,
    );
    assert.throws(() => build({ keyspaces: 'yes' }), /context keyspaces/);
    assert.throws(() => build({ namePrefix: 'Bad_Prefix' }), /context namePrefix/);
  });
});

describe('cdk-nag gate', () => {
  it('fails the synth on a finding nobody acknowledged', () => {
    const app = testApp({ ingestHost: 'external' });
    const stack = buildPipeline(app);
    new Queue(stack, 'PlainQueue'); // no DLQ, no TLS-only policy
    let message = '';
    assert.throws(
      () => Template.fromStack(stack),
      (e: Error) => {
        message = e.message;
        return /Validation failed/.test(message);
      },
    );
    const reportPath = /found in: (\S+\.json)/.exec(message)?.[1];
    assert.ok(reportPath, message);
    const report = readFileSync(reportPath, 'utf8');
    assert.match(report, /AwsSolutions-SQS4/);
    assert.match(report, /PlainQueue/);
    assert.doesNotMatch(report, /Transform\/Dlq/, 'acknowledged findings are not reported');
  });

  it('acknowledges each accepted finding on an existing construct, with a reason', () => {
    const app = testApp({ keyspaces: true });
    const stack = buildPipeline(app);
    for (const finding of ACCEPTED_FINDINGS) {
      assert.ok(stack.node.tryFindChild(finding.path.split('/')[0]), finding.path);
      assert.ok(
        finding.path
          .split('/')
          .reduce<typeof stack.node | undefined>((n, id) => n?.tryFindChild(id)?.node, stack.node),
        `${finding.id} on ${finding.path}`,
      );
      assert.ok(finding.reason.length > 20, `${finding.id} has a reason`);
    }
  });
});
