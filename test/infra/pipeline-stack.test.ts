import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { METRIC_NAMESPACE } from '../../core/metric-names.ts';
import { TABLES } from '../../core/tables.ts';
import { OUTPUTS, tableOutputName } from '../../infra/pipeline-stack.ts';
import { resourcesOf, synthPipeline } from '../support/synth.ts';

// The default deployment (cdk.json): ingest on Fargate, provisioned stream, no Keyspaces.
const { template } = synthPipeline();

describe('stream', () => {
  it('is provisioned with 1 shard, encrypted with the AWS-managed key, 24 h retention', () => {
    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'vn-stock-frames',
      ShardCount: 1,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 24,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });
});

describe('tables', () => {
  it('creates the six tables of core/tables.ts with their key layout', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', TABLES.length);
    for (const name of ['trades', 'bars', 'indices', 'rejects']) {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `vn-stock-${name}`,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
      });
    }
    for (const name of ['quotes', 'control']) {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `vn-stock-${name}`,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      });
    }
  });

  it('makes every table on-demand, with PITR and KMS encryption', () => {
    const tables = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table'));
    for (const table of tables) {
      assert.equal(table.Properties.BillingMode, 'PAY_PER_REQUEST', String(table.Properties.TableName));
      assert.deepEqual(table.Properties.PointInTimeRecoverySpecification, {
        PointInTimeRecoveryEnabled: true,
      });
      assert.deepEqual(table.Properties.SSESpecification, { SSEEnabled: true });
    }
  });

  it('expires rejects through TTL on expiresAt, and retains the data tables on delete', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'vn-stock-rejects',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: { TableName: 'vn-stock-trades' },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: { TableName: 'vn-stock-control' },
      DeletionPolicy: 'Delete',
    });
  });
});

describe('transform function and its event source', () => {
  it('runs Node.js 22 on arm64 with source maps, the table names and the sink', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1536,
      Timeout: 120,
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          TRADES_TABLE: { Ref: Match.stringLikeRegexp('Tablestrades') },
          QUOTES_TABLE: { Ref: Match.stringLikeRegexp('Tablesquotes') },
          BARS_TABLE: { Ref: Match.stringLikeRegexp('Tablesbars') },
          INDICES_TABLE: { Ref: Match.stringLikeRegexp('Tablesindices') },
          REJECTS_TABLE: { Ref: Match.stringLikeRegexp('Tablesrejects') },
          SINK: 'dynamodb',
        },
      },
    });
  });

  it('reads the stream in batches with partial failures, bisect, finite retries and a DLQ', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FramesStream'), 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 2000,
      MaximumBatchingWindowInSeconds: 20,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 6 * 3600,
      ParallelizationFactor: 1,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('TransformDlq'), 'Arn'] } },
      },
    });
  });

  it('gives the DLQ SQS-managed encryption, 14 days retention and TLS-only access', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('gives each function a log group with a retention', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'));
    assert.equal(groups.length, 4, 'transform, session-control, reconcile, ingest');
    for (const group of groups) assert.equal(group.Properties.RetentionInDays, 14);
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('TransformFunctionLogs') } },
    });
  });
});

describe('ingest service (Fargate)', () => {
  it('runs one arm64 task definition with a 30 s stop timeout, logs and the pipeline settings', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      Cpu: '256',
      Memory: '512',
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [
        Match.objectLike({
          StopTimeout: 30,
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
          Environment: Match.arrayWith([
            { Name: 'STREAM_NAME', Value: { Ref: Match.stringLikeRegexp('FramesStream') } },
            { Name: 'CONTROL_TABLE', Value: { Ref: Match.stringLikeRegexp('Tablescontrol') } },
            { Name: 'INGEST_MODE', Value: 'control' },
            { Name: 'DRAIN_DEADLINE_SECONDS', Value: '25' },
          ]),
        }),
      ],
    });
  });

  it('starts at 0 tasks, public IP, no load balancer, circuit breaker on', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 0,
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) },
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      }),
      LoadBalancers: [],
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
  });

  it('has outbound-only networking: public subnets, no NAT gateway, no inbound rule', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    for (const subnet of Object.values(resourcesOf(template, 'AWS::EC2::Subnet'))) {
      assert.equal(subnet.Properties.MapPublicIpOnLaunch, true);
    }
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('outbound only'),
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1', Description: Match.anyValue() }],
    });
  });

  it('lets session-control drive the service', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CONTROL_TABLE: { Ref: Match.stringLikeRegexp('Tablescontrol') },
          ECS_CLUSTER: { Ref: Match.stringLikeRegexp('IngestCluster') },
          ECS_SERVICE: { 'Fn::GetAtt': [Match.stringLikeRegexp('IngestService'), 'Name'] },
        }),
      },
    });
  });
});

describe('dashboard and alarms', () => {
  it('creates one dashboard with the pipeline metrics', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const dashboard = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of [
      'FramesIn',
      'RecordsPut',
      'RowsWritten',
      'Rejects',
      'SessionOpen',
      'IteratorAge',
      'VolumeGap',
      'VolumePreExisting',
      'IngestSource',
      'TransportSwitches',
    ]) {
      assert.ok(body.includes(metric), `dashboard shows ${metric}`);
    }
    assert.ok(body.includes('ApproximateNumberOfMessagesVisible'), 'dashboard shows the DLQ depth');
    assert.ok(body.includes('CPUUtilization'), 'dashboard shows the Fargate task');
  });

  it('alarms on iterator age, a non-empty DLQ, no frames during an open session and the reject rate', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5); // + reconcile mismatches (exchange-reconcile.test.ts)
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(FILL(frames, 0) > 0, 100 * FILL(rejects, 0) / frames, 0)' }),
        Match.objectLike({
          Id: 'rejects',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({
              MetricName: 'Rejects',
              Dimensions: [{ Name: 'service', Value: 'transform' }],
            }),
            Period: 300,
          }),
        }),
        Match.objectLike({
          Id: 'frames',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'FramesTotal' }),
            Period: 300,
          }),
        }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: 120_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression: 'IF(sessionOpen >= 1 AND FILL(frames, 0) < 1, 1, 0)',
          ReturnData: true,
        }),
        Match.objectLike({
          Id: 'sessionOpen',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({
              MetricName: 'SessionOpen',
              Dimensions: [{ Name: 'service', Value: 'session-control' }],
            }),
          }),
        }),
        Match.objectLike({
          Id: 'frames',
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: METRIC_NAMESPACE,
              MetricName: 'FramesIn',
              Dimensions: [{ Name: 'service', Value: 'ingest' }],
            },
          }),
        }),
      ]),
      EvaluationPeriods: 2,
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('outputs', () => {
  it('prints every table name, the stream name, the DLQ URL and the ingest service', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    for (const name of TABLES) assert.ok(outputs[tableOutputName(name)], `output ${tableOutputName(name)}`);
    for (const name of Object.values(OUTPUTS).filter((o) => o !== OUTPUTS.keyspaceName)) {
      assert.ok(outputs[name], `output ${name}`);
    }
    const ref = (name: string) => (outputs[name].Value as { Ref?: string }).Ref ?? '';
    assert.match(ref('TradesTableName'), /^Tablestrades/);
    assert.match(ref('StreamName'), /^FramesStream/);
    assert.match(ref('DeadLetterQueueUrl'), /^TransformDlq/, 'a queue Ref is its URL');
  });
});
