/**
 * The transform function and its Kinesis event source mapping: batches of records in,
 * rows in the tables out, failed batches (after retries) to an SQS on-failure
 * destination that holds the shard and sequence range of each, for replay.
 *
 * @example
 * const transform = new Transform(this, 'Transform', { stream, tables: tables.byName, parallelizationFactor: 1 });
 * transform.deadLetterQueue.queueUrl;
 */
import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../core/settings.ts';
import type { TableName } from '../../core/tables.ts';
import { FUNCTION_ENTRIES } from '../paths.ts';
import { PipelineFunction } from './pipeline-function.ts';

export type TransformProps = {
  readonly stream: IStream;
  readonly tables: Readonly<Record<TableName, Table>>;
  /** The raw-feed archive: every batch is written there before it is derived. @default no archive */
  readonly archiveBucket?: IBucket;
  /** Concurrent batches per shard (1..10). @default 1 */
  readonly parallelizationFactor?: number;
  /** The event source's maximum batching window, seconds (1..300). @default 20 */
  readonly batchWindowSeconds?: number;
  /** Most records per batch (1..10,000). @default TRANSFORM_EVENT_SOURCE.batchSize */
  readonly batchSize?: number;
  /** Extra environment (the Keyspaces sink settings). @default {} */
  readonly environment?: Record<string, string>;
  /** The handler module. @default FUNCTION_ENTRIES.transform */
  readonly entry?: string;
  /**
   * Bundle the Cassandra driver and its SigV4 plugin (the Keyspaces sink). Without
   * them the bundle is ~0.8 MB (0.2 of it the S3 client of the archive) instead of ~10 MB (the plugin pulls in AWS SDK v2);
   * the sink imports them lazily, so a DynamoDB-only function never needs them.
   * @default false
   */
  readonly withKeyspaces?: boolean;
};

/** Loaded only by the Keyspaces sink (functions/transform/sinks/cassandra-client.ts). */
const CASSANDRA_MODULES = ['cassandra-driver', 'aws-sigv4-auth-cassandra-plugin'];

/**
 * Event source settings, each with its reason (figures: bench/results/ingest.json and
 * transform.json, measured on the development machine). The batching window is a stack
 * setting (`batchWindowSeconds`, see infra/context.ts: 20 s by default).
 * - batchSize 2,000 records: the window, not the count, should close a batch at the peak.
 *   The ingest task puts ~40 records/s (8 partition buckets x a 200 ms linger), ~800 in a
 *   20 s window. After a slowdown the backlog is read in batches that Lambda's 6 MB
 *   invocation payload bounds (~100k frames of 50-frame records), which coalesce many
 *   frames per symbol into one quote write and so catch up.
 * - retryAttempts 10 with bisectBatchOnError: 11 halvings isolate one bad record of 2,000
 *   (splitting a batch does not count against the retry quota);
 *   the other attempts ride out throttling (each failure is retried from the first
 *   failed record through ReportBatchItemFailures).
 * - maxRecordAge 6 h: a longer outage sends the batch to the DLQ with 18 of the
 *   stream's 24 h retention left to replay it.
 */
export const TRANSFORM_EVENT_SOURCE = {
  batchSize: 2000,
  retryAttempts: 10,
  maxRecordAge: Duration.hours(6),
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  startingPosition: StartingPosition.TRIM_HORIZON,
} as const;

/**
 * The transform's memory: Lambda's CPU grows with memory (1,536 MB is ~0.9 vCPU), and
 * decoding, parsing and derivation are CPU-bound. It holds the largest batch the 6 MB
 * payload allows with room: a 76,000-frame batch (~6 MB of 50-frame records) peaked at
 * 379 MB in the bench's handler process, 40,000 frames at 375 MB (bench/results/transform.json).
 */
export const TRANSFORM_MEMORY_MB = 1536;

/** 14 days, SQS's maximum: an on-failure pointer is kept long after anyone could miss it. */
export const DLQ_RETENTION = Duration.days(14);

/**
 * Exactly the DynamoDB calls `functions/transform/sinks/dynamodb-sink.ts` makes, per table:
 * append-only batches for trades, indices and rejects; for quotes and bars a batched
 * read of the previous state, then conditional PutItem (newer-only / optimistic).
 * A new call in the sink needs its action here (AccessDenied on AWS otherwise).
 */
export const TRANSFORM_TABLE_ACTIONS = {
  trades: ['dynamodb:BatchWriteItem'],
  indices: ['dynamodb:BatchWriteItem'],
  rejects: ['dynamodb:BatchWriteItem'],
  quotes: ['dynamodb:BatchGetItem', 'dynamodb:PutItem'],
  bars: ['dynamodb:BatchGetItem', 'dynamodb:PutItem'],
} as const satisfies Partial<Record<TableName, readonly string[]>>;

export class Transform extends Construct {
  public readonly fn: PipelineFunction;
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: TransformProps) {
    super(scope, id);
    const { tables } = props;
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      retentionPeriod: DLQ_RETENTION,
      enforceSSL: true,
    });
    this.fn = new PipelineFunction(this, 'Function', {
      entry: props.entry ?? FUNCTION_ENTRIES.transform,
      description: 'Kinesis frames to trades, quotes, bars and indices rows',
      externalModules: props.withKeyspaces ? [] : CASSANDRA_MODULES,
      memorySize: TRANSFORM_MEMORY_MB,
      // A peak batch (~40k frames) is ~10k row writes; a timeout is retried, and bisected,
      // like any error.
      timeout: Duration.seconds(120),
      environment: {
        [ENV.TRADES_TABLE]: tables.trades.tableName,
        [ENV.QUOTES_TABLE]: tables.quotes.tableName,
        [ENV.BARS_TABLE]: tables.bars.tableName,
        [ENV.INDICES_TABLE]: tables.indices.tableName,
        [ENV.REJECTS_TABLE]: tables.rejects.tableName,
        ...props.environment,
      },
    });
    for (const [name, actions] of Object.entries(TRANSFORM_TABLE_ACTIONS)) {
      tables[name as keyof typeof TRANSFORM_TABLE_ACTIONS].grant(this.fn, ...actions);
    }
    if (props.archiveBucket) {
      // PutObject only (grantPut would add tagging, retention and Abort*): the transform
      // never reads, lists or deletes the archive.
      this.fn.addEnvironment(ENV.ARCHIVE_BUCKET, props.archiveBucket.bucketName);
      this.fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:PutObject'],
          resources: [props.archiveBucket.arnForObjects('*')],
        }),
      );
    }
    this.fn.addEventSource(
      new KinesisEventSource(props.stream, {
        ...TRANSFORM_EVENT_SOURCE,
        parallelizationFactor: props.parallelizationFactor ?? 1,
        maxBatchingWindow: Duration.seconds(props.batchWindowSeconds ?? 20),
        batchSize: props.batchSize ?? TRANSFORM_EVENT_SOURCE.batchSize,
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );
  }
}
