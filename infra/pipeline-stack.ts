/**
 * The whole pipeline in one stack: stream, tables, transform, schedule, and (per
 * context) the Fargate ingest service, the Keyspaces sink, plus the dashboard and alarms.
 * Table, stream and queue names are stack outputs (the query scripts and the embedded
 * runtime use the same names).
 *
 * @example
 * const app = new App();
 * new PipelineStack(app, 'VnStockStream', { settings: readSettings(app.node) });
 */
import type { StackProps } from 'aws-cdk-lib';
import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ENV } from '../core/settings.ts';
import { TABLES } from '../core/tables.ts';
import { ExchangeReconcile } from './constructs/exchange-reconcile.ts';
import { FrameArchive } from './constructs/frame-archive.ts';
import { FrameStream, streamName } from './constructs/frame-stream.ts';
import { IngestService } from './constructs/ingest-service.ts';
import { KeyspacesSink, keyspacesEndpoint } from './constructs/keyspaces.ts';
import { OperationsDashboard } from './constructs/operations-dashboard.ts';
import { PipelineTables } from './constructs/pipeline-tables.ts';
import { SessionSchedule } from './constructs/session-schedule.ts';
import { Transform } from './constructs/transform.ts';
import type { PipelineSettings } from './context.ts';
import { DATA_REMOVAL, INGEST_HOSTS } from './context.ts';
import { FUNCTION_ENTRIES } from './paths.ts';

/** Overrides of the code locations (tests point them at scratch files); defaults are the real ones. */
export type PipelineSources = {
  readonly transformEntry?: string;
  readonly sessionControlEntry?: string;
  readonly reconcileEntry?: string;
  readonly ingestBuildContext?: string;
  readonly ingestDockerfile?: string;
};

export type PipelineStackProps = StackProps & {
  readonly settings: PipelineSettings;
  /** @default the files under functions/ and ingest-task/ */
  readonly sources?: PipelineSources;
};

/** Stack output names (the deploy script and the tests read them). */
export const OUTPUTS = {
  streamName: 'StreamName',
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
  transformFunctionName: 'TransformFunctionName',
  sessionControlFunctionName: 'SessionControlFunctionName',
  reconcileFunctionName: 'ReconcileFunctionName',
  dashboardName: 'DashboardName',
  keyspaceName: 'KeyspaceName',
  archiveBucketName: 'ArchiveBucketName',
  ingestClusterName: 'IngestClusterName',
  ingestServiceName: 'IngestServiceName',
} as const;

/** Output name of a table's physical name: `TradesTableName`, `QuotesTableName`... */
export function tableOutputName(table: string): string {
  return `${table[0].toUpperCase()}${table.slice(1)}TableName`;
}

export class PipelineStack extends Stack {
  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { settings, sources = {} } = props;
    const prefix = settings.namePrefix;

    const dataRemoval =
      settings.dataRemoval === DATA_REMOVAL.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const { stream } = new FrameStream(this, 'Frames', {
      streamName: streamName(prefix),
      mode: settings.streamMode,
      shardCount: settings.shardCount,
      removalPolicy: dataRemoval,
    });
    const tables = new PipelineTables(this, 'Tables', { namePrefix: prefix, removalPolicy: dataRemoval });
    const archive = new FrameArchive(this, 'Archive', { removalPolicy: dataRemoval });

    const keyspaces = settings.keyspaces
      ? new KeyspacesSink(this, 'Keyspaces', { keyspaceName: prefix.replaceAll('-', '_') })
      : undefined;
    const transform = new Transform(this, 'Transform', {
      stream,
      tables: tables.byName,
      archiveBucket: archive.bucket,
      parallelizationFactor: settings.parallelizationFactor,
      batchWindowSeconds: settings.batchWindowSeconds,
      batchSize: settings.batchSize,
      entry: sources.transformEntry,
      withKeyspaces: keyspaces !== undefined,
      environment: keyspaces
        ? {
            [ENV.SINK]: 'both',
            [ENV.KEYSPACE_NAME]: keyspaces.keyspaceName,
            [ENV.CASSANDRA_CONTACT_POINTS]: keyspacesEndpoint(this.region),
            [ENV.CASSANDRA_LOCAL_DC]: this.region,
          }
        : { [ENV.SINK]: 'dynamodb' },
    });
    keyspaces?.grantWrite(transform.fn);

    const ingest =
      settings.ingestHost === INGEST_HOSTS.FARGATE
        ? new IngestService(this, 'Ingest', {
            stream,
            controlTable: tables.byName.control,
            buildContext: sources.ingestBuildContext,
            dockerfile: sources.ingestDockerfile,
          })
        : undefined;
    const schedule = new SessionSchedule(this, 'Schedule', {
      controlTable: tables.byName.control,
      entry: sources.sessionControlEntry ?? FUNCTION_ENTRIES.sessionControl,
      ingestService: ingest
        ? { clusterName: ingest.cluster.clusterName, service: ingest.service }
        : undefined,
    });

    const alarmAction = settings.alarmTopicArn
      ? new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn))
      : undefined;
    const ops = new OperationsDashboard(this, 'Operations', {
      dashboardName: prefix,
      stream,
      transform: transform.fn,
      deadLetterQueue: transform.deadLetterQueue,
      ingestService: ingest?.service,
      alarmAction,
    });
    const reconcile = new ExchangeReconcile(this, 'Reconcile', {
      tradesTable: tables.byName.trades,
      controlTable: tables.byName.control,
      entry: sources.reconcileEntry ?? FUNCTION_ENTRIES.reconcile,
      alarmAction,
    });

    for (const name of TABLES) {
      new CfnOutput(this, tableOutputName(name), { value: tables.byName[name].tableName });
    }
    new CfnOutput(this, OUTPUTS.streamName, { value: stream.streamName });
    new CfnOutput(this, OUTPUTS.deadLetterQueueUrl, { value: transform.deadLetterQueue.queueUrl });
    new CfnOutput(this, OUTPUTS.transformFunctionName, { value: transform.fn.functionName });
    new CfnOutput(this, OUTPUTS.sessionControlFunctionName, { value: schedule.fn.functionName });
    new CfnOutput(this, OUTPUTS.archiveBucketName, { value: archive.bucket.bucketName });
    new CfnOutput(this, OUTPUTS.reconcileFunctionName, { value: reconcile.fn.functionName });
    new CfnOutput(this, OUTPUTS.dashboardName, { value: ops.dashboard.dashboardName });
    if (keyspaces) new CfnOutput(this, OUTPUTS.keyspaceName, { value: keyspaces.keyspaceName });
    if (ingest) {
      new CfnOutput(this, OUTPUTS.ingestClusterName, { value: ingest.cluster.clusterName });
      new CfnOutput(this, OUTPUTS.ingestServiceName, { value: ingest.service.serviceName });
    }
  }
}
